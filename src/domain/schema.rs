//! A pool's schema: the standard attributes with AWS's defaults, the requested overrides and custom
//! attributes, and the rules for them that the service model cannot express.

use serde::{Deserialize, Serialize};

fn string_type() -> String {
    "String".into()
}

fn yes() -> bool {
    true
}

/// `SchemaAttributeType` as stored (custom names carry the `custom:` prefix).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SchemaAttribute {
    /// Attribute name.
    pub name: String,
    /// String, Number, DateTime or Boolean.
    #[serde(default = "string_type")]
    pub attribute_data_type: String,
    /// Only writable through admin APIs.
    #[serde(default)]
    pub developer_only_attribute: bool,
    /// Can be changed after creation.
    #[serde(default = "yes")]
    pub mutable: bool,
    /// Must be given at sign-up.
    #[serde(default)]
    pub required: bool,
    /// Number bounds (string-typed numbers, as AWS sends them).
    pub number_attribute_constraints: Option<NumberConstraints>,
    /// String length bounds (string-typed numbers).
    pub string_attribute_constraints: Option<StringConstraints>,
}

/// `NumberAttributeConstraintsType`.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct NumberConstraints {
    /// Lower bound.
    pub min_value: Option<String>,
    /// Upper bound.
    pub max_value: Option<String>,
}

/// `StringAttributeConstraintsType`.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct StringConstraints {
    /// Minimum length.
    pub min_length: Option<String>,
    /// Maximum length.
    pub max_length: Option<String>,
}

/// The standard attributes every pool has, in the order AWS lists them.
pub const STANDARD_ATTRIBUTES: &[&str] = &[
    "sub",
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "email",
    "email_verified",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "phone_number",
    "phone_number_verified",
    "address",
    "updated_at",
];

/// The default schema entry of a standard attribute.
pub fn standard_schema_attribute(name: &str) -> SchemaAttribute {
    let string = |min: &str, max: &str| {
        Some(StringConstraints {
            min_length: Some(min.into()),
            max_length: Some(max.into()),
        })
    };
    let (data_type, mutable, required, strings, numbers) = match name {
        "sub" => ("String", false, true, string("1", "2048"), None),
        "email_verified" | "phone_number_verified" => ("Boolean", true, false, None, None),
        "birthdate" => ("String", true, false, string("10", "10"), None),
        "updated_at" => (
            "Number",
            true,
            false,
            None,
            Some(NumberConstraints {
                min_value: Some("0".into()),
                max_value: None,
            }),
        ),
        _ => ("String", true, false, string("0", "2048"), None),
    };
    SchemaAttribute {
        name: name.into(),
        attribute_data_type: data_type.into(),
        developer_only_attribute: false,
        mutable,
        required,
        number_attribute_constraints: numbers,
        string_attribute_constraints: strings,
    }
}

/// Builds the pool's schema: the standard attributes (overridden where the request names them) followed
/// by the custom attributes of the request, `custom:` prefixed.
pub fn build_schema(requested: &[SchemaAttribute]) -> Vec<SchemaAttribute> {
    let mut schema: Vec<SchemaAttribute> = STANDARD_ATTRIBUTES
        .iter()
        .map(|n| standard_schema_attribute(n))
        .collect();
    for attr in requested {
        if let Some(std) = schema.iter_mut().find(|s| s.name == attr.name) {
            // Standard attributes keep their type; the request may make them required or immutable
            // and narrow the string length.
            std.required = attr.required;
            std.mutable = attr.mutable;
            if attr.string_attribute_constraints.is_some() {
                std.string_attribute_constraints = attr.string_attribute_constraints.clone();
            }
            continue;
        }
        let mut custom = attr.clone();
        if !custom.name.starts_with("custom:") {
            custom.name = format!("custom:{}", custom.name);
        }
        if custom.attribute_data_type == "String" && custom.string_attribute_constraints.is_none() {
            custom.string_attribute_constraints = Some(StringConstraints::default());
        }
        if custom.attribute_data_type == "Number" && custom.number_attribute_constraints.is_none() {
            custom.number_attribute_constraints = Some(NumberConstraints::default());
        }
        schema.push(custom);
    }
    schema
}

/// Rules for the requested schema that the model cannot express.
pub fn check_schema(schema: &[SchemaAttribute]) -> crate::error::Result<()> {
    let invalid = |m: &str| {
        Err(crate::error::CognitoError::InvalidParameterException(
            m.into(),
        ))
    };
    let mut seen = std::collections::HashSet::new();
    for attr in schema {
        let name = attr.name.strip_prefix("custom:").unwrap_or(&attr.name);
        if !seen.insert(name.to_string()) {
            return invalid(&format!("Duplicate attribute in schema: {name}"));
        }
        let standard = STANDARD_ATTRIBUTES.contains(&attr.name.as_str());
        if !standard && attr.required {
            return invalid("Required custom attributes are not supported currently.");
        }
        if standard && attr.name == "sub" {
            return invalid("sub is a system attribute and cannot be changed in the schema.");
        }
    }
    Ok(())
}
