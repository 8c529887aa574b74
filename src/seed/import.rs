//! Applying a seed document: every entry goes through the operation the API would run (validated
//! against the service model), with the ids the file fixes passed as explicit parameters.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::{SeedClient, SeedError, SeedFile, SeedPool, SeedUser, Summary, fail};
use crate::app::{App, Ctx};
use crate::config::LambdaFunction;
use crate::domain::{UserStatus, ids};
use crate::error::CognitoError;
use crate::ops::admin_create_user::{Preset, PresetPassword};
use crate::ops::{self, admin_create_user, create_user_pool, create_user_pool_client, load};
use crate::store;

/// Reads a typed entry; serde's "unknown field" becomes "unknown member X (expected ...)".
fn typed<T: DeserializeOwned>(v: Value, path: &str, expected: &str) -> Result<T, SeedError> {
    serde_json::from_value(v).map_err(|e| {
        let text = e.to_string();
        match text
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split('`').next())
        {
            Some(member) => fail(
                path,
                format!("unknown member {member} (expected {expected})"),
            ),
            None => fail(path, text),
        }
    })
}

fn problem(path: &str, op: &str, e: CognitoError) -> SeedError {
    fail(path, format!("{op}: {}: {}", e.name(), e.message()))
}

fn internal(path: &str, e: CognitoError) -> SeedError {
    fail(path, format!("{}: {}", e.name(), e.message()))
}

fn call(ctx: &Ctx, path: &str, op: &str, body: Map<String, Value>) -> Result<Value, SeedError> {
    ops::invoke(ctx, op, Value::Object(body)).map_err(|e| problem(path, op, e))
}

fn ctx_for(app: &Arc<App>, pool_id: &str) -> Ctx {
    let mut ctx = Ctx::internal(app, "seed");
    ctx.region = ids::pool_region(pool_id).to_string();
    ctx
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
    if !doc.is_object() {
        return Err(fail("(document)", "must be an object"));
    }
    let file: SeedFile = typed(doc, "(document)", "UserPools, LambdaFunctions")?;
    for (i, f) in file.lambda_functions.iter().enumerate() {
        if !(f.endpoint.starts_with("http://") || f.endpoint.starts_with("https://")) {
            return Err(fail(
                &format!("LambdaFunctions[{i}] ({})", f.function),
                "Endpoint must be an http:// URL",
            ));
        }
        app.lambda.add_function(LambdaFunction {
            function: f.function.clone(),
            endpoint: f.endpoint.trim_end_matches('/').to_string(),
            invoke_as: f.invoke_as.clone(),
        });
    }
    let mut summary = Summary::default();
    for (i, pool) in file.user_pools.into_iter().enumerate() {
        let at = format!("UserPools[{i}]");
        if !pool.is_object() {
            return Err(fail(&at, "must be an object"));
        }
        let pool: SeedPool = typed(pool, &at, "an object")?;
        let Some(id) = pool.id.clone() else {
            return Err(fail(
                &at,
                "Id (a pool id such as us-east-1_Example01) is required",
            ));
        };
        if only_pool.is_some_and(|p| p != id) {
            continue;
        }
        apply_pool(app, &format!("{at} ({id})"), &id, pool, &mut summary)?;
    }
    Ok(summary)
}

fn apply_pool(
    app: &Arc<App>,
    path: &str,
    id: &str,
    pool: SeedPool,
    summary: &mut Summary,
) -> Result<(), SeedError> {
    let looks_real = regex::Regex::new(r"^[a-z]{2}(-gov)?-[a-z]+-\d_[0-9A-Za-z]+$").expect("regex");
    if !looks_real.is_match(id) || id.len() > 55 {
        return Err(fail(
            path,
            "Id must look like a real pool id: <region>_<alphanumerics>, e.g. us-east-1_Example01",
        ));
    }
    let ctx = ctx_for(app, id);
    let exists = app
        .store
        .read(|c| store::pools::exists(c, id))
        .map_err(|e| internal(path, e))?;
    if exists {
        summary.kept += 1;
    } else {
        let req: create_user_pool::Request =
            ops::validated("CreateUserPool", Value::Object(pool.create))
                .map_err(|e| problem(path, "CreateUserPool", e))?;
        create_user_pool::create(&ctx, req, Some(id))
            .map_err(|e| problem(path, "CreateUserPool", e))?;
        summary.pools += 1;
        if let Some(mut body) = pool.mfa_config {
            body.insert("UserPoolId".into(), json!(id));
            call(
                &ctx,
                &format!("{path}.MfaConfig"),
                "SetUserPoolMfaConfig",
                body,
            )?;
        }
    }
    for (j, server) in pool.resource_servers.into_iter().enumerate() {
        apply_resource_server(
            &ctx,
            &format!("{path}.ResourceServers[{j}]"),
            id,
            server,
            summary,
        )?;
    }
    for (j, domain) in pool.domains.into_iter().enumerate() {
        apply_domain(&ctx, &format!("{path}.Domains[{j}]"), id, domain, summary)?;
    }
    for (j, mut idp) in pool.identity_providers.into_iter().enumerate() {
        let name = idp
            .get("ProviderName")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let ipath = format!("{path}.IdentityProviders[{j}] ({name})");
        let exists = app
            .store
            .read(|c| store::federation::get_provider(c, id, &name))
            .map_err(|e| internal(&ipath, e))?
            .is_some();
        if exists {
            summary.kept += 1;
            continue;
        }
        idp.insert("UserPoolId".into(), json!(id));
        call(&ctx, &ipath, "CreateIdentityProvider", idp)?;
        summary.identity_providers += 1;
    }
    for (j, client) in pool.clients.into_iter().enumerate() {
        apply_client(&ctx, &format!("{path}.Clients[{j}]"), id, client, summary)?;
    }
    for (j, mut group) in pool.groups.into_iter().enumerate() {
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
        call(&ctx, &gpath, "CreateGroup", group)?;
        summary.groups += 1;
    }
    // Users are hashed on every core and written in file order (the order ListUsers shows them in).
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let order = crate::accounts::InOrder::new();
    let users: Vec<(usize, Value)> = pool.users.into_iter().enumerate().collect();
    let outcomes = std::sync::Mutex::new(Vec::with_capacity(users.len()));
    std::thread::scope(|s| {
        for w in 0..workers {
            let (users, order, outcomes, ctx) = (&users, &order, &outcomes, &ctx);
            s.spawn(move || {
                for (j, user) in users.iter().filter(|(j, _)| j % workers == w) {
                    if order.aborted() {
                        break;
                    }
                    let turn = crate::accounts::Turn {
                        index: *j,
                        order: order.clone(),
                    };
                    let outcome = seed_user(ctx, path, id, *j, user.clone(), turn);
                    order.done(*j);
                    if outcome.is_err() {
                        order.abort();
                    }
                    outcomes
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push((*j, outcome));
                }
            });
        }
    });
    let mut outcomes = outcomes.into_inner().unwrap_or_else(|p| p.into_inner());
    outcomes.sort_by_key(|(j, _)| *j);
    // The first entry that failed on its own (the others stopped because of it).
    if let Some((_, Err(Some(e)))) = outcomes
        .iter_mut()
        .find(|(_, o)| matches!(o, Err(Some(_))))
        .map(|(j, o)| (*j, std::mem::replace(o, Ok(false))))
    {
        return Err(e);
    }
    for (_, outcome) in outcomes {
        match outcome {
            Ok(true) => summary.users += 1,
            Ok(false) => summary.kept += 1,
            Err(_) => {}
        }
    }
    Ok(())
}

fn name_of(entry: &Map<String, Value>, member: &str) -> String {
    entry
        .get(member)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// Creates a resource server unless the pool has one with its identifier.
fn apply_resource_server(
    ctx: &Ctx,
    at: &str,
    pool_id: &str,
    mut server: Map<String, Value>,
    summary: &mut Summary,
) -> Result<(), SeedError> {
    let identifier = name_of(&server, "Identifier");
    let path = format!("{at} ({identifier})");
    let exists = ctx
        .app
        .store
        .read(|c| store::resource_servers::get(c, pool_id, &identifier))
        .map_err(|e| internal(&path, e))?
        .is_some();
    if exists {
        summary.kept += 1;
        return Ok(());
    }
    server.insert("UserPoolId".into(), json!(pool_id));
    call(ctx, &path, "CreateResourceServer", server)?;
    summary.resource_servers += 1;
    Ok(())
}

/// Creates a domain unless the pool has it already (a domain of another pool is the API's error).
fn apply_domain(
    ctx: &Ctx,
    at: &str,
    pool_id: &str,
    mut domain: Map<String, Value>,
    summary: &mut Summary,
) -> Result<(), SeedError> {
    let name = name_of(&domain, "Domain");
    let path = format!("{at} ({name})");
    let existing = ctx
        .app
        .store
        .read(|c| store::domains::get(c, &name))
        .map_err(|e| internal(&path, e))?;
    if existing.is_some_and(|d| d.pool_id == pool_id) {
        summary.kept += 1;
        return Ok(());
    }
    domain.insert("UserPoolId".into(), json!(pool_id));
    call(ctx, &path, "CreateUserPoolDomain", domain)?;
    summary.domains += 1;
    Ok(())
}

fn apply_client(
    ctx: &Ctx,
    at: &str,
    pool_id: &str,
    client: SeedClient,
    summary: &mut Summary,
) -> Result<(), SeedError> {
    let Some(client_id) = client.client_id else {
        return Err(fail(at, "ClientId is required"));
    };
    let path = format!("{at} ({client_id})");
    let existing = ctx
        .app
        .store
        .read(|c| store::clients::get(c, &client_id))
        .map_err(|e| internal(&path, e))?;
    match existing {
        Some(c) if c.pool_id == pool_id => summary.kept += 1,
        Some(_) => return Err(fail(&path, "ClientId is already used by another pool")),
        None => {
            let mut body = client.create;
            body.insert("UserPoolId".into(), json!(pool_id));
            let op = "CreateUserPoolClient";
            let req: create_user_pool_client::Request =
                ops::validated(op, Value::Object(body)).map_err(|e| problem(&path, op, e))?;
            create_user_pool_client::create(ctx, req, Some(&client_id))
                .map_err(|e| problem(&path, op, e))?;
            summary.clients += 1;
        }
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

/// Seed user `j` of a pool: `Err(None)` when it was not tried because an earlier one failed.
fn seed_user(
    ctx: &Ctx,
    path: &str,
    pool_id: &str,
    j: usize,
    user: Value,
    turn: crate::accounts::Turn,
) -> Result<bool, Option<SeedError>> {
    let name = user
        .get("Username")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let upath = format!("{path}.Users[{j}] ({name})");
    if !user.is_object() {
        return Err(Some(fail(&upath, "must be an object")));
    }
    let expected = "Username, Password, Attributes, Status, Enabled, Groups, LinkedProviders, Sub, PasswordHash, SrpSalt, SrpVerifier";
    let user: SeedUser = typed(user, &upath, expected).map_err(Some)?;
    match apply_user(ctx, &upath, pool_id, user, turn.clone()) {
        Err(_) if turn.order.aborted() && turn.wait().is_err() => Err(None),
        other => other.map_err(Some),
    }
}

/// Creates one user unless it exists; true when created.
fn apply_user(
    ctx: &Ctx,
    path: &str,
    pool_id: &str,
    user: SeedUser,
    turn: crate::accounts::Turn,
) -> Result<bool, SeedError> {
    let Some(username) = user.username.clone() else {
        return Err(fail(path, "Username is required"));
    };
    let status = match user.status.as_deref() {
        None | Some("CONFIRMED") => UserStatus::Confirmed,
        Some("FORCE_CHANGE_PASSWORD") => UserStatus::ForceChangePassword,
        Some("UNCONFIRMED") => UserStatus::Unconfirmed,
        Some(other) => {
            return Err(fail(
                path,
                format!(
                    "Status {other} is not one of CONFIRMED, FORCE_CHANGE_PASSWORD, UNCONFIRMED"
                ),
            ));
        }
    };
    let sub = match &user.sub {
        None => None,
        Some(s) if uuid::Uuid::parse_str(s).is_ok() => Some(s.to_lowercase()),
        Some(_) => return Err(fail(path, "Sub must be a UUID")),
    };
    let password = preset_password(path, &user, status)?;
    let pool = load::pool(ctx, pool_id).map_err(|e| internal(path, e))?;
    let exists = ctx
        .app
        .store
        .read(|c| store::users::resolve(c, pool_id, &pool.config, &username))
        .map_err(|e| internal(path, e))?
        .is_some();
    if exists {
        return Ok(false);
    }
    let mut body = Map::new();
    body.insert("UserPoolId".into(), json!(pool_id));
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
        ops::validated(op, Value::Object(body)).map_err(|e| problem(path, op, e))?;
    let preset = Preset {
        sub,
        status,
        enabled: user.enabled.unwrap_or(true),
        password,
        turn: Some(turn),
    };
    let created = match admin_create_user::create(ctx, req, Some(preset)) {
        Ok(created) => created,
        // Written meanwhile by an earlier entry of the file with the same name (users are hashed in
        // parallel, written in order): kept, as when it existed before.
        Err(e) if e.name() == "UsernameExistsException" => return Ok(false),
        Err(e) => return Err(problem(path, op, e)),
    };
    for (k, group) in user.groups.into_iter().enumerate() {
        let mut body = Map::new();
        body.insert("UserPoolId".into(), json!(pool_id));
        body.insert("Username".into(), json!(created.username));
        body.insert("GroupName".into(), json!(group));
        call(
            ctx,
            &format!("{path}.Groups[{k}]"),
            "AdminAddUserToGroup",
            body,
        )?;
    }
    for (k, source) in user.linked_providers.into_iter().enumerate() {
        let body = json!({
            "UserPoolId": pool_id,
            "DestinationUser": {"ProviderName": "Cognito", "ProviderAttributeValue": created.username},
            "SourceUser": source,
        });
        let Value::Object(body) = body else {
            unreachable!("json! of an object")
        };
        call(
            ctx,
            &format!("{path}.LinkedProviders[{k}]"),
            "AdminLinkProviderForUser",
            body,
        )?;
    }
    Ok(true)
}
