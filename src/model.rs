//! The botocore service model of cognito-idp, embedded and used to validate every request the way AWS's
//! front end does: JSON types first (`SerializationException`), then required members, lengths, ranges,
//! patterns and enums (`InvalidParameterException` with AWS's "N validation errors detected" text).

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;
use serde_json::Value;

use crate::error::CognitoError;

static MODEL_JSON: &str = include_str!("model.json");

/// Shapes the model marks sensitive that are not secrets (names, ids and addresses a developer needs to
/// read in the log: the log ties each request to its pool, client and user).
const NOT_SECRET: [&str; 5] = [
    "ClientIdType",
    "UsernameType",
    "AttributeValueType",
    "SessionIpAddressType",
    "UserContextDataType",
];

/// Keys of AuthParameters / ChallengeResponses that name rather than prove.
const NOT_SECRET_KEYS: [&str; 4] = [
    "USERNAME",
    "DEVICE_KEY",
    "USER_ID_FOR_SRP",
    "PREFERRED_CHALLENGE",
];

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
    /// Checks `body` against the input shape of `operation`.
    pub fn validate_input(&self, operation: &Operation, body: &Value) -> Result<(), CognitoError> {
        let Some(input) = operation.input.as_deref() else {
            return Ok(());
        };
        let mut v = Validator {
            model: self,
            type_error: None,
            violations: Vec::new(),
        };
        v.check(input, body, "");
        if let Some(msg) = v.type_error {
            return Err(CognitoError::SerializationException(msg));
        }
        if !v.violations.is_empty() {
            let n = v.violations.len();
            let noun = if n == 1 {
                "validation error"
            } else {
                "validation errors"
            };
            let listed = &v.violations[..n.min(MAX_LISTED_VIOLATIONS)];
            return Err(CognitoError::InvalidParameterException(format!(
                "{n} {noun} detected: {}",
                listed.join("; ")
            )));
        }
        Ok(())
    }

    /// Every string of `input` that sits in a member the model marks sensitive (passwords, tokens,
    /// secret hashes, sessions, codes, SRP values...), so that log lines can leave them out.
    pub fn sensitive_values(&self, operation: &Operation, input: &Value) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(shape) = operation.input.as_deref() {
            self.collect_sensitive(shape, input, false, &mut out);
        }
        out
    }

    fn collect_sensitive(
        &self,
        shape_name: &str,
        value: &Value,
        inherited: bool,
        out: &mut Vec<String>,
    ) {
        let Some(shape) = self.shapes.get(shape_name) else {
            return;
        };
        if NOT_SECRET.contains(&shape_name) {
            return;
        }
        let sensitive = inherited || shape.sensitive;
        match value {
            Value::String(s) if sensitive && !s.is_empty() => out.push(s.clone()),
            Value::Object(obj) if shape.kind == "structure" => {
                for (member, target) in &shape.members {
                    if let (Some(target), Some(v)) = (target.as_str(), obj.get(member)) {
                        self.collect_sensitive(target, v, sensitive, out);
                    }
                }
            }
            Value::Object(obj) if shape.kind == "map" => {
                for (k, v) in obj {
                    if NOT_SECRET_KEYS.contains(&k.as_str()) || k.starts_with("userAttributes.") {
                        continue;
                    }
                    if let Some(target) = shape.value.as_deref() {
                        self.collect_sensitive(target, v, sensitive, out);
                    }
                }
            }
            Value::Array(items) => {
                if let Some(member) = shape.member.as_deref() {
                    for item in items {
                        self.collect_sensitive(member, item, sensitive, out);
                    }
                }
            }
            _ => {}
        }
    }

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

struct Validator<'m> {
    model: &'m Model,
    type_error: Option<String>,
    violations: Vec<String>,
}

/// AWS names members in messages with a lower-case first letter: `UserPoolId` -> `userPoolId`.
fn wire_name(member: &str) -> String {
    let mut c = member.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Renders a value as AWS does in validation messages: strings bare, lists as `[a, b]`; cut to a short
/// prefix (see [`crate::error::quoted`]) so that a huge invalid value never makes a huge answer.
fn render(v: &Value) -> String {
    fn full(v: &Value, out: &mut String) {
        if out.len() > crate::error::QUOTE_CHARS * 4 {
            return;
        }
        match v {
            Value::String(s) => out.push_str(crate::error::quoted(s).as_ref()),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    full(item, out);
                    if out.len() > crate::error::QUOTE_CHARS * 4 {
                        break;
                    }
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut out = String::new();
    full(v, &mut out);
    crate::error::quoted(&out).into_owned()
}

/// At most this many violations are spelled out (the count says how many there were): a list of
/// thousands of bad items must not make a message of megabytes.
const MAX_LISTED_VIOLATIONS: usize = 10;

impl Validator<'_> {
    fn type_mismatch(&mut self, path: &str, expected: &str, got: &Value) {
        if self.type_error.is_none() {
            let at = if path.is_empty() {
                "the request body".to_string()
            } else {
                format!("'{path}'")
            };
            self.type_error = Some(format!(
                "Unexpected value type at {at}: expected {expected}, found {}",
                json_kind(got)
            ));
        }
    }

    fn violation(&mut self, shape: &Shape, path: &str, value: &Value, constraint: String) {
        let shown = if shape.sensitive {
            String::new()
        } else {
            format!(" '{}'", render(value))
        };
        self.violations.push(format!(
            "Value{shown} at '{path}' failed to satisfy constraint: {constraint}"
        ));
    }

    fn check(&mut self, shape_name: &str, value: &Value, path: &str) {
        let Some(shape) = self.model.shapes.get(shape_name) else {
            return;
        };
        if shape.document {
            return;
        }
        match shape.kind.as_str() {
            "structure" => {
                let Value::Object(obj) = value else {
                    return self.type_mismatch(path, "an object", value);
                };
                for (member, target) in &shape.members {
                    let Some(target) = target.as_str() else {
                        continue;
                    };
                    let child_path = if path.is_empty() {
                        wire_name(member)
                    } else {
                        format!("{path}.{}", wire_name(member))
                    };
                    match obj.get(member) {
                        None | Some(Value::Null) => {
                            if shape.required.iter().any(|r| r == member) {
                                self.violations.push(format!(
                                    "Value null at '{child_path}' failed to satisfy constraint: Member must not be null"
                                ));
                            }
                        }
                        Some(v) => self.check(target, v, &child_path),
                    }
                }
            }
            "list" => {
                let Value::Array(items) = value else {
                    return self.type_mismatch(path, "a list", value);
                };
                self.check_length(shape, path, value, items.len());
                if let Some(member) = shape.member.as_deref() {
                    // A list of enum values is reported once, at the list, as AWS does.
                    let enum_values = self
                        .model
                        .shapes
                        .get(member)
                        .and_then(|m| m.enum_values.as_ref());
                    if let Some(values) = enum_values {
                        let strings = items.iter().all(Value::is_string);
                        if strings
                            && items
                                .iter()
                                .any(|i| !values.iter().any(|v| Some(v.as_str()) == i.as_str()))
                        {
                            let c = format!(
                                "Member must satisfy constraint: [Member must satisfy enum value set: [{}]]",
                                values.join(", ")
                            );
                            self.violation(shape, path, value, c);
                            return;
                        }
                    }
                    for (i, item) in items.iter().enumerate() {
                        if item.is_null() {
                            continue;
                        }
                        self.check(member, item, &format!("{path}.{}.member", i + 1));
                    }
                }
            }
            "map" => {
                let Value::Object(obj) = value else {
                    return self.type_mismatch(path, "a map", value);
                };
                self.check_length(shape, path, value, obj.len());
                for (k, v) in obj {
                    if let Some(key_shape) = shape.key.as_deref() {
                        self.check(key_shape, &Value::String(k.clone()), &format!("{path}.key"));
                    }
                    if let (Some(value_shape), false) = (shape.value.as_deref(), v.is_null()) {
                        self.check(value_shape, v, &format!("{path}.{k}.member"));
                    }
                }
            }
            "string" => {
                let Value::String(s) = value else {
                    return self.type_mismatch(path, "a string", value);
                };
                // Java counts UTF-16 code units; so does AWS's front end.
                self.check_length(shape, path, value, s.encode_utf16().count());
                if let Some(values) = &shape.enum_values {
                    if !values.iter().any(|e| e == s) {
                        self.violation(
                            shape,
                            path,
                            value,
                            format!(
                                "Member must satisfy enum value set: [{}]",
                                values.join(", ")
                            ),
                        );
                        return;
                    }
                }
                // DomainType's pattern is a prefix domain's: AWS's front end lets custom domains
                // (`auth.example.com`) through and the service answers bad prefixes in its own words.
                let enforced = shape_name != "DomainType";
                if let Some(pattern) = shape.pattern.as_ref().filter(|_| enforced) {
                    let re = shape.regex.get_or_init(|| compile_java_pattern(pattern));
                    if let Some(re) = re {
                        if !re.is_match(s) {
                            self.violation(
                                shape,
                                path,
                                value,
                                format!(
                                    "Member must satisfy regular expression pattern: {pattern}"
                                ),
                            );
                        }
                    }
                }
            }
            "integer" | "long" => {
                let Some(n) = value.as_i64().or_else(|| {
                    value
                        .as_f64()
                        .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                        .map(|f| f as i64)
                }) else {
                    return self.type_mismatch(path, "an integer", value);
                };
                if shape.kind == "integer" && (n > i32::MAX as i64 || n < i32::MIN as i64) {
                    return self.type_mismatch(path, "a 32-bit integer", value);
                }
                if let Some(min) = shape.min {
                    if (n as f64) < min {
                        let c = format!("Member must have value greater than or equal to {min}");
                        self.violation(shape, path, value, c);
                    }
                }
                if let Some(max) = shape.max {
                    if (n as f64) > max {
                        let c = format!("Member must have value less than or equal to {max}");
                        self.violation(shape, path, value, c);
                    }
                }
            }
            "double" | "float" => {
                if !value.is_number() {
                    self.type_mismatch(path, "a number", value);
                }
            }
            "boolean" => {
                if !value.is_boolean() {
                    self.type_mismatch(path, "a boolean", value);
                }
            }
            "timestamp" => {
                if !value.is_number() {
                    self.type_mismatch(path, "a timestamp (epoch seconds)", value);
                }
            }
            "blob" => {
                if !value.is_string() {
                    self.type_mismatch(path, "a base64 string", value);
                }
            }
            _ => {}
        }
    }

    fn check_length(&mut self, shape: &Shape, path: &str, value: &Value, len: usize) {
        if let Some(min) = shape.min {
            if (len as f64) < min {
                let c = format!("Member must have length greater than or equal to {min}");
                self.violation(shape, path, value, c);
            }
        }
        if let Some(max) = shape.max {
            if (len as f64) > max {
                let c = format!("Member must have length less than or equal to {max}");
                self.violation(shape, path, value, c);
            }
        }
    }
}

/// Translates a Java regex from the model into an anchored Rust regex with Java's semantics: `\w` and
/// `\s` are ASCII classes in Java, `matches()` is a full match, and one pattern uses a look-behind.
fn compile_java_pattern(pattern: &str) -> Option<Regex> {
    let translated = if pattern == r"^[0-9A-Za-z\.\-_]*(?<!\.)$" {
        r"^(?:[0-9A-Za-z.\-_]*[0-9A-Za-z\-_])?$".to_string()
    } else {
        let mut out = String::with_capacity(pattern.len() + 16);
        let mut in_class = false;
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    let Some(next) = chars.next() else { break };
                    match (next, in_class) {
                        ('w', true) => out.push_str("a-zA-Z0-9_"),
                        ('w', false) => out.push_str("[a-zA-Z0-9_]"),
                        ('s', true) => out.push_str(r" \t\n\x0B\x0C\r"),
                        ('s', false) => out.push_str(r"[ \t\n\x0B\x0C\r]"),
                        ('S', false) => out.push_str(r"[^ \t\n\x0B\x0C\r]"),
                        _ => {
                            out.push('\\');
                            out.push(next);
                        }
                    }
                }
                '[' if !in_class => {
                    in_class = true;
                    // Java's [\S] has no equivalent inside a Rust class union; rewrite the common form.
                    if chars.clone().take(3).collect::<String>() == r"\S]" {
                        chars.nth(2);
                        in_class = false;
                        out.push_str(r"[^ \t\n\x0B\x0C\r]");
                    } else {
                        out.push('[');
                    }
                }
                ']' if in_class => {
                    in_class = false;
                    out.push(']');
                }
                _ => out.push(c),
            }
        }
        format!("^(?:{out})$")
    };
    match Regex::new(&translated) {
        Ok(re) => Some(re),
        Err(e) => {
            tracing::warn!(pattern, error = %e, "model pattern not enforced: it does not translate");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
