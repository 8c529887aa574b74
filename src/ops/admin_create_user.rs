//! AdminCreateUser: a FORCE_CHANGE_PASSWORD user with a temporary password (given or generated) and an
//! invitation through the outbox; MessageAction RESEND re-invites, SUPPRESS sends nothing. Seed files
//! create their users here too, with a [`Preset`] for what they fix beyond the request.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::accounts::{self, NewAccount, NewPassword};
use crate::app::Ctx;
use crate::codes;
use crate::domain::attributes::{self, AttributeType, Attributes, Writer};
use crate::domain::usernames::{self, Creator};
use crate::domain::{UserStatus, ids, password_policy};
use crate::err;
use crate::error::Result;
use crate::mail::{Delivery, Kind, Medium};
use crate::ops::{load, shapes};
use crate::store::pools::PoolRow;
use crate::store::users::{self, UserRow};
use crate::triggers::events::{self, PreSignUpEvent};
use crate::triggers::{self, Caller, Trigger};

/// AdminCreateUserRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
    user_attributes: Option<Vec<AttributeType>>,
    validation_data: Option<Vec<AttributeType>>,
    temporary_password: Option<String>,
    #[serde(default)]
    force_alias_creation: bool,
    message_action: Option<String>,
    desired_delivery_mediums: Option<Vec<String>>,
    client_metadata: Option<HashMap<String, String>>,
}

/// What a seed file fixes beyond an AdminCreateUser request.
#[derive(Debug, Clone)]
pub struct Preset {
    /// The user's `sub`.
    pub sub: Option<String>,
    /// The status the user starts in.
    pub status: UserStatus,
    /// Whether the user may sign in.
    pub enabled: bool,
    /// The user's password.
    pub password: PresetPassword,
}

/// A seeded user's password.
#[derive(Debug, Clone)]
pub enum PresetPassword {
    /// The request's TemporaryPassword (checked against the policy), or a generated one when absent.
    FromRequest,
    /// An exported argon2id hash with its SRP salt and verifier (the password stays what it was).
    Exported {
        /// PHC string.
        hash: String,
        /// SRP salt.
        salt: Vec<u8>,
        /// SRP verifier.
        verifier: Vec<u8>,
    },
    /// No password (passwordless sign-in only).
    None,
}

/// A temporary password that satisfies the pool's policy.
fn generate_password(min: u32) -> String {
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const DIGITS: &[u8] = b"23456789";
    const SYMBOLS: &[u8] = b"!#$%&*+-=?@^_";
    let pick = |set: &[u8]| set[rand::random_range(0..set.len())] as char;
    let len = (min as usize).max(12);
    let mut chars: Vec<char> = vec![pick(UPPER), pick(LOWER), pick(DIGITS), pick(SYMBOLS)];
    let all: Vec<u8> = [UPPER, LOWER, DIGITS, SYMBOLS].concat();
    while chars.len() < len {
        chars.push(pick(&all));
    }
    // Shuffle so the classes are not always in the same places.
    for i in (1..chars.len()).rev() {
        chars.swap(i, rand::random_range(0..=i));
    }
    chars.into_iter().collect()
}

/// The invitations to send, one per desired medium the user can receive, rendered.
fn invitations(
    ctx: &Ctx,
    pool: &PoolRow,
    username: &str,
    typed: &str,
    context: &codes::Context<'_>,
    attrs: &Attributes,
    password: &str,
    mediums: &[Medium],
) -> Result<Vec<codes::Prepared>> {
    let mut out = Vec::new();
    for medium in mediums {
        let Some(address) = attributes::get(attrs, medium.attribute()) else {
            continue;
        };
        let message = codes::Message {
            pool,
            username,
            shown_username: typed,
            kind: Kind::Invitation,
            delivery: Delivery::to(*medium, address),
            code: password.to_string(),
            context: context.clone(),
        };
        out.push(codes::prepare(ctx, message)?);
    }
    Ok(out)
}

/// The desired delivery mediums (SMS when the request names none).
fn mediums(req: &Request) -> Result<Vec<Medium>> {
    match &req.desired_delivery_mediums {
        None => Ok(vec![Medium::Sms]),
        Some(list) => list
            .iter()
            .map(|m| {
                Medium::parse(m)
                    .ok_or_else(|| err!(InvalidParameterException, "Invalid delivery medium {m}"))
            })
            .collect(),
    }
}

/// Creates (or re-invites) the user.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let user = create(ctx, req, None)?;
    Ok(json!({"User": shapes::UserType::of(&user)}))
}

/// Re-sends the invitation with a new temporary password (MessageAction RESEND).
fn resend(ctx: &Ctx, pool: &PoolRow, req: &Request, password: &str) -> Result<UserRow> {
    let user = ctx
        .app
        .store
        .read(|c| users::resolve(c, &pool.id, &pool.config, &req.username))?
        .ok_or_else(|| err!(UserNotFoundException, "User does not exist."))?;
    if user.status != UserStatus::ForceChangePassword {
        return Err(err!(
            UnsupportedUserStateException,
            "Resend not possible. {} status is not FORCE_CHANGE_PASSWORD",
            req.username
        ));
    }
    let context = codes::Context::new(Caller::NotApplicable, None).with_user(pool, &user);
    let invites = invitations(
        ctx,
        pool,
        &user.username,
        &req.username,
        &context,
        &user.attributes,
        password,
        &mediums(req)?,
    )?;
    // Hashed only once the request is known to be good (argon2 is the costly step).
    let new = NewPassword::compute(ctx, &pool.id, &user.username, password)?;
    let now = ctx.now();
    ctx.app.store.write(|c| {
        new.store(c, user.pk, now)?;
        invites.iter().try_for_each(|m| codes::queue(c, m, now))
    })?;
    ctx.app.passwords.forget(user.pk);
    codes::sent(ctx, &invites);
    accounts::reload(ctx, user.pk)
}

/// Creates the user (AdminCreateUser, or a seed file's user with its `preset`: seeds run no triggers).
pub fn create(ctx: &Ctx, req: Request, preset: Option<Preset>) -> Result<UserRow> {
    let creation = match prepare(ctx, req, preset)? {
        Prepared::Resent(user) => return Ok(user),
        Prepared::New(creation) => creation,
    };
    let now = ctx.now();
    let pk = ctx.app.store.write(|c| creation.insert(c, now))?;
    creation.sent(ctx);
    accounts::reload(ctx, pk)
}

/// What [`prepare`] leads to.
pub enum Prepared {
    /// MessageAction RESEND: the invitation went again, nothing more to write.
    Resent(UserRow),
    /// A new user, checked and hashed, to be written.
    New(Creation),
}

/// A new user ready to be written: everything AdminCreateUser checks and computes before its one write
/// (a seed file writes many of these in one transaction).
pub struct Creation {
    pool: PoolRow,
    plan: usernames::UsernamePlan,
    sub: String,
    attrs: Attributes,
    status: UserStatus,
    enabled: bool,
    hash: Option<String>,
    srp: Option<(Vec<u8>, Vec<u8>)>,
    force_alias_creation: bool,
    invites: Vec<codes::Prepared>,
}

impl Creation {
    /// The user's (internal) username.
    pub fn username(&self) -> &str {
        &self.plan.username
    }

    /// Writes the user and queues its invitations in transaction `c`; the new row id.
    pub fn insert(&self, c: &rusqlite::Connection, now: f64) -> Result<i64> {
        let account = NewAccount {
            pool: &self.pool,
            plan: &self.plan,
            sub: &self.sub,
            attributes: &self.attrs,
            status: self.status,
            enabled: self.enabled,
            password: match (&self.hash, &self.srp) {
                (Some(h), Some((s, v))) => Some((h.as_str(), s.as_slice(), v.as_slice())),
                _ => None,
            },
            force_alias_creation: self.force_alias_creation,
        };
        let pk = accounts::insert(c, &account, now)?;
        self.invites
            .iter()
            .try_for_each(|m| codes::queue(c, m, now))?;
        Ok(pk)
    }

    /// After the commit: wakes the mail relay for the invitations.
    pub fn sent(&self, ctx: &Ctx) {
        codes::sent(ctx, &self.invites);
    }
}

/// Checks the request (and runs PreSignUp), renders the invitations and hashes the password: all of
/// AdminCreateUser but the write.
pub fn prepare(ctx: &Ctx, req: Request, preset: Option<Preset>) -> Result<Prepared> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let cfg = &pool.config;
    let policy = &cfg.policies.password_policy;
    let from_request = preset
        .as_ref()
        .is_none_or(|p| matches!(p.password, PresetPassword::FromRequest));
    let password = match &req.temporary_password {
        Some(p) if from_request => {
            password_policy::check(policy, p)?;
            Some(p.clone())
        }
        None if from_request => Some(generate_password(policy.minimum_length)),
        _ => None,
    };
    if req.message_action.as_deref() == Some("RESEND") {
        let password = password.unwrap_or_else(|| generate_password(policy.minimum_length));
        return resend(ctx, &pool, &req, &password).map(Prepared::Resent);
    }
    let suppress = preset.is_some() || req.message_action.as_deref() == Some("SUPPRESS");

    let sub = preset
        .as_ref()
        .and_then(|p| p.sub.clone())
        .unwrap_or_else(ids::uuid);
    let plan = usernames::plan(cfg, &req.username, &sub, Creator::Admin)?;
    let requested = attributes::pairs(req.user_attributes.as_ref());
    attributes::check_new(cfg, Writer::Admin, &requested)?;
    let attrs = accounts::initial_attributes(&sub, requested, &plan);
    // PreSignUp_AdminCreateUser may refuse (its auto-confirm and auto-verify answers are ignored, as AWS
    // ignores them here).
    if preset.is_none() && triggers::configured(&pool, Trigger::PreSignUp) {
        let validation = attributes::as_map(req.validation_data.as_ref());
        let event = PreSignUpEvent {
            source: "PreSignUp_AdminCreateUser",
            user_name: &plan.username,
            caller: Caller::NotApplicable,
            attributes: triggers::plain_attributes(&attrs),
            validation_data: validation.as_ref(),
            client_metadata: req.client_metadata.as_ref(),
        };
        events::pre_sign_up(ctx, &pool, event)?;
    }
    let (status, enabled) = preset
        .as_ref()
        .map_or((UserStatus::ForceChangePassword, true), |p| {
            (p.status, p.enabled)
        });
    let invites = match (&password, suppress) {
        (Some(p), false) => {
            let context =
                codes::Context::new(Caller::NotApplicable, None).with_attributes(&attrs, status);
            invitations(
                ctx,
                &pool,
                &plan.username,
                &req.username,
                &context,
                &attrs,
                p,
                &mediums(&req)?,
            )?
        }
        _ => Vec::new(),
    };
    let (hash, srp) = match (&password, preset.as_ref().map(|p| &p.password)) {
        (Some(p), _) => {
            let new = NewPassword::compute(ctx, &pool.id, &plan.username, p)?;
            (Some(new.hash), Some((new.srp.salt, new.srp.verifier)))
        }
        (
            None,
            Some(PresetPassword::Exported {
                hash,
                salt,
                verifier,
            }),
        ) => (Some(hash.clone()), Some((salt.clone(), verifier.clone()))),
        _ => (None, None),
    };
    Ok(Prepared::New(Creation {
        pool,
        plan,
        sub,
        attrs,
        status,
        enabled,
        hash,
        srp,
        force_alias_creation: req.force_alias_creation,
        invites,
    }))
}
