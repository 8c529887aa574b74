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

/// A `SchemaAttributeType` as CreateUserPool / AddCustomAttributes receive it: every member optional,
/// so that what the request left out can be told from a default.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct SchemaInput {
    /// Attribute name (custom ones without their `custom:` prefix, which is accepted too).
    pub name: Option<String>,
    /// String, Number, DateTime or Boolean.
    pub attribute_data_type: Option<String>,
    /// Only writable through admin APIs (custom attributes become `dev:custom:<name>`).
    pub developer_only_attribute: Option<bool>,
    /// Can be changed after creation.
    pub mutable: Option<bool>,
    /// Must be given at sign-up.
    pub required: Option<bool>,
    /// Number bounds.
    pub number_attribute_constraints: Option<NumberConstraints>,
    /// String length bounds.
    pub string_attribute_constraints: Option<StringConstraints>,
}

fn invalid(m: String) -> crate::error::CognitoError {
    crate::error::CognitoError::InvalidParameterException(m)
}

/// A constraint bound: absent, or a non-negative integer written as a string.
fn bound(value: Option<&str>, kind: &str, name: &str) -> crate::error::Result<Option<u64>> {
    match value {
        None | Some("") => Ok(None),
        Some(v) => v
            .parse::<u64>()
            .map(Some)
            .map_err(|_| invalid(format!("Invalid {kind} for schema attribute {name}"))),
    }
}

/// Checks the constraints of `attr` (whose name is final) for its data type and drops the ones of the
/// other type, as AWS does (AWS's texts as moto's test suite records them).
fn constrain(attr: &mut SchemaAttribute) -> crate::error::Result<()> {
    let name = attr.name.clone();
    match attr.attribute_data_type.as_str() {
        "String" => {
            attr.number_attribute_constraints = None;
            if let Some(c) = &attr.string_attribute_constraints {
                let kind = "StringAttributeConstraints";
                let min = bound(c.min_length.as_deref(), kind, &name)?;
                let max = bound(c.max_length.as_deref(), kind, &name)?;
                if min.is_some_and(|m| m > 2048) || max.is_some_and(|m| m > 2048) {
                    return Err(invalid(format!(
                        "user.{name}: String attributes cannot have a length of more than 2048"
                    )));
                }
                if let (Some(min), Some(max)) = (min, max) {
                    if min > max {
                        return Err(invalid(format!(
                            "user.{name}: Max length cannot be less than min length."
                        )));
                    }
                }
            }
        }
        "Number" => {
            attr.string_attribute_constraints = None;
            if let Some(c) = &attr.number_attribute_constraints {
                let kind = "NumberAttributeConstraints";
                let min = bound(c.min_value.as_deref(), kind, &name)?;
                let max = bound(c.max_value.as_deref(), kind, &name)?;
                if let (Some(min), Some(max)) = (min, max) {
                    if min > max {
                        return Err(invalid(format!(
                            "user.{name}: Max value cannot be less than min value."
                        )));
                    }
                }
            }
        }
        _ => {
            attr.string_attribute_constraints = None;
            attr.number_attribute_constraints = None;
        }
    }
    Ok(())
}

/// Turns the requested schema entries into schema attributes with their final names, checking what
/// AWS checks: a custom attribute needs a data type, cannot be required, and is named
/// `custom:<name>` (`dev:custom:<name>` when developer-only); a standard attribute keeps its data type
/// and cannot become developer-only; constraint bounds are non-negative integers within 2048 for
/// strings and min <= max; constraints of the other data type are dropped.
/// With `custom_only` (AddCustomAttributes) every entry is a custom attribute, whatever its name.
pub fn resolve(
    inputs: &[SchemaInput],
    custom_only: bool,
) -> crate::error::Result<Vec<SchemaAttribute>> {
    let mut out: Vec<SchemaAttribute> = Vec::with_capacity(inputs.len());
    for input in inputs {
        let raw = input.name.clone().unwrap_or_default();
        let standard = !custom_only && STANDARD_ATTRIBUTES.contains(&raw.as_str());
        let mut attr = if standard {
            let base = standard_schema_attribute(&raw);
            let changed_type = input
                .attribute_data_type
                .as_ref()
                .is_some_and(|t| *t != base.attribute_data_type);
            if changed_type || input.developer_only_attribute == Some(true) {
                return Err(invalid(format!(
                    "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute {raw}"
                )));
            }
            if raw == "sub" {
                return Err(invalid(
                    "sub is a system attribute and cannot be changed in the schema.".into(),
                ));
            }
            SchemaAttribute {
                mutable: input.mutable.unwrap_or(base.mutable),
                required: input.required.unwrap_or(base.required),
                string_attribute_constraints: input
                    .string_attribute_constraints
                    .clone()
                    .or(base.string_attribute_constraints.clone()),
                number_attribute_constraints: input
                    .number_attribute_constraints
                    .clone()
                    .or(base.number_attribute_constraints.clone()),
                ..base
            }
        } else {
            let Some(data_type) = input.attribute_data_type.clone() else {
                return Err(invalid(
                    "Invalid AttributeDataType input, consider using the provided AttributeDataType enum."
                        .into(),
                ));
            };
            if input.required == Some(true) {
                return Err(invalid(
                    "Required custom attributes are not supported currently.".into(),
                ));
            }
            let bare = bare_name(&raw);
            let developer_only = input.developer_only_attribute.unwrap_or(false);
            let name = if developer_only {
                format!("dev:custom:{bare}")
            } else {
                format!("custom:{bare}")
            };
            SchemaAttribute {
                name,
                string_attribute_constraints: match (
                    &input.string_attribute_constraints,
                    data_type.as_str(),
                ) {
                    (None, "String") => Some(StringConstraints::default()),
                    (c, _) => c.clone(),
                },
                number_attribute_constraints: input.number_attribute_constraints.clone(),
                attribute_data_type: data_type,
                developer_only_attribute: developer_only,
                mutable: input.mutable.unwrap_or(true),
                required: false,
            }
        };
        constrain(&mut attr)?;
        if out
            .iter()
            .any(|a| bare_name(&a.name) == bare_name(&attr.name))
        {
            return Err(invalid(format!(
                "Duplicate attribute in schema: {}",
                bare_name(&attr.name)
            )));
        }
        out.push(attr);
    }
    Ok(out)
}

/// Builds the pool's schema: the standard attributes (overridden where the request names them) followed
/// by the custom attributes of the request (already resolved: final names, checked constraints).
pub fn build_schema(requested: &[SchemaAttribute]) -> Vec<SchemaAttribute> {
    let mut schema: Vec<SchemaAttribute> = STANDARD_ATTRIBUTES
        .iter()
        .map(|n| standard_schema_attribute(n))
        .collect();
    for attr in requested {
        if let Some(std) = schema.iter_mut().find(|s| s.name == attr.name) {
            // Standard attributes keep their type; the request may make them required or immutable
            // and narrow the constraints.
            std.required = attr.required;
            std.mutable = attr.mutable;
            if attr.string_attribute_constraints.is_some() {
                std.string_attribute_constraints = attr.string_attribute_constraints.clone();
            }
            if attr.number_attribute_constraints.is_some() {
                std.number_attribute_constraints = attr.number_attribute_constraints.clone();
            }
            continue;
        }
        let mut custom = attr.clone();
        if !custom.name.starts_with("custom:") && !custom.name.starts_with("dev:custom:") {
            custom.name = format!("custom:{}", custom.name);
        }
        schema.push(custom);
    }
    schema
}

/// A custom attribute's name without `dev:` and `custom:`.
pub fn bare_name(name: &str) -> &str {
    name.strip_prefix("dev:")
        .unwrap_or(name)
        .strip_prefix("custom:")
        .unwrap_or(name.strip_prefix("dev:").unwrap_or(name))
}

/// True for the name of a custom attribute (`custom:x`, or developer-only `dev:custom:x`).
pub fn is_custom(name: &str) -> bool {
    name.starts_with("custom:") || name.starts_with("dev:custom:")
}
