//! Managed login branding shared by its five operations: `ManagedLoginBrandingType`, the rule that
//! UseCognitoProvidedValues excludes Settings and Assets, and how an update merges into a style
//! (AWS "preserves existing style settings that you don't specify").

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::app::Ctx;
use crate::err;
use crate::error::Result;
use crate::ops::load;
use crate::store::branding::{self, BrandingRow};

/// `AssetType` as requests carry it (the model has checked it; kept as JSON).
pub type Asset = Value;

/// The members Create and Update take besides the ids.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Style {
    /// UseCognitoProvidedValues.
    pub use_cognito_provided_values: Option<bool>,
    /// Settings (a JSON document).
    pub settings: Option<Value>,
    /// Assets.
    pub assets: Option<Vec<Asset>>,
}

impl Style {
    /// "When you specify true for this option, you must also omit values for Settings and Assets."
    pub fn check(&self) -> Result<()> {
        if self.use_cognito_provided_values == Some(true)
            && (self.settings.is_some() || self.assets.is_some())
        {
            return Err(err!(
                InvalidParameterException,
                "Settings and Assets must be omitted when UseCognitoProvidedValues is true."
            ));
        }
        if self.settings.as_ref().is_some_and(|s| !s.is_object()) {
            return Err(err!(
                InvalidParameterException,
                "Settings must be a JSON object."
            ));
        }
        Ok(())
    }

    /// Applies this request to a style: Cognito's values reset it; otherwise Settings merge key by key
    /// into the stored ones and Assets replace the stored asset of the same category and color mode.
    pub fn apply(self, row: &mut BrandingRow) {
        if self.use_cognito_provided_values == Some(true) {
            row.use_cognito_values = true;
            row.settings = None;
            row.assets.clear();
            return;
        }
        if let Some(settings) = self.settings {
            let mut merged = row.settings.take().unwrap_or_else(|| json!({}));
            merge(&mut merged, settings);
            row.settings = Some(merged);
            row.use_cognito_values = false;
        }
        if let Some(assets) = self.assets {
            let key = |a: &Value| (a["Category"].clone(), a["ColorMode"].clone());
            for asset in assets {
                row.assets.retain(|a| key(a) != key(&asset));
                row.assets.push(asset);
            }
            row.use_cognito_values = false;
        }
    }
}

/// Merges `patch` into `base`: objects key by key, everything else replaced.
pub fn merge(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                merge(b.entry(k).or_insert(Value::Null), v);
            }
        }
        (b, p) => *b = p,
    }
}

/// `{"ManagedLoginBranding": ManagedLoginBrandingType}`.
pub fn answer(row: &BrandingRow) -> Value {
    let mut out = Map::new();
    out.insert("ManagedLoginBrandingId".into(), json!(row.id));
    out.insert("UserPoolId".into(), json!(row.pool_id));
    out.insert(
        "UseCognitoProvidedValues".into(),
        json!(row.use_cognito_values),
    );
    if let Some(s) = &row.settings {
        out.insert("Settings".into(), s.clone());
    }
    out.insert("Assets".into(), json!(row.assets));
    out.insert("CreationDate".into(), json!(row.created_at));
    out.insert("LastModifiedDate".into(), json!(row.updated_at));
    json!({"ManagedLoginBranding": out})
}

/// The style `id` of pool `pool_id`, or ResourceNotFoundException.
pub fn load(ctx: &Ctx, pool_id: &str, id: &str) -> Result<BrandingRow> {
    load::pool(ctx, pool_id)?;
    ctx.app
        .store
        .read(|c| branding::get(c, pool_id, id))?
        .ok_or_else(|| {
            err!(
                ResourceNotFoundException,
                "Managed login branding {id} does not exist."
            )
        })
}
