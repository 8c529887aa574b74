//! Pure rules of identity providers: the provider types, ProviderDetails as AWS checks and completes
//! them per type, and AttributeMapping keys. The federated user's side is `domain::federated_users`.

use std::collections::BTreeMap;

use crate::err;
use crate::error::Result;

/// ProviderDetails: string keys to string values, sorted as AWS lists them.
pub type Details = BTreeMap<String, String>;

/// `IdentityProviderTypeType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderType {
    /// SAML 2.0.
    Saml,
    /// Facebook.
    Facebook,
    /// Google.
    Google,
    /// Login with Amazon.
    LoginWithAmazon,
    /// Sign in with Apple.
    SignInWithApple,
    /// Any OpenID Connect provider.
    Oidc,
}

impl ProviderType {
    /// The wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderType::Saml => "SAML",
            ProviderType::Facebook => "Facebook",
            ProviderType::Google => "Google",
            ProviderType::LoginWithAmazon => "LoginWithAmazon",
            ProviderType::SignInWithApple => "SignInWithApple",
            ProviderType::Oidc => "OIDC",
        }
    }

    /// Parses the wire form.
    pub fn parse(s: &str) -> Option<ProviderType> {
        Some(match s {
            "SAML" => ProviderType::Saml,
            "Facebook" => ProviderType::Facebook,
            "Google" => ProviderType::Google,
            "LoginWithAmazon" => ProviderType::LoginWithAmazon,
            "SignInWithApple" => ProviderType::SignInWithApple,
            "OIDC" => ProviderType::Oidc,
            _ => return None,
        })
    }

    /// Facebook, Google, Login with Amazon and Sign in with Apple: their name is their type.
    pub fn is_social(self) -> bool {
        !matches!(self, ProviderType::Saml | ProviderType::Oidc)
    }

    /// Whether the provider answers with an OIDC ID token (Facebook and Login with Amazon do not).
    pub fn has_id_token(self) -> bool {
        matches!(
            self,
            ProviderType::Oidc | ProviderType::Google | ProviderType::SignInWithApple
        )
    }

    /// The IdP attribute the federated username is made of: Facebook `id`, Login with Amazon
    /// `user_id`, SAML the NameID, the others `sub` (AWS's attribute-mapping guide).
    pub fn subject_attribute(self) -> &'static str {
        match self {
            ProviderType::Facebook => "id",
            ProviderType::LoginWithAmazon => "user_id",
            ProviderType::Saml => "NameID",
            _ => "sub",
        }
    }
}

/// A name that belongs to a social provider type: only a provider of that type may use it (AWS:
/// "Provider NameOfGP cannot be of type Google.").
pub fn check_name(name: &str, kind: ProviderType) -> Result<()> {
    let reserved = ProviderType::parse(name).filter(|t| t.is_social());
    let ok = match (kind.is_social(), reserved) {
        (true, _) => name == kind.as_str(),
        (false, Some(_)) => false,
        (false, None) => !name.eq_ignore_ascii_case("cognito"),
    };
    if ok {
        Ok(())
    } else {
        Err(err!(
            InvalidParameterException,
            "Provider {name} cannot be of type {}.",
            kind.as_str()
        ))
    }
}

/// Keys AWS computes and returns but that a request cannot set.
const READ_ONLY: &[&str] = &[
    "attributes_url_add_attributes",
    "ActiveEncryptionCertificate",
    "SSORedirectBindingURI",
    "SLORedirectBindingURI",
];

/// A URL the emulator may call for an IdP: `https://`, or `http://` on a loopback address (local
/// stand-ins; AWS requires HTTPS).
pub fn check_idp_url(key: &str, url: &str) -> Result<()> {
    let ok = url.starts_with("https://") && url.len() > "https://".len()
        || crate::domain::oauth::is_loopback_http(url);
    if ok && !url.contains(char::is_whitespace) {
        Ok(())
    } else {
        Err(err!(
            InvalidParameterException,
            "{key} must be an https URL (cognito-emulator also accepts http:// on localhost, 127.0.0.1 and [::1]): {url}"
        ))
    }
}

fn require(details: &Details, keys: &[&str]) -> Result<()> {
    if keys
        .iter()
        .all(|k| details.get(*k).is_some_and(|v| !v.trim().is_empty()))
    {
        return Ok(());
    }
    let list = match keys {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    Err(err!(
        InvalidParameterException,
        "{list} are all required idp details"
    ))
}

fn default(details: &mut Details, key: &str, value: impl Into<String>) {
    details
        .entry(key.to_string())
        .or_insert_with(|| value.into());
}

/// ProviderDetails of an OIDC or social provider checked for `kind` and completed as Describe shows
/// them: the endpoints AWS fills in for social providers (a value given in the request is kept, which
/// is how a Google-type provider points at a local stand-in), `attributes_url_add_attributes`,
/// `token_request_method`. Read-only keys in the request are ignored.
pub fn complete_details(kind: ProviderType, given: &Details) -> Result<Details> {
    let mut d: Details = given
        .iter()
        .filter(|(k, _)| !READ_ONLY.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    match kind {
        ProviderType::Saml => return check_saml_details(&d),
        ProviderType::Oidc => {
            require(
                &d,
                &[
                    "client_id",
                    "client_secret",
                    "authorize_scopes",
                    "oidc_issuer",
                ],
            )?;
            default(&mut d, "attributes_request_method", "GET");
            let method = d["attributes_request_method"].clone();
            if method != "GET" && method != "POST" {
                return Err(err!(
                    InvalidParameterException,
                    "attributes_request_method must be GET or POST."
                ));
            }
            d.insert("attributes_url_add_attributes".into(), "false".into());
        }
        ProviderType::Google => {
            require(&d, &["client_id", "client_secret", "authorize_scopes"])?;
            default(
                &mut d,
                "attributes_url",
                "https://people.googleapis.com/v1/people/me?personFields=",
            );
            default(
                &mut d,
                "authorize_url",
                "https://accounts.google.com/o/oauth2/v2/auth",
            );
            default(&mut d, "oidc_issuer", "https://accounts.google.com");
            default(&mut d, "token_request_method", "POST");
            default(
                &mut d,
                "token_url",
                "https://www.googleapis.com/oauth2/v4/token",
            );
            d.insert("attributes_url_add_attributes".into(), "true".into());
        }
        ProviderType::Facebook => {
            require(&d, &["client_id", "client_secret", "authorize_scopes"])?;
            let v = d
                .get("api_version")
                .cloned()
                .unwrap_or_else(|| "v17.0".into());
            default(
                &mut d,
                "attributes_url",
                format!("https://graph.facebook.com/{v}/me?fields="),
            );
            default(
                &mut d,
                "authorize_url",
                format!("https://www.facebook.com/{v}/dialog/oauth"),
            );
            default(&mut d, "token_request_method", "GET");
            default(
                &mut d,
                "token_url",
                format!("https://graph.facebook.com/{v}/oauth/access_token"),
            );
            d.insert("attributes_url_add_attributes".into(), "true".into());
        }
        ProviderType::LoginWithAmazon => {
            require(&d, &["client_id", "client_secret", "authorize_scopes"])?;
            default(
                &mut d,
                "attributes_url",
                "https://api.amazon.com/user/profile",
            );
            default(&mut d, "authorize_url", "https://www.amazon.com/ap/oa");
            default(&mut d, "token_request_method", "POST");
            default(&mut d, "token_url", "https://api.amazon.com/auth/o2/token");
            d.insert("attributes_url_add_attributes".into(), "false".into());
        }
        ProviderType::SignInWithApple => {
            require(
                &d,
                &[
                    "client_id",
                    "team_id",
                    "key_id",
                    "private_key",
                    "authorize_scopes",
                ],
            )?;
            default(
                &mut d,
                "authorize_url",
                "https://appleid.apple.com/auth/authorize",
            );
            default(&mut d, "oidc_issuer", "https://appleid.apple.com");
            default(&mut d, "token_request_method", "POST");
            default(&mut d, "token_url", "https://appleid.apple.com/auth/token");
            d.insert("attributes_url_add_attributes".into(), "false".into());
        }
    }
    for key in [
        "oidc_issuer",
        "authorize_url",
        "token_url",
        "attributes_url",
        "jwks_uri",
    ] {
        if let Some(url) = d.get(key) {
            check_idp_url(key, url)?;
        }
    }
    if let Some(method) = d.get("token_request_method") {
        if method != "GET" && method != "POST" {
            return Err(err!(
                InvalidParameterException,
                "token_request_method must be GET or POST."
            ));
        }
    }
    Ok(d)
}

/// The SAML keys of a request, checked: exactly one of `MetadataURL` / `MetadataFile`, the flags
/// `"true"`/`"false"`, `RequestSigningAlgorithm` `rsa-sha256`. Encrypted responses are not
/// implemented. Read-only keys are dropped (the caller adds what the metadata says).
pub fn check_saml_details(given: &Details) -> Result<Details> {
    let d: Details = given
        .iter()
        .filter(|(k, _)| !READ_ONLY.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let url = d.get("MetadataURL").filter(|v| !v.is_empty());
    let file = d.get("MetadataFile").filter(|v| !v.is_empty());
    match (url, file) {
        (None, None) => {
            return Err(err!(
                InvalidParameterException,
                "At least one of the MetadataURL or MetadataFile should be provided."
            ));
        }
        (Some(_), Some(_)) => {
            return Err(err!(
                InvalidParameterException,
                "Only one of the MetadataURL or MetadataFile should be provided."
            ));
        }
        (Some(u), None) => check_idp_url("MetadataURL", u)?,
        _ => {}
    }
    for flag in ["IDPSignout", "IDPInit", "EncryptedResponses"] {
        if let Some(v) = d.get(flag) {
            if v != "true" && v != "false" {
                return Err(err!(
                    InvalidParameterException,
                    "{flag} must be true or false."
                ));
            }
        }
    }
    if d.get("EncryptedResponses").is_some_and(|v| v == "true") {
        return Err(err!(
            InvalidParameterException,
            "EncryptedResponses is not supported by cognito-emulator yet: the IdP must send signed, unencrypted assertions."
        ));
    }
    if let Some(alg) = d.get("RequestSigningAlgorithm") {
        if alg != "rsa-sha256" {
            return Err(err!(
                InvalidParameterException,
                "RequestSigningAlgorithm must be rsa-sha256."
            ));
        }
    }
    Ok(d)
}

/// Whether a SAML or boolean-string detail is `"true"`.
pub fn flag(details: &Details, key: &str) -> bool {
    details.get(key).is_some_and(|v| v == "true")
}

/// ProviderDetails as DescribeIdentityProvider returns them: Sign in with Apple's `private_key` is
/// never shown.
pub fn described(kind: ProviderType, details: &Details) -> Details {
    let mut d = details.clone();
    if kind == ProviderType::SignInWithApple {
        d.remove("private_key");
    }
    d
}

/// Checks AttributeMapping keys: each a pool attribute (`is_attribute`) or `username`, which may only
/// be mapped to the provider's subject attribute.
pub fn check_mapping(
    kind: ProviderType,
    mapping: &BTreeMap<String, String>,
    is_attribute: impl Fn(&str) -> bool,
) -> Result<()> {
    let invalid: Vec<&str> = mapping
        .iter()
        .filter(|(k, v)| {
            if k.as_str() == "username" {
                kind == ProviderType::Saml || v.as_str() != kind.subject_attribute()
            } else {
                !is_attribute(k) || k.as_str() == "sub" || k.as_str() == "identities"
            }
        })
        .map(|(k, _)| k.as_str())
        .collect();
    if invalid.is_empty() {
        Ok(())
    } else {
        Err(err!(
            InvalidParameterException,
            "AttributeMapping contains invalid mapping: [{}]",
            invalid.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(pairs: &[(&str, &str)]) -> Details {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn social_names_are_their_type() {
        assert!(check_name("Google", ProviderType::Google).is_ok());
        let e = check_name("NameOfGP", ProviderType::Google).unwrap_err();
        assert_eq!(e.message(), "Provider NameOfGP cannot be of type Google.");
        assert!(check_name("Google", ProviderType::Oidc).is_err());
        assert!(check_name("Okta", ProviderType::Oidc).is_ok());
    }

    #[test]
    fn google_gets_its_endpoints_unless_given() {
        let out = complete_details(
            ProviderType::Google,
            &d(&[
                ("client_id", "c"),
                ("client_secret", "s"),
                ("authorize_scopes", "openid email"),
            ]),
        )
        .unwrap();
        assert_eq!(
            out["token_url"],
            "https://www.googleapis.com/oauth2/v4/token"
        );
        assert_eq!(out["attributes_url_add_attributes"], "true");
        let local = complete_details(
            ProviderType::Google,
            &d(&[
                ("client_id", "c"),
                ("client_secret", "s"),
                ("authorize_scopes", "openid"),
                ("token_url", "http://127.0.0.1:9555/token"),
                ("attributes_url_add_attributes", "false"),
            ]),
        )
        .unwrap();
        assert_eq!(local["token_url"], "http://127.0.0.1:9555/token");
        assert_eq!(local["attributes_url_add_attributes"], "true");
        let missing =
            complete_details(ProviderType::Google, &d(&[("client_id", "c")])).unwrap_err();
        assert_eq!(
            missing.message(),
            "client_id, client_secret and authorize_scopes are all required idp details"
        );
    }

    #[test]
    fn oidc_needs_https_or_loopback_http() {
        let base = [
            ("client_id", "c"),
            ("client_secret", "s"),
            ("authorize_scopes", "openid"),
        ];
        let with = |issuer: &str| {
            let mut x = d(&base);
            x.insert("oidc_issuer".into(), issuer.into());
            complete_details(ProviderType::Oidc, &x)
        };
        assert!(with("https://idp.example.com").is_ok());
        assert!(with("http://127.0.0.1:9555").is_ok());
        assert!(with("http://idp.example.com").is_err());
        assert_eq!(
            with("https://idp.example.com").unwrap()["attributes_request_method"],
            "GET"
        );
    }

    #[test]
    fn saml_needs_one_metadata_source() {
        assert!(check_saml_details(&d(&[])).is_err());
        assert!(check_saml_details(&d(&[("MetadataFile", "<x/>")])).is_ok());
        assert!(
            check_saml_details(&d(&[("MetadataFile", "<x/>"), ("IDPSignout", "yes")])).is_err()
        );
    }

    #[test]
    fn mapping_keys_are_pool_attributes() {
        let m: BTreeMap<String, String> = [("email", "email"), ("custom:zen", "groups")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let e = check_mapping(ProviderType::Oidc, &m, |a| a == "email").unwrap_err();
        assert_eq!(
            e.message(),
            "AttributeMapping contains invalid mapping: [custom:zen]"
        );
        let u: BTreeMap<String, String> = [("username".to_string(), "id".to_string())].into();
        assert!(check_mapping(ProviderType::Facebook, &u, |_| true).is_ok());
        assert!(check_mapping(ProviderType::Google, &u, |_| true).is_err());
    }
}
