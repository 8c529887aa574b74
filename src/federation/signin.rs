//! The end of every federated sign-in, whatever the IdP: attributes mapped (or replaced by
//! InboundFederation), the identity resolved (a linked user, the federated user `<Provider>_<subject>`,
//! or a new one after PreSignUp_ExternalProvider), attributes refreshed, the triggers of AWS's order,
//! tokens (`TokenGeneration_HostedAuth`), a hosted session that remembers the IdP, and the code (or
//! tokens) at the app's redirect URI.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hyper::Response;
use serde_json::{Map, Value};

use crate::auth::tokens::{self, Issue, Session, TokenSet};
use crate::domain::federated_users as federated;
use crate::domain::{UserStatus, attributes, ids};
use crate::error::{CognitoError, Result};
use crate::html;
use crate::http::Body;
use crate::oauth::request::AuthRequest;
use crate::oauth::session::{SESSION_COOKIE, SESSION_SECS, session_key};
use crate::oauth::{Hosted, codes};
use crate::ops::identity_providers::{Provider, SUBJECT, refresh_identities};
use crate::store::federation::{self as fed, SessionIdp};
use crate::store::oauth::HostedSession;
use crate::store::users::{self, NewUser, UserRow};
use crate::triggers::federation::{self as events, InboundEvent};
use crate::triggers::pre_token::TokenSource;
use crate::triggers::{self, Caller};
use crate::{err, store};

/// What a SAML sign-in leaves for single sign-out.
#[derive(Debug, Clone)]
pub struct SamlSession {
    /// NameID.
    pub name_id: String,
    /// Its Format.
    pub format: String,
    /// SessionIndex of the AuthnStatement.
    pub session_index: Option<String>,
}

/// A verified external identity.
#[derive(Debug, Clone)]
pub struct External {
    /// The provider it came through.
    pub provider: Provider,
    /// The subject (sub, id, user_id, NameID).
    pub subject: String,
    /// Claims / SAML attributes, by the IdP's names.
    pub claims: Map<String, Value>,
    /// `request.attributes` of the InboundFederation event.
    pub event_attributes: Value,
    /// SAML: the session at the IdP.
    pub saml: Option<SamlSession>,
    /// The nonce sent to the IdP (OIDC).
    pub upstream_nonce: Option<String>,
}

/// A claim as text (strings as they are, numbers and booleans written out).
pub fn text_value(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Why a federated sign-in failed: the `error` / `error_description` the app receives.
struct Failure {
    error: &'static str,
    description: String,
}

fn fail(description: impl Into<String>) -> Failure {
    Failure {
        error: "invalid_request",
        description: description.into(),
    }
}

impl From<CognitoError> for Failure {
    fn from(e: CognitoError) -> Failure {
        match e {
            CognitoError::InternalErrorException(_) => Failure {
                error: "server_error",
                description: "Internal server error.".into(),
            },
            other => fail(other.message()),
        }
    }
}

/// Finishes the sign-in of `ext` for the app's request `req`: the redirect to the app.
pub fn finish(h: &Hosted, req: &AuthRequest, ext: External) -> Response<Body> {
    match run(h, req, &ext) {
        Ok(resp) => resp,
        Err(f) if ext.saml.is_some() => req.error(
            "server_error",
            Some(&format!(
                "Invalid SAML response received: {}",
                f.description
            )),
        ),
        Err(f) => req.error(f.error, Some(&f.description)),
    }
}

/// Who the identity signs in as.
enum Who {
    /// An existing user: a returning federated user, or a linked destination.
    Existing { user: UserRow, linked: bool },
    /// A first sign-in.
    New,
}

fn run(
    h: &Hosted,
    req: &AuthRequest,
    ext: &External,
) -> std::result::Result<Response<Body>, Failure> {
    let ctx = &h.ctx;
    let pool = &req.pool;
    let p = &ext.provider;
    let username = federated::username(p.name(), &ext.subject);
    let mut mapped = federated::map_attributes(&p.mapping, &ext.claims);
    if let Some(replaced) = events::inbound_federation(
        ctx,
        pool,
        InboundEvent {
            client_id: &req.client.id,
            user_name: &username,
            provider_name: p.name(),
            provider_type: p.kind.as_str(),
            attributes: ext.event_attributes.clone(),
        },
    )? {
        mapped = replaced;
    }
    for (name, value) in &mapped {
        if value.chars().count() > 2048 {
            return Err(fail(format!(
                "The value of the attribute {name} must have a length less than or equal to 2048 characters"
            )));
        }
        if pool.config.schema_attribute(name).is_none() || name == "sub" || name == "identities" {
            return Err(fail(format!(
                "Invalid user attributes: {name}: Attribute does not exist in the schema."
            )));
        }
    }
    let who = resolve(h, req, ext, &username, &mapped)?;
    let user = match who {
        Who::Existing { user, linked } => returning(h, req, user, linked, &mapped)?,
        Who::New => first(h, req, ext, &username, mapped)?,
    };
    let session = Session::new(ctx);
    let mut grant = req.grant.clone();
    if grant.nonce.is_none() {
        // AWS puts its own nonce in the ID token of a fresh sign-in through an IdP even when the app
        // sent none (apps whose OIDC library expects no nonce fail on the first login there too).
        grant.nonce = Some(
            ext.upstream_nonce
                .clone()
                .unwrap_or_else(|| URL_SAFE_NO_PAD.encode(ids::random_bytes(32))),
        );
    }
    let issue = Issue {
        pool,
        client: &req.client,
        user: &user,
        session: &session,
        source: TokenSource::HostedAuth,
        client_metadata: None,
        grant: Some(&grant),
    };
    let (id_token, access_token, expires_in) = tokens::mint(ctx, &issue).map_err(|e| Failure {
        error: "access_denied",
        description: e.message().to_string(),
    })?;
    let tokens = TokenSet {
        id_token,
        access_token,
        refresh_token: None,
        expires_in,
        new_device: None,
    };
    let cookie = start_session(h, req, &user, session.auth_time, ext);
    Ok(codes::complete(h, req, &user, tokens, vec![cookie]))
}

/// The user this identity belongs to: its own link or the federated user, a link on a mapped attribute
/// (which then becomes a link on the subject), or nobody yet.
fn resolve(
    h: &Hosted,
    req: &AuthRequest,
    ext: &External,
    username: &str,
    mapped: &[(String, String)],
) -> std::result::Result<Who, Failure> {
    let pool = &req.pool;
    let name = ext.provider.name();
    let now = h.ctx.now();
    let found = h.ctx.app.store.write(|c| {
        if let Some(link) = fed::find_identity(c, &pool.id, name, SUBJECT, &ext.subject)? {
            return Ok(users::by_pk(c, link.user_pk)?.map(|u| (u, !link.primary)));
        }
        for link in fed::attribute_links(c, &pool.id, name)? {
            let matches = mapped
                .iter()
                .any(|(a, v)| *a == link.attribute && *v == link.value);
            if matches {
                fed::set_identity_subject(c, link.pk, &ext.subject)?;
                refresh_identities(c, link.user_pk, now)?;
                return Ok(users::by_pk(c, link.user_pk)?.map(|u| (u, true)));
            }
        }
        let key = pool.config.lookup_key(username);
        Ok(users::by_username(c, &pool.id, &key)?.map(|u| (u, false)))
    })?;
    Ok(match found {
        Some((user, linked)) => Who::Existing { user, linked },
        None => Who::New,
    })
}

/// A returning user: PreAuthentication, the mapped attributes refreshed (federated users only; a
/// linked user keeps its own), PostAuthentication.
fn returning(
    h: &Hosted,
    req: &AuthRequest,
    user: UserRow,
    linked: bool,
    mapped: &[(String, String)],
) -> std::result::Result<UserRow, Failure> {
    let ctx = &h.ctx;
    let pool = &req.pool;
    if !user.enabled {
        return Err(fail("User is disabled."));
    }
    triggers::events::pre_authentication(
        ctx,
        pool,
        &req.client.id,
        &user.username,
        Some(triggers::user_attributes(pool, &user)),
        None,
    )?;
    let mut user = user;
    if !linked {
        let mut attrs = user.attributes.clone();
        for (name, value) in mapped {
            let immutable = pool
                .config
                .schema_attribute(name)
                .is_some_and(|s| !s.mutable);
            let current = attributes::get(&attrs, name);
            if immutable && current.is_some_and(|c| c != value) {
                return Err(fail(format!(
                    "Invalid user attributes: {name}: Attribute cannot be updated."
                )));
            }
            attributes::set(&mut attrs, name, value.clone());
        }
        if attrs != user.attributes {
            let now = ctx.now();
            ctx.app
                .store
                .write(|c| users::set_attributes(c, user.pk, &attrs, now))?;
            user.attributes = attrs;
        }
    }
    triggers::events::post_authentication(
        ctx,
        pool,
        &req.client.id,
        &user.username,
        triggers::user_attributes(pool, &user),
        false,
        None,
    )?;
    Ok(user)
}

/// A first sign-in: PreSignUp_ExternalProvider, the user (EXTERNAL_PROVIDER, its identity, the group
/// `<poolId>_<ProviderName>`), PostConfirmation_ConfirmSignUp.
fn first(
    h: &Hosted,
    req: &AuthRequest,
    ext: &External,
    username: &str,
    mapped: Vec<(String, String)>,
) -> std::result::Result<UserRow, Failure> {
    let ctx = &h.ctx;
    let pool = &req.pool;
    let p = &ext.provider;
    let decided = events::pre_sign_up_external(ctx, pool, &req.client.id, username, &mapped)?;
    let sub = ids::uuid();
    let mut attrs = attributes::Attributes::new();
    attributes::set(&mut attrs, "sub", sub.clone());
    for (name, value) in mapped {
        attributes::set(&mut attrs, &name, value);
    }
    for (flag, attr) in [
        (decided.auto_verify_email, "email"),
        (decided.auto_verify_phone, "phone_number"),
    ] {
        if flag && attributes::get(&attrs, attr).is_some() {
            attributes::set(&mut attrs, &format!("{attr}_verified"), "true");
        }
    }
    attributes::check_required(&pool.config, &attrs)
        .map_err(|e| fail(format!("Invalid user attributes: {}", e.message())))?;
    let taken = || fail(format!("Already found an entry for username {username}"));
    let now = ctx.now();
    let group = format!("{}_{}", pool.id, p.name());
    let pk = ctx.app.store.write(|c| {
        // PreSignUp may have linked this identity to another user meanwhile (AWS fails this sign-in
        // and lets the next one land on the linked user).
        if fed::find_identity(c, &pool.id, p.name(), SUBJECT, &ext.subject)?.is_some() {
            return Ok(None);
        }
        // Federated users hold no sign-in aliases: their email / phone are plain attributes.
        let inserted = users::insert(
            c,
            &NewUser {
                pool_id: &pool.id,
                username,
                username_key: &pool.config.lookup_key(username),
                sub: &sub,
                status: UserStatus::ExternalProvider,
                enabled: true,
                attributes: &attrs,
                password_hash: None,
                srp: None,
                now,
            },
        );
        let pk = match inserted {
            Ok(pk) => pk,
            Err(e) if store::is_unique_violation(&e) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        fed::insert_identity(c, &pool.id, p.name(), SUBJECT, &ext.subject, pk, true, now)?;
        refresh_identities(c, pk, now)?;
        let group_pk = match store::groups::get(c, &pool.id, &group)? {
            Some(g) => g.pk,
            None => {
                store::groups::insert(c, &pool.id, &group, None, None, None, now)?;
                store::groups::get(c, &pool.id, &group)?
                    .ok_or_else(|| err!(InternalErrorException, "group vanished after insert"))?
                    .pk
            }
        };
        store::groups::add_member(c, group_pk, pk, now)?;
        Ok(Some(pk))
    })?;
    let pk = pk.ok_or_else(taken)?;
    triggers::events::post_confirmation_of(
        ctx,
        pool,
        "PostConfirmation_ConfirmSignUp",
        pk,
        Caller::client(&req.client.id),
        None,
    )?;
    let user: Result<UserRow> = crate::accounts::reload(ctx, pk);
    Ok(user?)
}

/// A hosted session (the `cognito` cookie) that remembers the IdP, and for SAML what single sign-out
/// needs; the `Set-Cookie` value (empty if it could not be stored).
fn start_session(
    h: &Hosted,
    req: &AuthRequest,
    user: &UserRow,
    auth_time: i64,
    ext: &External,
) -> String {
    let value = URL_SAFE_NO_PAD.encode(ids::random_bytes(32));
    let now = h.ctx.now();
    let s = HostedSession {
        pool_id: req.pool.id.clone(),
        user_pk: user.pk,
        auth_time,
        expires_at: now + SESSION_SECS,
    };
    let idp = SessionIdp {
        idp: Some(ext.provider.name().to_string()),
        name_id: ext
            .saml
            .as_ref()
            .map(|s| serde_json::json!({"value": s.name_id, "format": s.format}).to_string()),
        session_index: ext.saml.as_ref().and_then(|s| s.session_index.clone()),
    };
    let key = session_key(&value);
    let stored = h.ctx.app.store.write(|c| {
        store::oauth::insert_session(c, &key, &s, now)?;
        fed::set_session_idp(c, &key, &idp)
    });
    match stored {
        Ok(()) => html::set_cookie(SESSION_COOKIE, &value, SESSION_SECS as i64, h.secure),
        Err(e) => {
            tracing::warn!(error = %e.message(), "storing a hosted session failed");
            String::new()
        }
    }
}
