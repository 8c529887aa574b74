//! Accounts: setting a password (checked, hashed, with its SRP verifier) and creating a user with its
//! sign-in aliases — shared by SignUp, AdminCreateUser, seed files and UserMigration.

use crate::app::Ctx;
use crate::domain::UserStatus;
use crate::domain::attributes::{self, Attributes};
use crate::domain::usernames::UsernamePlan;
use crate::err;
use crate::error::Result;
use crate::store::pools::PoolRow;
use crate::store::users::{self, NewUser, UserRow, exists_error};

/// A new password, checked and hashed, ready to store.
pub struct NewPassword {
    /// argon2id hash.
    pub hash: String,
    /// SRP verifier over the internal username.
    pub srp: crate::crypto::srp::Verifier,
}

impl NewPassword {
    /// The (hash, salt, verifier) [`NewAccount::password`] takes.
    pub fn parts(&self) -> (&str, &[u8], &[u8]) {
        (&self.hash, &self.srp.salt, &self.srp.verifier)
    }

    /// Checks `password` against the pool's policy and the user's password history, then hashes it and
    /// computes its SRP verifier — the slow part, done outside any database lock.
    pub fn prepare(
        ctx: &Ctx,
        pool: &PoolRow,
        user: &UserRow,
        password: &str,
    ) -> Result<NewPassword> {
        let policy = &pool.config.policies.password_policy;
        crate::domain::password_policy::check(policy, password)?;
        let history = policy.password_history_size.unwrap_or(0) as usize;
        if history > 0 {
            // The current password counts as one of the remembered ones.
            let mut recent: Vec<&str> = user.password_hash.iter().map(String::as_str).collect();
            recent.extend(
                user.password_history
                    .iter()
                    .rev()
                    .take(history.saturating_sub(1))
                    .map(String::as_str),
            );
            if recent
                .iter()
                .any(|h| ctx.app.passwords.matches(h, password))
            {
                return Err(err!(
                    PasswordHistoryPolicyViolationException,
                    "The password has been used previously."
                ));
            }
        }
        NewPassword::compute(ctx, &pool.id, &user.username, password)
    }

    /// The hash and SRP verifier of `password` for `username`, without any policy or history check
    /// (temporary passwords, and callers that checked the policy themselves).
    pub fn compute(
        ctx: &Ctx,
        pool_id: &str,
        username: &str,
        password: &str,
    ) -> Result<NewPassword> {
        // The argon2 hash and the SRP verifier take about as long each: on two threads when a core is
        // free.
        let app = ctx.app.clone();
        let secret = password.to_string();
        let (hash, srp) = ctx.in_parallel(
            move || app.passwords.hash(&secret),
            || {
                crate::crypto::srp::make_verifier(
                    crate::domain::ids::pool_name(pool_id),
                    username,
                    password,
                )
            },
        );
        Ok(NewPassword { hash: hash?, srp })
    }

    /// Stores it for user `pk` (the previous hash joins the history).
    pub fn store(&self, c: &rusqlite::Connection, pk: i64, now: f64) -> Result<()> {
        users::set_password(c, pk, &self.hash, &self.srp.salt, &self.srp.verifier, now)
    }
}

/// A new user's attributes: the `sub`, the requested ones, and the email or phone number its username
/// fills.
pub fn initial_attributes(
    sub: &str,
    requested: Vec<(String, Option<String>)>,
    plan: &UsernamePlan,
) -> Attributes {
    let mut attrs = Attributes::new();
    attributes::set(&mut attrs, "sub", sub);
    for (name, value) in requested {
        attributes::set(&mut attrs, &name, value.unwrap_or_default());
    }
    if let Some((attr, value)) = &plan.fills {
        attributes::set(&mut attrs, attr, value.clone());
    }
    attrs
}

/// A user about to be created.
pub struct NewAccount<'a> {
    /// The pool.
    pub pool: &'a PoolRow,
    /// The planned username.
    pub plan: &'a UsernamePlan,
    /// The sub.
    pub sub: &'a str,
    /// All attributes (sub included).
    pub attributes: &'a Attributes,
    /// Initial status.
    pub status: UserStatus,
    /// Whether the user may sign in.
    pub enabled: bool,
    /// argon2id hash with SRP salt and verifier, if the user has a password.
    pub password: Option<(&'a str, &'a [u8], &'a [u8])>,
    /// Take a verified email or phone alias from another user instead of failing.
    pub force_alias_creation: bool,
}

/// Inserts the user with its sign-in identifiers in the caller's transaction: the email or phone number
/// it signs in with, and the pool's aliases (preferred_username, and a verified email or phone number —
/// taken from another user only with `force_alias_creation`).
pub fn insert(c: &rusqlite::Connection, a: &NewAccount<'_>, now: f64) -> Result<i64> {
    let cfg = &a.pool.config;
    let pk = users::insert(
        c,
        &NewUser {
            pool_id: &a.pool.id,
            username: &a.plan.username,
            username_key: &cfg.lookup_key(&a.plan.username),
            sub: a.sub,
            status: a.status,
            enabled: a.enabled,
            attributes: a.attributes,
            password_hash: a.password.map(|(h, _, _)| h),
            srp: a.password.map(|(_, s, v)| (s, v)),
            now,
        },
    )
    .map_err(|e| {
        // The pool may have been deleted while the password was hashed.
        if crate::store::is_foreign_key_violation(&e) {
            crate::store::referenced(c, e, &[crate::store::Ref::Pool(&a.pool.id)])
        } else {
            exists_error(e, &a.plan.taken_message)
        }
    })?;
    if let Some((attr, value)) = &a.plan.fills {
        users::add_alias(c, &a.pool.id, attr, &cfg.lookup_key(value), pk)
            .map_err(|e| exists_error(e, &a.plan.taken_message))?;
    }
    for alias in ["email", "phone_number", "preferred_username"] {
        let verified =
            alias == "preferred_username" || attributes::is_verified(a.attributes, alias);
        let Some(value) = attributes::get(a.attributes, alias) else {
            continue;
        };
        if !cfg.alias_attribute(alias) || !verified {
            continue;
        }
        let alias_key = cfg.lookup_key(value);
        match users::alias_owner(c, &a.pool.id, alias, &alias_key)? {
            Some(owner) if a.force_alias_creation && alias != "preferred_username" => {
                users::remove_alias(c, owner, alias)?;
                if let Some(mut other) = users::by_pk(c, owner)? {
                    attributes::set(&mut other.attributes, &format!("{alias}_verified"), "false");
                    users::set_attributes(c, owner, &other.attributes, now)?;
                }
            }
            Some(_) => {
                return Err(err!(
                    AliasExistsException,
                    "An account with the given {alias} already exists."
                ));
            }
            None => {}
        }
        users::add_alias(c, &a.pool.id, alias, &alias_key, pk)?;
    }
    Ok(pk)
}

/// The stored user `pk` (just written). A concurrent deletion (AdminDeleteUser, DeleteUserPool) may
/// have removed it since: that is AWS's not-found answer, not a fault.
pub fn reload(ctx: &Ctx, pk: i64) -> Result<UserRow> {
    ctx.app
        .store
        .read(|c| users::by_pk(c, pk))?
        .ok_or_else(|| err!(UserNotFoundException, "User does not exist."))
}
