//! cognito-emulator: a local server that answers like Amazon Cognito User Pools.
//!
//! Modules and wiring only: `run(config, listener, shutdown)` serves until `shutdown` completes; tests
//! start it in-process on a port-0 listener with a temporary database.

pub mod accounts;
pub mod app;
pub mod assets;
pub mod auth;
pub mod blocking;
pub mod clock;
pub mod codes;
pub mod config;
pub mod console;
pub mod control;
pub mod crypto;
pub mod domain;
pub mod error;
pub mod federation;
pub mod html;
pub mod http;
pub mod mail;
pub mod model;
pub mod oauth;
pub mod ops;
pub mod protocol;
pub mod seed;
pub mod server;
pub mod store;
pub mod triggers;
pub mod user_import;
pub mod wakes;
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
    /// The HTTPS listener's certificate.
    #[error("{0}")]
    Tls(#[from] crypto::tls::TlsError),
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
    let https = match app.config.https_port {
        Some(port) => Some(start_https(&app, port, relay_stopped.clone()).await?),
        None => None,
    };
    let relay = app.config.smtp_url.clone().map(|url| {
        let app = app.clone();
        tokio::spawn(mail::relay::run(app, url, relay_stopped))
    });
    let result = server::serve(app.clone(), listener, shutdown).await;
    let _ = stop_relay.send(true);
    if let Some(https) = https {
        let _ = https.await;
    }
    if let Some(relay) = relay {
        let _ = relay.await;
    }
    if let Err(e) = app.store.checkpoint() {
        tracing::warn!(error = %e, "WAL checkpoint at shutdown failed");
    }
    result.map_err(StartError::Io)
}

/// The `--https-port` listener: the same routes over TLS, until `stop` turns true. Prints its URL and
/// the CA file to trust.
async fn start_https(
    app: &Arc<App>,
    port: u16,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> Result<tokio::task::JoinHandle<()>, StartError> {
    let mut hosts = app.config.tls_hosts.clone();
    let domains = app
        .store
        .read(|c| store::domains::all(c))
        .unwrap_or_default();
    for d in domains {
        let region = domain::ids::pool_region(&d.pool_id);
        hosts.push(domain::oauth::domain_host(&d.domain, d.custom, &region));
    }
    let config = crypto::tls::server_config(&app.config.keys, &hosts, app.clock.now_secs())?;
    let listener = TcpListener::bind((app.config.host.as_str(), port)).await?;
    let local = listener.local_addr()?;
    println!(
        "cognito-emulator HTTPS on https://{local} | trust {} (the local CA)",
        app.config.keys.join(crypto::tls::CA_FILE).display()
    );
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    let app = app.clone();
    Ok(tokio::spawn(async move {
        let stopped = async move {
            let _ = stop.wait_for(|v| *v).await;
        };
        if let Err(e) = server::serve_tls(app, listener, acceptor, stopped).await {
            tracing::error!(error = %e, "HTTPS listener failed");
        }
    }))
}
