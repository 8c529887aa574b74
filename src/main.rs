//! `cognito-emulator`: parse the configuration, open the store, load the keys, serve until SIGTERM or
//! SIGINT.

use std::sync::Arc;

use clap::Parser;
use cognito_emulator::config::Config;
use cognito_emulator::{App, serve};
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

fn main() -> std::process::ExitCode {
    let config = Config::parse();
    let filter = EnvFilter::try_new(&config.log_level).unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();

    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cognito-emulator: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let addr = format!("{}:{}", config.host, config.port);
        let listener = match TcpListener::bind(&addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("cognito-emulator: cannot listen on {addr}: {e}");
                return std::process::ExitCode::FAILURE;
            }
        };
        let app = match App::new(config) {
            Ok(app) => Arc::new(app),
            Err(e) => {
                eprintln!("cognito-emulator: {e}");
                return std::process::ExitCode::FAILURE;
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
        println!(
            "cognito-emulator {} listening on http://{local} | data: {data} | keys: {} | issuer: {issuer}/<poolId> | mail: {mail}",
            env!("CARGO_PKG_VERSION"),
            cfg.keys.display(),
        );
        match serve(app, listener, shutdown_signal()).await {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("cognito-emulator: {e}");
                std::process::ExitCode::FAILURE
            }
        }
    })
}
