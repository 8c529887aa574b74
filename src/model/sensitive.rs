//! Which request values are secrets: the strings in members the model marks sensitive, so that log
//! lines can leave them out.

use serde_json::Value;

use super::{Model, Operation};

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

impl Model {
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
}
