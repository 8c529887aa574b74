//! Requests and answers in the model's shapes: a typed request from validated input, and answers
//! without the members that are absent.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::err;
use crate::error::{CognitoError, Result};
use crate::model::model;

/// `input` validated against operation `name`'s model and read as its typed request (the seed file
/// uses this to call an operation's own functions with extra parameters).
pub fn validated<Req: DeserializeOwned>(name: &str, input: Value) -> Result<Req> {
    let op = model()
        .operations
        .get(name)
        .ok_or_else(|| err!(UnknownOperationException, "Unknown operation: {name}"))?;
    model().validate_input(op, &input)?;
    decode(input)
}

/// Reads validated input as an operation's typed request. The model has already checked types and
/// required members; a member the model leaves optional but the operation cannot do without (GetDevice's
/// AccessToken) is answered as AWS answers a missing member, in the model's words, never with serde's
/// text. What serde still refuses is a value the model allows but the emulator cannot represent.
pub fn decode<Req: DeserializeOwned>(input: Value) -> Result<Req> {
    serde_json::from_value(input).map_err(|e| {
        let text = e.to_string();
        match missing_member(&text) {
            Some(member) => CognitoError::InvalidParameterException(format!(
                "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
                lower_first(member)
            )),
            None => CognitoError::SerializationException(format!(
                "The request could not be read: {}",
                crate::error::shortened(text.split(" at line ").next().unwrap_or(&text), 512)
            )),
        }
    })
}

/// The member named by serde's "missing field `Name`" error.
fn missing_member(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("missing field `")?;
    rest.split('`').next().filter(|m| !m.is_empty())
}

/// `AccessToken` -> `accessToken`, as AWS names members in validation messages.
fn lower_first(member: &str) -> String {
    let mut c = member.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Removes `null` members recursively: AWS omits absent members rather than sending null.
pub fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::IMPLEMENTED;

    #[test]
    fn a_missing_member_is_answered_in_the_models_words() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(rename_all = "PascalCase")]
        #[allow(dead_code)]
        struct Req {
            access_token: String,
        }
        let e = decode::<Req>(serde_json::json!({})).unwrap_err();
        assert_eq!(e.name(), "InvalidParameterException");
        assert_eq!(
            e.message(),
            "1 validation error detected: Value null at 'accessToken' failed to satisfy constraint: Member must not be null"
        );
    }

    /// A typo in the list would silently leave an operation unsupported.
    #[test]
    fn every_listed_operation_is_in_the_model() {
        for name in IMPLEMENTED {
            assert!(
                model().operations.contains_key(*name),
                "{name} is not an operation of the service model"
            );
        }
        let mut sorted = IMPLEMENTED.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(
            sorted.len(),
            IMPLEMENTED.len(),
            "an operation is listed twice"
        );
    }
}
