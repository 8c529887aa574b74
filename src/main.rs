//! `cognito-emulator`: parse the configuration, open the store, load the keys, apply the seed, serve
//! until SIGTERM or SIGINT (then finish in-flight requests and close the database cleanly).

use std::io::{Read, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use cognito_emulator::config::{Command, Config, LogFormat};
use cognito_emulator::{App, apply_seed, serve};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

/// `cognito-emulator healthcheck`: GET /health with a plain TCP client (the image has no curl).
fn healthcheck(config: &Config, url: Option<&str>) -> ExitCode {
    let host = if config.host == "0.0.0.0" || config.host == "::" {
        "127.0.0.1"
    } else {
        config.host.as_str()
    };
    let base = url
        .map(str::to_string)
        .unwrap_or_else(|| format!("http://{host}:{}", config.port));
    let authority = base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let check = || -> std::io::Result<bool> {
        let addr = std::net::ToSocketAddrs::to_socket_addrs(&authority)?
            .next()
            .ok_or_else(|| std::io::Error::other("no address"))?;
        let mut s = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(3))?;
        s.set_read_timeout(Some(Duration::from_secs(3)))?;
        write!(
            s,
            "GET /health HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
        )?;
        let mut answer = String::new();
        s.read_to_string(&mut answer)?;
        Ok(answer.starts_with("HTTP/1.1 200"))
    };
    match check() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("cognito-emulator healthcheck: {base}/health did not answer 200");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("cognito-emulator healthcheck: {base}/health: {e}");
            ExitCode::FAILURE
        }
    }
}

/// glibc keeps freed argon2 buffers (19 MiB each) in per-thread arenas: after a burst of sign-ups the
/// process would hold gigabytes it no longer uses. Buffers this large are mapped and unmapped instead.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_large_buffers_to_the_system() {
    unsafe extern "C" {
        fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
    }
    const M_MMAP_THRESHOLD: std::ffi::c_int = -3;
    // SAFETY: mallopt only changes allocator tuning; called before any thread starts.
    unsafe {
        mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_large_buffers_to_the_system() {}

fn main() -> ExitCode {
    return_large_buffers_to_the_system();
    let config = Config::parse();
    if let Some(Command::Healthcheck { url }) = &config.command {
        return healthcheck(&config, url.as_deref());
    }
    let filter = EnvFilter::try_new(&config.log_level).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match config.log_format {
        LogFormat::Json => builder.json().flatten_event(true).init(),
        LogFormat::Text => builder.init(),
    }

    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cognito-emulator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let addr = format!("{}:{}", config.host, config.port);
        let listener = match TcpListener::bind(&addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("cognito-emulator: cannot listen on {addr}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let app = match App::new(config) {
            Ok(app) => Arc::new(app),
            Err(e) => {
                eprintln!("cognito-emulator: {e}");
                return ExitCode::FAILURE;
            }
        };
        let seeded = {
            let app = app.clone();
            match tokio::task::spawn_blocking(move || apply_seed(&app)).await {
                Ok(Ok(s)) => s,
                Ok(Err(e)) => {
                    eprintln!("cognito-emulator: {e}");
                    return ExitCode::FAILURE;
                }
                Err(e) => {
                    eprintln!("cognito-emulator: seeding failed: {e}");
                    return ExitCode::FAILURE;
                }
            }
        };
        let local = listener.local_addr().map(|a| a.to_string()).unwrap_or(addr);
        let cfg = &app.config;
        let data = cfg
            .database_path()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| ":memory: (nothing is kept after exit)".into());
        let mail = cfg.smtp_url.clone().unwrap_or_else(|| "outbox only (GET /_emulator/messages)".into());
        let issuer = cfg.issuer_url.clone().unwrap_or_else(|| "http://<Host of each request>".into());
        let seed = match (&cfg.seed, seeded) {
            (Some(path), Some(summary)) => format!(" | seed: {} ({summary})", path.display()),
            _ => String::new(),
        };
        println!(
            "cognito-emulator {} listening on http://{local} | data: {data} | keys: {} | issuer: {issuer}/<poolId> | mail: {mail}{seed}",
            env!("CARGO_PKG_VERSION"),
            cfg.keys.display(),
        );
        // The lines after the first are written without println!: a reader that took only the first
        // line (a test, a supervisor) may have closed the pipe, and println! would panic on that.
        let mut out = std::io::stdout();
        let _ = writeln!(out, "{}", cognito_emulator::console::summary(&app, &local));
        match cognito_emulator::triggers::summary(&app) {
            Ok(lines) => {
                for line in lines {
                    let _ = writeln!(out, "trigger: {line}");
                }
            }
            Err(e) => eprintln!("cognito-emulator: cannot list the triggers: {e}"),
        }
        let _ = std::io::stdout().flush();
        match serve(app, listener, shutdown_signal()).await {
            Ok(()) => {
                tracing::info!("stopped");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("cognito-emulator: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
