//! OIDC and social providers upstream: the endpoints (ProviderDetails, else discovery from
//! `oidc_issuer`), the redirect to the IdP with `state` and `nonce`, and at `/oauth2/idpresponse` the
//! code exchange (client_secret_post, Facebook's GET), the ID token verified (signature against the
//! IdP's JWKS or HMAC with the client secret, `iss`, `aud`, `exp`, `nonce`), and userinfo.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hyper::Response;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value, json};

use crate::domain::identity_providers::ProviderType;
use crate::domain::ids;
use crate::federation::http::{self, CallError};
use crate::federation::signin::{self, External};
use crate::federation::state::{self, Pending};
use crate::federation::{apple, page_error};
use crate::html::{self, query_string};
use crate::http::Body;
use crate::oauth::Hosted;
use crate::oauth::request::{self, AuthRequest};
use crate::ops::identity_providers::{self as idp, Provider};

/// Leeway on `exp` / `nbf` / `iat` of upstream ID tokens.
const LEEWAY_SECS: i64 = 60;

/// The callback every OIDC and social IdP is given: `<base>/oauth2/idpresponse`.
pub fn callback_url(h: &Hosted) -> String {
    format!("{}/oauth2/idpresponse", h.base)
}

/// Where a provider's endpoints are, read lazily (discovery only when ProviderDetails lack one).
struct Endpoints<'a> {
    h: &'a Hosted,
    p: &'a Provider,
    discovery: Option<Map<String, Value>>,
}

impl<'a> Endpoints<'a> {
    fn new(h: &'a Hosted, p: &'a Provider) -> Self {
        Endpoints {
            h,
            p,
            discovery: None,
        }
    }

    fn issuer(&self) -> Option<&str> {
        self.p.detail("oidc_issuer")
    }

    fn discovered(&mut self, key: &str) -> Result<Option<String>, String> {
        if self.discovery.is_none() {
            let Some(issuer) = self.issuer() else {
                return Ok(None);
            };
            let url = format!(
                "{}/.well-known/openid-configuration",
                issuer.trim_end_matches('/')
            );
            let reply = http::get(&self.h.ctx, &url, &[]).map_err(|e| match e {
                CallError::Timeout => "Timeout occurred in calling IdP discovery endpoint".into(),
                other => format!(
                    "{} Error - error getting discovery document: {other}",
                    self.p.name()
                ),
            })?;
            let doc = match (reply.status, reply.json()) {
                (200, Some(Value::Object(m))) => m,
                (status, _) => {
                    return Err(format!(
                        "{} Error - {status} error getting discovery document",
                        self.p.name()
                    ));
                }
            };
            if doc.get("issuer").and_then(Value::as_str) != Some(issuer) {
                return Err(format!("Bad issuer in the discovery document of {issuer}"));
            }
            self.discovery = Some(doc);
        }
        Ok(self
            .discovery
            .as_ref()
            .and_then(|d| d.get(key))
            .and_then(Value::as_str)
            .map(str::to_string))
    }

    /// The detail `key`, else the discovery document's `doc_key`.
    fn get(&mut self, key: &str, doc_key: &str) -> Result<Option<String>, String> {
        if let Some(v) = self.p.detail(key) {
            return Ok(Some(v.to_string()));
        }
        if self.p.kind == ProviderType::Facebook || self.p.kind == ProviderType::LoginWithAmazon {
            return Ok(None);
        }
        self.discovered(doc_key)
    }

    fn require(&mut self, key: &str, doc_key: &str) -> Result<String, String> {
        self.get(key, doc_key)?.ok_or_else(|| {
            format!(
                "{} has no {key} and its discovery document none either",
                self.p.name()
            )
        })
    }
}

/// Sends the browser to the IdP's authorize endpoint.
pub fn redirect(h: &Hosted, req: &AuthRequest, p: &Provider) -> Response<Body> {
    let mut ep = Endpoints::new(h, p);
    let authorize = match ep.require("authorize_url", "authorization_endpoint") {
        Ok(u) => u,
        Err(e) => return req.error("invalid_request", Some(&e)),
    };
    let nonce = p
        .kind
        .has_id_token()
        .then(|| URL_SAFE_NO_PAD.encode(ids::random_bytes(32)));
    let pending = Pending {
        query: req.query.clone(),
        nonce: nonce.clone(),
        redirect_uri: Some(callback_url(h)),
        ..Pending::default()
    };
    let token = match state::save(&h.ctx, &req.pool.id, p.name(), &pending) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e.message(), "storing a federation state failed");
            return req.error("server_error", None);
        }
    };
    let redirect_uri = callback_url(h);
    let scope = p.detail("authorize_scopes").unwrap_or("openid");
    let mut params: Vec<(&str, &str)> = vec![
        ("response_type", "code"),
        ("client_id", p.detail("client_id").unwrap_or_default()),
        ("redirect_uri", &redirect_uri),
        ("scope", scope),
        ("state", &token),
    ];
    if let Some(n) = &nonce {
        params.push(("nonce", n));
    }
    if p.kind == ProviderType::SignInWithApple
        && scope.split([' ', ',']).any(|s| s == "email" || s == "name")
    {
        params.push(("response_mode", "form_post"));
    }
    if matches!(p.kind, ProviderType::Oidc | ProviderType::Google) {
        if let Some(hint) = h.q("login_hint") {
            params.push(("login_hint", hint));
        }
    }
    let prompt: Vec<&str> = h
        .q("prompt")
        .unwrap_or_default()
        .split(' ')
        .filter(|p| !p.is_empty() && *p != "none")
        .collect();
    let prompt = prompt.join(" ");
    if !prompt.is_empty() {
        params.push(("prompt", &prompt));
    }
    let sep = if authorize.contains('?') { '&' } else { '?' };
    // The browser that left is the one that may come back: a cookie for the callback holds the state
    // (a code for someone else's account cannot be slipped into another browser's sign-in).
    let binding = format!(
        "{STATE_COOKIE}={token}; Path=/oauth2/idpresponse; Max-Age={}; HttpOnly; SameSite=Lax{}",
        state::STATE_SECS as i64,
        if h.secure { "; Secure" } else { "" }
    );
    html::redirect(
        &format!("{authorize}{sep}{}", query_string(params)),
        &[binding],
    )
}

/// The cookie that binds a sign-in at an OIDC IdP to the browser that started it.
const STATE_COOKIE: &str = "cognito-idp-state";

/// Whether the callback comes from the browser that started the sign-in. A form POST from the IdP
/// (Sign in with Apple's `form_post`) is cross-site: SameSite=Lax keeps the cookie home, so only GET
/// callbacks are checked.
fn same_browser(h: &Hosted, state: &str) -> bool {
    if h.method != hyper::Method::GET {
        return true;
    }
    html::cookie(&h.headers, STATE_COOKIE).is_some_and(|c| {
        bool::from(subtle::ConstantTimeEq::ct_eq(
            c.as_bytes(),
            state.as_bytes(),
        ))
    })
}

/// `GET|POST /oauth2/idpresponse`: the IdP's answer.
pub fn callback(h: &Hosted) -> Response<Body> {
    let param = |k: &str| h.q(k).or_else(|| h.f(k));
    let Some((row, pending)) = param("state")
        .filter(|s| same_browser(h, s))
        .and_then(|s| state::take(&h.ctx, s).transpose())
        .transpose()
        .ok()
        .flatten()
    else {
        return page_error("invalid_request", "Invalid state from identity provider");
    };
    let req = match request::parse(h, &pending.query) {
        Ok(r) => r,
        Err(refusal) => return refusal.response(),
    };
    let provider = match idp::load(&h.ctx, &row.pool_id, &row.provider) {
        Ok(p) => p,
        Err(e) => return req.error("invalid_request", Some(e.message())),
    };
    if let Some(error) = param("error") {
        return req.error(error, param("error_description"));
    }
    let Some(code) = param("code") else {
        return req.error(
            "invalid_request",
            Some(&format!("{} did not return a code", provider.name())),
        );
    };
    match exchange(h, &provider, &pending, code) {
        Ok(external) => signin::finish(h, &req, external),
        Err(description) => req.error("invalid_request", Some(&description)),
    }
}

/// Code → tokens → verified claims (+ userinfo).
fn exchange(h: &Hosted, p: &Provider, pending: &Pending, code: &str) -> Result<External, String> {
    let mut ep = Endpoints::new(h, p);
    let token_url = ep.require("token_url", "token_endpoint")?;
    let client_id = p.detail("client_id").unwrap_or_default().to_string();
    let secret = match p.kind {
        ProviderType::SignInWithApple => apple::client_secret(h, p)?,
        _ => p.detail("client_secret").unwrap_or_default().to_string(),
    };
    let redirect_uri = pending
        .redirect_uri
        .clone()
        .unwrap_or_else(|| callback_url(h));
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri.as_str()),
        ("client_id", client_id.as_str()),
        ("client_secret", secret.as_str()),
    ];
    let name = p.name();
    let reply = if p.detail("token_request_method") == Some("GET") {
        let sep = if token_url.contains('?') { '&' } else { '?' };
        let url = format!("{token_url}{sep}{}", query_string(form.iter().copied()));
        http::get(&h.ctx, &url, &[])
    } else {
        http::post_form(&h.ctx, &token_url, &form, &[])
    }
    .map_err(|e| match e {
        CallError::Timeout => "Timeout occurred in calling IdP token endpoint".to_string(),
        CallError::Unreachable(why) => format!("{name} Error - error getting token: {why}"),
    })?;
    let body = reply.json().and_then(|v| v.as_object().cloned());
    if reply.status != 200 {
        let code = body
            .as_ref()
            .and_then(|b| b.get("error"))
            .and_then(Value::as_str)
            .map(|c| format!(" {c}"))
            .unwrap_or_default();
        return Err(if p.kind == ProviderType::Google {
            format!("Google Error - {}{code}", reply.status)
        } else {
            format!("{name} Error - {} error getting token", reply.status)
        });
    }
    let tokens = body.ok_or_else(|| format!("{name} Error - 200 error getting token"))?;
    let access_token = tokens
        .get("access_token")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let mut id_claims = Map::new();
    if p.kind.has_id_token() {
        let id_token = tokens
            .get("id_token")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{name} did not return an id_token"))?;
        id_claims = verify_id_token(h, &mut ep, p, id_token, &secret, pending)?;
    }
    let user_info = user_info(h, &mut ep, p, &access_token)?;
    if let (Some(a), Some(b)) = (id_claims.get("sub"), user_info.get("sub")) {
        if a != b {
            return Err("The sub of userInfo does not match the sub of the id_token".into());
        }
    }
    let mut claims = id_claims.clone();
    for (k, v) in &user_info {
        claims.entry(k.clone()).or_insert_with(|| v.clone());
    }
    let subject = claims
        .get(p.kind.subject_attribute())
        .and_then(signin::text_value)
        .ok_or_else(|| {
            format!(
                "{name} did not return the {} attribute",
                p.kind.subject_attribute()
            )
        })?;
    let token_response: Map<String, Value> = tokens
        .iter()
        .filter(|(k, _)| {
            [
                "access_token",
                "id_token",
                "token_type",
                "expires_in",
                "refresh_token",
            ]
            .contains(&k.as_str())
        })
        .map(|(k, v)| (k.clone(), stringified(v)))
        .collect();
    let event = json!({
        "tokenResponse": token_response,
        "idToken": strings(&id_claims),
        "userInfo": strings(&user_info),
    });
    Ok(External {
        subject,
        claims,
        event_attributes: event,
        saml: None,
        upstream_nonce: pending.nonce.clone(),
        provider: p.clone(),
    })
}

fn stringified(v: &Value) -> Value {
    match v {
        Value::String(_) | Value::Null => v.clone(),
        Value::Object(_) | Value::Array(_) => Value::String(v.to_string()),
        other => Value::String(other.to_string()),
    }
}

fn strings(m: &Map<String, Value>) -> Value {
    Value::Object(m.iter().map(|(k, v)| (k.clone(), stringified(v))).collect())
}

/// Verifies an upstream ID token: the key (JWKS `kid`, or the client secret for HS*), `iss` equal to
/// `oidc_issuer`, `aud` the client id, `exp` / `nbf` against the emulator's clock, the nonce sent.
fn verify_id_token(
    h: &Hosted,
    ep: &mut Endpoints<'_>,
    p: &Provider,
    token: &str,
    secret: &str,
    pending: &Pending,
) -> Result<Map<String, Value>, String> {
    let invalid = |why: &str| format!("Invalid id_token: {why}");
    let header = jsonwebtoken::decode_header(token).map_err(|_| invalid("malformed"))?;
    let hmac = matches!(
        header.alg,
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512
    );
    let key = if hmac {
        DecodingKey::from_secret(secret.as_bytes()).map_err(|_| invalid("unusable key"))?
    } else {
        let kid = header
            .kid
            .as_deref()
            .ok_or_else(|| invalid("no kid in the header"))?;
        let jwks_uri = ep.require("jwks_uri", "jwks_uri")?;
        let reply = http::get(&h.ctx, &jwks_uri, &[]).map_err(|e| match e {
            CallError::Timeout => "Timeout in calling jwks uri".to_string(),
            other => format!("{} Error - error getting jwks: {other}", p.name()),
        })?;
        let set: JwkSet = serde_json::from_slice(&reply.body)
            .map_err(|_| format!("{} Error - {} error getting jwks", p.name(), reply.status))?;
        let jwk = set
            .find(kid)
            .ok_or_else(|| invalid("no key with its kid in the IdP's JWKS"))?;
        DecodingKey::from_jwk(jwk).map_err(|_| invalid("unusable key"))?
    };
    let issuer = ep
        .issuer()
        .ok_or_else(|| invalid("the provider has no oidc_issuer"))?
        .to_string();
    let client_id = p.detail("client_id").unwrap_or_default();
    let mut v = Validation::new(header.alg);
    v.validate_exp = false;
    v.validate_nbf = false;
    v.set_issuer(&[issuer.as_str()]);
    v.set_audience(&[client_id]);
    v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    let data = jsonwebtoken::decode::<Map<String, Value>>(token, &key, &v).map_err(|e| {
        use jsonwebtoken::errors::ErrorKind;
        match e.kind() {
            ErrorKind::InvalidIssuer => {
                let iss = jsonwebtoken::dangerous::insecure_decode::<Map<String, Value>>(token)
                    .ok()
                    .and_then(|d| {
                        d.claims
                            .get("iss")
                            .and_then(Value::as_str)
                            .map(str::to_string)
                    })
                    .unwrap_or_default();
                format!("Bad id_token issuer {iss}")
            }
            ErrorKind::InvalidAudience => invalid("wrong audience"),
            ErrorKind::InvalidSignature => invalid("bad signature"),
            ErrorKind::MissingRequiredClaim(c) => invalid(&format!("no {c} claim")),
            _ => invalid("not accepted"),
        }
    })?;
    let claims = data.claims;
    let now = h.ctx.app.clock.now_secs();
    let num = |k: &str| claims.get(k).and_then(Value::as_i64);
    if num("exp").is_none_or(|exp| exp + LEEWAY_SECS <= now) {
        return Err(invalid("expired"));
    }
    if num("nbf").is_some_and(|nbf| nbf - LEEWAY_SECS > now) {
        return Err(invalid("not yet valid"));
    }
    if let Some(sent) = &pending.nonce {
        if claims.get("nonce").and_then(Value::as_str) != Some(sent.as_str()) {
            return Err(invalid("nonce does not match"));
        }
    }
    Ok(claims)
}

/// The IdP's userinfo (OIDC `attributes_url` or discovered `userinfo_endpoint`; the social
/// `attributes_url`), empty when the provider has none.
fn user_info(
    h: &Hosted,
    ep: &mut Endpoints<'_>,
    p: &Provider,
    access_token: &str,
) -> Result<Map<String, Value>, String> {
    let Some(mut url) = ep.get("attributes_url", "userinfo_endpoint")? else {
        return Ok(Map::new());
    };
    // AWS's own attribute URLs end with `personFields=` / `fields=` and get the mapped names; a
    // stand-in's plain userinfo URL is called as it is.
    if p.detail("attributes_url_add_attributes") == Some("true") && url.ends_with('=') {
        let mut fields: Vec<&str> = p
            .mapping
            .values()
            .map(String::as_str)
            .filter(|f| !f.is_empty())
            .collect();
        if !fields.contains(&p.kind.subject_attribute()) {
            fields.insert(0, p.kind.subject_attribute());
        }
        fields.dedup();
        url.push_str(&fields.join(","));
    }
    let bearer = [("authorization", format!("Bearer {access_token}"))];
    let reply = if p.detail("attributes_request_method") == Some("POST") {
        http::post_form(&h.ctx, &url, &[], &bearer)
    } else {
        http::get(&h.ctx, &url, &bearer)
    }
    .map_err(|e| format!("{} Error - error getting user info: {e}", p.name()))?;
    match (reply.status, reply.json()) {
        (200, Some(Value::Object(m))) => Ok(m),
        (status, _) => Err(format!(
            "{} Error - {status} error getting user info",
            p.name()
        )),
    }
}
