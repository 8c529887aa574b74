//! The ListUsers filter grammar (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListUsers.html): `attribute = "value"` or `attribute ^= "value"` on the
//! attributes AWS allows.

use std::sync::OnceLock;

use regex::Regex;

use crate::error::{CognitoError, Result};

/// What a filter compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// The username column.
    Username,
    /// The sub column.
    Sub,
    /// `cognito:user_status` (case-insensitive).
    UserStatus,
    /// `status`: Enabled / Disabled (case-sensitive).
    Enabled,
    /// One of email, phone_number, name, given_name, family_name, preferred_username.
    Attribute(&'static str),
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// The attribute.
    pub field: Field,
    /// `^=` rather than `=`.
    pub prefix: bool,
    /// The unescaped value.
    pub value: String,
}

const SEARCHABLE: &[&str] = &[
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
];

/// Parses a filter; `None` for an empty one.
pub fn parse(filter: &str) -> Result<Option<Filter>> {
    if filter.trim().is_empty() {
        return Ok(None);
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r#"^\s*([\w:]+)\s*(\^?=)\s*"((?:[^"\\]|\\.)*)"\s*$"#).expect("regex")
    });
    let caps = re.captures(filter).ok_or_else(|| {
        CognitoError::InvalidParameterException("Error while parsing filter.".into())
    })?;
    let name = &caps[1];
    let field = match name {
        "username" => Field::Username,
        "sub" => Field::Sub,
        "cognito:user_status" => Field::UserStatus,
        "status" => Field::Enabled,
        other => match SEARCHABLE.iter().find(|s| **s == other) {
            Some(s) => Field::Attribute(s),
            None => {
                return Err(CognitoError::InvalidParameterException(format!(
                    "Invalid search attribute: {other}"
                )));
            }
        },
    };
    let mut value = String::new();
    let mut chars = caps[3].chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                value.push(n);
            }
        } else {
            value.push(c);
        }
    }
    Ok(Some(Filter {
        field,
        prefix: &caps[2] == "^=",
        value,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar() {
        assert_eq!(parse("").unwrap(), None);
        let f = parse(r#"email ^= "jo""#).unwrap().unwrap();
        assert_eq!(
            (f.field, f.prefix, f.value.as_str()),
            (Field::Attribute("email"), true, "jo")
        );
        let f = parse(r#"username="a\"b""#).unwrap().unwrap();
        assert_eq!(
            (f.field, f.prefix, f.value.as_str()),
            (Field::Username, false, "a\"b")
        );
        assert_eq!(
            parse(r#"cognito:user_status = "CONFIRMED""#)
                .unwrap()
                .unwrap()
                .field,
            Field::UserStatus
        );
        assert_eq!(
            parse(r#"custom:x = "1""#).unwrap_err().message(),
            "Invalid search attribute: custom:x"
        );
        assert_eq!(
            parse("email = jo").unwrap_err().message(),
            "Error while parsing filter."
        );
    }
}
