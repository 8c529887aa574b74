//! `App` (what every request can reach: store, keys, clock, config, mail) and `Ctx` (one request's
//! view of it).

use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::blocking::off_runtime;
use crate::clock::Clock;
use crate::config::Config;
use crate::crypto::keys::Keys;
use crate::crypto::password::Passwords;
use crate::mail;
use crate::store::{self, Store, WaitHook};
use crate::triggers::invoke::Invoker;
use crate::triggers::log::InvocationLog;

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
    /// Handler slots, [`HANDLER_SLOTS_PER_CORE`] per core (see `protocol`).
    pub workers: Arc<Semaphore>,
    /// How many slots `workers` has.
    pub slots: usize,
    /// The Lambda Invoke client (triggers).
    pub lambda: Invoker,
    /// The last trigger invocations.
    pub invocations: InvocationLog,
    /// Random key of this process for the pages' CSRF tokens (`html::Csrf`).
    pub page_key: [u8; 32],
    /// The token the web console asks for: `--console-token`, or a random one when the emulator
    /// listens beyond loopback; `None` when the console needs none (or is off).
    pub console_token: Option<String>,
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
        let keys = Keys::load_or_generate(&config.keys, config.key_primes)?;
        let passwords = Passwords::new(config.argon2_cost())
            .map_err(|e| AppError::Config(format!("argon2 parameters: {e}")))?;
        if config.require_sigv4 && config.sigv4_credentials.is_empty() {
            return Err(AppError::Config(
                "--require-sigv4 needs at least one --sigv4-credentials <access key id>:<secret>"
                    .into(),
            ));
        }
        if let Some(url) = &config.smtp_url {
            mail::relay::parse_smtp_url(url).map_err(AppError::Config)?;
        }
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        let console_token = match (&config.console_token, config.no_console) {
            (_, true) => None,
            (Some(t), false) => Some(t.clone()),
            (None, false) if config.loopback_only() => None,
            (None, false) => Some(base64::Engine::encode(
                &base64::engine::general_purpose::URL_SAFE_NO_PAD,
                crate::domain::ids::random_bytes(24),
            )),
        };
        if config.console_token.as_deref() == Some("") {
            return Err(AppError::Config("--console-token must not be empty".into()));
        }
        Ok(App {
            console_token,
            store,
            keys,
            clock: Clock::default(),
            passwords,
            mail: mail::Mailer::default(),
            workers: Arc::new(Semaphore::new(HANDLER_SLOTS_PER_CORE * cores)),
            slots: HANDLER_SLOTS_PER_CORE * cores,
            lambda: Invoker::new(&config),
            invocations: Default::default(),
            page_key: crate::domain::ids::random_bytes(32)
                .try_into()
                .expect("32 random bytes"),
            config,
        })
    }

    /// Whether the calling handler is the only one computing (no other slot taken): a core is free for
    /// work split off the request.
    pub fn handler_alone(&self) -> bool {
        self.workers.available_permits() + 1 >= self.slots
    }
}

/// Handler slots per core. On the multi-thread runtime a handler runs on its connection's thread, and
/// the slots count the handlers computing: a request that finds them all free is alone and may split
/// its work over two cores (`Ctx::in_parallel`). On a single-threaded runtime they bound the handlers
/// run on the blocking pool at once (with one per core a core idled at every hand-off between the
/// async side and the blocking pool; two per core kept it busy, more only time-sliced).
pub const HANDLER_SLOTS_PER_CORE: usize = 2;

/// `awsSdkVersion` of trigger events when the caller's SDK is not known.
pub const UNKNOWN_SDK: &str = "aws-sdk-unknown-unknown";

/// The SDK a `User-Agent` names, as trigger events show it: `aws-sdk-js/3.1169.0` is
/// `aws-sdk-js-3.1169.0`; anything else is `aws-sdk-unknown-unknown`.
pub fn sdk_of(user_agent: Option<&str>) -> String {
    user_agent
        .and_then(|ua| {
            ua.split_whitespace().find_map(|part| {
                let rest = part.strip_prefix("aws-sdk-")?;
                let (lang, version) = rest.split_once('/')?;
                let ok = |s: &str| {
                    !s.is_empty()
                        && s.len() <= 32
                        && s.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
                };
                (ok(lang) && ok(version)).then(|| format!("aws-sdk-{lang}-{version}"))
            })
        })
        .unwrap_or_else(|| UNKNOWN_SDK.into())
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
    /// The caller's SDK as trigger events name it (`aws-sdk-js-3.1169.0`, `aws-sdk-unknown-unknown`).
    pub sdk: String,
    /// The handler slot this request holds, released while it waits on something outside the
    /// emulator (a Lambda trigger).
    pub worker: Option<Arc<WorkerSlot>>,
    /// Where the request came from (auth events record it).
    pub origin: Origin,
}

/// Where a request came from: the client's address and its `User-Agent`.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// The first `X-Forwarded-For` address, else the peer address of the connection.
    pub ip: Option<String>,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
}

/// The peer address of a connection, put in each request's extensions by the server.
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub std::net::SocketAddr);

impl Origin {
    /// The origin of a request with these headers on a connection from `peer`.
    pub fn of(headers: &hyper::HeaderMap, peer: Option<PeerAddr>) -> Origin {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| v.chars().take(1024).collect::<String>())
        };
        let forwarded = header("x-forwarded-for")
            .and_then(|v| v.split(',').next().map(|ip| ip.trim().to_string()))
            .filter(|ip| ip.parse::<std::net::IpAddr>().is_ok());
        Origin {
            ip: forwarded.or_else(|| peer.map(|p| p.0.ip().to_string())),
            user_agent: header("user-agent"),
        }
    }
}

/// One of the per-core handler slots, held by a request that runs alone or on the blocking pool.
pub struct WorkerSlot {
    workers: Arc<Semaphore>,
    permit: Mutex<Option<OwnedSemaphorePermit>>,
}

impl WorkerSlot {
    /// A slot holding `permit` of `workers`.
    pub fn new(workers: Arc<Semaphore>, permit: OwnedSemaphorePermit) -> WorkerSlot {
        WorkerSlot {
            workers,
            permit: Mutex::new(Some(permit)),
        }
    }
}

impl store::WaitHook for WorkerSlot {
    fn release(&self) {
        drop(self.permit.lock().unwrap_or_else(|e| e.into_inner()).take());
    }

    fn reacquire(&self) {
        let runtime = tokio::runtime::Handle::current();
        let permit = off_runtime(|| runtime.block_on(self.workers.clone().acquire_owned()));
        if let Ok(permit) = permit {
            *self.permit.lock().unwrap_or_else(|e| e.into_inner()) = Some(permit);
        }
    }
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
            sdk: UNKNOWN_SDK.into(),
            worker: None,
            origin: Origin::default(),
        }
    }

    /// Runs `wait` (which blocks on something outside the emulator) without holding a handler slot,
    /// so the cores serve other requests meanwhile; the slot is taken back afterwards, in turn. A
    /// handler on a runtime thread lends that thread to the wait ([`off_runtime`]).
    pub fn waiting<T>(&self, wait: impl FnOnce() -> T) -> T {
        let Some(slot) = &self.worker else {
            return off_runtime(wait);
        };
        slot.release();
        let out = off_runtime(wait);
        slot.reacquire();
        out
    }

    /// Runs `side` on a thread of the blocking pool while this thread runs `main`, when no other handler
    /// is computing (a core would idle otherwise: a one-at-a-time client waits for the longer of the two
    /// instead of their sum); both here, one after the other, when the cores are busy anyway.
    pub fn in_parallel<A, B>(
        &self,
        side: impl FnOnce() -> A + Send + 'static,
        main: impl FnOnce() -> B,
    ) -> (A, B)
    where
        A: Send + 'static,
    {
        // Only a handler holding the idle slot splits its work: one run on a runtime thread under
        // load (no slot) or off any request (a seed) has the other cores busy already.
        let runtime = tokio::runtime::Handle::try_current().ok();
        let alone = self.worker.is_some() && self.app.handler_alone();
        let Some(runtime) = runtime.filter(|_| alone) else {
            return (side(), main());
        };
        let job = Arc::new(Mutex::new(Some(side)));
        let theirs = job.clone();
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        runtime.spawn_blocking(move || {
            let side = theirs.lock().unwrap_or_else(|p| p.into_inner()).take();
            if let Some(side) = side {
                let _ = tx.send(side());
            }
        });
        let b = main();
        let a = match rx.recv() {
            Ok(a) => a,
            // Not run (the runtime is shutting down): run here. Taken but no answer: it panicked.
            Err(_) => match job.lock().unwrap_or_else(|p| p.into_inner()).take() {
                Some(side) => side(),
                None => panic!("work split off a handler panicked"),
            },
        };
        (a, b)
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
