//! cognito-emulator: a local server that answers like Amazon Cognito User Pools.
//!
//! `run(config, listener, shutdown)` serves until `shutdown` completes; tests start it in-process on a
//! port-0 listener with a temporary database.

pub mod auth;
pub mod clock;
pub mod config;
pub mod control;
pub mod crypto;
pub mod domain;
pub mod error;
pub mod mail;
pub mod ops;
pub mod protocol;
pub mod seed;
pub mod server;
pub mod store;
pub mod wellknown;

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::clock::Clock;
use crate::config::Config;
use crate::crypto::keys::Keys;
use crate::crypto::password::Passwords;
use crate::store::Store;

/// Everything a request may touch, shared by all requests.
pub struct App {
    /// The settings this instance runs with.
    pub config: Config,
    /// The database.
    pub store: Store,
    /// The signing keys.
    pub keys: Keys,
    /// The one clock.
    pub clock: Clock,
    /// Password hashing and the verified-credential cache.
    pub passwords: Passwords,
    /// Wakes the SMTP relay when mail is queued.
    pub mail: mail::Mailer,
    /// One permit per core for running handlers (see `protocol`).
    pub workers: tokio::sync::Semaphore,
}

/// Errors that stop the emulator from starting.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be opened or migrated.
    #[error("{0}")]
    Store(#[from] store::OpenError),
    /// The signing keys could not be loaded or generated.
    #[error("{0}")]
    Keys(#[from] crypto::keys::KeyError),
    /// A setting is unusable.
    #[error("invalid setting: {0}")]
    Config(String),
    /// The listener failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The seed file is unusable.
    #[error("{0}")]
    Seed(#[from] seed::SeedError),
}

impl App {
    /// Opens the database, loads (or creates) the keys and prepares the password hasher.
    pub fn new(config: Config) -> Result<App, StartError> {
        let store = Store::open(config.database_path().as_deref())?;
        let keys = Keys::load_or_generate(&config.keys)?;
        let passwords = Passwords::new(config.argon2_memory_kib, config.argon2_iterations)
            .map_err(|e| StartError::Config(format!("argon2 parameters: {e}")))?;
        if let Some(url) = &config.smtp_url {
            mail::relay::parse_smtp_url(url).map_err(StartError::Config)?;
        }
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        Ok(App {
            config,
            store,
            keys,
            clock: Clock::default(),
            passwords,
            mail: mail::Mailer::default(),
            workers: tokio::sync::Semaphore::new(cores),
        })
    }
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

/// One request's view: the app plus what the request itself tells (region, issuer, id).
pub struct Ctx {
    /// The shared state.
    pub app: Arc<App>,
    /// Region from the SigV4 credential scope, else the configured default.
    pub region: String,
    /// Base of `iss`: `--issuer-url`, or the URL the request came in on.
    pub issuer_base: String,
    /// `x-amzn-RequestId` of this request.
    pub request_id: String,
    /// The id CreateUserPool / CreateUserPoolClient use instead of a random one (seed files only).
    pub fixed_id: Option<String>,
}

impl Ctx {
    /// Now, in epoch seconds with milliseconds.
    pub fn now(&self) -> f64 {
        self.app.clock.now_f64()
    }

    /// The same request context with another fixed id (seed files).
    pub fn clone_with_id(&self, fixed_id: Option<String>) -> Ctx {
        Ctx {
            app: self.app.clone(),
            region: self.region.clone(),
            issuer_base: self.issuer_base.clone(),
            request_id: self.request_id.clone(),
            fixed_id,
        }
    }

    /// The issuer of tokens for a pool: `<issuer base>/<poolId>`.
    pub fn issuer(&self, pool_id: &str) -> String {
        format!("{}/{pool_id}", self.issuer_base)
    }
}
