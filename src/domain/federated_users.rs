//! Pure rules of federated users: the username `<ProviderName>_<subject>`, how IdP attribute values
//! become pool attribute values through AttributeMapping, and the `identities` attribute and claim as
//! AWS shapes them.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

/// The username of a federated user: `<ProviderName>_<subject>`.
pub fn username(provider: &str, subject: &str) -> String {
    format!("{provider}_{subject}")
}

/// A claim or SAML attribute value as a pool attribute value: strings as they are, numbers and
/// booleans as text, several values joined as `[a, b]` with AWS's URL-encoding of the values that
/// hold characters other than letters, digits and `.-*_`.
pub fn attribute_value(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(attribute_value).collect();
            if parts.len() == 1 {
                return parts.into_iter().next();
            }
            let encoded: Vec<String> = parts.iter().map(|p| form_encode(p)).collect();
            Some(format!("[{}]", encoded.join(", ")))
        }
        Value::Object(_) => Some(value.to_string()),
    }
}

fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Maps IdP claims to pool attributes (`mapping`: pool attribute -> IdP attribute). `username` is not
/// an attribute. Missing claims leave the attribute out (an update then keeps the old value).
pub fn map_attributes(
    mapping: &BTreeMap<String, String>,
    claims: &Map<String, Value>,
) -> Vec<(String, String)> {
    mapping
        .iter()
        .filter(|(attr, _)| attr.as_str() != "username")
        .filter_map(|(attr, claim)| {
            let v = claims.get(claim).and_then(attribute_value)?;
            let v = match attr.as_str() {
                "email_verified" | "phone_number_verified" => v.to_ascii_lowercase(),
                _ => v,
            };
            Some((attr.clone(), v))
        })
        .collect()
}

/// One entry of a user's `identities`.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    /// The subject at the provider (or, for a link not used yet, the value it matches).
    pub user_id: String,
    /// ProviderName.
    pub provider_name: String,
    /// ProviderType.
    pub provider_type: String,
    /// The SAML IdP's entity id; `None` for OIDC and social providers.
    pub issuer: Option<String>,
    /// The federated user's own identity.
    pub primary: bool,
    /// Epoch milliseconds.
    pub date_created: i64,
}

/// The `identities` attribute: a JSON string of the list (AdminGetUser, trigger events), `primary` a
/// boolean and `dateCreated` a number.
pub fn identities_attribute(list: &[Identity]) -> String {
    Value::Array(
        list.iter()
            .map(|i| {
                json!({
                    "userId": i.user_id,
                    "providerName": i.provider_name,
                    "providerType": i.provider_type,
                    "issuer": i.issuer,
                    "primary": i.primary,
                    "dateCreated": i.date_created,
                })
            })
            .collect(),
    )
    .to_string()
}

/// The `identities` claim of an ID token from the attribute: an array whose values are strings
/// (`"primary": "true"`, `"dateCreated": "1682704282933"`), `issuer` null when there is none.
pub fn identities_claim(attribute: &str) -> Value {
    let Ok(Value::Array(items)) = serde_json::from_str::<Value>(attribute) else {
        return Value::from(attribute);
    };
    Value::Array(
        items
            .into_iter()
            .map(|item| match item {
                Value::Object(m) => Value::Object(
                    m.into_iter()
                        .map(|(k, v)| {
                            let v = match v {
                                Value::Null => Value::Null,
                                Value::String(s) => Value::String(s),
                                other => Value::String(other.to_string()),
                            };
                            (k, v)
                        })
                        .collect(),
                ),
                other => other,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_identities_take_aws_shapes() {
        assert_eq!(attribute_value(&json!(true)).unwrap(), "true");
        assert_eq!(attribute_value(&json!(["a b", "c"])).unwrap(), "[a+b, c]");
        let attr = identities_attribute(&[Identity {
            user_id: "123".into(),
            provider_name: "Google".into(),
            provider_type: "Google".into(),
            issuer: None,
            primary: true,
            date_created: 1_582_581_501_556,
        }]);
        assert_eq!(
            attr,
            r#"[{"userId":"123","providerName":"Google","providerType":"Google","issuer":null,"primary":true,"dateCreated":1582581501556}]"#
        );
        assert_eq!(
            identities_claim(&attr),
            json!([{"userId":"123","providerName":"Google","providerType":"Google","issuer":null,"primary":"true","dateCreated":"1582581501556"}])
        );
    }
}
