//! Inputs for fuzzing, shared by the long run (`cargo bench --bench fuzz`) and the bounded targets of
//! `cargo test` (tests/it/fuzz.rs includes this file): a seeded random generator, requests built from
//! the service model (every member of an operation's input, of the right JSON type or not, valid values
//! or edge values, names of resources that exist or not), mutations of valid requests and raw garbage.
//!
//! This is random and mutation-based generation without coverage feedback (cargo-fuzz needs a nightly
//! compiler); what it checks is that no input makes the emulator panic, crash or answer 5xx.

#![allow(dead_code)]

use serde_json::{Map, Value, json};

/// xorshift64*: small, fast, reproducible from its seed.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (0 when n is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// Strings that often break parsers.
const EDGE_STRINGS: &[&str] = &[
    "",
    " ",
    "\u{0}",
    "é",
    "𝄞",
    "\u{202e}",
    "a\nb",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "null",
    "true",
    "{}",
    "[]",
    "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.",
    "us-east-1_",
    "us-east-1_AAAAAAAAA",
    "email = \"a@b.c\"",
    "email ^= \"\"",
    "=",
    "\"",
    "\\",
    "ffffffffffffffffffffffffffffffffffffffff",
    "0",
    "-1",
    "1e309",
];

/// What the fuzzer knows exists, so that requests name real pools, clients, users and tokens often.
#[derive(Default, Clone)]
pub struct Known {
    pub pools: Vec<String>,
    pub clients: Vec<String>,
    pub users: Vec<String>,
    pub tokens: Vec<String>,
    pub sessions: Vec<String>,
}

/// The service model, as JSON.
pub struct Model {
    pub operations: Map<String, Value>,
    pub shapes: Map<String, Value>,
}

impl Model {
    pub fn load() -> Model {
        let v: Value =
            serde_json::from_str(include_str!("../../src/model.json")).expect("model.json");
        Model {
            operations: v["operations"].as_object().cloned().unwrap_or_default(),
            shapes: v["shapes"].as_object().cloned().unwrap_or_default(),
        }
    }

    pub fn operation_names(&self) -> Vec<String> {
        self.operations.keys().cloned().collect()
    }

    /// A request for `op`, built from its input shape.
    pub fn request(&self, op: &str, rng: &mut Rng, known: &Known) -> Value {
        match self.operations[op]["input"].as_str() {
            Some(shape) => self.value(shape, rng, known, "", 0),
            None => json!({}),
        }
    }

    fn value(
        &self,
        shape_name: &str,
        rng: &mut Rng,
        known: &Known,
        member: &str,
        depth: usize,
    ) -> Value {
        let shape = &self.shapes[shape_name];
        // A wrong JSON type now and then.
        if rng.chance(2) {
            return edge_value(rng);
        }
        match shape["type"].as_str().unwrap_or("") {
            "structure" => {
                let mut out = Map::new();
                if depth > 6 {
                    return Value::Object(out);
                }
                let required: Vec<&str> = shape["required"]
                    .as_array()
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                if let Some(members) = shape["members"].as_object() {
                    for (name, target) in members {
                        let keep = if required.contains(&name.as_str()) {
                            95
                        } else {
                            45
                        };
                        if !rng.chance(keep) {
                            continue;
                        }
                        let Some(target) = target.as_str() else {
                            continue;
                        };
                        out.insert(
                            name.clone(),
                            self.value(target, rng, known, name, depth + 1),
                        );
                    }
                }
                if rng.chance(3) {
                    out.insert("UnknownMember".into(), edge_value(rng));
                }
                Value::Object(out)
            }
            "list" => {
                let n = if rng.chance(2) {
                    50 + rng.below(200)
                } else {
                    rng.below(4)
                };
                let member_shape = shape["member"].as_str().unwrap_or("");
                Value::Array(
                    (0..n)
                        .map(|_| self.value(member_shape, rng, known, member, depth + 1))
                        .collect(),
                )
            }
            "map" => {
                let mut out = Map::new();
                let value_shape = shape["value"].as_str().unwrap_or("");
                for _ in 0..rng.below(4) {
                    let key = if member.contains("Auth") || member.contains("Challenge") {
                        rng.pick(&[
                            "USERNAME",
                            "PASSWORD",
                            "SRP_A",
                            "SECRET_HASH",
                            "REFRESH_TOKEN",
                            "NEW_PASSWORD",
                            "DEVICE_KEY",
                            "PASSWORD_CLAIM_SIGNATURE",
                            "PASSWORD_CLAIM_SECRET_BLOCK",
                            "TIMESTAMP",
                            "SMS_MFA_CODE",
                            "SOFTWARE_TOKEN_MFA_CODE",
                            "ANSWER",
                            "PREFERRED_CHALLENGE",
                            "userAttributes.email",
                        ])
                        .to_string()
                    } else {
                        random_string(rng, 12)
                    };
                    let value = if key == "USERNAME" && !known.users.is_empty() && rng.chance(70) {
                        json!(rng.pick(&known.users))
                    } else if key == "PASSWORD" || key == "NEW_PASSWORD" {
                        json!(if rng.chance(60) { "Passw0rd!" } else { "x" })
                    } else if key == "REFRESH_TOKEN" && !known.tokens.is_empty() {
                        json!(rng.pick(&known.tokens))
                    } else if key == "SRP_A" {
                        json!(hex_string(rng))
                    } else {
                        self.value(value_shape, rng, known, &key, depth + 1)
                    };
                    out.insert(key, value);
                }
                Value::Object(out)
            }
            "string" => json!(self.string(shape, rng, known, member)),
            "integer" | "long" => {
                let min = shape["min"].as_f64().unwrap_or(0.0) as i64;
                let max = shape["max"].as_f64().unwrap_or(1000.0) as i64;
                match rng.below(6) {
                    0 => json!(min - 1),
                    1 => json!(max + 1),
                    2 => json!(i64::MAX),
                    3 => json!(-1),
                    _ => json!(min + rng.below((max - min).clamp(1, 10_000) as usize) as i64),
                }
            }
            "boolean" => json!(rng.chance(50)),
            "timestamp" | "double" | "float" => json!(rng.next() % 2_000_000_000),
            "blob" => json!(hex_string(rng)),
            _ => Value::Null,
        }
    }

    fn string(&self, shape: &Value, rng: &mut Rng, known: &Known, member: &str) -> String {
        if let Some(values) = shape["enum"].as_array() {
            if rng.chance(90) && !values.is_empty() {
                return rng.pick(values).as_str().unwrap_or("").to_string();
            }
        }
        let named = |list: &Vec<String>, rng: &mut Rng| -> Option<String> {
            (!list.is_empty() && rng.chance(80)).then(|| rng.pick(list).clone())
        };
        let by_member = match member {
            "UserPoolId" => named(&known.pools, rng),
            "ClientId" => named(&known.clients, rng),
            "Username" => named(&known.users, rng),
            "AccessToken" | "Token" | "RefreshToken" => named(&known.tokens, rng),
            "Session" => named(&known.sessions, rng),
            "Password" | "ProposedPassword" | "PreviousPassword" | "TemporaryPassword" => {
                Some(if rng.chance(70) {
                    "Passw0rd!".into()
                } else {
                    random_string(rng, 20)
                })
            }
            "Filter" => Some(filter(rng)),
            _ => None,
        };
        if let Some(s) = by_member {
            return s;
        }
        match rng.below(10) {
            0 => rng.pick(EDGE_STRINGS).to_string(),
            1 => "x".repeat(1 + rng.below(3000)),
            2 => String::from_utf8_lossy(&{
                let n = rng.below(40);
                rng.bytes(n)
            })
            .into_owned(),
            _ => {
                let max = shape["max"].as_f64().unwrap_or(64.0).min(64.0) as usize;
                let min = shape["min"].as_f64().unwrap_or(1.0) as usize;
                let len = min.max(1) + rng.below(max.saturating_sub(min).max(1));
                random_string(rng, len)
            }
        }
    }
}

pub fn random_string(rng: &mut Rng, len: usize) -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.@+";
    (0..len).map(|_| *rng.pick(CHARS) as char).collect()
}

fn hex_string(rng: &mut Rng) -> String {
    let n = match rng.below(4) {
        0 => 0,
        1 => 1 + rng.below(8),
        _ => 300 + rng.below(500),
    };
    (0..n)
        .map(|_| char::from_digit(rng.below(16) as u32, 16).unwrap_or('0'))
        .collect()
}

/// A ListUsers filter: well-formed, almost well-formed, or noise.
pub fn filter(rng: &mut Rng) -> String {
    let attr = rng.pick(&[
        "email",
        "username",
        "sub",
        "status",
        "cognito:user_status",
        "name",
        "given_name",
        "family_name",
        "phone_number",
        "preferred_username",
        "custom:x",
        "nope",
        "",
    ]);
    let op = rng.pick(&["=", "^=", "!=", "==", "", " = "]);
    let quote = rng.pick(&["\"", "'", "", "\"\""]);
    let value = if rng.chance(20) {
        rng.pick(EDGE_STRINGS).to_string()
    } else {
        {
            let n = rng.below(20);
            random_string(rng, n)
        }
    };
    format!("{attr}{op}{quote}{value}{quote}")
}

/// A JSON value of a random type.
pub fn edge_value(rng: &mut Rng) -> Value {
    match rng.below(8) {
        0 => Value::Null,
        1 => json!(rng.chance(50)),
        2 => json!(rng.next() as i64),
        3 => json!(f64::from_bits(rng.next() & 0x7FEF_FFFF_FFFF_FFFF)),
        4 => json!(rng.pick(EDGE_STRINGS)),
        5 => json!([1, "a", null]),
        6 => json!({"a": {"b": [true]}}),
        _ => {
            let n = rng.below(10);
            json!(random_string(rng, n))
        }
    }
}

/// Bytes that are not quite the JSON of `v`: truncated, with a byte flipped, a member named twice,
/// deeply nested, or not JSON at all.
pub fn mangle(v: &Value, rng: &mut Rng) -> Vec<u8> {
    let text = v.to_string();
    let mut b = text.clone().into_bytes();
    match rng.below(7) {
        0 => {
            let at = rng.below(b.len() + 1);
            b.truncate(at);
        }
        1 if !b.is_empty() => {
            let at = rng.below(b.len());
            b[at] = rng.next() as u8;
        }
        2 => {
            if let Some(obj) = v.as_object() {
                if let Some((k, val)) = obj.iter().next() {
                    let dup = format!(",\"{k}\":{val}}}");
                    b.pop();
                    b.extend_from_slice(dup.as_bytes());
                }
            }
        }
        3 => {
            let depth = 10 + rng.below(300);
            b = format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes();
        }
        4 => {
            b = {
                let n = rng.below(200);
                rng.bytes(n)
            }
        }
        5 => b.extend_from_slice(b" trailing"),
        _ => b = format!("{text}{text}").into_bytes(),
    }
    b
}
