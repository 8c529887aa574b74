//! Pure OAuth 2.0 rules: the scopes a client may hold and an authorize request may ask for, redirect and
//! sign-out URLs, a client's OAuth settings as CreateUserPoolClient checks them, domain names, PKCE,
//! and which attributes each scope releases.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::domain::client::ClientConfig;
use crate::err;
use crate::error::Result;

/// The scope that lets an access token call the user's own API operations.
pub const ADMIN_SCOPE: &str = "aws.cognito.signin.user.admin";

/// Scopes every pool knows.
pub const STANDARD_SCOPES: &[&str] = &["phone", "email", "openid", "profile", ADMIN_SCOPE];

/// Identity providers of the hosted UI that exist without CreateIdentityProvider.
pub const BUILT_IN_PROVIDERS: &[&str] = &["COGNITO"];

/// The OAuth flows of `AllowedOAuthFlows`.
pub mod flows {
    /// Authorization code grant.
    pub const CODE: &str = "code";
    /// Implicit grant.
    pub const IMPLICIT: &str = "implicit";
    /// Client credentials grant.
    pub const CLIENT_CREDENTIALS: &str = "client_credentials";
}

/// `http://localhost`, `http://127.0.0.1` or `http://[::1]`, any port: the only plain-HTTP URLs AWS
/// accepts as callbacks.
pub fn is_loopback_http(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host = if authority.starts_with("[::1]") {
        "[::1]"
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    let port_ok = authority[host.len()..]
        .strip_prefix(':')
        .is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
        && (authority.len() == host.len() || port_ok)
}

/// Checks a callback or sign-out URL: absolute, no fragment, HTTPS unless loopback HTTP; custom
/// schemes (`myapp://callback`) are allowed.
pub fn check_redirect_url(url: &str) -> Result<()> {
    let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or_default();
    let valid_scheme = !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !valid_scheme || url.len() <= scheme.len() + 1 {
        return Err(err!(InvalidParameterException, "{url} is not a valid URL."));
    }
    if url.contains('#') {
        return Err(err!(
            InvalidParameterException,
            "{url} cannot contain a fragment."
        ));
    }
    if scheme.eq_ignore_ascii_case("http") && !is_loopback_http(url) {
        return Err(err!(
            InvalidParameterException,
            "{url} cannot use the HTTP protocol."
        ));
    }
    Ok(())
}

/// The OAuth rules of CreateUserPoolClient / UpdateUserPoolClient, in the order AWS reports them.
/// `custom_scopes` are the `<identifier>/<scope>` names of the pool's resource servers, `providers` the
/// names of its identity providers.
pub fn validate_client(
    config: &ClientConfig,
    has_secret: bool,
    pool_id: &str,
    custom_scopes: &[String],
    providers: &[String],
) -> Result<()> {
    let urls = config.callback_urls.iter().flatten();
    for url in urls.chain(config.logout_urls.iter().flatten()) {
        check_redirect_url(url)?;
    }
    if let Some(default) = &config.default_redirect_uri {
        check_redirect_url(default)?;
        if !config.callback_urls.iter().flatten().any(|u| u == default) {
            return Err(err!(
                InvalidParameterException,
                "The default redirect URI {default} is not in the callback URIs list."
            ));
        }
    }
    for idp in config.supported_identity_providers.iter().flatten() {
        if !BUILT_IN_PROVIDERS.contains(&idp.as_str()) && !providers.contains(idp) {
            return Err(err!(
                InvalidParameterException,
                "The provider {idp} does not exist for User Pool {pool_id}"
            ));
        }
    }
    let flows: Vec<&str> = config
        .allowed_oauth_flows
        .iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let credentials = flows.contains(&flows::CLIENT_CREDENTIALS);
    let interactive = flows.contains(&flows::CODE) || flows.contains(&flows::IMPLICIT);
    if credentials && interactive {
        return Err(err!(
            InvalidOAuthFlowException,
            "client_credentials flow can not be selected along with code flow or implicit flow."
        ));
    }
    if credentials && !has_secret {
        return Err(err!(
            InvalidOAuthFlowException,
            "client_credentials flow can not be selected if client does not have a client secret."
        ));
    }
    for scope in config.allowed_oauth_scopes.iter().flatten() {
        if !STANDARD_SCOPES.contains(&scope.as_str()) && !custom_scopes.contains(scope) {
            return Err(err!(
                ScopeDoesNotExistException,
                "Invalid scope requested: {scope}"
            ));
        }
    }
    if config.allowed_oauth_flows_user_pool_client {
        let no_scopes = config
            .allowed_oauth_scopes
            .as_ref()
            .is_none_or(Vec::is_empty);
        if flows.is_empty() || no_scopes {
            return Err(err!(
                InvalidParameterException,
                "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows."
            ));
        }
    }
    if interactive && config.callback_urls.as_ref().is_none_or(Vec::is_empty) {
        return Err(err!(
            InvalidOAuthFlowException,
            "CallbackUrls can not be empty when code flow or implicit flow is selected"
        ));
    }
    Ok(())
}

/// Why an authorize request's scopes are refused.
#[derive(Debug, PartialEq, Eq)]
pub struct InvalidScope;

/// The scopes an authorize request is granted: the requested ones (all of the client's when none
/// are asked for), each allowed to the client, `phone`/`email`/`profile` only with `openid`. Scopes of a
/// deleted resource server (no longer in `existing`) are dropped quietly, as AWS does.
pub fn grant_scopes(
    requested: Option<&str>,
    allowed: &[String],
    existing: impl Fn(&str) -> bool,
) -> std::result::Result<Vec<String>, InvalidScope> {
    let mut out: Vec<String> = Vec::new();
    match requested.map(str::trim).filter(|s| !s.is_empty()) {
        None => out.extend(allowed.iter().cloned()),
        Some(list) => {
            for s in list.split([' ', '+']).filter(|s| !s.is_empty()) {
                if !allowed.iter().any(|a| a == s) {
                    return Err(InvalidScope);
                }
                if !out.iter().any(|o| o == s) {
                    out.push(s.to_string());
                }
            }
            let needs_openid = out
                .iter()
                .any(|s| matches!(s.as_str(), "phone" | "email" | "profile"));
            if needs_openid && !out.iter().any(|s| s == "openid") {
                return Err(InvalidScope);
            }
        }
    }
    out.retain(|s| STANDARD_SCOPES.contains(&s.as_str()) || existing(s));
    Ok(out)
}

/// The attributes released by OAuth scopes (ID token of the OAuth flows, userInfo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Release {
    /// Every attribute the client can read (`openid` alone, or `profile`).
    All,
    /// Only these (`email` and/or `phone` without `profile`), besides `sub`.
    Only(Vec<&'static str>),
}

impl Release {
    /// What `scopes` release.
    pub fn of(scopes: &[String]) -> Release {
        let has = |s: &str| scopes.iter().any(|x| x == s);
        if has("profile") || !(has("email") || has("phone")) {
            return Release::All;
        }
        let mut only = Vec::new();
        if has("email") {
            only.extend(["email", "email_verified"]);
        }
        if has("phone") {
            only.extend(["phone_number", "phone_number_verified"]);
        }
        Release::Only(only)
    }

    /// Whether attribute `name` is released.
    pub fn includes(&self, name: &str) -> bool {
        match self {
            Release::All => true,
            Release::Only(names) => name == "sub" || names.contains(&name),
        }
    }
}

/// The PKCE S256 challenge of a verifier: BASE64URL(SHA-256(verifier)).
pub fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Whether `verifier` (43..128 of `[A-Za-z0-9-._~]`) answers the S256 `challenge`, in constant time.
pub fn pkce_matches(challenge: &str, verifier: &str) -> bool {
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    well_formed && bool::from(s256(verifier).as_bytes().ct_eq(challenge.as_bytes()))
}

/// `at_hash`: the left half of the access token's SHA-256, base64url (OpenID Connect Core 3.1.3.6).
pub fn at_hash(access_token: &str) -> String {
    URL_SAFE_NO_PAD.encode(&Sha256::digest(access_token.as_bytes())[..16])
}

/// Checks a prefix domain name as AWS words its refusals.
pub fn check_prefix_domain(domain: &str) -> Result<()> {
    let re = regex::Regex::new(r"^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$").expect("valid");
    if !re.is_match(domain) {
        return Err(err!(
            InvalidParameterException,
            "The domain name contains an invalid character. Domain names can only contain lower-case letters, numbers, and hyphens. Please enter a different name that follows this format: ^[a-z0-9](?:[a-z0-9\\-]{{0,61}}[a-z0-9])?$"
        ));
    }
    for word in ["aws", "amazon", "cognito"] {
        if domain.contains(word) {
            return Err(err!(
                InvalidParameterException,
                "Domain cannot contain reserved word: {word}"
            ));
        }
    }
    Ok(())
}

/// Checks a custom domain name: a fully qualified name of lower-case labels.
pub fn check_custom_domain(domain: &str) -> Result<()> {
    let label = regex::Regex::new(r"^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$").expect("valid");
    let labels: Vec<&str> = domain.split('.').collect();
    if domain.len() > 253 || labels.len() < 2 || !labels.iter().all(|l| label.is_match(l)) {
        return Err(err!(
            InvalidParameterException,
            "The custom domain {domain} is not a valid domain name."
        ));
    }
    Ok(())
}

/// What a domain stores besides its name and pool.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DomainSettings {
    /// CustomDomainConfig (custom domains).
    pub custom_domain_config: Option<Value>,
    /// 1 = classic hosted UI, 2 = managed login.
    pub managed_login_version: i64,
    /// The CloudFront distribution (custom domains: the alias target).
    pub cloud_front_distribution: String,
    /// Routing (stored only).
    pub routing: Option<Value>,
}

/// The host names a domain answers on: a prefix domain is `<prefix>.auth.<region>.amazoncognito.com`.
pub fn domain_host(domain: &str, custom: bool, region: &str) -> String {
    if custom {
        domain.to_string()
    } else {
        format!("{domain}.auth.{region}.amazoncognito.com")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_http_only() {
        assert!(is_loopback_http("http://localhost:3000/cb"));
        assert!(is_loopback_http("http://127.0.0.1/"));
        assert!(is_loopback_http("http://[::1]:8080"));
        assert!(!is_loopback_http("http://localhost.evil.com/"));
        assert!(!is_loopback_http("http://10.0.0.1/"));
        assert!(check_redirect_url("https://app.example.com/cb").is_ok());
        assert!(check_redirect_url("myapp://callback").is_ok());
        assert_eq!(
            check_redirect_url("http://app.example.com/")
                .unwrap_err()
                .message(),
            "http://app.example.com/ cannot use the HTTP protocol."
        );
        assert!(check_redirect_url("https://app.example.com/#x").is_err());
        assert!(check_redirect_url("no-scheme").is_err());
    }

    #[test]
    fn scopes_are_granted_as_allowed() {
        let allowed: Vec<String> = ["openid", "email", "api/read"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let all = |_: &str| true;
        assert_eq!(grant_scopes(None, &allowed, all).unwrap(), allowed);
        assert_eq!(
            grant_scopes(Some("openid email"), &allowed, all).unwrap(),
            vec!["openid", "email"]
        );
        assert_eq!(
            grant_scopes(Some("profile openid"), &allowed, all),
            Err(InvalidScope)
        );
        assert_eq!(
            grant_scopes(Some("email"), &allowed, all),
            Err(InvalidScope)
        );
        assert_eq!(
            grant_scopes(Some("openid api/read"), &allowed, |_| false).unwrap(),
            vec!["openid"]
        );
    }

    #[test]
    fn pkce_s256_matches_rfc7636_example() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            s256(verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert!(pkce_matches(
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            verifier
        ));
        assert!(!pkce_matches(
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "short"
        ));
    }

    #[test]
    fn domains() {
        assert!(check_prefix_domain("my-app-1").is_ok());
        assert_eq!(
            check_prefix_domain("my-aws-app").unwrap_err().message(),
            "Domain cannot contain reserved word: aws"
        );
        assert!(check_prefix_domain("My_App").is_err());
        assert!(check_custom_domain("auth.example.com").is_ok());
        assert!(check_custom_domain("example").is_err());
    }

    #[test]
    fn release_by_scope() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(Release::of(&s(&["openid"])), Release::All);
        assert_eq!(
            Release::of(&s(&["openid", "profile", "email"])),
            Release::All
        );
        let r = Release::of(&s(&["openid", "email"]));
        assert!(r.includes("email") && r.includes("sub") && !r.includes("name"));
    }
}
