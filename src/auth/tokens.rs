//! Issuing and verifying tokens : RS256 ID and access tokens with Cognito's claim sets,
//! opaque refresh tokens stored as digests, and the checks every token-taking operation makes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::app::Ctx;
use crate::crypto::jwt;
use crate::crypto::keys::KeyUse;
use crate::domain::attributes;
use crate::domain::ids;
use crate::domain::oauth::{self, Release};
use crate::error::{CognitoError, Result};
use crate::store::clients::ClientRow;
use crate::store::pools::PoolRow;
use crate::store::tokens::{self, NewRefresh};
use crate::store::users::UserRow;
use crate::store::{self};
use crate::triggers::pre_token::{self, Groups, TokenEvent, TokenSource};
use crate::triggers::{self, ClientMetadata};

/// The scope of tokens minted by the native API (InitiateAuth and friends).
pub const ADMIN_SCOPE: &str = oauth::ADMIN_SCOPE;

/// What an OAuth authorization grants: the access token's scopes and the ID token's OIDC nonce.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// The granted scopes, in request order.
    pub scopes: Vec<String>,
    /// `nonce` of the authorize request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
}

impl Grant {
    /// Whether `scope` was granted.
    pub fn has(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// The `scope` claim: space-separated.
    pub fn scope_claim(&self) -> String {
        self.scopes.join(" ")
    }
}

/// Identity of one authentication, shared by every token refreshed from it.
#[derive(Debug, Clone)]
pub struct Session {
    /// `origin_jti`: the original authentication.
    pub origin_jti: String,
    /// `auth_time`: when the user signed in.
    pub auth_time: i64,
    /// Remembered device, when tracking is on.
    pub device_key: Option<String>,
}

impl Session {
    /// A new authentication happening now.
    pub fn new(ctx: &Ctx) -> Session {
        Session {
            origin_jti: ids::uuid(),
            auth_time: ctx.app.clock.now_secs(),
            device_key: None,
        }
    }
}

/// The tokens of one `AuthenticationResult`.
#[derive(Debug, Clone)]
pub struct TokenSet {
    /// ID token.
    pub id_token: String,
    /// Access token.
    pub access_token: String,
    /// Refresh token (only on sign-in, not on refresh).
    pub refresh_token: Option<String>,
    /// Access-token lifetime in seconds.
    pub expires_in: i64,
    /// NewDeviceMetadata (DeviceKey, DeviceGroupKey) for a newly tracked device.
    pub new_device: Option<(String, String)>,
}

/// `NewDeviceMetadataType`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NewDeviceMetadata {
    /// DeviceKey.
    pub device_key: String,
    /// DeviceGroupKey.
    pub device_group_key: String,
}

/// `AuthenticationResultType`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthenticationResult {
    /// AccessToken.
    pub access_token: String,
    /// ExpiresIn (seconds).
    pub expires_in: i64,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// RefreshToken (sign-in and rotation only).
    pub refresh_token: Option<String>,
    /// IdToken.
    pub id_token: String,
    /// NewDeviceMetadata for a newly tracked device.
    pub new_device_metadata: Option<NewDeviceMetadata>,
}

impl TokenSet {
    /// `AuthenticationResultType`.
    pub fn authentication_result(self) -> AuthenticationResult {
        AuthenticationResult {
            access_token: self.access_token,
            expires_in: self.expires_in,
            token_type: "Bearer",
            refresh_token: self.refresh_token,
            id_token: self.id_token,
            new_device_metadata: self.new_device.map(|(device_key, device_group_key)| {
                NewDeviceMetadata {
                    device_key,
                    device_group_key,
                }
            }),
        }
    }
}

/// The value of an attribute as an ID-token claim: `*_verified` booleans, `updated_at` a number,
/// `address` an object, everything else (custom Number attributes included) a string.
fn claim_value(name: &str, value: &str) -> Value {
    match name {
        "email_verified" | "phone_number_verified" => Value::Bool(value == "true"),
        "updated_at" => value
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::from(value)),
        "address" => json!({"formatted": value}),
        "identities" => crate::domain::federated_users::identities_claim(value),
        _ => Value::from(value),
    }
}

/// What a token set is issued for.
pub struct Issue<'a> {
    /// The pool (its PreTokenGeneration trigger).
    pub pool: &'a PoolRow,
    /// The app client.
    pub client: &'a ClientRow,
    /// The user.
    pub user: &'a UserRow,
    /// The authentication the tokens belong to.
    pub session: &'a Session,
    /// Why (the PreTokenGeneration trigger source).
    pub source: TokenSource,
    /// ClientMetadata of the API call, for PreTokenGeneration.
    pub client_metadata: Option<&'a ClientMetadata>,
    /// The OAuth grant (scopes, nonce) of tokens from the OAuth endpoints and hosted pages; `None` for
    /// the API, whose tokens carry aws.cognito.signin.user.admin only.
    pub grant: Option<&'a Grant>,
}

/// Signs the ID and access tokens of `issue`, with the pool's PreTokenGeneration overrides applied.
pub fn mint(ctx: &Ctx, issue: &Issue<'_>) -> Result<(String, String, i64)> {
    let (client, user, session) = (issue.client, issue.user, issue.session);
    let now = ctx.app.clock.now_secs();
    let issuer = ctx.issuer(&client.pool_id);
    let event_id = ids::uuid();
    // Groups by precedence: cognito:groups in both tokens, the roles in the ID token, the role of the
    // first group with one (lowest precedence) as cognito:preferred_role.
    let groups = ctx.app.store.read(|c| store::groups::of_user(c, user.pk))?;
    let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    let roles: Vec<&str> = groups
        .iter()
        .filter_map(|g| g.role_arn.as_deref())
        .collect();
    // AWS sets no preferred role when groups of the best precedence disagree on the role.
    let with_role: Vec<_> = groups
        .iter()
        .filter(|g| g.role_arn.is_some() && g.precedence.is_some())
        .collect();
    let best = with_role.iter().filter_map(|g| g.precedence).min();
    let mut best_roles = with_role
        .iter()
        .filter(|g| g.precedence == best)
        .filter_map(|g| g.role_arn.as_deref());
    let preferred_role = best_roles
        .next()
        .filter(|first| best_roles.all(|r| r == *first))
        .map(str::to_string);
    let group_claim = (!names.is_empty()).then(|| Value::from(names.clone()));
    let group_config = Groups {
        groups: names.iter().map(|n| n.to_string()).collect(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
        preferred_role: preferred_role.clone(),
    };

    // Tokens of the OAuth flows release the attributes their scopes name (always within ReadAttributes).
    let release = issue.grant.map_or(Release::All, |g| Release::of(&g.scopes));
    let releases = |name: &str| client.config.can_read(name) && release.includes(name);
    let mut id = Map::new();
    id.insert("sub".into(), Value::from(user.sub.clone()));
    if let Some(g) = &group_claim {
        id.insert("cognito:groups".into(), g.clone());
    }
    if let Some(role) = preferred_role {
        id.insert("cognito:preferred_role".into(), Value::from(role));
    }
    if !roles.is_empty() {
        id.insert("cognito:roles".into(), Value::from(roles));
    }
    for flag in ["email_verified", "phone_number_verified"] {
        if let Some(v) = attributes::get(&user.attributes, flag) {
            if releases(flag) {
                id.insert(flag.into(), claim_value(flag, v));
            }
        }
    }
    id.insert("iss".into(), Value::from(issuer.clone()));
    id.insert(
        "cognito:username".into(),
        Value::from(user.username.clone()),
    );
    id.insert("origin_jti".into(), Value::from(session.origin_jti.clone()));
    id.insert("aud".into(), Value::from(client.id.clone()));
    id.insert("event_id".into(), Value::from(event_id.clone()));
    id.insert("token_use".into(), Value::from("id"));
    id.insert("auth_time".into(), Value::from(session.auth_time));
    for (name, value) in &user.attributes {
        // `identities` (federated and linked users) is in every ID token, like cognito:groups.
        if matches!(
            name.as_str(),
            "sub" | "email_verified" | "phone_number_verified"
        ) || (!releases(name) && name != "identities")
        {
            continue;
        }
        if let Some(v) = value.as_str() {
            id.insert(name.clone(), claim_value(name, v));
        }
    }
    let id_lifetime = client.config.id_token_seconds();
    id.insert("exp".into(), Value::from(now + id_lifetime));
    id.insert("iat".into(), Value::from(now));
    id.insert("jti".into(), Value::from(ids::uuid()));
    if let Some(nonce) = issue.grant.and_then(|g| g.nonce.as_ref()) {
        id.insert("nonce".into(), Value::from(nonce.clone()));
    }

    let mut access = Map::new();
    access.insert("sub".into(), Value::from(user.sub.clone()));
    if let Some(g) = group_claim {
        access.insert("cognito:groups".into(), g);
    }
    access.insert("iss".into(), Value::from(issuer));
    access.insert("version".into(), Value::from(2));
    access.insert("client_id".into(), Value::from(client.id.clone()));
    access.insert("origin_jti".into(), Value::from(session.origin_jti.clone()));
    access.insert("event_id".into(), Value::from(event_id));
    access.insert("token_use".into(), Value::from("access"));
    let scopes: Vec<String> = match issue.grant {
        Some(g) => g.scopes.clone(),
        None => vec![ADMIN_SCOPE.to_string()],
    };
    if !scopes.is_empty() {
        access.insert("scope".into(), Value::from(scopes.join(" ")));
    }
    access.insert("auth_time".into(), Value::from(session.auth_time));
    let access_lifetime = client.config.access_token_seconds();
    access.insert("exp".into(), Value::from(now + access_lifetime));
    access.insert("iat".into(), Value::from(now));
    access.insert("jti".into(), Value::from(ids::uuid()));
    access.insert("username".into(), Value::from(user.username.clone()));
    if let Some(device) = &session.device_key {
        access.insert("device_key".into(), Value::from(device.clone()));
    }

    let event = TokenEvent {
        source: issue.source,
        client_id: &client.id,
        user_name: &user.username,
        user_attributes: triggers::user_attributes(issue.pool, user),
        groups: group_config,
        scopes: &scopes,
        client_metadata: issue.client_metadata,
    };
    if let Some(overrides) = pre_token::pre_token_generation(ctx, issue.pool, event)? {
        pre_token::apply(&overrides, Some(&mut id), &mut access);
    }

    let keys = &ctx.app.keys;
    if issue.grant.is_none() {
        let (id_token, access_token) = sign_both(ctx, id, &access);
        return Ok((id_token, access_token, access_lifetime));
    }
    let access_token = jwt::sign(keys, KeyUse::Access, &access);
    // Hosted-UI ID tokens lead with at_hash, which no trigger may touch.
    let mut with_hash = Map::new();
    with_hash.insert("at_hash".into(), Value::from(oauth::at_hash(&access_token)));
    with_hash.extend(id);
    Ok((
        jwt::sign(keys, KeyUse::Id, &with_hash),
        access_token,
        access_lifetime,
    ))
}

/// Signs the ID and the access token, on two threads when a core is free (`Ctx::in_parallel`): a
/// one-at-a-time client waits for one RSA signature instead of two.
fn sign_both(ctx: &Ctx, id: Map<String, Value>, access: &Map<String, Value>) -> (String, String) {
    let app = ctx.app.clone();
    ctx.in_parallel(
        move || jwt::sign(&app.keys, KeyUse::Id, &id),
        || jwt::sign(&ctx.app.keys, KeyUse::Access, access),
    )
}

/// Signs the access token of a `client_credentials` grant: `sub` is the client, no user and no ID token;
/// PreTokenGeneration runs (`TokenGeneration_ClientCredentials`) only for V3_0 triggers.
pub fn mint_client_credentials(
    ctx: &Ctx,
    pool: &PoolRow,
    client: &ClientRow,
    scopes: &[String],
    client_metadata: Option<&ClientMetadata>,
) -> Result<(String, i64)> {
    let now = ctx.app.clock.now_secs();
    let mut access = Map::new();
    access.insert("sub".into(), Value::from(client.id.clone()));
    access.insert("token_use".into(), Value::from("access"));
    if !scopes.is_empty() {
        access.insert("scope".into(), Value::from(scopes.join(" ")));
    }
    access.insert("auth_time".into(), Value::from(now));
    access.insert("iss".into(), Value::from(ctx.issuer(&client.pool_id)));
    let lifetime = client.config.access_token_seconds();
    access.insert("exp".into(), Value::from(now + lifetime));
    access.insert("iat".into(), Value::from(now));
    access.insert("version".into(), Value::from(2));
    access.insert("jti".into(), Value::from(ids::uuid()));
    access.insert("client_id".into(), Value::from(client.id.clone()));
    let event = TokenEvent {
        source: TokenSource::ClientCredentials,
        client_id: &client.id,
        user_name: "ClientCredentials",
        user_attributes: json!({}),
        groups: Groups::default(),
        scopes,
        client_metadata,
    };
    if let Some(overrides) = pre_token::pre_token_generation(ctx, pool, event)? {
        pre_token::apply(&overrides, None, &mut access);
    }
    Ok((jwt::sign(&ctx.app.keys, KeyUse::Access, &access), lifetime))
}

/// A new opaque refresh token shaped like AWS's (a compact JWE: five base64url parts) and its digest.
pub fn new_refresh_token() -> (String, [u8; 32]) {
    const HEADER: &str = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ";
    let part = |n| URL_SAFE_NO_PAD.encode(ids::random_bytes(n));
    let token = format!(
        "{HEADER}.{}.{}.{}.{}",
        part(256),
        part(12),
        part(96),
        part(16)
    );
    let digest = refresh_digest(&token);
    (token, digest)
}

/// The stored form of a refresh token.
pub fn refresh_digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Stores the refresh token with digest `digest` of a completed sign-in, in the caller's transaction.
pub fn insert_refresh(
    c: &rusqlite::Connection,
    client: &ClientRow,
    user_pk: i64,
    session: &Session,
    digest: &[u8; 32],
    scopes: Option<&str>,
    now: f64,
) -> Result<()> {
    tokens::insert(
        c,
        &NewRefresh {
            hash: digest,
            client_id: &client.id,
            user_pk,
            origin_jti: &session.origin_jti,
            auth_time: session.auth_time,
            device_key: session.device_key.as_deref(),
            now,
            expires_at: now + client.config.refresh_token_seconds() as f64,
            scopes,
        },
    )
}

/// Stores a new refresh token in a write of its own and returns it (the OAuth code exchange).
pub fn store_refresh(
    ctx: &Ctx,
    client: &ClientRow,
    user: &UserRow,
    session: &Session,
    scopes: Option<&str>,
) -> Result<String> {
    let (refresh, digest) = new_refresh_token();
    let now = ctx.now();
    ctx.app
        .store
        .write(|c| insert_refresh(c, client, user.pk, session, &digest, scopes, now))?;
    Ok(refresh)
}

/// What an operation learns from a valid access token.
#[derive(Debug, Clone)]
pub struct AccessClaims {
    /// The pool (from `iss`).
    pub pool_id: String,
    /// `client_id`.
    pub client_id: String,
    /// `sub`.
    pub sub: String,
    /// `username`.
    pub username: String,
    /// `origin_jti`.
    pub origin_jti: String,
    /// `iat`.
    pub issued_at: i64,
}

/// "Invalid Access Token".
pub fn invalid_access() -> CognitoError {
    CognitoError::NotAuthorizedException("Invalid Access Token".into())
}

/// The checks an operation taking an access token makes after [`access_token_claims`] and the check
/// of its client (still in the token's pool): the scope of the user operations
/// (aws.cognito.signin.user.admin) and a user.
pub fn with_admin_scope(claims: AccessClaims, scopes: &str) -> Result<AccessClaims> {
    if !scopes.split(' ').any(|s| s == ADMIN_SCOPE) {
        return Err(CognitoError::NotAuthorizedException(
            "Access Token does not have required scopes".into(),
        ));
    }
    if claims.username.is_empty() {
        return Err(invalid_access());
    }
    Ok(claims)
}

/// Verifies an access token (signature, use, expiry, issuer, client) without the scope check: the
/// claims and the `scope` claim (userInfo needs `openid`, not aws.cognito.signin.user.admin).
pub fn verify_access_token(ctx: &Ctx, token: &str) -> Result<(AccessClaims, String)> {
    let (claims, scopes) = access_token_claims(ctx, token)?;
    let client_pool = ctx
        .app
        .store
        .read(|c| store::clients::pool_of(c, &claims.client_id))?;
    if client_pool.is_none_or(|p| p != claims.pool_id) {
        return Err(invalid_access());
    }
    Ok((claims, scopes))
}

/// The claims of an access token and its `scope` claim, after the checks that need no database: our
/// signature with the access key, `token_use`, expiry against the emulator's clock, the issuer. The
/// caller still refuses the token (with [`invalid_access`]) unless its client exists in its pool.
pub fn access_token_claims(ctx: &Ctx, token: &str) -> Result<(AccessClaims, String)> {
    let (use_, claims) = jwt::verify(&ctx.app.keys, token).ok_or_else(invalid_access)?;
    let text = |k: &str| claims.get(k).and_then(Value::as_str).map(str::to_string);
    if use_ != KeyUse::Access || text("token_use").as_deref() != Some("access") {
        return Err(invalid_access());
    }
    let exp = claims
        .get("exp")
        .and_then(Value::as_i64)
        .ok_or_else(invalid_access)?;
    if exp <= ctx.app.clock.now_secs() {
        return Err(CognitoError::NotAuthorizedException(
            "Access Token has expired".into(),
        ));
    }
    let iss = text("iss").ok_or_else(invalid_access)?;
    let pool_id = iss.rsplit('/').next().unwrap_or_default().to_string();
    if let Some(base) = &ctx.app.config.issuer_url {
        if iss != format!("{}/{pool_id}", base.trim_end_matches('/')) {
            return Err(invalid_access());
        }
    }
    let scopes = text("scope").unwrap_or_default();
    let claims = AccessClaims {
        pool_id,
        client_id: text("client_id").ok_or_else(invalid_access)?,
        sub: text("sub").ok_or_else(invalid_access)?,
        // Client-credentials tokens have neither: the operations that need a user refuse them.
        username: text("username").unwrap_or_default(),
        origin_jti: text("origin_jti").unwrap_or_default(),
        issued_at: claims
            .get("iat")
            .and_then(Value::as_i64)
            .ok_or_else(invalid_access)?,
    };
    Ok((claims, scopes))
}
