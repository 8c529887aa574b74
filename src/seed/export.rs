//! The current state as a seed document. Users carry their password hashes and SRP verifiers, so an
//! import keeps their passwords.

use crate::domain::schema::{bare_name, is_custom};
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};

use super::{SeedClient, SeedFile, SeedPool, SeedUser};
use crate::app::{App, Ctx};
use crate::domain::{UserStatus, attributes};
use crate::error::{CognitoError, Result};
use crate::ops::identity_providers::Provider;
use crate::ops::{self, shapes};
use crate::store::{self, pools::PoolRow};

/// `value` as a JSON object (the typed shapes always serialise to one).
fn object(value: impl serde::Serialize) -> Result<Map<String, Value>> {
    match serde_json::to_value(value)? {
        Value::Object(m) => Ok(m),
        _ => Err(CognitoError::internal("shape is not a JSON object")),
    }
}

/// CreateUserPool's `Schema`: the custom attributes (without `custom:`) and the standard attributes
/// the pool made required.
fn schema(described: &Value) -> Vec<Value> {
    let Some(all) = described.as_array() else {
        return Vec::new();
    };
    let name = |s: &Value| s["Name"].as_str().unwrap_or_default().to_string();
    let standard = all.iter().filter(|s| {
        let n = name(s);
        !is_custom(&n) && s["Required"] == json!(true) && n != "sub"
    });
    let custom = all.iter().filter(|s| is_custom(&name(s))).map(|s| {
        let mut s = s.clone();
        s["Name"] = json!(bare_name(&name(&s)));
        s
    });
    standard.cloned().chain(custom).collect()
}

/// One pool's CreateUserPool members: the described pool minus what the service computes.
fn pool_settings(ctx: &Ctx, pool: &PoolRow) -> Result<Map<String, Value>> {
    let mut create = Map::new();
    create.insert("PoolName".into(), json!(pool.name));
    for (k, v) in object(shapes::user_pool(ctx, pool)?)? {
        match k.as_str() {
            "Id"
            | "Name"
            | "Arn"
            | "CreationDate"
            | "LastModifiedDate"
            | "EstimatedNumberOfUsers"
            | "Domain"
            | "CustomDomain"
            | "Status" => {}
            "SchemaAttributes" => {
                let schema = schema(&v);
                if !schema.is_empty() {
                    create.insert("Schema".into(), Value::Array(schema));
                }
            }
            _ => {
                create.insert(k, v);
            }
        }
    }
    Ok(create)
}

/// The pool's resource servers as CreateResourceServer requests (without `UserPoolId`).
fn export_resource_servers(app: &App, pool: &PoolRow) -> Result<Vec<Map<String, Value>>> {
    let rows = app
        .store
        .read(|c| store::resource_servers::all(c, &pool.id))?;
    rows.iter()
        .map(|r| {
            let mut m = Map::new();
            m.insert("Identifier".into(), json!(r.identifier));
            m.insert("Name".into(), json!(r.name));
            let scopes: Value = serde_json::from_str(&r.scopes)?;
            if scopes.as_array().is_some_and(|s| !s.is_empty()) {
                m.insert("Scopes".into(), scopes);
            }
            Ok(m)
        })
        .collect()
}

/// The pool's domains as CreateUserPoolDomain requests (without `UserPoolId`).
fn export_domains(app: &App, pool: &PoolRow) -> Result<Vec<Map<String, Value>>> {
    let rows = app.store.read(|c| store::domains::of_pool(c, &pool.id))?;
    rows.iter()
        .map(|r| {
            let s = ops::oauth_settings::settings(r)?;
            let mut m = Map::new();
            m.insert("Domain".into(), json!(r.domain));
            m.insert("ManagedLoginVersion".into(), json!(s.managed_login_version));
            if let Some(c) = s.custom_domain_config {
                m.insert("CustomDomainConfig".into(), c);
            }
            if let Some(routing) = s.routing {
                m.insert("Routing".into(), routing);
            }
            Ok(m)
        })
        .collect()
}

fn export_users(app: &App, pool: &PoolRow) -> Result<Vec<Value>> {
    let users = app
        .store
        .read(|c| store::users::list(c, &pool.id, None, 0, usize::MAX >> 1))?;
    let mut out = Vec::with_capacity(users.len());
    // Federated users are made again by their next sign-in through their IdP; the identities linked
    // to native users are exported as LinkedProviders (`identities` is derived from them).
    for u in users
        .into_iter()
        .filter(|u| u.status != UserStatus::ExternalProvider)
    {
        let member_of = app.store.read(|c| store::groups::of_user(c, u.pk))?;
        let linked = app
            .store
            .read(|c| store::federation::identities_of(c, u.pk))?
            .into_iter()
            .filter(|i| !i.primary)
            .map(|i| {
                object(
                    json!({"ProviderName": i.provider, "ProviderAttributeName": i.attribute,
                              "ProviderAttributeValue": i.value}),
                )
            })
            .collect::<Result<Vec<_>>>()?;
        let attrs: Vec<Value> = u
            .attributes
            .iter()
            .filter(|(n, _)| n.as_str() != "sub" && n.as_str() != "identities")
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
        let (hash, salt, verifier) = match (&u.password_hash, &u.srp_salt, &u.srp_verifier) {
            (Some(h), Some(s), Some(v)) => (
                Some(h.clone()),
                Some(STANDARD.encode(s)),
                Some(STANDARD.encode(v)),
            ),
            _ => (None, None, None),
        };
        let entry = SeedUser {
            username: Some(username),
            sub: Some(u.sub.clone()),
            password: None,
            password_hash: hash,
            srp_salt: salt,
            srp_verifier: verifier,
            attributes: Some(Value::Array(attrs)),
            status: Some(u.status.as_str().to_string()),
            enabled: Some(u.enabled),
            groups: member_of.iter().map(|g| g.name.clone()).collect(),
            linked_providers: linked,
        };
        out.push(serde_json::to_value(entry)?);
    }
    Ok(out)
}

/// The pool's identity providers as CreateIdentityProvider requests (the keys AWS computes left out,
/// Sign in with Apple's private key kept so that the export loads again).
fn identity_providers(app: &App, pool: &PoolRow) -> Result<Vec<Map<String, Value>>> {
    let rows = app
        .store
        .read(|c| store::federation::all_providers(c, &pool.id))?;
    rows.into_iter()
        .map(|row| {
            let p = Provider::of(row)?;
            let mut details = p.details.clone();
            for computed in [
                "attributes_url_add_attributes",
                "SSORedirectBindingURI",
                "SLORedirectBindingURI",
                "ActiveEncryptionCertificate",
            ] {
                details.remove(computed);
            }
            let mut m = object(json!({
                "ProviderName": p.name(),
                "ProviderType": p.kind.as_str(),
                "ProviderDetails": details,
                "AttributeMapping": p.mapping,
                "IdpIdentifiers": p.identifiers,
            }))?;
            if let Some(acr) = &p.row.acr_mapping {
                m.insert("AcrMapping".into(), serde_json::from_str(acr)?);
            }
            Ok(m)
        })
        .collect()
}

/// The current state as a seed document.
pub fn export(app: &Arc<App>) -> Result<Value> {
    let ctx = Ctx::internal(app, "export");
    let pools = app
        .store
        .read(|c| store::pools::list(c, 0, usize::MAX >> 1))?;
    let mut out = Vec::with_capacity(pools.len());
    for pool in pools {
        let mfa = ops::invoke(&ctx, "GetUserPoolMfaConfig", json!({"UserPoolId": pool.id}))?;
        let mut mfa = mfa.as_object().cloned().unwrap_or_default();
        mfa.shift_remove("MfaConfiguration");
        let clients = app
            .store
            .read(|c| store::clients::list(c, &pool.id, 0, usize::MAX >> 1))?;
        let clients = clients
            .iter()
            .map(|c| {
                let mut create = object(shapes::UserPoolClientType::of(c))?;
                for k in [
                    "UserPoolId",
                    "LastModifiedDate",
                    "CreationDate",
                    "ClientType",
                ] {
                    create.shift_remove(k);
                }
                let client_id = create
                    .shift_remove("ClientId")
                    .and_then(|v| v.as_str().map(str::to_string));
                Ok(SeedClient { client_id, create })
            })
            .collect::<Result<Vec<_>>>()?;
        let groups = app
            .store
            .read(|c| store::groups::list(c, &pool.id, 0, usize::MAX >> 1))?;
        let groups = groups
            .iter()
            .map(|g| {
                let mut m = object(shapes::GroupType::of(g))?;
                for k in ["UserPoolId", "LastModifiedDate", "CreationDate"] {
                    m.shift_remove(k);
                }
                Ok(m)
            })
            .collect::<Result<Vec<_>>>()?;
        let entry = SeedPool {
            id: Some(pool.id.clone()),
            identity_providers: identity_providers(app, &pool)?,
            clients,
            groups,
            users: export_users(app, &pool)?,
            mfa_config: (!mfa.is_empty()).then_some(mfa),
            resource_servers: export_resource_servers(app, &pool)?,
            domains: export_domains(app, &pool)?,
            create: pool_settings(&ctx, &pool)?,
        };
        out.push(serde_json::to_value(entry)?);
    }
    let file = SeedFile {
        user_pools: out,
        lambda_functions: Vec::new(),
    };
    let mut doc = serde_json::to_value(file)?;
    ops::strip_nulls(&mut doc);
    Ok(doc)
}
