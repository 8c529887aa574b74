//! Identifier and code formats that look like AWS's: pool ids, client ids and secrets,
//! subs, confirmation codes, opaque pagination tokens.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

fn random_from(alphabet: &[u8], len: usize) -> String {
    (0..len)
        .map(|_| alphabet[rand::random_range(0..alphabet.len())] as char)
        .collect()
}

/// `<region>_<9 alphanumerics>`, e.g. `us-east-1_AbCdEf123`.
pub fn pool_id(region: &str) -> String {
    format!("{region}_{}", random_from(ALNUM, 9))
}

/// 26 lower-case alphanumerics, like AWS app client ids.
pub fn client_id() -> String {
    random_from(LOWER_ALNUM, 26)
}

/// 52 lower-case alphanumerics, like AWS client secrets.
pub fn client_secret() -> String {
    random_from(LOWER_ALNUM, 52)
}

/// A lower-case random (version 4) UUID (user `sub`, token ids, request ids), from the thread's CSPRNG
/// like [`random_bytes`]: `Uuid::new_v4` makes a getrandom system call for each.
pub fn uuid() -> String {
    uuid::Builder::from_random_bytes(rand::random())
        .into_uuid()
        .to_string()
}

/// A six-digit code, or the configured fixed code.
pub fn code(fixed: Option<&str>) -> String {
    match fixed {
        Some(c) => c.to_string(),
        None => format!("{:06}", rand::random_range(0..1_000_000u32)),
    }
}

/// `n` random bytes from the thread's CSPRNG (seeded from the OS).
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    rand::fill(&mut buf[..]);
    buf
}

/// The pool name used by SRP: the part of the pool id after `_`.
pub fn pool_name(pool_id: &str) -> &str {
    pool_id.split_once('_').map(|(_, n)| n).unwrap_or(pool_id)
}

/// The region part of a pool id.
pub fn pool_region(pool_id: &str) -> &str {
    pool_id
        .split_once('_')
        .map(|(r, _)| r)
        .unwrap_or("us-east-1")
}

/// Encodes a position in a listing as an opaque pagination token.
pub fn page_token(last_pk: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("p:{last_pk}"))
}

/// Decodes a pagination token made by [`page_token`].
pub fn parse_page_token(token: &str) -> Option<i64> {
    let raw = URL_SAFE_NO_PAD.decode(token).ok()?;
    std::str::from_utf8(&raw)
        .ok()?
        .strip_prefix("p:")?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_match_aws() {
        let id = pool_id("eu-west-1");
        assert!(
            regex::Regex::new(r"^eu-west-1_[0-9A-Za-z]{9}$")
                .unwrap()
                .is_match(&id)
        );
        assert!(
            regex::Regex::new(r"^[0-9a-z]{26}$")
                .unwrap()
                .is_match(&client_id())
        );
        assert_eq!(code(None).len(), 6);
        assert_eq!(code(Some("123456")), "123456");
        assert_eq!(parse_page_token(&page_token(42)), Some(42));
        assert_eq!(parse_page_token("garbage"), None);
        assert_eq!(pool_name("us-east-1_AbCdEf123"), "AbCdEf123");
        let re = regex::Regex::new(
            r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
        );
        let (a, b) = (uuid(), uuid());
        assert!(re.unwrap().is_match(&a), "{a}");
        assert_ne!(a, b);
    }
}
