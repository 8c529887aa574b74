//! PreTokenGeneration: the event (V1, V2, V3), the function's overrides read back, and their
//! application to the claims — AWS's protected claims stay untouched.

use serde_json::{Map, Value, json};

use super::{Caller, ClientMetadata, Envelope, Trigger, run, with_client_metadata};
use crate::app::Ctx;
use crate::domain::lambda::PreTokenVersion;
use crate::err;
use crate::error::{CognitoError, Result};
use crate::store::pools::PoolRow;

fn unrecognizable() -> CognitoError {
    err!(
        InvalidLambdaResponseException,
        "Unrecognizable lambda output"
    )
}

/// Why tokens are being issued: the event's `triggerSource`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    /// Sign-in through the API.
    Authentication,
    /// Sign-in completing NEW_PASSWORD_REQUIRED.
    NewPasswordChallenge,
    /// Sign-in proven by a remembered device.
    AuthenticateDevice,
    /// A refresh.
    RefreshTokens,
    /// Sign-in through the hosted pages / OAuth endpoints.
    HostedAuth,
    /// `client_credentials` (V3 only).
    ClientCredentials,
}

impl TokenSource {
    /// `TokenGeneration_<...>`.
    pub fn trigger_source(self) -> &'static str {
        match self {
            TokenSource::Authentication => "TokenGeneration_Authentication",
            TokenSource::NewPasswordChallenge => "TokenGeneration_NewPasswordChallenge",
            TokenSource::AuthenticateDevice => "TokenGeneration_AuthenticateDevice",
            TokenSource::RefreshTokens => "TokenGeneration_RefreshTokens",
            TokenSource::HostedAuth => "TokenGeneration_HostedAuth",
            TokenSource::ClientCredentials => "TokenGeneration_ClientCredentials",
        }
    }
}

/// `groupConfiguration` / `groupOverrideDetails`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Groups {
    /// cognito:groups.
    pub groups: Vec<String>,
    /// cognito:roles.
    pub roles: Vec<String>,
    /// cognito:preferred_role.
    pub preferred_role: Option<String>,
}

impl Groups {
    fn json(&self) -> Value {
        json!({
            "groupsToOverride": self.groups,
            "iamRolesToOverride": self.roles,
            "preferredRole": self.preferred_role,
        })
    }
}

/// What the function changes.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// ID-token claims to add or override.
    pub id_add: Map<String, Value>,
    /// ID-token claims to suppress.
    pub id_suppress: Vec<String>,
    /// Access-token claims to add or override (V2/V3).
    pub access_add: Map<String, Value>,
    /// Access-token claims to suppress (V2/V3).
    pub access_suppress: Vec<String>,
    /// Scopes to add (V2/V3).
    pub scopes_add: Vec<String>,
    /// Scopes to suppress (V2/V3).
    pub scopes_suppress: Vec<String>,
    /// `Some(groups)` replaces the groups; `Some(None)` removes them.
    pub groups: Option<Option<Groups>>,
}

/// The facts of a pre-token-generation event.
pub struct TokenEvent<'a> {
    /// Why tokens are issued.
    pub source: TokenSource,
    /// The client.
    pub client_id: &'a str,
    /// The user's internal username (the client id for client credentials).
    pub user_name: &'a str,
    /// The user's attributes as events carry them.
    pub user_attributes: Value,
    /// The groups the tokens would carry.
    pub groups: Groups,
    /// The scopes of the access token.
    pub scopes: &'a [String],
    /// ClientMetadata of the API call.
    pub client_metadata: Option<&'a ClientMetadata>,
}

/// Claims no function may add, change or remove.
fn protected(claim: &str) -> bool {
    matches!(
        claim,
        "acr"
            | "amr"
            | "aud"
            | "at_hash"
            | "auth_time"
            | "azp"
            | "exp"
            | "iat"
            | "identities"
            | "iss"
            | "jti"
            | "nbf"
            | "nonce"
            | "origin_jti"
            | "sub"
            | "token_use"
            | "client_id"
            | "event_id"
            | "device_key"
            | "version"
            | "username"
            | "scope"
    ) || (claim.starts_with("cognito:")
        && !matches!(
            claim,
            "cognito:groups" | "cognito:roles" | "cognito:preferred_role"
        ))
}

/// ID-token claims that must stay simple values in V2/V3 answers.
fn simple_only(claim: &str) -> bool {
    matches!(
        claim,
        "phone_number_verified" | "email_verified" | "updated_at" | "address"
    )
}

fn strings(v: Option<&Value>) -> Result<Vec<String>> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string).ok_or_else(unrecognizable))
            .collect(),
        Some(_) => Err(unrecognizable()),
    }
}

fn claims(v: Option<&Value>, strings_only: bool) -> Result<Map<String, Value>> {
    match v {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(m)) => {
            for (k, value) in m {
                let complex = matches!(value, Value::Object(_) | Value::Array(_));
                if (strings_only && !value.is_string()) || (complex && simple_only(k)) {
                    return Err(unrecognizable());
                }
            }
            Ok(m.clone())
        }
        Some(_) => Err(unrecognizable()),
    }
}

fn group_override(details: &Map<String, Value>) -> Result<Option<Option<Groups>>> {
    match details.get("groupOverrideDetails") {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::Object(g)) => {
            let groups = strings(g.get("groupsToOverride"))?;
            let roles = strings(g.get("iamRolesToOverride"))?;
            let preferred_role = match g.get("preferredRole") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(_) => return Err(unrecognizable()),
            };
            if groups.is_empty() && roles.is_empty() && preferred_role.is_none() {
                return Ok(Some(None));
            }
            Ok(Some(Some(Groups {
                groups,
                roles,
                preferred_role,
            })))
        }
        Some(_) => Err(unrecognizable()),
    }
}

fn object<'a>(v: Option<&'a Value>) -> Result<Option<&'a Map<String, Value>>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(_) => Err(unrecognizable()),
    }
}

/// Reads a V1 `claimsOverrideDetails` or a V2/V3 `claimsAndScopeOverrideDetails`.
pub fn read_overrides(
    version: PreTokenVersion,
    response: &Map<String, Value>,
) -> Result<Overrides> {
    let mut o = Overrides::default();
    if version == PreTokenVersion::V1 {
        let Some(d) = object(response.get("claimsOverrideDetails"))? else {
            return Ok(o);
        };
        o.id_add = claims(d.get("claimsToAddOrOverride"), true)?;
        o.id_suppress = strings(d.get("claimsToSuppress"))?;
        o.groups = group_override(d)?;
        return Ok(o);
    }
    let Some(d) = object(response.get("claimsAndScopeOverrideDetails"))? else {
        return Ok(o);
    };
    if let Some(id) = object(d.get("idTokenGeneration"))? {
        o.id_add = claims(id.get("claimsToAddOrOverride"), false)?;
        o.id_suppress = strings(id.get("claimsToSuppress"))?;
    }
    if let Some(access) = object(d.get("accessTokenGeneration"))? {
        o.access_add = claims(access.get("claimsToAddOrOverride"), false)?;
        o.access_suppress = strings(access.get("claimsToSuppress"))?;
        o.scopes_add = strings(access.get("scopesToAdd"))?;
        o.scopes_suppress = strings(access.get("scopesToSuppress"))?;
        if o.scopes_add.iter().any(|s| s.is_empty() || s.contains(' ')) {
            return Err(unrecognizable());
        }
    }
    o.groups = group_override(d)?;
    Ok(o)
}

/// Invokes PreTokenGeneration for `e`; `None` when the pool has none (or, for client credentials, when
/// its version is not V3_0).
pub fn pre_token_generation(
    ctx: &Ctx,
    pool: &PoolRow,
    e: TokenEvent<'_>,
) -> Result<Option<Overrides>> {
    let lambda = &pool.config.lambda_config;
    let version = lambda.pre_token_version();
    if e.source == TokenSource::ClientCredentials && version != PreTokenVersion::V3 {
        return Ok(None);
    }
    if lambda.function(Trigger::PreTokenGeneration).is_none() {
        return Ok(None);
    }
    let env = Envelope {
        pool,
        trigger: Trigger::PreTokenGeneration,
        source: e.source.trigger_source(),
        version: version.event_version(),
        user_name: e.user_name,
        caller: Caller::client(e.client_id),
    };
    let mut request = json!({
        "userAttributes": e.user_attributes,
        "groupConfiguration": e.groups.json(),
    });
    let response_key = if version == PreTokenVersion::V1 {
        "claimsOverrideDetails"
    } else {
        request["scopes"] = json!(e.scopes);
        "claimsAndScopeOverrideDetails"
    };
    let request = with_client_metadata(request, e.client_metadata);
    let response = json!({ response_key: null });
    run(ctx, &env, request, response, |r| read_overrides(version, r))
}

fn set_groups(id: &mut Map<String, Value>, access: &mut Map<String, Value>, g: Option<&Groups>) {
    for k in ["cognito:groups", "cognito:roles", "cognito:preferred_role"] {
        id.shift_remove(k);
    }
    access.shift_remove("cognito:groups");
    let Some(g) = g else {
        return;
    };
    if !g.groups.is_empty() {
        id.insert("cognito:groups".into(), json!(g.groups));
        access.insert("cognito:groups".into(), json!(g.groups));
    }
    if !g.roles.is_empty() {
        id.insert("cognito:roles".into(), json!(g.roles));
    }
    if let Some(r) = &g.preferred_role {
        id.insert("cognito:preferred_role".into(), json!(r));
    }
}

fn apply_claims(token: &mut Map<String, Value>, add: &Map<String, Value>, suppress: &[String]) {
    for (k, v) in add {
        if protected(k) || k.starts_with("dev:") || suppress.contains(k) {
            continue;
        }
        token.insert(k.clone(), v.clone());
    }
    for k in suppress {
        if protected(k) {
            continue;
        }
        if k == "cognito:groups" {
            for g in ["cognito:groups", "cognito:roles", "cognito:preferred_role"] {
                token.shift_remove(g);
            }
        } else {
            token.shift_remove(k.as_str());
        }
    }
}

/// Applies the overrides to the claims of an ID token (`id`, absent for client credentials) and an
/// access token. Protected claims are left as they are, as AWS does.
pub fn apply(o: &Overrides, id: Option<&mut Map<String, Value>>, access: &mut Map<String, Value>) {
    let mut scratch = Map::new();
    let id = id.unwrap_or(&mut scratch);
    if let Some(g) = &o.groups {
        set_groups(id, access, g.as_ref());
    }
    apply_claims(id, &o.id_add, &o.id_suppress);
    apply_claims(access, &o.access_add, &o.access_suppress);
    if o.access_suppress.iter().any(|c| c == "cognito:groups") {
        access.shift_remove("cognito:groups");
    }
    if !o.scopes_add.is_empty() || !o.scopes_suppress.is_empty() {
        let current = access
            .get("scope")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let mut scopes: Vec<&str> = current.split(' ').filter(|s| !s.is_empty()).collect();
        for s in &o.scopes_add {
            if !scopes.contains(&s.as_str()) {
                scopes.push(s);
            }
        }
        scopes.retain(|s| !o.scopes_suppress.iter().any(|x| x == s));
        if scopes.is_empty() {
            access.shift_remove("scope");
        } else {
            access.insert("scope".into(), json!(scopes.join(" ")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn v1_overrides_the_id_token_only_and_keeps_protected_claims() {
        let r = map(json!({"claimsOverrideDetails": {
            "claimsToAddOrOverride": {"custom:tenant": "acme", "sub": "forged", "cognito:username": "x"},
            "claimsToSuppress": ["email", "token_use"],
            "groupOverrideDetails": {"groupsToOverride": ["admins"], "iamRolesToOverride": [], "preferredRole": null}
        }}));
        let o = read_overrides(PreTokenVersion::V1, &r).unwrap();
        let mut id = map(
            json!({"sub": "s", "email": "e@x", "token_use": "id", "cognito:username": "u", "cognito:groups": ["old"]}),
        );
        let mut access = map(
            json!({"sub": "s", "cognito:groups": ["old"], "scope": "aws.cognito.signin.user.admin"}),
        );
        apply(&o, Some(&mut id), &mut access);
        assert_eq!(id["custom:tenant"], "acme");
        assert_eq!(id["sub"], "s");
        assert_eq!(id["cognito:username"], "u");
        assert_eq!(id["token_use"], "id");
        assert!(id.get("email").is_none());
        assert_eq!(id["cognito:groups"], json!(["admins"]));
        assert_eq!(access["cognito:groups"], json!(["admins"]));
        assert!(access.get("custom:tenant").is_none());
    }

    #[test]
    fn v1_claims_must_be_strings() {
        let r = map(json!({"claimsOverrideDetails": {"claimsToAddOrOverride": {"roles": ["a"]}}}));
        assert!(read_overrides(PreTokenVersion::V1, &r).is_err());
    }

    #[test]
    fn v2_changes_both_tokens_and_scopes_and_suppress_wins() {
        let r = map(json!({"claimsAndScopeOverrideDetails": {
            "idTokenGeneration": {"claimsToAddOrOverride": {"tenant": {"id": 7}, "family_name": "Doe"}, "claimsToSuppress": ["family_name"]},
            "accessTokenGeneration": {"claimsToAddOrOverride": {"tenant_id": 7}, "scopesToAdd": ["orders/read"], "scopesToSuppress": ["aws.cognito.signin.user.admin"]},
            "groupOverrideDetails": null
        }}));
        let o = read_overrides(PreTokenVersion::V2, &r).unwrap();
        let mut id = map(json!({"sub": "s", "cognito:groups": ["g"], "cognito:roles": ["r"]}));
        let mut access = map(
            json!({"sub": "s", "cognito:groups": ["g"], "scope": "aws.cognito.signin.user.admin"}),
        );
        apply(&o, Some(&mut id), &mut access);
        assert_eq!(id["tenant"], json!({"id": 7}));
        assert!(id.get("family_name").is_none());
        assert!(id.get("cognito:groups").is_none() && id.get("cognito:roles").is_none());
        assert!(access.get("cognito:groups").is_none());
        assert_eq!(access["tenant_id"], 7);
        assert_eq!(access["scope"], "orders/read");
    }

    #[test]
    fn v2_keeps_verified_flags_simple() {
        let r = map(
            json!({"claimsAndScopeOverrideDetails": {"idTokenGeneration": {"claimsToAddOrOverride": {"email_verified": {"x": 1}}}}}),
        );
        assert!(read_overrides(PreTokenVersion::V2, &r).is_err());
    }
}
