//! A seed pool's users: checked and hashed on every core, written in file order (the order ListUsers
//! shows them in) by one writer that puts every user ready at that moment into one transaction, then
//! given their groups and linked identities. A user that exists already is kept; so is the second entry
//! of a name given twice. The first entry that fails stops the seed, the users before it written.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Condvar, Mutex};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};

use super::import::{call, internal, name_of, problem, typed};
use super::{SeedError, SeedUser, Summary, fail};
use crate::app::Ctx;
use crate::domain::UserStatus;
use crate::error::CognitoError;
use crate::ops::admin_create_user::{self, Creation, Prepared, Preset, PresetPassword};
use crate::ops::{self, load};
use crate::store;
use crate::store::pools::PoolRow;

/// Users written in one transaction at most.
const BATCH: usize = 256;
/// How far the hashing may run ahead of the writer (bounds the memory of users waiting to be written).
const AHEAD: usize = 1024;

/// One entry, checked and hashed.
enum Ready {
    /// To write.
    New(Box<NewUser>),
    /// Exists already: kept.
    Kept,
}

/// A user to write, then to add to its groups and link to its identities.
struct NewUser {
    creation: Creation,
    path: String,
    groups: Vec<String>,
    links: Vec<Map<String, Value>>,
}

type Outcome = Result<Ready, SeedError>;

struct State {
    /// Entries prepared and not yet written, by index.
    ready: BTreeMap<usize, Outcome>,
    /// The next index to write.
    next: usize,
    /// Set when the seed stops (an entry failed): the workers stop too.
    stop: bool,
}

/// The entries between the workers and the writer.
struct Line {
    state: Mutex<State>,
    changed: Condvar,
}

impl Line {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until entry `j` may be prepared (the writer is less than [`AHEAD`] behind); false when
    /// the seed stopped.
    fn may_prepare(&self, j: usize) -> bool {
        let mut state = self.lock();
        while !state.stop && j >= state.next + AHEAD {
            state = self.changed.wait(state).unwrap_or_else(|p| p.into_inner());
        }
        !state.stop
    }

    fn put(&self, j: usize, outcome: Outcome) {
        self.lock().ready.insert(j, outcome);
        self.changed.notify_all();
    }

    /// The entries ready from the next index on: [`BATCH`] of them, or all that are left of `total`
    /// (waits for them, or for the first that failed). Full batches keep the commits few: each one
    /// writes every page it touched to the WAL, a dozen per user for a transaction of one user.
    fn take(&self, total: usize) -> Vec<(usize, Outcome)> {
        let mut state = self.lock();
        loop {
            let next = state.next;
            let wanted = BATCH.min(total - next);
            // The run of consecutive entries ready from `next`, up to `wanted` or the first failure.
            let (mut run, mut failed) = (0, false);
            for (k, (j, outcome)) in state.ready.range(next..).enumerate() {
                if *j != next + k || run == wanted {
                    break;
                }
                run += 1;
                if outcome.is_err() {
                    failed = true;
                    break;
                }
            }
            if run > 0 && (run == wanted || failed) {
                let mut out = Vec::new();
                while out.len() < BATCH {
                    let j = state.next;
                    let Some(outcome) = state.ready.remove(&j) else {
                        break;
                    };
                    out.push((j, outcome));
                    state.next += 1;
                }
                self.changed.notify_all();
                return out;
            }
            state = self.changed.wait(state).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn stop(&self) {
        self.lock().stop = true;
        self.changed.notify_all();
    }
}

/// Creates the users of pool `pool_id` (see the module documentation).
pub fn apply(
    ctx: &Ctx,
    path: &str,
    pool_id: &str,
    users: Vec<Value>,
    summary: &mut Summary,
) -> Result<(), SeedError> {
    let total = users.len();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let line = Line {
        state: Mutex::new(State {
            ready: BTreeMap::new(),
            next: 0,
            stop: false,
        }),
        changed: Condvar::new(),
    };
    let users: Vec<(usize, Value)> = users.into_iter().enumerate().collect();
    let pool = load::pool(ctx, pool_id).map_err(|e| internal(path, e))?;
    let pool = &pool;
    std::thread::scope(|s| {
        for w in 0..workers {
            let (users, line) = (&users, &line);
            s.spawn(move || {
                for (j, user) in users.iter().filter(|(j, _)| j % workers == w) {
                    if !line.may_prepare(*j) {
                        break;
                    }
                    let outcome = catch_unwind(AssertUnwindSafe(|| {
                        prepare(ctx, path, pool, *j, user.clone())
                    }))
                    .unwrap_or_else(|_| Err(fail(path, "internal error preparing a user")));
                    line.put(*j, outcome);
                }
            });
        }
        let written = write_all(ctx, path, pool_id, &line, total, summary);
        line.stop();
        written
    })
}

/// The writer: batches of ready entries in file order until all are written or one fails.
fn write_all(
    ctx: &Ctx,
    pool_path: &str,
    pool_id: &str,
    line: &Line,
    total: usize,
    summary: &mut Summary,
) -> Result<(), SeedError> {
    let mut done = 0;
    while done < total {
        let batch = line.take(total);
        done += batch.len();
        // Entries up to the first that failed are written; then its error stops the seed.
        let mut failed = None;
        let mut new = Vec::new();
        for (_, outcome) in batch {
            match outcome {
                Ok(Ready::New(user)) => new.push(*user),
                Ok(Ready::Kept) => summary.kept += 1,
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        write_batch(ctx, pool_path, pool_id, &new, summary)?;
        if let Some(e) = failed {
            return Err(e);
        }
    }
    Ok(())
}

/// Writes `new` in one transaction (a savepoint each), then adds each written user to its groups and
/// links its identities. An entry whose name an earlier one took is kept; any other refusal stops the
/// seed with the entries before it written.
fn write_batch(
    ctx: &Ctx,
    pool_path: &str,
    pool_id: &str,
    new: &[NewUser],
    summary: &mut Summary,
) -> Result<(), SeedError> {
    if new.is_empty() {
        return Ok(());
    }
    let now = ctx.now();
    // All at once first: a savepoint per user makes SQLite keep the undo copy of every page each user
    // touches (a table row and a dozen index pages), more than its statement journal holds in memory,
    // so they went to a temporary file: 97,000 page writes for 10,000 users. Should any user be
    // refused, nothing of the batch was written and it runs again a savepoint per user.
    let all = ctx.app.store.write(|tx| {
        for user in new {
            user.creation.insert(tx, now)?;
        }
        Ok(())
    });
    let (written, refused) = match all {
        Ok(()) => (vec![true; new.len()], None),
        Err(_) => write_one_by_one(ctx, pool_path, new, now)?,
    };
    for (user, written) in new.iter().zip(written) {
        if !written {
            summary.kept += 1;
            continue;
        }
        user.creation.sent(ctx);
        summary.users += 1;
        after_write(ctx, user, pool_id)?;
    }
    match refused {
        Some((k, e)) => Err(problem(&new[k].path, "AdminCreateUser", e)),
        None => Ok(()),
    }
}

/// Which of `new` were written, and the first refusal that is not a name taken (the entries after it
/// are not written), each user in a savepoint.
fn write_one_by_one(
    ctx: &Ctx,
    pool_path: &str,
    new: &[NewUser],
    now: f64,
) -> Result<(Vec<bool>, Option<(usize, CognitoError)>), SeedError> {
    ctx.app
        .store
        .write(|tx| {
            let mut written = Vec::new();
            for (k, user) in new.iter().enumerate() {
                tx.execute_batch("SAVEPOINT seed_user")?;
                match user.creation.insert(tx, now) {
                    Ok(_) => {
                        tx.execute_batch("RELEASE seed_user")?;
                        written.push(true);
                    }
                    Err(e) => {
                        tx.execute_batch("ROLLBACK TO seed_user; RELEASE seed_user")?;
                        // An earlier entry of the file with the same name: kept, as when it existed
                        // before.
                        if e.name() != "UsernameExistsException" {
                            return Ok((written, Some((k, e))));
                        }
                        written.push(false);
                    }
                }
            }
            Ok((written, None))
        })
        .map_err(|e| internal(&format!("{pool_path}.Users"), e))
}

/// Entry `j`: checked, and hashed unless it exists already.
fn prepare(ctx: &Ctx, path: &str, pool: &PoolRow, j: usize, user: Value) -> Outcome {
    let Some(entry) = user.as_object() else {
        return Err(fail(&format!("{path}.Users[{j}] ()"), "must be an object"));
    };
    let path = format!("{path}.Users[{j}] ({})", name_of(entry, "Username"));
    let expected = "Username, Password, Attributes, Status, Enabled, Groups, LinkedProviders, Sub, PasswordHash, SrpSalt, SrpVerifier";
    let user: SeedUser = typed(user, &path, expected)?;
    let Some(username) = user.username.clone() else {
        return Err(fail(&path, "Username is required"));
    };
    let status = match user.status.as_deref() {
        None | Some("CONFIRMED") => UserStatus::Confirmed,
        Some("FORCE_CHANGE_PASSWORD") => UserStatus::ForceChangePassword,
        Some("UNCONFIRMED") => UserStatus::Unconfirmed,
        Some(other) => {
            return Err(fail(
                &path,
                format!(
                    "Status {other} is not one of CONFIRMED, FORCE_CHANGE_PASSWORD, UNCONFIRMED"
                ),
            ));
        }
    };
    let sub = match &user.sub {
        None => None,
        Some(s) if uuid::Uuid::parse_str(s).is_ok() => Some(s.to_lowercase()),
        Some(_) => return Err(fail(&path, "Sub must be a UUID")),
    };
    let password = preset_password(&path, &user, status)?;
    let exists = ctx
        .app
        .store
        .read(|c| store::users::resolve(c, &pool.id, &pool.config, &username))
        .map_err(|e| internal(&path, e))?
        .is_some();
    if exists {
        return Ok(Ready::Kept);
    }
    let mut body = Map::new();
    body.insert("UserPoolId".into(), json!(pool.id));
    body.insert("Username".into(), json!(username));
    body.insert("MessageAction".into(), json!("SUPPRESS"));
    if let Some(a) = user.attributes {
        body.insert("UserAttributes".into(), a);
    }
    if let Some(p) = &user.password {
        body.insert("TemporaryPassword".into(), json!(p));
    }
    let op = "AdminCreateUser";
    let req: admin_create_user::Request =
        ops::validated(op, Value::Object(body)).map_err(|e| problem(&path, op, e))?;
    let preset = Preset {
        sub,
        status,
        enabled: user.enabled.unwrap_or(true),
        password,
    };
    match admin_create_user::prepare(ctx, req, Some(preset)) {
        Ok(Prepared::New(creation)) => Ok(Ready::New(Box::new(NewUser {
            creation,
            path,
            groups: user.groups,
            links: user.linked_providers,
        }))),
        Ok(Prepared::Resent(_)) => Err(fail(&path, "internal error: a seed user was re-invited")),
        Err(e) => Err(problem(&path, op, e)),
    }
}

/// A written user's groups and linked identities, through the API's operations.
fn after_write(ctx: &Ctx, user: &NewUser, pool_id: &str) -> Result<(), SeedError> {
    let (path, username) = (&user.path, user.creation.username());
    for (k, group) in user.groups.iter().enumerate() {
        let mut body = Map::new();
        body.insert("UserPoolId".into(), json!(pool_id));
        body.insert("Username".into(), json!(username));
        body.insert("GroupName".into(), json!(group));
        call(
            ctx,
            &format!("{path}.Groups[{k}]"),
            "AdminAddUserToGroup",
            body,
        )?;
    }
    for (k, source) in user.links.iter().enumerate() {
        let mut body = Map::new();
        body.insert("UserPoolId".into(), json!(pool_id));
        body.insert(
            "DestinationUser".into(),
            json!({"ProviderName": "Cognito", "ProviderAttributeValue": username}),
        );
        body.insert("SourceUser".into(), Value::Object(source.clone()));
        call(
            ctx,
            &format!("{path}.LinkedProviders[{k}]"),
            "AdminLinkProviderForUser",
            body,
        )?;
    }
    Ok(())
}

/// The password a seed user starts with.
fn preset_password(
    path: &str,
    user: &SeedUser,
    status: UserStatus,
) -> Result<PresetPassword, SeedError> {
    match (&user.password_hash, &user.srp_salt, &user.srp_verifier) {
        (Some(hash), Some(salt), Some(verifier)) => {
            if !crate::crypto::password::is_verifiable(hash) {
                return Err(fail(
                    path,
                    "PasswordHash must be an argon2 PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$hash) with at most 1 GiB and 64 passes",
                ));
            }
            let decode = |x: &str| {
                STANDARD
                    .decode(x)
                    .map_err(|e| fail(path, format!("SrpSalt/SrpVerifier: {e}")))
            };
            Ok(PresetPassword::Exported {
                hash: hash.clone(),
                salt: decode(salt)?,
                verifier: decode(verifier)?,
            })
        }
        (None, None, None)
            if user.password.is_some() || status == UserStatus::ForceChangePassword =>
        {
            // The given password, or a generated temporary one.
            Ok(PresetPassword::FromRequest)
        }
        (None, None, None) => Ok(PresetPassword::None),
        _ => Err(fail(
            path,
            "PasswordHash, SrpSalt and SrpVerifier go together",
        )),
    }
}
