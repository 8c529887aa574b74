//! Applying a seed document: every entry goes through the operation the API would run (validated
//! against the service model), with the ids the file fixes passed as explicit parameters.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::{SeedClient, SeedError, SeedFile, SeedPool, Summary, fail};
use crate::app::{App, Ctx};
use crate::config::LambdaFunction;
use crate::domain::ids;
use crate::error::CognitoError;
use crate::ops::{self, create_user_pool, create_user_pool_client};
use crate::store;

/// Reads a typed entry; serde's "unknown field" becomes "unknown member X (expected ...)".
pub(super) fn typed<T: DeserializeOwned>(
    v: Value,
    path: &str,
    expected: &str,
) -> Result<T, SeedError> {
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

pub(super) fn problem(path: &str, op: &str, e: CognitoError) -> SeedError {
    fail(path, format!("{op}: {}: {}", e.name(), e.message()))
}

pub(super) fn internal(path: &str, e: CognitoError) -> SeedError {
    fail(path, format!("{}: {}", e.name(), e.message()))
}

pub(super) fn call(
    ctx: &Ctx,
    path: &str,
    op: &str,
    body: Map<String, Value>,
) -> Result<Value, SeedError> {
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
        let name = name_of(&idp, "ProviderName");
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
        let name = name_of(&group, "GroupName");
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
    super::users::apply(&ctx, path, id, pool.users, summary)
}

/// The string `member` of an entry (empty when absent), for the entry's path in messages.
pub(super) fn name_of(entry: &Map<String, Value>, member: &str) -> String {
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
