//! The SMTP relay: a background task that sends due emails from the outbox with lettre, and on failure
//! records the error and retries with back-off. SMS messages stay in the outbox (there is no SMS sink).

use std::sync::Arc;
use std::time::Duration;

use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::watch;

use crate::app::App;
use crate::store::outbox::{self, MessageRow};

/// Parses `smtp://host:port` (port defaults to 25).
pub fn parse_smtp_url(url: &str) -> Result<(String, u16), String> {
    let rest = url
        .strip_prefix("smtp://")
        .ok_or_else(|| format!("smtp url must start with smtp://: {url}"))?;
    let rest = rest.trim_end_matches('/');
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (
            h,
            p.parse::<u16>()
                .map_err(|_| format!("bad port in smtp url: {url}"))?,
        ),
        None => (rest, 25),
    };
    if host.is_empty() {
        return Err(format!("no host in smtp url: {url}"));
    }
    Ok((host.to_string(), port))
}

fn build(from: &Mailbox, m: &MessageRow) -> Result<Message, String> {
    let to: Mailbox = m
        .destination
        .parse()
        .map_err(|e| format!("bad recipient address: {e}"))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(m.subject.clone().unwrap_or_default())
        .header(ContentType::TEXT_PLAIN)
        .body(m.body.clone())
        .map_err(|e| e.to_string())
}

/// Sends due mail until `stop` turns true.
pub async fn run(app: Arc<App>, url: String, mut stop: watch::Receiver<bool>) {
    let (host, port) = match parse_smtp_url(&url) {
        Ok(hp) => hp,
        Err(e) => return tracing::error!(error = %e, "SMTP relay not started"),
    };
    let transport: AsyncSmtpTransport<Tokio1Executor> =
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host)
            .port(port)
            .timeout(Some(Duration::from_secs(10)))
            .build();
    let from: Mailbox = match app.config.mail_from.parse() {
        Ok(m) => m,
        Err(e) => {
            return tracing::error!(error = %e, from = %app.config.mail_from, "SMTP relay not started: bad sender");
        }
    };
    tracing::info!(host, port, "SMTP relay started");
    loop {
        if *stop.borrow() {
            return;
        }
        let now = app.clock.now_f64();
        let due = app
            .store
            .read(|c| outbox::due(c, now, 50))
            .unwrap_or_default();
        for m in &due {
            let result = match build(&from, m) {
                Ok(msg) => transport
                    .send(msg)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e),
            };
            let now = app.clock.now_f64();
            let outcome = match &result {
                Ok(()) => app.store.write(|c| outbox::mark_sent(c, m.id, now)),
                Err(e) => {
                    // 2, 4, 8... seconds, at most five minutes between attempts.
                    let backoff = 2f64.powi((m.attempts as i32 + 1).min(8)).min(300.0);
                    tracing::warn!(message_id = m.id, error = %e, retry_in_secs = backoff, "SMTP relay failed");
                    app.store
                        .write(|c| outbox::mark_failed(c, m.id, e, now + backoff))
                }
            };
            if let (Ok(()), Ok(())) = (&result, &outcome) {
                tracing::info!(message_id = m.id, to = %m.destination, "mail relayed");
            }
        }
        if due.len() == 50 {
            continue;
        }
        // Sleep until woken, until the next retry is due, or one second (messages queued just before a
        // commit are picked up on the next round).
        let wait = app
            .store
            .read(outbox::next_due)
            .ok()
            .flatten()
            .map(|t| (t - app.clock.now_f64()).clamp(0.05, 1.0))
            .unwrap_or(1.0);
        tokio::select! {
            _ = app.mail.woken() => {}
            _ = tokio::time::sleep(Duration::from_secs_f64(wait)) => {}
            _ = stop.changed() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls() {
        assert_eq!(
            parse_smtp_url("smtp://127.0.0.1:1025").unwrap(),
            ("127.0.0.1".into(), 1025)
        );
        assert_eq!(parse_smtp_url("smtp://mail").unwrap(), ("mail".into(), 25));
        assert!(parse_smtp_url("http://x").is_err());
        assert!(parse_smtp_url("smtp://x:notaport").is_err());
    }
}
