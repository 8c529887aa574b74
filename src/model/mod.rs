//! The botocore service model of cognito-idp, embedded and used to validate every request the way AWS's
//! front end does: JSON types first (`SerializationException`), then required members, lengths, ranges,
//! patterns and enums (`InvalidParameterException` with AWS's "N validation errors detected" text).

mod sensitive;
mod validate;

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;
use serde_json::Value;

static MODEL_JSON: &str = include_str!("../model.json");

/// One operation of the model.
#[derive(Debug, Deserialize)]
pub struct Operation {
    /// Name of the input structure shape.
    pub input: Option<String>,
    /// Name of the output structure shape.
    pub output: Option<String>,
    /// Error shapes the operation may return.
    #[serde(default)]
    pub errors: Vec<String>,
    /// `none` for unsigned operations, `sigv4` otherwise.
    pub auth: String,
}

/// One shape of the model, only the parts that constrain values.
#[derive(Debug, Deserialize)]
pub struct Shape {
    /// structure, list, map, string, integer, long, boolean, timestamp, blob, double, float.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    required: Vec<String>,
    min: Option<f64>,
    max: Option<f64>,
    pattern: Option<String>,
    #[serde(rename = "enum")]
    enum_values: Option<Vec<String>>,
    #[serde(default)]
    sensitive: bool,
    #[serde(default)]
    document: bool,
    #[serde(default)]
    members: serde_json::Map<String, Value>,
    member: Option<String>,
    key: Option<String>,
    value: Option<String>,
    #[serde(skip)]
    regex: OnceLock<Option<Regex>>,
}

/// The whole model: operations and shapes by name.
#[derive(Debug, Deserialize)]
pub struct Model {
    /// Operations by name.
    pub operations: HashMap<String, Operation>,
    shapes: HashMap<String, Shape>,
}

/// The model, parsed once.
pub fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| serde_json::from_str(MODEL_JSON).expect("embedded model.json is valid"))
}

impl Model {
    /// Enum values of a string shape, if it is an enum.
    pub fn enum_values(&self, shape: &str) -> Option<&[String]> {
        self.shapes.get(shape)?.enum_values.as_deref()
    }

    /// Member names of a structure shape, in model order.
    pub fn member_names(&self, shape: &str) -> Vec<&str> {
        self.shapes
            .get(shape)
            .map(|s| s.members.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::validate::compile_java_pattern;
    use super::*;
    use crate::error::CognitoError;
    use serde_json::json;

    fn check(op: &str, body: Value) -> Result<(), CognitoError> {
        let m = model();
        m.validate_input(&m.operations[op], &body)
    }

    #[test]
    fn every_pattern_in_the_model_compiles() {
        for (name, shape) in &model().shapes {
            if let Some(p) = &shape.pattern {
                assert!(compile_java_pattern(p).is_some(), "{name}: {p}");
            }
        }
    }

    #[test]
    fn java_classes_are_ascii() {
        let re = compile_java_pattern(r"[\w+]+").unwrap();
        assert!(re.is_match("abc_12+"));
        assert!(!re.is_match("é"));
        assert!(!re.is_match("a b"));
        let re = compile_java_pattern(r"[\S]+").unwrap();
        assert!(re.is_match("Passw0rd!"));
        assert!(!re.is_match("pass word"));
        let re = compile_java_pattern(r"^[0-9A-Za-z\.\-_]*(?<!\.)$").unwrap();
        assert!(re.is_match("a.b"));
        assert!(!re.is_match("a."));
    }

    #[test]
    fn missing_required_members_are_listed_in_model_order() {
        let e = check("SignUp", json!({})).unwrap_err();
        assert_eq!(
            e.message(),
            "2 validation errors detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null; \
             Value null at 'username' failed to satisfy constraint: Member must not be null"
        );
        assert_eq!(e.name(), "InvalidParameterException");
    }

    #[test]
    fn sensitive_values_are_not_echoed() {
        let e = check(
            "SignUp",
            json!({"ClientId": "abc", "Username": "u", "Password": "has space"}),
        )
        .unwrap_err();
        assert_eq!(
            e.message(),
            "1 validation error detected: Value at 'password' failed to satisfy constraint: \
             Member must satisfy regular expression pattern: [\\S]+"
        );
    }

    #[test]
    fn enums_lengths_ranges_and_nested_paths() {
        let e = check(
            "InitiateAuth",
            json!({"ClientId": "abc", "AuthFlow": "NOPE"}),
        )
        .unwrap_err();
        assert!(e.message().starts_with(
            "1 validation error detected: Value 'NOPE' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [USER_SRP_AUTH"
        ), "{}", e.message());
        let e = check("ListUserPools", json!({"MaxResults": 61})).unwrap_err();
        assert!(e.message().contains("Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60"), "{}", e.message());
        let e = check(
            "SignUp",
            json!({"ClientId": "abc", "Username": "u", "UserAttributes": [{"Name": "email", "Value": "x"}, {"Value": "y"}]}),
        )
        .unwrap_err();
        assert!(
            e.message()
                .contains("Value null at 'userAttributes.2.member.name'"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn wrong_json_types_are_serialization_errors_naming_the_member() {
        let e = check("SignUp", json!({"ClientId": "abc", "Username": 5})).unwrap_err();
        assert_eq!(e.name(), "SerializationException");
        assert_eq!(
            e.message(),
            "Unexpected value type at 'username': expected a string, found a number"
        );
        let e = check("SignUp", json!([])).unwrap_err();
        assert_eq!(e.name(), "SerializationException");
    }

    #[test]
    fn sensitive_members_are_found_at_any_depth() {
        let m = model();
        let found = m.sensitive_values(
            &m.operations["RespondToAuthChallenge"],
            &json!({
                "ClientId": "client-id-is-not-secret",
                "ChallengeName": "PASSWORD_VERIFIER",
                "Session": "session-secret",
                "ChallengeResponses": {"PASSWORD_CLAIM_SIGNATURE": "signature-secret", "USERNAME": "u"},
            }),
        );
        assert!(found.contains(&"session-secret".to_string()), "{found:?}");
        assert!(found.contains(&"signature-secret".to_string()), "{found:?}");
        assert!(
            !found.contains(&"client-id-is-not-secret".to_string()),
            "{found:?}"
        );
        let found = m.sensitive_values(
            &m.operations["SignUp"],
            &json!({"ClientId": "c", "Username": "u", "Password": "pw-secret", "SecretHash": "hash-secret"}),
        );
        assert!(
            found.contains(&"pw-secret".to_string()) && found.contains(&"hash-secret".to_string())
        );
    }

    #[test]
    fn huge_invalid_values_are_quoted_by_a_short_prefix() {
        let name = "é".repeat(70_000);
        let e = check(
            "CreateGroup",
            json!({"UserPoolId": "us-east-1_abc", "GroupName": name}),
        )
        .unwrap_err();
        assert_eq!(e.name(), "InvalidParameterException");
        assert!(e.message().len() < 600, "{} bytes", e.message().len());
        assert!(
            e.message().starts_with(&format!(
                "1 validation error detected: Value '{}...' at 'groupName' failed to satisfy constraint: Member must have length less than or equal to 128",
                "é".repeat(crate::error::QUOTE_CHARS)
            )),
            "{}",
            e.message()
        );
        // Thousands of bad list items: the count is exact, the text stays short.
        let items: Vec<Value> = (0..5000).map(|_| json!({"Name": "x".repeat(40)})).collect();
        let e = check(
            "AdminUpdateUserAttributes",
            json!({"UserPoolId": "us-east-1_abc", "Username": "u", "UserAttributes": items}),
        )
        .unwrap_err();
        assert!(
            e.message().starts_with("5000 validation errors detected"),
            "{}",
            &e.message()[..80]
        );
        assert!(e.message().len() < 4000, "{} bytes", e.message().len());
    }
}
