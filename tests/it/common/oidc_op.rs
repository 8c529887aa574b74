//! A tiny OpenID Provider for the Rust federation tests, on 127.0.0.1:0: discovery, an authorize
//! endpoint that signs in the user set with [`Op::login_as`] at once (302 back with a code), a token
//! endpoint (client_secret_post or GET, RS256 ID tokens from its own keys), userinfo and JWKS. Its ID
//! token can be spoiled on purpose ([`Mode`]) for the negative tests. Every request is recorded.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, OnceLock};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_emulator::crypto::jwt;
use cognito_emulator::crypto::keys::{KeyUse, Keys};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;

/// What the token endpoint does to the ID token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A correct token.
    Good,
    /// The payload changed after signing.
    Tampered,
    /// Expired an hour ago.
    Expired,
    /// Another audience.
    WrongAudience,
    /// Another issuer.
    WrongIssuer,
    /// Another nonce.
    WrongNonce,
    /// Signed by another key under the provider's `kid`.
    OtherKey,
    /// The token endpoint answers 400 invalid_grant.
    TokenError,
}

/// One recorded request.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Method.
    pub method: String,
    /// Path.
    pub path: String,
    /// Query and form pairs.
    pub params: HashMap<String, String>,
    /// The Authorization header.
    pub authorization: String,
}

#[derive(Default)]
struct State {
    login: String,
    users: HashMap<String, Map<String, Value>>,
    codes: HashMap<String, (String, Option<String>)>,
    tokens: HashMap<String, String>,
    mode: Option<Mode>,
    seen: Vec<Seen>,
}

/// A running provider.
pub struct Op {
    /// `http://127.0.0.1:<port>`: also its issuer.
    pub url: String,
    /// The client id it knows.
    pub client_id: String,
    /// Its secret.
    pub client_secret: String,
    state: Arc<Mutex<State>>,
}

fn op_keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let dir =
            std::env::temp_dir().join(format!("cognito-emulator-op-keys-{}", std::process::id()));
        Keys::load_or_generate(&dir, 4).expect("OP keys")
    })
}

fn other_keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let dir =
            std::env::temp_dir().join(format!("cognito-emulator-op-other-{}", std::process::id()));
        Keys::load_or_generate(&dir, 4).expect("other keys")
    })
}

impl Op {
    /// Starts a provider knowing `client_id` / `client_secret`.
    pub async fn start() -> Op {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state: Arc<Mutex<State>> = Arc::default();
        let op = Op {
            url: url.clone(),
            client_id: "op-client".into(),
            client_secret: "op-client-secret".into(),
            state: state.clone(),
        };
        let shared = Arc::new((url, op.client_id.clone(), op.client_secret.clone()));
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let (st, sh) = (state.clone(), shared.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |req| serve(st.clone(), sh.clone(), req));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        op
    }

    /// The next authorize request signs in `sub` with these claims.
    pub fn login_as(&self, sub: &str, claims: Value) {
        let mut s = self.state.lock().unwrap();
        s.login = sub.to_string();
        let mut m = claims.as_object().cloned().unwrap_or_default();
        m.insert("sub".into(), json!(sub));
        s.users.insert(sub.to_string(), m);
    }

    /// Spoils the next ID tokens.
    pub fn mode(&self, mode: Mode) {
        self.state.lock().unwrap().mode = Some(mode);
    }

    /// The requests received on `path`.
    pub fn seen(&self, path: &str) -> Vec<Seen> {
        self.state.lock().unwrap().seen.iter().filter(|s| s.path == path).cloned().collect()
    }
}

fn pairs(s: &str) -> HashMap<String, String> {
    s.split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| {
            let d = |x: &str| {
                cognito_emulator::http::percent_decode(&x.replace('+', " "))
                    .unwrap_or_else(|| x.to_string())
            };
            (d(k), d(v))
        })
        .collect()
}

fn reply(status: u16, content_type: &str, body: String) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header("content-type", content_type)
        .body(Full::new(Bytes::from(body)))
        .unwrap()
}

fn sign_with(keys: &Keys, kid: &str, claims: &Map<String, Value>) -> String {
    let header = json!({"kid": kid, "alg": "RS256"});
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(Value::Object(claims.clone()).to_string())
    );
    let sig = keys.sign(KeyUse::Id, input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
}

async fn serve(
    state: Arc<Mutex<State>>,
    shared: Arc<(String, String, String)>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (issuer, client_id, client_secret) = (&shared.0, &shared.1, &shared.2);
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let mut params = pairs(req.uri().query().unwrap_or_default());
    let authorization = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = req.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    params.extend(pairs(std::str::from_utf8(&body).unwrap_or_default()));
    let mut s = state.lock().unwrap();
    s.seen.push(Seen {
        method: method.clone(),
        path: path.clone(),
        params: params.clone(),
        authorization: authorization.clone(),
    });
    let p = |k: &str| params.get(k).cloned().unwrap_or_default();
    let json_reply = |status: u16, v: Value| reply(status, "application/json", v.to_string());
    Ok(match path.as_str() {
        "/.well-known/openid-configuration" => json_reply(
            200,
            json!({
                "issuer": issuer,
                "authorization_endpoint": format!("{issuer}/authorize"),
                "token_endpoint": format!("{issuer}/token"),
                "userinfo_endpoint": format!("{issuer}/userinfo"),
                "jwks_uri": format!("{issuer}/jwks"),
                "response_types_supported": ["code"],
                "id_token_signing_alg_values_supported": ["RS256"],
            }),
        ),
        "/jwks" => json_reply(200, op_keys().jwks()),
        "/authorize" => {
            let code = cognito_emulator::domain::ids::uuid();
            let sub = s.login.clone();
            let nonce = params.get("nonce").cloned();
            s.codes.insert(code.clone(), (sub, nonce));
            let location = format!(
                "{}?code={}&state={}",
                p("redirect_uri"),
                code,
                crate::common::urlencode(&p("state"))
            );
            Response::builder()
                .status(302)
                .header("location", location)
                .body(Full::new(Bytes::new()))
                .unwrap()
        }
        "/token" => {
            if p("client_id") != *client_id || p("client_secret") != *client_secret {
                return Ok(json_reply(401, json!({"error": "invalid_client"})));
            }
            let mode = s.mode.unwrap_or(Mode::Good);
            let Some((sub, nonce)) = s.codes.remove(&p("code")) else {
                return Ok(json_reply(400, json!({"error": "invalid_grant"})));
            };
            if mode == Mode::TokenError {
                return Ok(json_reply(400, json!({"error": "invalid_grant"})));
            }
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs() as i64;
            let mut claims = s.users.get(&sub).cloned().unwrap_or_default();
            claims.insert("iss".into(), json!(issuer));
            claims.insert("aud".into(), json!(client_id));
            claims.insert("iat".into(), json!(now));
            claims.insert("exp".into(), json!(now + 3600));
            if let Some(n) = nonce {
                claims.insert("nonce".into(), json!(n));
            }
            match mode {
                Mode::Expired => {
                    claims.insert("iat".into(), json!(now - 7200));
                    claims.insert("exp".into(), json!(now - 3600));
                }
                Mode::WrongAudience => {
                    claims.insert("aud".into(), json!("someone-else"));
                }
                Mode::WrongIssuer => {
                    claims.insert("iss".into(), json!("http://127.0.0.1:1"));
                }
                Mode::WrongNonce => {
                    claims.insert("nonce".into(), json!("not-the-one-sent"));
                }
                _ => {}
            }
            let kid = op_keys().key(KeyUse::Id).kid.clone();
            let mut id_token = match mode {
                Mode::OtherKey => sign_with(other_keys(), &kid, &claims),
                _ => jwt::sign(op_keys(), KeyUse::Id, &claims),
            };
            if mode == Mode::Tampered {
                let parts: Vec<&str> = id_token.split('.').collect();
                let mut changed = claims.clone();
                changed.insert("email".into(), json!("mallory@example.com"));
                let payload = URL_SAFE_NO_PAD.encode(Value::Object(changed).to_string());
                id_token = format!("{}.{payload}.{}", parts[0], parts[2]);
            }
            let access = cognito_emulator::domain::ids::uuid();
            s.tokens.insert(access.clone(), sub);
            json_reply(
                200,
                json!({"access_token": access, "id_token": id_token, "token_type": "Bearer", "expires_in": 3600}),
            )
        }
        "/userinfo" => {
            let token = authorization.strip_prefix("Bearer ").unwrap_or_default();
            match s.tokens.get(token).and_then(|sub| s.users.get(sub)) {
                Some(claims) => json_reply(200, Value::Object(claims.clone())),
                None => json_reply(401, json!({"error": "invalid_token"})),
            }
        }
        _ => reply(404, "text/plain", "not found".into()),
    })
}
