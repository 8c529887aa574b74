//! User attributes against the pool schema and the client's permissions, with AWS's messages
//! ("Attributes did not conform to the schema: ...").

use std::sync::OnceLock;

use regex::Regex;
use serde_json::{Map, Value};

use crate::domain::client::ClientConfig;
use crate::domain::pool::PoolConfig;
use crate::error::{CognitoError, Result};

/// Attributes as stored: name -> value, in the order they were set (`sub` first).
pub type Attributes = Map<String, Value>;

/// `AttributeType` of a request.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeType {
    /// Attribute name.
    pub name: String,
    /// Value (AWS allows the member to be absent; setting an attribute to nothing is refused).
    pub value: Option<String>,
}

/// The (name, value) pairs of a request's attribute list. `email_verified` / `phone_number_verified`
/// are accepted as true/false in any case (AWS takes `"True"`) and stored in lower case.
pub fn pairs(list: Option<&Vec<AttributeType>>) -> Vec<(String, Option<String>)> {
    list.map(|l| {
        l.iter()
            .map(|a| {
                let value = match (a.name.as_str(), a.value.as_deref()) {
                    ("email_verified" | "phone_number_verified", Some(v))
                        if v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false") =>
                    {
                        Some(v.to_ascii_lowercase())
                    }
                    _ => a.value.clone(),
                };
                (a.name.clone(), value)
            })
            .collect()
    })
    .unwrap_or_default()
}

/// Who writes the attributes: users through an app client, or an administrator.
#[derive(Debug, Clone, Copy)]
pub enum Writer<'a> {
    /// SignUp, UpdateUserAttributes: the client's WriteAttributes apply.
    Client(&'a ClientConfig),
    /// Admin* operations: every mutable attribute is writable.
    Admin,
}

/// The (name, value) map of an attribute list such as ValidationData (absent values are empty).
pub fn as_map(
    list: Option<&Vec<AttributeType>>,
) -> Option<std::collections::HashMap<String, String>> {
    list.map(|l| {
        l.iter()
            .map(|a| (a.name.clone(), a.value.clone().unwrap_or_default()))
            .collect()
    })
}

/// The value of an attribute as a string slice.
pub fn get<'a>(attrs: &'a Attributes, name: &str) -> Option<&'a str> {
    attrs.get(name).and_then(Value::as_str)
}

/// Sets an attribute, keeping its position if it exists.
pub fn set(attrs: &mut Attributes, name: &str, value: impl Into<String>) {
    attrs.insert(name.to_string(), Value::String(value.into()));
}

/// True when the `*_verified` flag of `attr` is "true".
pub fn is_verified(attrs: &Attributes, attr: &str) -> bool {
    get(attrs, &format!("{attr}_verified")) == Some("true")
}

fn email_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^[^@\s]+@[^@\s]+$").expect("regex"))
}

fn phone_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^\+[0-9]{2,15}$").expect("regex"))
}

/// True when `s` has the shape of an email address (what Cognito checks before sending mail).
pub fn looks_like_email(s: &str) -> bool {
    email_re().is_match(s)
}

/// True when `s` is an E.164 phone number (`+` and digits).
pub fn looks_like_phone(s: &str) -> bool {
    phone_re().is_match(s)
}

/// The name Cognito's schema errors use for a missing required attribute (its SCIM name).
fn required_name(attr: &str) -> &str {
    match attr {
        "name" => "name.formatted",
        "given_name" => "name.givenName",
        "family_name" => "name.familyName",
        "middle_name" => "name.middleName",
        "email" => "emails",
        "phone_number" => "phoneNumbers",
        other => other,
    }
}

/// Checks attributes a caller wants to set on a new user (SignUp, AdminCreateUser): every name in the
/// schema, writable by the caller, values within the schema's constraints. Required attributes are
/// checked separately by [`check_required`] once the username attribute is filled in.
pub fn check_new(
    pool: &PoolConfig,
    writer: Writer<'_>,
    attrs: &[(String, Option<String>)],
) -> Result<()> {
    check(pool, writer, attrs, None)
}

/// Checks an update of `current` (UpdateUserAttributes, AdminUpdateUserAttributes): as [`check_new`],
/// and immutable attributes that have a value cannot change. AWS words these problems with a `user.`
/// prefix and no "Attributes did not conform" lead-in.
pub fn check_update(
    pool: &PoolConfig,
    writer: Writer<'_>,
    attrs: &[(String, Option<String>)],
    current: &Attributes,
) -> Result<()> {
    check(pool, writer, attrs, Some(current))
}

fn check(
    pool: &PoolConfig,
    writer: Writer<'_>,
    attrs: &[(String, Option<String>)],
    current: Option<&Attributes>,
) -> Result<()> {
    let prefix = if current.is_some() { "user." } else { "" };
    let mut problems = Vec::new();
    for (name, value) in attrs {
        let Some(value) = value else {
            return Err(CognitoError::InvalidParameterException(format!(
                "Attribute value for {name} must not be null"
            )));
        };
        let Some(schema) = pool.schema_attribute(name) else {
            problems.push(format!(
                "{prefix}{name}: Attribute does not exist in the schema."
            ));
            continue;
        };
        let immutable_and_set = !schema.mutable && current.is_some_and(|c| get(c, name).is_some());
        if name == "sub" || immutable_and_set {
            problems.push(format!("{prefix}{name}: Attribute cannot be updated."));
            continue;
        }
        if let Writer::Client(client) = writer {
            if !client.can_write(name) || schema.developer_only_attribute {
                return Err(CognitoError::NotAuthorizedException(
                    "A client attempted to write unauthorized attribute".into(),
                ));
            }
        }
        if let Some(problem) = check_value(name, schema, value) {
            problems.push(format!("{prefix}{problem}"));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    let lines: String = problems.iter().map(|p| format!("{p}\n")).collect();
    let lead = if current.is_some() {
        ""
    } else {
        "Attributes did not conform to the schema: "
    };
    Err(CognitoError::InvalidParameterException(format!(
        "{lead}{lines}"
    )))
}

/// Checks that every required attribute of the schema has a value.
pub fn check_required(pool: &PoolConfig, attrs: &Attributes) -> Result<()> {
    let missing: Vec<String> = pool
        .schema_attributes
        .iter()
        .filter(|a| a.required && a.name != "sub")
        .filter(|a| get(attrs, &a.name).is_none_or(str::is_empty))
        .map(|a| {
            let n = required_name(&a.name);
            format!("{n}: The attribute {n} is required")
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(CognitoError::InvalidParameterException(format!(
        "Attributes did not conform to the schema: {}",
        missing.join(", ")
    )))
}

fn check_value(
    name: &str,
    schema: &crate::domain::pool::SchemaAttribute,
    value: &str,
) -> Option<String> {
    if name == "email" && !value.is_empty() && !looks_like_email(value) {
        return Some(format!("{name}: Invalid email address format."));
    }
    if name == "phone_number" && !value.is_empty() && !looks_like_phone(value) {
        return Some(format!("{name}: Invalid phone number format."));
    }
    match schema.attribute_data_type.as_str() {
        "Boolean" => (value != "true" && value != "false")
            .then(|| format!("{name}: Attribute value must be true or false.")),
        "Number" => {
            let Ok(n) = value.parse::<i64>() else {
                return Some(format!("{name}: Number must be a valid integer."));
            };
            let c = schema.number_attribute_constraints.as_ref()?;
            if let Some(min) = c.min_value.as_deref().and_then(|m| m.parse::<i64>().ok()) {
                if n < min {
                    return Some(format!("{name}: Number must be no less than {min}"));
                }
            }
            if let Some(max) = c.max_value.as_deref().and_then(|m| m.parse::<i64>().ok()) {
                if n > max {
                    return Some(format!("{name}: Number must be no greater than {max}"));
                }
            }
            None
        }
        _ => {
            let len = value.chars().count();
            let c = schema.string_attribute_constraints.as_ref();
            let max = c
                .and_then(|c| c.max_length.as_deref())
                .and_then(|m| m.parse().ok())
                .unwrap_or(2048);
            let min = c
                .and_then(|c| c.min_length.as_deref())
                .and_then(|m| m.parse().ok())
                .unwrap_or(0);
            if len > max {
                Some(format!(
                    "{name}: String must be no longer than {max} characters"
                ))
            } else if len < min {
                Some(format!(
                    "{name}: String must be no shorter than {min} characters"
                ))
            } else {
                None
            }
        }
    }
}

/// The attributes a client may read (all when `client` is `None`), as (name, value) in stored order
/// (`sub` first).
pub fn readable<'a>(
    attrs: &'a Attributes,
    client: Option<&'a ClientConfig>,
) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
    attrs
        .iter()
        .filter(move |(name, _)| client.is_none_or(|c| c.can_read(name)))
        .map(|(name, value)| (name.as_str(), value.as_str().unwrap_or_default()))
}

/// Masks a phone number the way CodeDeliveryDetails shows it: `+*******1212`.
pub fn mask_phone(value: &str) -> String {
    let digits: Vec<char> = value.chars().collect();
    let keep = digits.len().saturating_sub(4);
    digits
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 && *c == '+' {
                '+'
            } else if i < keep {
                '*'
            } else {
                *c
            }
        })
        .collect()
}

/// Masks an email address the way CodeDeliveryDetails shows it: `j***@e***` (the first letter of each
/// side; AWS's current answers, as an AWS-verified moto test records them, drop the top-level domain).
pub fn mask_email(value: &str) -> String {
    let Some((local, domain)) = value.split_once('@') else {
        return "***".into();
    };
    let first = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
    format!("{}***@{}***", first(local), first(domain))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::pool::{SchemaAttribute, StringConstraints, build_schema};

    fn pool_with(schema: Vec<SchemaAttribute>) -> PoolConfig {
        let mut p: PoolConfig = serde_json::from_value(serde_json::json!({})).unwrap();
        p.schema_attributes = build_schema(&schema);
        p
    }

    fn attr(name: &str, required: bool, max: Option<&str>) -> SchemaAttribute {
        SchemaAttribute {
            name: name.into(),
            attribute_data_type: "String".into(),
            developer_only_attribute: false,
            mutable: true,
            required,
            number_attribute_constraints: None,
            string_attribute_constraints: max.map(|m| StringConstraints {
                min_length: None,
                max_length: Some(m.into()),
            }),
        }
    }

    #[test]
    fn schema_errors_use_awss_wording() {
        let pool = pool_with(vec![attr("tenant", false, Some("5"))]);
        let client = ClientConfig::defaults();
        let e = check_new(
            &pool,
            Writer::Client(&client),
            &[
                ("custom:nope".into(), Some("x".into())),
                ("custom:tenant".into(), Some("toolong".into())),
            ],
        )
        .unwrap_err();
        assert_eq!(
            e.message(),
            "Attributes did not conform to the schema: custom:nope: Attribute does not exist in the schema.\n\
             custom:tenant: String must be no longer than 5 characters\n"
        );
        let e = check_new(
            &pool,
            Writer::Client(&client),
            &[("email".into(), Some("nope".into()))],
        )
        .unwrap_err();
        assert!(e.message().contains("email: Invalid email address format."));
        let e = check_new(
            &pool,
            Writer::Client(&client),
            &[("email_verified".into(), Some("true".into()))],
        )
        .unwrap_err();
        assert_eq!(e.name(), "NotAuthorizedException");
        assert!(
            check_new(
                &pool,
                Writer::Admin,
                &[("email_verified".into(), Some("true".into()))]
            )
            .is_ok()
        );
    }

    #[test]
    fn required_attributes_use_scim_names() {
        let pool = pool_with(vec![attr("email", true, None), attr("name", true, None)]);
        let e = check_required(&pool, &Attributes::new()).unwrap_err();
        assert_eq!(
            e.message(),
            "Attributes did not conform to the schema: name.formatted: The attribute name.formatted is required, \
             emails: The attribute emails is required"
        );
    }

    #[test]
    fn masks_like_code_delivery_details() {
        assert_eq!(mask_email("jane@example.com"), "j***@e***");
        assert_eq!(mask_phone("+14325551212"), "+*******1212");
    }
}
