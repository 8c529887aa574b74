//! cognito-emulator: a local server that answers like Amazon Cognito User Pools.
//!
//! Modules and wiring only: `run(config, listener, shutdown)` serves until `shutdown` completes; tests
//! start it in-process on a port-0 listener with a temporary database.

pub mod accounts;
pub mod app;
pub mod assets;
pub mod auth;
pub mod clock;
pub mod codes;
pub mod config;
pub mod control;
pub mod crypto;
pub mod domain;
pub mod error;
pub mod http;
pub mod mail;
pub mod model;
pub mod ops;
pub mod protocol;
pub mod seed;
pub mod server;
pub mod store;
pub mod triggers;
pub mod user_import;
pub mod wellknown;

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;

pub use crate::app::{App, AppError, Ctx};
use crate::config::Config;

/// Errors that stop the emulator from starting.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database, the keys or a setting.
    #[error(transparent)]
    App(#[from] AppError),
    /// The listener failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The seed file is unusable.
    #[error("{0}")]
    Seed(#[from] seed::SeedError),
}

/// Serves the emulator on `listener` until `shutdown` completes, then finishes in-flight requests.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let app = Arc::new(App::new(config)?);
    apply_seed(&app)?;
    serve(app, listener, shutdown).await
}

/// Applies `--seed`, if any (blocking: seeded passwords are hashed).
pub fn apply_seed(app: &Arc<App>) -> Result<Option<seed::Summary>, StartError> {
    match &app.config.seed {
        Some(path) => Ok(Some(seed::apply_file(app, path)?)),
        None => Ok(None),
    }
}

/// Serves an already-built `App` (lets callers inspect the app, e.g. the clock, while it runs).
pub async fn serve(
    app: Arc<App>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let (stop_relay, relay_stopped) = tokio::sync::watch::channel(false);
    let relay = app.config.smtp_url.clone().map(|url| {
        let app = app.clone();
        tokio::spawn(mail::relay::run(app, url, relay_stopped))
    });
    let result = server::serve(app.clone(), listener, shutdown).await;
    let _ = stop_relay.send(true);
    if let Some(relay) = relay {
        let _ = relay.await;
    }
    if let Err(e) = app.store.checkpoint() {
        tracing::warn!(error = %e, "WAL checkpoint at shutdown failed");
    }
    result.map_err(StartError::Io)
}
