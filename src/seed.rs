//! Seed files: pools (a CreateUserPool request plus a fixed `Id`), their app clients (a
//! CreateUserPoolClient request plus a fixed `ClientId` and optional `ClientSecret`), groups and users,
//! applied at start through the same operations and checks as the API. Idempotent: what exists is kept.
//! `export` writes the current state in the same format (password hashes instead of passwords).

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};

use crate::domain::{UserStatus, attributes, ids};
use crate::error::CognitoError;
use crate::{App, Ctx, ops, store};

/// What a seed created.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Pools created.
    pub pools: usize,
    /// Clients created.
    pub clients: usize,
    /// Groups created.
    pub groups: usize,
    /// Users created.
    pub users: usize,
    /// Entries that already existed and were kept.
    pub kept: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} pools, {} clients, {} groups, {} users created; {} kept",
            self.pools, self.clients, self.groups, self.users, self.kept
        )
    }
}

/// A seed entry that cannot be applied: where it is and why.
#[derive(Debug, thiserror::Error)]
#[error("seed {path}: {problem}")]
pub struct SeedError {
    /// e.g. `UserPools[0] (us-east-1_Example01).Users[2] (alice)`.
    pub path: String,
    /// The problem, as the API would answer it.
    pub problem: String,
}

fn fail(path: &str, problem: impl std::fmt::Display) -> SeedError {
    SeedError {
        path: path.to_string(),
        problem: problem.to_string(),
    }
}

fn ctx(app: &Arc<App>, region: &str, fixed_id: Option<String>) -> Ctx {
    let issuer_base = app
        .config
        .issuer_url
        .clone()
        .unwrap_or_else(|| format!("http://{}:{}", app.config.host, app.config.port));
    Ctx {
        app: app.clone(),
        region: region.to_string(),
        issuer_base,
        request_id: "seed".into(),
        fixed_id,
    }
}

fn take(entry: &mut Map<String, Value>, key: &str) -> Option<Value> {
    entry.shift_remove(key)
}

fn list(v: Option<Value>, path: &str, key: &str) -> Result<Vec<Value>, SeedError> {
    match v {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(fail(path, format!("{key} must be a list"))),
    }
}

fn object(v: Value, path: &str) -> Result<Map<String, Value>, SeedError> {
    match v {
        Value::Object(m) => Ok(m),
        _ => Err(fail(path, "must be an object")),
    }
}

fn call(ctx: &Ctx, path: &str, op: &str, body: Map<String, Value>) -> Result<Value, SeedError> {
    ops::invoke(ctx, op, Value::Object(body))
        .map_err(|e| fail(path, format!("{op}: {}: {}", e.name(), e.message())))
}

fn internal(path: &str, e: CognitoError) -> SeedError {
    fail(path, format!("{}: {}", e.name(), e.message()))
}

/// Reads and applies a seed file.
pub fn apply_file(app: &Arc<App>, path: &std::path::Path) -> Result<Summary, SeedError> {
    let shown = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|e| fail(&shown, format!("cannot read: {e}")))?;
    let doc: Value =
        serde_json::from_str(&text).map_err(|e| fail(&shown, format!("not valid JSON: {e}")))?;
    apply(app, doc, None)
}

/// Applies a seed document; with `only_pool`, just that pool's entries (used by a one-pool reset).
pub fn apply(app: &Arc<App>, doc: Value, only_pool: Option<&str>) -> Result<Summary, SeedError> {
    let mut doc = object(doc, "(document)")?;
    let pools = list(take(&mut doc, "UserPools"), "(document)", "UserPools")?;
    if let Some(other) = doc.keys().next() {
        return Err(fail(
            "(document)",
            format!("unknown member {other} (expected UserPools)"),
        ));
    }
    let mut summary = Summary::default();
    for (i, pool) in pools.into_iter().enumerate() {
        let mut pool = object(pool, &format!("UserPools[{i}]"))?;
        let id = match take(&mut pool, "Id") {
            Some(Value::String(s)) => s,
            _ => {
                return Err(fail(
                    &format!("UserPools[{i}]"),
                    "Id (a pool id such as us-east-1_Example01) is required",
                ));
            }
        };
        let path = format!("UserPools[{i}] ({id})");
        if only_pool.is_some_and(|p| p != id) {
            continue;
        }
        apply_pool(app, &path, &id, pool, &mut summary)?;
    }
    Ok(summary)
}

fn apply_pool(
    app: &Arc<App>,
    path: &str,
    id: &str,
    mut pool: Map<String, Value>,
    summary: &mut Summary,
) -> Result<(), SeedError> {
    let looks_real = regex::Regex::new(r"^[a-z]{2}(-gov)?-[a-z]+-\d_[0-9A-Za-z]+$").expect("regex");
    if !looks_real.is_match(id) || id.len() > 55 {
        return Err(fail(
            path,
            "Id must look like a real pool id: <region>_<alphanumerics>, e.g. us-east-1_Example01",
        ));
    }
    let clients = list(take(&mut pool, "Clients"), path, "Clients")?;
    let groups = list(take(&mut pool, "Groups"), path, "Groups")?;
    let users = list(take(&mut pool, "Users"), path, "Users")?;
    let mfa = take(&mut pool, "MfaConfig");
    let region = ids::pool_region(id).to_string();
    let exists = app
        .store
        .read(|c| store::pools::exists(c, id))
        .map_err(|e| internal(path, e))?;
    if exists {
        summary.kept += 1;
    } else {
        call(
            &ctx(app, &region, Some(id.to_string())),
            path,
            "CreateUserPool",
            pool,
        )?;
        summary.pools += 1;
        if let Some(mfa) = mfa {
            let mut body = object(mfa, &format!("{path}.MfaConfig"))?;
            body.insert("UserPoolId".into(), json!(id));
            call(
                &ctx(app, &region, None),
                &format!("{path}.MfaConfig"),
                "SetUserPoolMfaConfig",
                body,
            )?;
        }
    }
    for (j, client) in clients.into_iter().enumerate() {
        let mut client = object(client, &format!("{path}.Clients[{j}]"))?;
        let client_id = match take(&mut client, "ClientId") {
            Some(Value::String(s)) => s,
            _ => {
                return Err(fail(
                    &format!("{path}.Clients[{j}]"),
                    "ClientId is required",
                ));
            }
        };
        let cpath = format!("{path}.Clients[{j}] ({client_id})");
        let existing = app
            .store
            .read(|c| store::clients::get(c, &client_id))
            .map_err(|e| internal(&cpath, e))?;
        match existing {
            Some(c) if c.pool_id == id => summary.kept += 1,
            Some(_) => return Err(fail(&cpath, "ClientId is already used by another pool")),
            None => {
                client.insert("UserPoolId".into(), json!(id));
                call(
                    &ctx(app, &region, Some(client_id.clone())),
                    &cpath,
                    "CreateUserPoolClient",
                    client,
                )?;
                summary.clients += 1;
            }
        }
    }
    for (j, group) in groups.into_iter().enumerate() {
        let mut group = object(group, &format!("{path}.Groups[{j}]"))?;
        let name = group
            .get("GroupName")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let gpath = format!("{path}.Groups[{j}] ({name})");
        let exists = app
            .store
            .read(|c| store::groups::get(c, id, &name))
            .map_err(|e| internal(&gpath, e))?
            .is_some();
        if exists {
            summary.kept += 1;
            continue;
        }
        group.insert("UserPoolId".into(), json!(id));
        call(&ctx(app, &region, None), &gpath, "CreateGroup", group)?;
        summary.groups += 1;
    }
    for (j, user) in users.into_iter().enumerate() {
        let user = object(user, &format!("{path}.Users[{j}]"))?;
        let name = user
            .get("Username")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let upath = format!("{path}.Users[{j}] ({name})");
        if apply_user(app, &upath, id, &region, user)? {
            summary.users += 1;
        } else {
            summary.kept += 1;
        }
    }
    Ok(())
}

/// Creates one user unless it exists; true when created.
fn apply_user(
    app: &Arc<App>,
    path: &str,
    pool_id: &str,
    region: &str,
    mut user: Map<String, Value>,
) -> Result<bool, SeedError> {
    let ctx = ctx(app, region, None);
    let username = match take(&mut user, "Username") {
        Some(Value::String(s)) => s,
        _ => return Err(fail(path, "Username is required")),
    };
    let pool = ops::load_pool(&ctx, pool_id).map_err(|e| internal(path, e))?;
    let exists = app
        .store
        .read(|c| store::users::resolve(c, pool_id, &pool.config, &username))
        .map_err(|e| internal(path, e))?
        .is_some();
    let password = take(&mut user, "Password");
    let hash = take(&mut user, "PasswordHash");
    let srp_salt = take(&mut user, "SrpSalt");
    let srp_verifier = take(&mut user, "SrpVerifier");
    let status = match take(&mut user, "Status") {
        None => UserStatus::Confirmed,
        Some(Value::String(s)) => match s.as_str() {
            "CONFIRMED" => UserStatus::Confirmed,
            "FORCE_CHANGE_PASSWORD" => UserStatus::ForceChangePassword,
            "UNCONFIRMED" => UserStatus::Unconfirmed,
            other => {
                return Err(fail(
                    path,
                    format!(
                        "Status {other} is not one of CONFIRMED, FORCE_CHANGE_PASSWORD, UNCONFIRMED"
                    ),
                ));
            }
        },
        Some(_) => return Err(fail(path, "Status must be a string")),
    };
    let enabled = match take(&mut user, "Enabled") {
        None => true,
        Some(Value::Bool(b)) => b,
        Some(_) => return Err(fail(path, "Enabled must be true or false")),
    };
    let groups = list(take(&mut user, "Groups"), path, "Groups")?;
    let attributes = take(&mut user, "Attributes");
    let sub = match take(&mut user, "Sub") {
        None => None,
        Some(Value::String(s)) if uuid::Uuid::parse_str(&s).is_ok() => Some(s.to_lowercase()),
        Some(_) => return Err(fail(path, "Sub must be a UUID")),
    };
    if let Some(other) = user.keys().next() {
        return Err(fail(
            path,
            format!(
                "unknown member {other} (expected Username, Password, Attributes, Status, Enabled, Groups, Sub)"
            ),
        ));
    }
    if exists {
        return Ok(false);
    }
    let mut body = Map::new();
    body.insert("UserPoolId".into(), json!(pool_id));
    body.insert("Username".into(), json!(username));
    body.insert("MessageAction".into(), json!("SUPPRESS"));
    if let Some(a) = attributes {
        body.insert("UserAttributes".into(), a);
    }
    if let Some(p) = &password {
        body.insert("TemporaryPassword".into(), p.clone());
    }
    let created = call(&ctx.clone_with_id(sub), path, "AdminCreateUser", body)?;
    let internal_name = created["User"]["Username"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let row = app
        .store
        .read(|c| store::users::resolve(c, pool_id, &pool.config, &internal_name))
        .map_err(|e| internal(path, e))?
        .ok_or_else(|| fail(path, "user vanished after creation"))?;
    let now = app.clock.now_f64();
    let exported = match (&hash, &srp_salt, &srp_verifier) {
        (Some(Value::String(h)), Some(Value::String(s)), Some(Value::String(v))) => {
            let decode = |x: &str| {
                STANDARD
                    .decode(x)
                    .map_err(|e| fail(path, format!("SrpSalt/SrpVerifier: {e}")))
            };
            Some((h.clone(), decode(s)?, decode(v)?))
        }
        (None, None, None) => None,
        _ => {
            return Err(fail(
                path,
                "PasswordHash, SrpSalt and SrpVerifier go together",
            ));
        }
    };
    app.store
        .write(|c| {
            if let Some((h, s, v)) = &exported {
                // The generated temporary password AdminCreateUser stored is no history of this user.
                store::users::clear_password(c, row.pk, now)?;
                store::users::set_password(c, row.pk, h, s, v, now)?;
            } else if password.is_none() && status != UserStatus::ForceChangePassword {
                store::users::clear_password(c, row.pk, now)?;
            }
            store::users::set_status(c, row.pk, status, now)?;
            if !enabled {
                store::users::set_enabled(c, row.pk, false, now)?;
            }
            Ok(())
        })
        .map_err(|e| internal(path, e))?;
    for (k, g) in groups.into_iter().enumerate() {
        let Value::String(group) = g else {
            return Err(fail(path, format!("Groups[{k}] must be a group name")));
        };
        let mut body = Map::new();
        body.insert("UserPoolId".into(), json!(pool_id));
        body.insert("Username".into(), json!(internal_name));
        body.insert("GroupName".into(), json!(group));
        call(
            &ctx,
            &format!("{path}.Groups[{k}]"),
            "AdminAddUserToGroup",
            body,
        )?;
    }
    Ok(true)
}

/// The current state as a seed document (users carry their password hashes and SRP verifiers, so an
/// import keeps their passwords).
pub fn export(app: &Arc<App>) -> Result<Value, CognitoError> {
    let ctx = ctx(app, &app.config.region, None);
    let pools = app
        .store
        .read(|c| store::pools::list(c, 0, usize::MAX >> 1))?;
    let mut out = Vec::new();
    for pool in pools {
        let described = ops::describe_pool(&ctx, &pool)?;
        let mut entry = Map::new();
        entry.insert("Id".into(), json!(pool.id));
        entry.insert("PoolName".into(), json!(pool.name));
        // CreateUserPool members: the described pool minus what the service computes.
        let Value::Object(described) = described else {
            continue;
        };
        for (k, v) in described {
            match k.as_str() {
                "Id"
                | "Name"
                | "Arn"
                | "CreationDate"
                | "LastModifiedDate"
                | "EstimatedNumberOfUsers"
                | "Status" => {}
                "SchemaAttributes" => {
                    let custom: Vec<Value> = v
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter(|s| {
                                    s["Name"].as_str().is_some_and(|n| n.starts_with("custom:"))
                                })
                                .map(|s| {
                                    let mut s = s.clone();
                                    s["Name"] = json!(
                                        s["Name"]
                                            .as_str()
                                            .unwrap_or_default()
                                            .trim_start_matches("custom:")
                                    );
                                    s
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    let standard_overrides: Vec<Value> = v
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter(|s| {
                                    let name = s["Name"].as_str().unwrap_or_default();
                                    !name.starts_with("custom:")
                                        && s["Required"] == json!(true)
                                        && name != "sub"
                                })
                                .cloned()
                                .collect()
                        })
                        .unwrap_or_default();
                    let schema: Vec<Value> = standard_overrides.into_iter().chain(custom).collect();
                    if !schema.is_empty() {
                        entry.insert("Schema".into(), Value::Array(schema));
                    }
                }
                _ => {
                    entry.insert(k, v);
                }
            }
        }
        let mfa = ops::invoke(&ctx, "GetUserPoolMfaConfig", json!({"UserPoolId": pool.id}))?;
        if mfa["MfaConfiguration"] != "OFF" || mfa.as_object().is_some_and(|m| m.len() > 1) {
            let mut m = mfa.as_object().cloned().unwrap_or_default();
            m.shift_remove("MfaConfiguration");
            if !m.is_empty() {
                entry.insert("MfaConfig".into(), Value::Object(m));
            }
        }
        let clients = app
            .store
            .read(|c| store::clients::list(c, &pool.id, 0, usize::MAX >> 1))?;
        let clients: Vec<Value> = clients
            .iter()
            .map(|c| {
                let mut d = ops::describe_client(c).unwrap_or_default();
                if let Some(m) = d.as_object_mut() {
                    for k in [
                        "UserPoolId",
                        "LastModifiedDate",
                        "CreationDate",
                        "ClientType",
                    ] {
                        m.shift_remove(k);
                    }
                }
                d
            })
            .collect();
        entry.insert("Clients".into(), json!(clients));
        let groups = app
            .store
            .read(|c| store::groups::list(c, &pool.id, 0, usize::MAX >> 1))?;
        let groups: Vec<Value> = groups
            .iter()
            .map(|g| json!({"GroupName": g.name, "Description": g.description, "RoleArn": g.role_arn, "Precedence": g.precedence}))
            .collect();
        entry.insert("Groups".into(), json!(groups));
        let users = app
            .store
            .read(|c| store::users::list(c, &pool.id, None, 0, usize::MAX >> 1))?;
        let mut exported = Vec::new();
        for u in users {
            let member_of = app.store.read(|c| store::groups::of_user(c, u.pk))?;
            let attrs: Vec<Value> = u
                .attributes
                .iter()
                .filter(|(n, _)| n.as_str() != "sub")
                .map(|(n, v)| json!({"Name": n, "Value": v}))
                .collect();
            let username = if pool.config.uses_username_attributes() {
                // The username a client signs up with is the email / phone number.
                ["email", "phone_number"]
                    .iter()
                    .find(|a| pool.config.username_attribute(a))
                    .and_then(|a| attributes::get(&u.attributes, a))
                    .unwrap_or(&u.username)
                    .to_string()
            } else {
                u.username.clone()
            };
            let mut e = json!({
                "Username": username,
                "Sub": u.sub,
                "Attributes": attrs,
                "Status": u.status.as_str(),
                "Enabled": u.enabled,
                "Groups": member_of.iter().map(|g| g.name.clone()).collect::<Vec<_>>(),
            });
            if let (Some(h), Some(s), Some(v)) = (&u.password_hash, &u.srp_salt, &u.srp_verifier) {
                e["PasswordHash"] = json!(h);
                e["SrpSalt"] = json!(STANDARD.encode(s));
                e["SrpVerifier"] = json!(STANDARD.encode(v));
            }
            exported.push(e);
        }
        entry.insert("Users".into(), json!(exported));
        out.push(Value::Object(entry));
    }
    let mut doc = json!({"UserPools": out});
    ops::strip_nulls(&mut doc);
    Ok(doc)
}
