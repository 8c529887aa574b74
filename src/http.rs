//! HTTP pieces shared by every route (the API, the control API, the well-known documents, and the
//! pages to come): the body type, JSON answers, query and form decoding, and the issuer base a request
//! implies.

use hyper::{HeaderMap, Response, StatusCode};
use serde_json::{Value, json};

use crate::app::App;

/// The response body type of the server: always complete.
pub type Body = http_body_util::Full<hyper::body::Bytes>;

/// A JSON answer with `status`.
pub fn json(status: StatusCode, body: &Value) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("valid response")
}

/// A 200 JSON answer (routes outside the Cognito API).
pub fn json_ok(body: Value) -> Response<Body> {
    json(StatusCode::OK, &body)
}

/// A JSON error `{"message": ...}` (routes outside the Cognito API).
pub fn json_error(status: StatusCode, message: &str) -> Response<Body> {
    json(status, &json!({"message": message}))
}

/// Decodes `application/x-www-form-urlencoded` pairs (a query string or a form body). Pairs that do not
/// decode to UTF-8 are dropped.
pub fn form_pairs(encoded: &str) -> Vec<(String, String)> {
    encoded
        .split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((percent_decode(k)?, percent_decode(v)?))
        })
        .collect()
}

/// The decoded pairs of a request's query string.
pub fn query_pairs(uri: &hyper::Uri) -> Vec<(String, String)> {
    uri.query().map(form_pairs).unwrap_or_default()
}

/// Decodes `%XX` escapes and `+` (a space in form encoding); `None` for malformed UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// `http://<Host>` of the request, or the configured issuer base: the base of `iss` and of the
/// discovery document's URLs.
pub fn issuer_base(app: &App, headers: &HeaderMap) -> String {
    if let Some(url) = &app.config.issuer_url {
        return url.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(hyper::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_string)
        .unwrap_or_else(|| format!("{}:{}", app.config.host, app.config.port));
    format!("http://{host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_pairs_decode_escapes_and_plus() {
        assert_eq!(
            form_pairs("a=1&b=x%20y+z&&c"),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "x y z".into()),
                ("c".into(), "".into())
            ]
        );
        assert_eq!(form_pairs("bad=%FF"), vec![]);
    }
}
