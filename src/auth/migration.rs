//! UserMigration: a user the pool does not know is looked up by the pool's function on a password
//! sign-in (`UserMigration_Authentication`, with the password typed) or a ForgotPassword
//! (`UserMigration_ForgotPassword`), and created here as the function describes it. SRP sign-in never
//! migrates (the password never reaches the server).

use crate::accounts::{self, NewAccount, NewPassword};
use crate::app::Ctx;
use crate::auth::request::InitiateRequest;
use crate::codes;
use crate::domain::attributes::{self, Writer};
use crate::domain::ids;
use crate::domain::mfa::Factor;
use crate::domain::usernames::{self, Creator, UsernamePlan};
use crate::err;
use crate::error::{CognitoError, Result};
use crate::mail::{Delivery, Kind};
use crate::store::clients::ClientRow;
use crate::store::pools::PoolRow;
use crate::store::users::{self, UserRow};
use crate::triggers::events::{self, Migrated};
use crate::triggers::{self, ClientMetadata, Trigger};

/// The answer when the function knows no such user: the simulated "Incorrect username or password."
/// for clients that prevent user-existence errors, else AWS's "Exception migrating user in app client".
fn not_migrated(client: &ClientRow) -> CognitoError {
    if client.config.prevents_user_existence_errors() {
        crate::auth::checks::incorrect()
    } else {
        err!(
            UserNotFoundException,
            "Exception migrating user in app client {}",
            client.id
        )
    }
}

/// UserMigration_Authentication for the unknown user `typed`: the created user, or `None` when the pool
/// has no UserMigration trigger.
pub fn on_sign_in(
    req: &InitiateRequest<'_>,
    typed: &str,
    password: &str,
) -> Result<Option<UserRow>> {
    if !triggers::configured(req.pool, Trigger::UserMigration) {
        return Ok(None);
    }
    let migrated = events::user_migration(
        req.ctx,
        req.pool,
        "UserMigration_Authentication",
        &req.client.id,
        typed,
        Some(password),
        req.client_metadata,
        None,
    )?
    .ok_or_else(|| not_migrated(req.client))?;
    create(req.ctx, req.pool, typed, migrated, Some(password)).map(Some)
}

/// UserMigration_ForgotPassword for the unknown user `typed`: the created user, or `None` when the
/// pool has no UserMigration trigger or the function knows no such user.
pub fn on_forgot_password(
    ctx: &Ctx,
    pool: &PoolRow,
    client: &ClientRow,
    typed: &str,
    client_metadata: Option<&ClientMetadata>,
) -> Result<Option<UserRow>> {
    if !triggers::configured(pool, Trigger::UserMigration) {
        return Ok(None);
    }
    let Some(migrated) = events::user_migration(
        ctx,
        pool,
        "UserMigration_ForgotPassword",
        &client.id,
        typed,
        None,
        None,
        client_metadata,
    )?
    else {
        return Ok(None);
    };
    create(ctx, pool, typed, migrated, None).map(Some)
}

/// The name the migrated user gets: the function's `username` attribute (allowed where the typed name
/// is an alias), else the pool's usual planning for the typed name.
fn plan(pool: &PoolRow, typed: &str, sub: &str, given: Option<&str>) -> Result<UsernamePlan> {
    match given {
        Some(name) if !pool.config.uses_username_attributes() => Ok(UsernamePlan {
            username: name.to_string(),
            fills: None,
            taken_message: "User account already exists".into(),
        }),
        _ => usernames::plan(&pool.config, typed, sub, Creator::Admin),
    }
}

fn create(
    ctx: &Ctx,
    pool: &PoolRow,
    typed: &str,
    m: Migrated,
    password: Option<&str>,
) -> Result<UserRow> {
    let sub = ids::uuid();
    let given = m
        .attributes
        .iter()
        .find(|(k, _)| k == "username")
        .map(|(_, v)| v.clone());
    let plan = plan(pool, typed, &sub, given.as_deref())?;
    let requested: Vec<(String, Option<String>)> = m
        .attributes
        .iter()
        .filter(|(k, _)| k != "username" && k != "sub")
        .map(|(k, v)| (k.clone(), Some(v.clone())))
        .collect();
    attributes::check_new(&pool.config, Writer::Admin, &requested)?;
    let attrs = accounts::initial_attributes(&sub, requested, &plan);
    if m.enable_sms_mfa && attributes::get(&attrs, "phone_number").is_none() {
        return Err(err!(
            InvalidLambdaResponseException,
            "Unrecognizable lambda output"
        ));
    }
    let new = match password {
        Some(p) => Some(NewPassword::compute(ctx, &pool.id, &plan.username, p)?),
        None => None,
    };
    // The welcome message (AdminCreateUser's invitation) unless the function suppressed it.
    let mut welcome = Vec::new();
    if let (Some(p), false) = (password, m.suppress) {
        for medium in &m.mediums {
            if let Some(address) = attributes::get(&attrs, medium.attribute()) {
                let message = codes::Message {
                    pool,
                    username: &plan.username,
                    shown_username: typed,
                    kind: Kind::Invitation,
                    delivery: Delivery::to(*medium, address),
                    code: p.to_string(),
                    context: codes::Context::new(triggers::Caller::NotApplicable, None),
                };
                welcome.push(codes::prepare(ctx, message)?);
            }
        }
    }
    let now = ctx.now();
    let pk = ctx.app.store.write(|c| {
        let pk = accounts::insert(
            c,
            &NewAccount {
                pool,
                plan: &plan,
                sub: &sub,
                attributes: &attrs,
                status: m.status,
                enabled: true,
                password: new.as_ref().map(NewPassword::parts),
                force_alias_creation: m.force_alias_creation,
            },
            now,
        )?;
        if m.enable_sms_mfa {
            if let Some(mut user) = users::by_pk(c, pk)? {
                user.mfa
                    .set(Factor::Sms, Some(true), None, &user.attributes)?;
                users::set_mfa(c, pk, &user.mfa, now)?;
            }
        }
        welcome.iter().try_for_each(|w| codes::queue(c, w, now))?;
        Ok(pk)
    })?;
    codes::sent(ctx, &welcome);
    tracing::info!(pool = pool.id, username = plan.username, "user migrated");
    accounts::reload(ctx, pk)
}
