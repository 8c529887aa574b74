//! API rate limits per category (Get/UpdateProvisionedLimit), with the free limits AWS documents
//! (requests per second per account and Region). The emulator does not throttle: the values are
//! stored and returned so that tooling managing them works.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::app::Ctx;
use crate::err;
use crate::error::Result;
use crate::store::documents;

/// The documented free limit of each API category (requests per second).
pub const CATEGORIES: &[(&str, i64)] = &[
    ("UserAuthentication", 120),
    ("UserCreation", 50),
    ("UserFederation", 25),
    ("UserAccountRecovery", 30),
    ("UserRead", 120),
    ("UserUpdate", 25),
    ("UserToken", 120),
    ("UserResourceRead", 50),
    ("UserResourceUpdate", 25),
    ("UserList", 30),
    ("UserPoolRead", 15),
    ("UserPoolUpdate", 15),
    ("UserPoolResourceRead", 20),
    ("UserPoolResourceUpdate", 15),
    ("UserPoolClientRead", 15),
    ("UserPoolClientUpdate", 15),
    ("ClientAuthentication", 150),
];

/// `LimitDefinitionType`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Definition {
    /// API_CATEGORY.
    pub limit_class: String,
    /// `{"Category": ...}`.
    pub attributes: Map<String, Value>,
}

/// The category a definition names and its free limit.
pub fn category(def: &Definition) -> Result<(String, i64)> {
    let name = def.attributes.get("Category").and_then(Value::as_str);
    let extra = def.attributes.keys().any(|k| k != "Category");
    match name.and_then(|n| CATEGORIES.iter().find(|(c, _)| *c == n)) {
        Some((c, free)) if !extra => Ok((c.to_string(), *free)),
        _ => Err(err!(
            InvalidParameterException,
            "LimitDefinition.Attributes must be {{\"Category\": <category>}} with one of: {}.",
            CATEGORIES
                .iter()
                .map(|(c, _)| *c)
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The provisioned value of a category (its free limit until updated).
pub fn provisioned(ctx: &Ctx, category: &str, free: i64) -> Result<i64> {
    Ok(ctx
        .app
        .store
        .read(|c| documents::account_get::<i64>(c, "provisioned_limit", category))?
        .unwrap_or(free))
}

/// `{"Limit": LimitType}`.
pub fn answer(def: &Definition, provisioned: i64, free: i64) -> Value {
    json!({"Limit": {
        "LimitDefinition": def,
        "ProvisionedLimitValue": provisioned,
        "FreeLimitValue": free,
    }})
}
