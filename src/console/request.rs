//! One console request, read in full: its context for operations, path segments, query and form
//! pairs, and the browser's CSRF token.

use hyper::{HeaderMap, Method};

use crate::app::Ctx;
use crate::html::{CSRF_FIELD, Csrf};

/// A console request.
pub struct Req {
    /// The context operations run with (the same as an API call's).
    pub ctx: Ctx,
    /// GET or POST.
    pub method: Method,
    /// Path segments after `/_emulator/ui`, percent-decoded.
    pub segments: Vec<String>,
    /// Decoded query pairs.
    pub query: Vec<(String, String)>,
    /// Decoded form pairs (POST bodies).
    pub form: Vec<(String, String)>,
    /// The request headers.
    pub headers: HeaderMap,
    /// This browser's CSRF token (and the cookie to set if it had none).
    pub csrf: Csrf,
}

fn first<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

impl Req {
    /// A query parameter (empty counts as absent).
    pub fn q(&self, name: &str) -> Option<&str> {
        first(&self.query, name).filter(|v| !v.is_empty())
    }

    /// A form field (empty counts as absent).
    pub fn f(&self, name: &str) -> Option<&str> {
        first(&self.form, name).filter(|v| !v.is_empty())
    }

    /// Every value of a repeated form field.
    pub fn f_all(&self, name: &str) -> Vec<&str> {
        self.form
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Whether the POST carries this browser's CSRF token.
    pub fn csrf_ok(&self) -> bool {
        Csrf::verify(&self.ctx.app.page_key, &self.headers, self.f(CSRF_FIELD))
    }

    /// The `Set-Cookie` values every page of this request carries (a new CSRF secret).
    pub fn cookies(&self) -> Vec<String> {
        self.csrf.set_cookie.iter().cloned().collect()
    }
}

/// Decodes one path segment: `%XX` escapes only (a `+` stays a plus in a path).
pub fn decode_segment(s: &str) -> Option<String> {
    crate::http::percent_decode(&s.replace('+', "%2B"))
}

/// The segments of `path` after `/_emulator/ui`, decoded; `None` when one does not decode.
pub fn segments(path: &str) -> Option<Vec<String>> {
    path.strip_prefix("/_emulator/ui")
        .unwrap_or(path)
        .split('/')
        .filter(|s| !s.is_empty())
        .map(decode_segment)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_decode_escapes_but_keep_plus() {
        assert_eq!(
            segments("/_emulator/ui/pools/us-east-1_a/users/a%2Fb+c%20d").unwrap(),
            vec!["pools", "us-east-1_a", "users", "a/b+c d"]
        );
        assert_eq!(segments("/_emulator/ui").unwrap(), Vec::<String>::new());
        assert!(segments("/_emulator/ui/%FF").is_none());
    }
}
