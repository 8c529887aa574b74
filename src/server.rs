//! The hyper service: routes by method and path to the API (`POST /`), the well-known documents, the
//! control API under `/_emulator/`, the web console under `/_emulator/ui`, and `/health`; adds CORS
//! headers for browser SDKs to every answer but the console's.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::header::HeaderValue;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use serde_json::json;
use tokio::net::TcpListener;

use crate::app::{App, PeerAddr};
use crate::http::{Body, json_error, json_ok};
use crate::wakes::repoll_self_wakes;
use crate::{assets, console, control, federation, oauth, protocol, user_import, wellknown};

fn add_cors(resp: &mut Response<Body>, request_headers: Option<&HeaderValue>) {
    let h = resp.headers_mut();
    h.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    h.insert(
        "access-control-expose-headers",
        HeaderValue::from_static("x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date"),
    );
    if let Some(req) = request_headers {
        h.insert(
            "access-control-allow-methods",
            HeaderValue::from_static("GET, POST, OPTIONS"),
        );
        h.insert("access-control-allow-headers", req.clone());
        h.insert("access-control-max-age", HeaderValue::from_static("86400"));
    }
}

async fn route(
    app: Arc<App>,
    req: Request<Incoming>,
    tls: bool,
) -> Result<Response<Body>, Infallible> {
    let preflight = (req.method() == Method::OPTIONS).then(|| {
        req.headers()
            .get("access-control-request-headers")
            .cloned()
            .unwrap_or_else(|| HeaderValue::from_static("*"))
    });
    let path = req.uri().path().to_string();
    let segments: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let mut resp = match (req.method().clone(), segments.as_slice()) {
        (Method::OPTIONS, _) => Response::builder()
            .status(StatusCode::OK)
            .body(Body::default())
            .expect("valid"),
        (Method::POST, []) => protocol::handle(app, req).await,
        (Method::GET, ["health"]) => json_ok(json!({"status": "ok"})),
        (Method::GET, [pool, ".well-known", "jwks.json"]) => wellknown::jwks(&app, pool),
        (Method::GET, [pool, ".well-known", "openid-configuration"]) => {
            wellknown::openid_configuration(&app, req.headers(), pool, tls)
        }
        (Method::PUT, ["_emulator", "user-import", job]) => {
            let job = job.to_string();
            user_import::upload(app, req, &job).await
        }
        (Method::GET, ["_emulator", "assets", pool, scope, version, _file]) => {
            assets::logo(&app, pool, scope, version)
        }
        _ if oauth::serves(&path) => oauth::handle(app.clone(), req, tls).await,
        _ if federation::routes::serves(&path) => {
            federation::routes::handle(app.clone(), req, tls).await
        }
        (_, ["_emulator", "ui", ..]) => {
            // The console's pages are same-origin only: no CORS headers.
            return Ok(console::handle(app, req, tls).await);
        }
        (_, ["_emulator", ..]) => control::handle(&app, req).await,
        (Method::POST, _) | (Method::GET, _) => {
            json_error(StatusCode::NOT_FOUND, &format!("No route for {path}"))
        }
        _ => json_error(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed"),
    };
    add_cors(&mut resp, preflight.as_ref());
    Ok(resp)
}

/// Accepts connections until `shutdown`, then waits (up to 30 s) for in-flight requests. With `tls`,
/// every connection is a TLS handshake first (the `--https-port` listener).
pub async fn serve(
    app: Arc<App>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(app, listener, None, shutdown).await
}

/// [`serve`] over TLS with `acceptor`.
pub async fn serve_tls(
    app: Arc<App>,
    listener: TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(app, listener, Some(acceptor), shutdown).await
}

async fn serve_with(
    app: Arc<App>,
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(s) => s,
                    Err(e) => {
                        // Out of file descriptors and the like: back off instead of spinning.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let app = app.clone();
                match &tls {
                    None => {
                        let conn = http1::Builder::new()
                            .keep_alive(true)
                            .serve_connection(TokioIo::new(stream), service_fn(move |mut req: Request<Incoming>| {
                                req.extensions_mut().insert(PeerAddr(peer));
                                route(app.clone(), req, false)
                            }));
                        let conn = graceful.watch(conn);
                        tokio::spawn(repoll_self_wakes(async move {
                            if let Err(e) = conn.await {
                                tracing::debug!(error = %e, "connection ended with an error");
                            }
                        }));
                    }
                    Some(acceptor) => {
                        let acceptor = acceptor.clone();
                        let watcher = graceful.watcher();
                        tokio::spawn(repoll_self_wakes(async move {
                            let stream = match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream)).await {
                                Ok(Ok(s)) => s,
                                Ok(Err(e)) => {
                                    tracing::debug!(error = %e, "TLS handshake failed");
                                    return;
                                }
                                Err(_) => return,
                            };
                            let conn = http1::Builder::new()
                                .keep_alive(true)
                                .serve_connection(TokioIo::new(stream), service_fn(move |mut req: Request<Incoming>| {
                                    req.extensions_mut().insert(PeerAddr(peer));
                                    route(app.clone(), req, true)
                                }));
                            if let Err(e) = watcher.watch(conn).await {
                                tracing::debug!(error = %e, "connection ended with an error");
                            }
                        }));
                    }
                }
            }
            _ = &mut shutdown => break,
        }
    }
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(Duration::from_secs(30)) => tracing::warn!("in-flight requests did not finish in 30 s"),
    }
    Ok(())
}
