//! `Config`: every setting of the emulator, from flags or their environment-variable twins.
//! It is passed in (tests build one directly), never read from a global.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Settings of one emulator instance.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "cognito-emulator",
    version,
    about = "A local emulator of Amazon Cognito User Pools"
)]
pub struct Config {
    /// Something else than serving.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Address to listen on (use 0.0.0.0 inside a container).
    #[arg(long, env = "COGNITO_EMULATOR_HOST", default_value = "127.0.0.1")]
    pub host: String,

    /// Port to listen on (0 picks a free one).
    #[arg(long, env = "COGNITO_EMULATOR_PORT", default_value_t = 9229)]
    pub port: u16,

    /// Data directory holding the SQLite database, or `:memory:` for a throw-away run.
    #[arg(long, env = "COGNITO_EMULATOR_DATA", default_value = "data")]
    pub data: String,

    /// Directory of the two RSA signing keys (generated on first start, reused after).
    #[arg(long, env = "COGNITO_EMULATOR_KEYS", default_value = "keys")]
    pub keys: PathBuf,

    /// Base of the token issuer: `iss` = `<issuer-url>/<poolId>`. Default: the URL the request came in
    /// on (`http://<Host header>`), so `iss + /.well-known/jwks.json` is served by the emulator.
    #[arg(long, env = "COGNITO_EMULATOR_ISSUER_URL")]
    pub issuer_url: Option<String>,

    /// SMTP relay for emailed codes, `smtp://host:port`. Without it, mail stays in the outbox only.
    #[arg(long, env = "COGNITO_EMULATOR_SMTP_URL")]
    pub smtp_url: Option<String>,

    /// Sender address of emailed codes.
    #[arg(
        long,
        env = "COGNITO_EMULATOR_MAIL_FROM",
        default_value = "no-reply@verificationemail.com"
    )]
    pub mail_from: String,

    /// Make every code the pool sends this value (for CI suites that cannot read mail).
    #[arg(long, env = "COGNITO_EMULATOR_FIXED_CODE", value_parser = parse_fixed_code)]
    pub fixed_code: Option<String>,

    /// Region used in new pool ids and ARNs when the request carries no SigV4 credential scope.
    #[arg(long, env = "COGNITO_EMULATOR_REGION", default_value = "us-east-1")]
    pub region: String,

    /// Account id used in ARNs.
    #[arg(
        long,
        env = "COGNITO_EMULATOR_ACCOUNT_ID",
        default_value = "123456789012"
    )]
    pub account_id: String,

    /// Seed file applied at start (pools with fixed ids, clients, groups, users); see the README.
    #[arg(long, env = "COGNITO_EMULATOR_SEED")]
    pub seed: Option<PathBuf>,

    /// Log format: `text` for people, `json` for log collectors.
    #[arg(long, env = "COGNITO_EMULATOR_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Log filter (error, warn, info, debug, trace, or a tracing filter expression).
    #[arg(long, env = "COGNITO_EMULATOR_LOG_LEVEL", default_value = "info")]
    pub log_level: String,

    /// Argon2id memory cost in KiB of new password hashes. The default is sized for a local tool (a hash
    /// takes a few hundred microseconds); `--argon2-owasp` switches to OWASP's 19456 KiB. Stored hashes
    /// keep verifying with the parameters written in them, whatever this says.
    #[arg(
        long,
        env = "COGNITO_EMULATOR_ARGON2_MEMORY_KIB",
        default_value_t = crate::crypto::password::LOCAL.memory_kib,
        conflicts_with = "argon2_owasp"
    )]
    pub argon2_memory_kib: u32,

    /// Argon2id passes of new password hashes (OWASP: 2, with `--argon2-owasp`).
    #[arg(
        long,
        env = "COGNITO_EMULATOR_ARGON2_ITERATIONS",
        default_value_t = crate::crypto::password::LOCAL.iterations,
        conflicts_with = "argon2_owasp"
    )]
    pub argon2_iterations: u32,

    /// Hash new passwords with OWASP's argon2id cost (19456 KiB, 2 passes, ~18 ms each) instead of the
    /// local default: for an emulator that keeps real people's passwords.
    #[arg(long, env = "COGNITO_EMULATOR_ARGON2_OWASP")]
    pub argon2_owasp: bool,

    /// Primes of newly generated RSA-2048 signing keys. The default, 4 (four 512-bit primes), signs
    /// ~2.5x faster than 2 with the same public key form, JWKS and signatures; Node's crypto and OpenSSL
    /// read such a key file, Python's cryptography and aws-lc-rs do not: use 2 if your own code signs
    /// tokens with the files in the keys directory. Key files that exist are used as they are.
    #[arg(long, env = "COGNITO_EMULATOR_KEY_PRIMES", default_value_t = 4,
          value_parser = clap::value_parser!(u8).range(2..=4))]
    pub key_primes: u8,

    /// Wrong passwords before a user is locked out (then 1 s, doubling per failure).
    #[arg(long, env = "COGNITO_EMULATOR_LOCKOUT_AFTER", default_value_t = 5)]
    pub lockout_after: u32,

    /// Longest lockout, in seconds.
    #[arg(
        long,
        env = "COGNITO_EMULATOR_LOCKOUT_MAX_SECONDS",
        default_value_t = 900
    )]
    pub lockout_max_seconds: u32,

    /// Codes a user may request per hour (ResendConfirmationCode, ForgotPassword,
    /// GetUserAttributeVerificationCode).
    #[arg(
        long,
        env = "COGNITO_EMULATOR_CODE_SENDS_PER_HOUR",
        default_value_t = 5
    )]
    pub code_sends_per_hour: u32,

    /// Code checks a user may make per hour (ConfirmSignUp, VerifyUserAttribute).
    #[arg(
        long,
        env = "COGNITO_EMULATOR_CODE_CHECKS_PER_HOUR",
        default_value_t = 15
    )]
    pub code_checks_per_hour: u32,

    /// Password changes and reset confirmations a user may make per hour (ChangePassword,
    /// ConfirmForgotPassword).
    #[arg(
        long,
        env = "COGNITO_EMULATOR_PASSWORD_CHANGES_PER_HOUR",
        default_value_t = 5
    )]
    pub password_changes_per_hour: u32,

    /// Where Lambda triggers are invoked: the base URL of a host that speaks the Lambda Invoke API
    /// (`sam local start-lambda`: http://127.0.0.1:3001, LocalStack: http://localhost:4566,
    /// serverless-offline: http://localhost:3002). Without it, a pool's triggers fail as AWS fails
    /// with a deleted function.
    #[arg(long, env = "COGNITO_EMULATOR_LAMBDA_ENDPOINT")]
    pub lambda_endpoint: Option<String>,

    /// Per-function host: `<function ARN or name>=<endpoint URL>[#<function name to invoke>]`, e.g.
    /// `arn:aws:lambda:us-east-1:123456789012:function:pre-signup=http://localhost:3002#triggers-dev-preSignUp`.
    /// Repeat the flag (or separate entries with spaces in the environment variable).
    #[arg(
        long = "lambda-function",
        env = "COGNITO_EMULATOR_LAMBDA_FUNCTIONS",
        value_delimiter = ' ',
        value_parser = parse_lambda_function
    )]
    pub lambda_functions: Vec<LambdaFunction>,

    /// Seconds a synchronous trigger may take before the call fails (AWS: 5).
    #[arg(
        long,
        env = "COGNITO_EMULATOR_LAMBDA_TIMEOUT_SECONDS",
        default_value_t = 5.0
    )]
    pub lambda_timeout_seconds: f64,

    /// Access key the emulator signs Lambda Invoke calls with (SigV4; the hosts above accept any).
    #[arg(
        long,
        env = "COGNITO_EMULATOR_LAMBDA_ACCESS_KEY",
        default_value = "test"
    )]
    pub lambda_access_key: String,

    /// Secret key the emulator signs Lambda Invoke calls with.
    #[arg(
        long,
        env = "COGNITO_EMULATOR_LAMBDA_SECRET_KEY",
        default_value = "test"
    )]
    pub lambda_secret_key: String,

    /// Also serve everything over HTTPS on this port (Amplify's `oauth.domain` is always https://). The
    /// certificate (for localhost, 127.0.0.1 and ::1, plus --tls-host names) and the CA that signed it
    /// are generated on first start into the keys directory: trust `<keys>/tls-ca.pem`.
    #[arg(long, env = "COGNITO_EMULATOR_HTTPS_PORT")]
    pub https_port: Option<u16>,

    /// Extra host names of the HTTPS certificate (a pool's custom domain, `myprefix.auth.us-east-1.amazoncognito.com`).
    /// Repeat the flag, or separate names with spaces in the environment variable.
    #[arg(
        long = "tls-host",
        env = "COGNITO_EMULATOR_TLS_HOSTS",
        value_delimiter = ' '
    )]
    pub tls_hosts: Vec<String>,

    /// Require AWS Signature Version 4, by one of `--sigv4-credentials`, on the operations AWS authorizes
    /// with IAM credentials (Admin*, pool and client management, ListUsers...); the public operations
    /// (SignUp, InitiateAuth...) stay unsigned, as on AWS.
    #[arg(long, env = "COGNITO_EMULATOR_REQUIRE_SIGV4")]
    pub require_sigv4: bool,

    /// An access key and its secret accepted under `--require-sigv4`: `AKID:SECRET`. Repeat the flag (or
    /// separate pairs with spaces in the environment variable).
    #[arg(
        long = "sigv4-credentials",
        env = "COGNITO_EMULATOR_SIGV4_CREDENTIALS",
        value_delimiter = ' ',
        value_parser = parse_sigv4_credential
    )]
    pub sigv4_credentials: Vec<SigV4Credential>,

    /// Turn the web console at /_emulator/ui off (it answers 404).
    #[arg(
        long,
        env = "COGNITO_EMULATOR_NO_CONSOLE",
        value_parser = clap::builder::BoolishValueParser::new(),
        default_value_t = false,
        num_args = 0..=1,
        default_missing_value = "true"
    )]
    pub no_console: bool,

    /// The token the web console asks for (once, as `/_emulator/ui?token=...`, then a cookie). Without
    /// it, a random token is printed at start when --host is not a loopback address; on loopback the
    /// console needs none.
    #[arg(long, env = "COGNITO_EMULATOR_CONSOLE_TOKEN")]
    pub console_token: Option<String>,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "COGNITO_EMULATOR_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
}

/// `--log-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Exits 0 when the emulator on --host/--port (or --url) answers GET /health: a container
    /// HEALTHCHECK that needs no other tool.
    Healthcheck {
        /// Base URL to check instead of http://<host>:<port> (0.0.0.0 means 127.0.0.1).
        #[arg(long)]
        url: Option<String>,
    },
}

/// One `--lambda-function` entry: where a function runs and under which name it is invoked there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LambdaFunction {
    /// The ARN (or name) as a pool's LambdaConfig names it.
    pub function: String,
    /// Base URL of the host.
    pub endpoint: String,
    /// The name to invoke on that host, when it differs (serverless-offline's `<service>-<stage>-<key>`).
    pub invoke_as: Option<String>,
}

fn parse_lambda_function(s: &str) -> Result<LambdaFunction, String> {
    let (function, target) = s
        .rsplit_once('=')
        .filter(|(f, t)| !f.is_empty() && !t.is_empty())
        .ok_or("expected <function ARN or name>=<endpoint URL>[#<name to invoke>]")?;
    let (endpoint, invoke_as) = match target.split_once('#') {
        Some((e, n)) if !n.is_empty() => (e, Some(n.to_string())),
        Some((e, _)) => (e, None),
        None => (target, None),
    };
    if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
        return Err(format!("{endpoint} is not an http:// or https:// URL"));
    }
    Ok(LambdaFunction {
        function: function.to_string(),
        endpoint: endpoint.trim_end_matches('/').to_string(),
        invoke_as,
    })
}

/// One `--sigv4-credentials` pair.
#[derive(Clone, PartialEq, Eq)]
pub struct SigV4Credential {
    /// The access key id.
    pub access_key: String,
    /// The secret access key.
    pub secret_key: String,
}

// The secret never shows in `{:?}` (the configuration is printed in debug logs and errors).
impl std::fmt::Debug for SigV4Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigV4Credential({}:***)", self.access_key)
    }
}

fn parse_sigv4_credential(s: &str) -> Result<SigV4Credential, String> {
    match s.split_once(':') {
        Some((key, secret)) if !key.is_empty() && !secret.is_empty() => Ok(SigV4Credential {
            access_key: key.to_string(),
            secret_key: secret.to_string(),
        }),
        _ => Err("expected <access key id>:<secret access key>".into()),
    }
}

fn parse_fixed_code(s: &str) -> Result<String, String> {
    if !s.is_empty() && s.len() <= 16 && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(s.to_string())
    } else {
        Err("the fixed code must be 1 to 16 digits".into())
    }
}

impl Config {
    /// The defaults, as if no flag were given (tests start from this).
    pub fn defaults() -> Config {
        Config::parse_from(["cognito-emulator"])
    }

    /// The argon2id cost of new password hashes: `--argon2-owasp`, or the two cost flags.
    pub fn argon2_cost(&self) -> crate::crypto::password::Cost {
        if self.argon2_owasp {
            crate::crypto::password::OWASP
        } else {
            crate::crypto::password::Cost {
                memory_kib: self.argon2_memory_kib,
                iterations: self.argon2_iterations,
            }
        }
    }

    /// True when the database lives in memory only.
    pub fn in_memory(&self) -> bool {
        self.data == ":memory:"
    }

    /// True when --host is a loopback address (127.0.0.0/8, ::1, localhost): only this machine reaches
    /// the emulator.
    pub fn loopback_only(&self) -> bool {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        host.eq_ignore_ascii_case("localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    /// Path of the database file, `None` in memory mode.
    pub fn database_path(&self) -> Option<PathBuf> {
        (!self.in_memory()).then(|| PathBuf::from(&self.data).join("cognito.db"))
    }
}
