//! Server-rendered HTML shared by every page a person opens (the hosted sign-in pages now, the web
//! console later): escaping, the page frame with its stylesheet (no external assets: the pages work
//! offline), security headers, cookies, and CSRF tokens for forms.
//!
//! CSRF: a random `XSRF-TOKEN` cookie (HttpOnly, SameSite=Lax) and, in every form, `_csrf` =
//! HMAC-SHA256(the app's page key, cookie). A POST whose `_csrf` does not match its cookie gets 403.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use hyper::{HeaderMap, Response, StatusCode};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::domain::ids;
use crate::http::Body;

/// The cookie holding the CSRF secret.
pub const CSRF_COOKIE: &str = "XSRF-TOKEN";
/// The form field carrying the CSRF token (`csrf` is accepted too, as managed login names it).
pub const CSRF_FIELD: &str = "_csrf";

/// Escapes text for HTML content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a query-string component (RFC 3986 unreserved characters stay).
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `k1=v1&k2=v2`, percent-encoded.
pub fn query_string<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    pairs
        .into_iter()
        .map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// What a pool's branding adds to its pages (UI customization, managed login branding): extra CSS and
/// a logo, both already validated by the caller.
#[derive(Debug, Clone, Default)]
pub struct Branding {
    /// CSS appended after the default stylesheet (a `</` in it cannot close the element).
    pub css: Option<String>,
    /// A logo as a `data:image/...` URI.
    pub logo: Option<String>,
    /// The logo shown when the browser prefers a dark colour scheme, if another.
    pub logo_dark: Option<String>,
}

/// One page: a title and already-escaped body HTML inside the frame.
pub struct Page<'a> {
    /// `<title>` and the card's heading (escaped here).
    pub title: &'a str,
    /// The card's content: HTML built with [`escape`].
    pub body: String,
    /// Branding to apply.
    pub branding: &'a Branding,
    /// `<html lang>`.
    pub lang: &'a str,
    /// The line under the card.
    pub footer: &'a str,
    /// A script of the emulator's own (a same-origin path) the page loads; see [`csp`].
    pub script: Option<&'a str>,
}

const STYLE: &str = r#"
:root{--bg:#f3f4f8;--card:#fff;--text:#1d2330;--muted:#5b6475;--line:#d5d9e2;--accent:#3b5bdb;
--accent-text:#fff;--error-bg:#fff1f0;--error:#b42318;--info-bg:#eef4ff;--info:#2f4fb5}
@media (prefers-color-scheme:dark){:root{--bg:#11141b;--card:#1b2029;--text:#e7e9ee;--muted:#a2a9b8;
--line:#333a48;--accent:#6d8cff;--accent-text:#0b0e14;--error-bg:#3a1513;--error:#ffb4ab;--info-bg:#1a2545;
--info:#b8c8ff}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:var(--bg);
color:var(--text);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{width:100%;max-width:400px;padding:24px}
.card{background:var(--card);border:1px solid var(--line);border-radius:14px;padding:32px 28px;
box-shadow:0 10px 30px rgba(20,30,60,.08)}
.logo{display:block;max-height:56px;margin:0 auto 16px}
h1{font-size:1.4rem;margin:0 0 4px;text-align:center}
.sub{color:var(--muted);text-align:center;margin:0 0 22px;font-size:.95rem}
label{display:block;font-weight:600;font-size:.9rem;margin:14px 0 6px}
input[type=text],input[type=password],input[type=email],input[type=tel]{width:100%;padding:10px 12px;
border:1px solid var(--line);border-radius:8px;background:transparent;color:var(--text);font:inherit}
input:focus,button:focus,a:focus{outline:3px solid color-mix(in srgb,var(--accent) 45%,transparent);
outline-offset:2px}
button{width:100%;margin-top:22px;padding:11px;border:0;border-radius:8px;background:var(--accent);
color:var(--accent-text);font:inherit;font-weight:600;cursor:pointer}
button.link{background:none;color:var(--accent);margin-top:8px;padding:4px;font-weight:500}
.choice{display:flex;gap:10px;align-items:center;margin:8px 0;font-weight:500}
.alert{border-radius:8px;padding:10px 12px;margin:0 0 14px;font-size:.92rem}
.error{background:var(--error-bg);color:var(--error)}
.info{background:var(--info-bg);color:var(--info)}
.links{margin-top:18px;text-align:center;font-size:.92rem;display:flex;flex-direction:column;gap:6px}
a{color:var(--accent)}
code.secret{display:block;word-break:break-all;padding:10px;border:1px dashed var(--line);border-radius:8px;
font-size:.95rem;margin:8px 0}
.foot{color:var(--muted);font-size:.78rem;text-align:center;margin-top:16px}
"#;

fn data_image(uri: Option<&str>) -> Option<&str> {
    uri.filter(|l| l.starts_with("data:image/"))
}

/// CSS placed in a `<style>` element: a `</` could end the element, so it is written `<\/` (the same
/// text to CSS, where `\/` is an escaped `/`).
pub fn style_text(css: &str) -> String {
    css.replace("</", "<\\/")
}

/// The whole document of `page`. The classic hosted UI's customizable classes
/// (`background-customizable`, `banner-customizable`, `logo-customizable`) sit on the card, the logo
/// banner and the logo, so a pool's SetUICustomization CSS styles them.
pub fn render(page: &Page<'_>) -> String {
    let b = page.branding;
    let logo = match (
        data_image(b.logo.as_deref()),
        data_image(b.logo_dark.as_deref()),
    ) {
        (Some(light), Some(dark)) => format!(
            r#"<div class="banner-customizable"><picture><source media="(prefers-color-scheme: dark)" srcset="{}"><img class="logo logo-customizable" id="logo" alt="" src="{}"></picture></div>"#,
            escape(dark),
            escape(light)
        ),
        (Some(l), None) | (None, Some(l)) => format!(
            r#"<div class="banner-customizable"><img class="logo logo-customizable" id="logo" alt="" src="{}"></div>"#,
            escape(l)
        ),
        (None, None) => String::new(),
    };
    let extra = b.css.as_deref().map(style_text).unwrap_or_default();
    let script = page
        .script
        .filter(|s| s.starts_with('/') && !s.starts_with("//"))
        .map(|s| format!(r#"<script src="{}" defer></script>"#, escape(s)))
        .unwrap_or_default();
    format!(
        r#"<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{title}</title><style>{STYLE}{extra}</style>{script}</head>
<body><main><div class="card background-customizable">{logo}<h1>{title}</h1>
{body}
</div><p class="foot">{footer}</p></main></body></html>"#,
        lang = escape(page.lang),
        title = escape(page.title),
        body = page.body,
        footer = escape(page.footer),
    )
}

/// The Content-Security-Policy of a page: nothing from elsewhere, inline styles (the branding CSS),
/// `data:` images (logos), and scripts only from the emulator itself when the page loads one.
pub fn csp(script: bool) -> &'static str {
    if script {
        "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'"
    } else {
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'"
    }
}

/// An HTML answer with the headers every page carries (no framing, no sniffing, no caching).
pub fn response(status: StatusCode, document: String, cookies: &[String]) -> Response<Body> {
    response_with(status, document, cookies, csp(false))
}

/// [`response`] with the Content-Security-Policy `policy` (see [`csp`]).
pub fn response_with(
    status: StatusCode,
    document: String,
    cookies: &[String],
    policy: &str,
) -> Response<Body> {
    let mut b = Response::builder()
        .status(status)
        .header(hyper::header::CONTENT_TYPE, "text/html;charset=UTF-8")
        .header("x-frame-options", "DENY")
        .header("x-content-type-options", "nosniff")
        .header("referrer-policy", "no-referrer")
        .header("content-security-policy", policy)
        .header(
            hyper::header::CACHE_CONTROL,
            "no-cache, no-store, max-age=0, must-revalidate",
        );
    for c in cookies {
        b = b.header(hyper::header::SET_COOKIE, c);
    }
    b.body(Body::from(document)).expect("valid response")
}

/// A `302` to `location`, with cookies.
pub fn redirect(location: &str, cookies: &[String]) -> Response<Body> {
    let mut b = Response::builder()
        .status(StatusCode::FOUND)
        .header(hyper::header::LOCATION, location)
        .header(hyper::header::CACHE_CONTROL, "no-store");
    for c in cookies {
        b = b.header(hyper::header::SET_COOKIE, c);
    }
    b.body(Body::default()).expect("valid response")
}

/// The value of cookie `name` in the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(hyper::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, `Secure` over TLS; `max_age` 0 deletes it.
pub fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}

fn csrf_mac(key: &[u8], secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(secret.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// A form's CSRF token, with the cookie to set when the browser had none.
pub struct Csrf {
    /// The `_csrf` value to put in forms.
    pub token: String,
    /// `Set-Cookie` for a new secret.
    pub set_cookie: Option<String>,
}

impl Csrf {
    /// The token for this browser (a new secret cookie if it has none).
    pub fn prepare(key: &[u8], headers: &HeaderMap, secure: bool) -> Csrf {
        match cookie(headers, CSRF_COOKIE).filter(|c| c.len() >= 32) {
            Some(secret) => Csrf {
                token: csrf_mac(key, &secret),
                set_cookie: None,
            },
            None => {
                let secret = URL_SAFE_NO_PAD.encode(ids::random_bytes(32));
                Csrf {
                    token: csrf_mac(key, &secret),
                    set_cookie: Some(set_cookie(CSRF_COOKIE, &secret, 86400, secure)),
                }
            }
        }
    }

    /// The hidden input carrying the token.
    pub fn field(&self) -> String {
        format!(
            r#"<input type="hidden" name="{CSRF_FIELD}" value="{}">"#,
            escape(&self.token)
        )
    }

    /// Whether a submitted token matches the browser's cookie (constant time).
    pub fn verify(key: &[u8], headers: &HeaderMap, submitted: Option<&str>) -> bool {
        let (Some(secret), Some(given)) = (cookie(headers, CSRF_COOKIE), submitted) else {
            return false;
        };
        let want = csrf_mac(key, &secret);
        bool::from(want.as_bytes().ct_eq(given.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<script>alert("x")</script>&'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"
        );
        assert_eq!(url_encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
    }

    #[test]
    fn csrf_token_matches_only_its_cookie() {
        let key = [7u8; 32];
        let fresh = Csrf::prepare(&key, &HeaderMap::new(), false);
        let set = fresh.set_cookie.clone().unwrap();
        let value = set.split(';').next().unwrap().to_string();
        let mut headers = HeaderMap::new();
        headers.insert(hyper::header::COOKIE, value.parse().unwrap());
        assert!(Csrf::verify(&key, &headers, Some(&fresh.token)));
        assert!(!Csrf::verify(&key, &headers, Some("forged")));
        assert!(!Csrf::verify(&key, &headers, None));
        assert!(!Csrf::verify(&key, &HeaderMap::new(), Some(&fresh.token)));
    }
}
