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

pub fn decode<Req: DeserializeOwned>(input: Value) -> Result<Req> {
    // The model has already checked types; what serde still refuses is a value the model allows but the
    // emulator cannot represent.
    serde_json::from_value(input).map_err(|e| {
        CognitoError::SerializationException(
            crate::error::shortened(&e.to_string(), 512).into_owned(),
        )
    })
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
