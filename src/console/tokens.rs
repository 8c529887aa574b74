//! The token decoder: paste a JWT, see its header and claims, and whether it holds up against the
//! pool's JWKS (signature), its issuer, the emulator's clock (expiry), its client and revocation. All
//! checks run on the server; the token is posted (not put in a URL).

use hyper::{Response, StatusCode};
use serde_json::{Map, Value};

use crate::console::layout::{
    badge, datetime, json_pre, page as frame, post_form, section, span, table, ui, value_html,
};
use crate::console::request::Req;
use crate::crypto::jwt;
use crate::crypto::keys::KeyUse;
use crate::html::escape;
use crate::http::Body;
use crate::store;

/// One check: its name, whether it passed (`None`: could not tell), and what was found.
pub struct Check {
    /// What is checked.
    pub name: &'static str,
    /// Passed, failed, or not applicable.
    pub ok: Option<bool>,
    /// What was found.
    pub detail: String,
}

/// A decoded token.
pub struct Decoded {
    /// The JOSE header.
    pub header: Value,
    /// The claims.
    pub claims: Map<String, Value>,
    /// The checks, in order.
    pub checks: Vec<Check>,
}

fn part(s: &str) -> Result<Value, String> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s.trim_end_matches('='))
        .map_err(|e| format!("not base64url: {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("not JSON: {e}"))
}

fn check(name: &'static str, ok: Option<bool>, detail: impl Into<String>) -> Check {
    Check {
        name,
        ok,
        detail: detail.into(),
    }
}

/// Decodes `token` and checks it against the emulator's keys, pools, clock and revocations.
pub fn decode(r: &Req, token: &str) -> Result<Decoded, String> {
    let app = &r.ctx.app;
    let token = token.trim();
    let pieces: Vec<&str> = token.split('.').collect();
    if pieces.len() != 3 {
        return Err(format!(
            "A JWT has three dot-separated parts; this has {}.",
            pieces.len()
        ));
    }
    let header = part(pieces[0]).map_err(|e| format!("The header is {e}"))?;
    let claims = match part(pieces[1]).map_err(|e| format!("The payload is {e}"))? {
        Value::Object(m) => m,
        _ => return Err("The payload is not a JSON object.".into()),
    };
    let text = |k: &str| {
        claims
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let mut checks = Vec::new();

    let alg = header["alg"].as_str().unwrap_or("");
    checks.push(check(
        "Algorithm",
        Some(alg == "RS256"),
        format!("{alg} (Cognito signs with RS256)"),
    ));
    let kid = header["kid"].as_str().unwrap_or("");
    let key = app.keys.by_kid(kid).map(|(u, _)| u);
    checks.push(check(
        "Key (kid)",
        Some(key.is_some()),
        match key {
            Some(KeyUse::Id) => format!("{kid}: the ID-token key of the pool's JWKS"),
            Some(KeyUse::Access) => format!("{kid}: the access-token key of the pool's JWKS"),
            None => format!("{kid}: not in the pool's JWKS"),
        },
    ));
    let signed = jwt::verify(&app.keys, token).is_some();
    checks.push(check(
        "Signature",
        Some(signed),
        if signed {
            "valid RS256 signature"
        } else {
            "does not verify (altered, or signed by another key)"
        },
    ));

    let iss = text("iss");
    let pool_id = iss.rsplit('/').next().unwrap_or("").to_string();
    let pool = app
        .store
        .read(|c| store::pools::get(c, &pool_id))
        .ok()
        .flatten();
    let base_ok = match &app.config.issuer_url {
        Some(base) => iss == format!("{}/{pool_id}", base.trim_end_matches('/')),
        None => iss.starts_with("http://") || iss.starts_with("https://"),
    };
    checks.push(check(
        "Issuer",
        Some(pool.is_some() && base_ok),
        match &pool {
            Some(p) if base_ok => format!("{iss}: pool {} ({})", p.id, p.name),
            Some(_) => format!("{iss}: not this emulator's issuer base"),
            None => format!("{iss}: no such pool here"),
        },
    ));

    let now = r.ctx.now();
    match claims.get("exp").and_then(Value::as_f64) {
        Some(exp) if exp > now => checks.push(check(
            "Expiry",
            Some(true),
            format!(
                "valid for {} more (until {}, emulator time)",
                span(exp - now),
                datetime(exp)
            ),
        )),
        Some(exp) => checks.push(check(
            "Expiry",
            Some(false),
            format!(
                "expired {} ago (at {}, emulator time)",
                span(now - exp),
                datetime(exp)
            ),
        )),
        None => checks.push(check("Expiry", Some(false), "no exp claim")),
    }

    let token_use = text("token_use");
    let use_ok = match (token_use.as_str(), key) {
        ("id", Some(KeyUse::Id)) | ("access", Some(KeyUse::Access)) => Some(true),
        (_, None) => None,
        _ => Some(false),
    };
    checks.push(check(
        "token_use",
        use_ok,
        format!("{token_use} (must match the key that signed it)"),
    ));

    let client = if token_use == "id" {
        text("aud")
    } else {
        text("client_id")
    };
    let client_row = app
        .store
        .read(|c| store::clients::get(c, &client))
        .ok()
        .flatten();
    checks.push(check(
        "Client",
        Some(client_row.as_ref().is_some_and(|c| c.pool_id == pool_id)),
        match client_row {
            Some(c) if c.pool_id == pool_id => format!("{client}: app client {}", c.name),
            Some(_) => format!("{client}: a client of another pool"),
            None => format!("{client}: no such app client"),
        },
    ));

    let origin = text("origin_jti");
    if !origin.is_empty() {
        let revoked = app
            .store
            .read(|c| store::tokens::origin_revoked(c, &origin))
            .unwrap_or(false);
        checks.push(check(
            "Revocation",
            Some(!revoked),
            if revoked {
                "revoked (GlobalSignOut, RevokeToken or a revoked session): the API refuses it"
            } else {
                "not revoked"
            },
        ));
    }
    Ok(Decoded {
        header,
        claims,
        checks,
    })
}

fn claim_rows(claims: &Map<String, Value>) -> Vec<Vec<String>> {
    claims
        .iter()
        .map(|(k, v)| {
            let mut shown = value_html(v);
            if matches!(k.as_str(), "exp" | "iat" | "auth_time" | "nbf") {
                if let Some(t) = v.as_f64() {
                    shown = format!(
                        r#"{shown} <span class="muted">{}</span>"#,
                        escape(&datetime(t))
                    );
                }
            }
            vec![format!("<code>{}</code>", escape(k)), shown]
        })
        .collect()
}

/// `GET /tokens` (the form) and `POST /tokens` (the form with the decoded token).
pub fn page(r: &Req) -> Response<Body> {
    let token = r.f("token").unwrap_or("");
    let form = post_form(
        r,
        &ui("/tokens"),
        &format!(
            r#"<label>ID or access token<textarea name="token" id="token" spellcheck="false" placeholder="eyJraWQiOi...">{}</textarea></label>"#,
            escape(token)
        ),
        "Decode and check",
        "decode",
        None,
    );
    let (status, result) = if token.is_empty() {
        (StatusCode::OK, String::new())
    } else {
        match decode(r, token) {
            Err(e) => (
                StatusCode::BAD_REQUEST,
                format!(
                    r#"<div class="alert error" role="alert" id="verdict">{}</div>"#,
                    escape(&e)
                ),
            ),
            Ok(d) => {
                let failed = d.checks.iter().find(|c| c.ok == Some(false));
                let verdict = match failed {
                    None => r#"<div class="alert info" id="verdict">Valid: signature, issuer, expiry and client check out.</div>"#.to_string(),
                    Some(c) => format!(
                        r#"<div class="alert error" id="verdict">Not valid: {}: {}</div>"#,
                        escape(c.name),
                        escape(&c.detail)
                    ),
                };
                let rows = d
                    .checks
                    .iter()
                    .map(|c| {
                        let b = match c.ok {
                            Some(true) => badge("ok", "good"),
                            Some(false) => badge("failed", "bad"),
                            None => badge("n/a", ""),
                        };
                        vec![escape(c.name), b, escape(&c.detail)]
                    })
                    .collect();
                (
                    StatusCode::OK,
                    format!(
                        r#"{verdict}<div class="checks" id="checks">{}</div><div class="grid">{}{}</div>"#,
                        section("Checks", &table(&["Check", "", "Found"], rows, "")),
                        section("Header", &json_pre(&d.header)),
                        section(
                            "Claims",
                            &format!(
                                r#"<div id="claims">{}</div>"#,
                                table(&["Claim", "Value"], claim_rows(&d.claims), "No claims.")
                            )
                        ),
                    ),
                )
            }
        }
    };
    frame(
        r,
        status,
        "Token decoder",
        &[],
        &format!(r#"<section class="card">{form}</section>{result}"#),
    )
}
