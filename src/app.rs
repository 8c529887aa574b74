//! `App` (what every request can reach: store, keys, clock, config, mail) and `Ctx` (one request's
//! view of it).

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Config;
use crate::crypto::keys::Keys;
use crate::crypto::password::Passwords;
use crate::mail;
use crate::store::{self, Store};

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

/// Why an `App` could not be built.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The database could not be opened or migrated.
    #[error("{0}")]
    Store(#[from] store::OpenError),
    /// The signing keys could not be loaded or generated.
    #[error("{0}")]
    Keys(#[from] crate::crypto::keys::KeyError),
    /// A setting is unusable.
    #[error("invalid setting: {0}")]
    Config(String),
}

impl App {
    /// Opens the database, loads (or creates) the keys and prepares the password hasher.
    pub fn new(config: Config) -> Result<App, AppError> {
        let store = Store::open(config.database_path().as_deref())?;
        let keys = Keys::load_or_generate(&config.keys)?;
        let passwords = Passwords::new(config.argon2_memory_kib, config.argon2_iterations)
            .map_err(|e| AppError::Config(format!("argon2 parameters: {e}")))?;
        if let Some(url) = &config.smtp_url {
            mail::relay::parse_smtp_url(url).map_err(AppError::Config)?;
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

/// One request's view: the app plus what the request itself tells (region, issuer, id).
#[derive(Clone)]
pub struct Ctx {
    /// The shared state.
    pub app: Arc<App>,
    /// Region from the SigV4 credential scope, else the configured default.
    pub region: String,
    /// Base of `iss`: `--issuer-url`, or the URL the request came in on.
    pub issuer_base: String,
    /// `x-amzn-RequestId` of this request.
    pub request_id: String,
}

impl Ctx {
    /// A context for work that no HTTP request carries (seed files, the control API): the configured
    /// region and issuer.
    pub fn internal(app: &Arc<App>, request_id: &str) -> Ctx {
        let issuer_base = app
            .config
            .issuer_url
            .clone()
            .unwrap_or_else(|| format!("http://{}:{}", app.config.host, app.config.port));
        Ctx {
            app: app.clone(),
            region: app.config.region.clone(),
            issuer_base,
            request_id: request_id.to_string(),
        }
    }

    /// Now, in epoch seconds with milliseconds.
    pub fn now(&self) -> f64 {
        self.app.clock.now_f64()
    }

    /// The issuer of tokens for a pool: `<issuer base>/<poolId>`.
    pub fn issuer(&self, pool_id: &str) -> String {
        format!("{}/{pool_id}", self.issuer_base)
    }
}
