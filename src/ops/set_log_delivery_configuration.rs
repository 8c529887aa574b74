//! SetLogDeliveryConfiguration: where a pool would export its logs (stored and returned: the emulator
//! logs to its own output and sends nothing to CloudWatch, S3 or Firehose). Checked as AWS documents:
//! message-delivery logs (`userNotification`) are ERROR level to CloudWatch Logs; user activity logs
//! (`userAuthEvents`) are INFO level and need the Plus tier; one destination per configuration.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::load;
use crate::store::documents::{self, Kind, Scope};
use crate::err;

/// SetLogDeliveryConfigurationRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    log_configurations: Vec<Value>,
}

const DESTINATIONS: [&str; 3] = [
    "CloudWatchLogsConfiguration",
    "S3Configuration",
    "FirehoseConfiguration",
];

/// Sets the configuration (replacing the previous one).
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let mut sources = Vec::new();
    for config in &req.log_configurations {
        let source = config["EventSource"].as_str().unwrap_or_default();
        let level = config["LogLevel"].as_str().unwrap_or_default();
        if sources.contains(&source) {
            return Err(err!(
                InvalidParameterException,
                "Only one log configuration per EventSource is allowed; {source} appears twice."
            ));
        }
        sources.push(source);
        let destinations: Vec<&str> = DESTINATIONS
            .into_iter()
            .filter(|d| config.get(*d).is_some_and(|v| !v.is_null()))
            .collect();
        if destinations.len() != 1 {
            return Err(err!(
                InvalidParameterException,
                "A log configuration needs exactly one destination: CloudWatchLogsConfiguration, S3Configuration or FirehoseConfiguration."
            ));
        }
        match source {
            "userNotification" => {
                if level != "ERROR" || destinations[0] != "CloudWatchLogsConfiguration" {
                    return Err(err!(
                        InvalidParameterException,
                        "userNotification logs are delivered at LogLevel ERROR to CloudWatchLogsConfiguration."
                    ));
                }
            }
            _ => {
                if level != "INFO" {
                    return Err(err!(
                        InvalidParameterException,
                        "userAuthEvents logs are delivered at LogLevel INFO."
                    ));
                }
            }
        }
        let needs_plus = source == "userAuthEvents" || destinations[0] != "CloudWatchLogsConfiguration";
        if needs_plus && pool.config.user_pool_tier != "PLUS" {
            return Err(err!(
                FeatureUnavailableInTierException,
                "Exporting user activity logs, and delivery to S3 or Firehose, needs the PLUS tier."
            ));
        }
    }
    let body = json!({"UserPoolId": pool.id, "LogConfigurations": req.log_configurations});
    let now = ctx.now();
    ctx.app.store.write(|c| {
        documents::put(c, &pool.id, Kind::LogDelivery, Scope::Pool, &body, now)
    })?;
    Ok(json!({"LogDeliveryConfiguration": body}))
}
