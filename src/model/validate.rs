//! Request validation against the model, in the order AWS's front end applies it: JSON types first
//! (`SerializationException`), then required members, lengths, ranges, patterns and enums.

use regex::Regex;
use serde_json::Value;

use super::{Model, Operation, Shape};
use crate::error::CognitoError;

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
pub(super) fn compile_java_pattern(pattern: &str) -> Option<Regex> {
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
