//! Request bodies as JSON values, refusing what is ambiguous: an object that names a member twice
//! (`{"MaxResults":10,"MaxResults":20}`) is not guessed at (serde_json alone keeps the last one).

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Parses a request body; `Err` carries the message of the SerializationException.
pub fn parse(bytes: &[u8]) -> Result<Value, String> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Strict.deserialize(&mut de).map_err(|e| describe(&e))?;
    de.end().map_err(|e| describe(&e))?;
    Ok(value)
}

fn describe(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.strip_prefix(DUPLICATE) {
        Some(rest) => format!("{DUPLICATE}{rest}"),
        None => format!("Request body is not valid JSON: {text}"),
    }
}

const DUPLICATE: &str = "Duplicate member ";

/// A JSON value whose objects have distinct keys.
struct Strict;

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Strict.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Strict)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                let shown = crate::error::quoted(&key);
                return Err(de::Error::custom(format_args!(
                    "{DUPLICATE}{shown:?}: a JSON object names it twice"
                )));
            }
            let value = map.next_value_seed(Strict)?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_values_as_serde_json_when_unambiguous() {
        for text in [
            r#"{}"#,
            r#"{"a":1,"b":[1,2.5,-3,true,null,"x"],"c":{"d":{"e":"f"}},"g":18446744073709551615}"#,
            r#"[{"a":1},{"a":2}]"#,
            r#""\u00e9\ud83d\ude00""#,
        ] {
            assert_eq!(
                parse(text.as_bytes()).unwrap(),
                serde_json::from_str::<Value>(text).unwrap(),
                "{text}"
            );
        }
    }

    #[test]
    fn duplicate_members_are_refused_at_any_depth() {
        let e = parse(br#"{"MaxResults":10,"MaxResults":20}"#).unwrap_err();
        assert!(e.starts_with("Duplicate member \"MaxResults\""), "{e}");
        let e = parse(br#"{"A":{"B":1,"B":1}}"#).unwrap_err();
        assert!(e.starts_with("Duplicate member \"B\""), "{e}");
        // The same key in sibling objects is fine.
        assert!(parse(br#"[{"B":1},{"B":2}]"#).is_ok());
    }

    #[test]
    fn malformed_bodies_say_so() {
        for text in [&b"{"[..], b"{\"a\":1} x", b"nul", b"\xff"] {
            let e = parse(text).unwrap_err();
            assert!(e.starts_with("Request body is not valid JSON: "), "{e}");
        }
    }
}
