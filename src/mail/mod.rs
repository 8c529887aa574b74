//! Messages the pools send: templates, the outbox, and (in `relay`) the SMTP relay.
//!
//! Every code or invitation is rendered from the pool's templates, written to the outbox in the same
//! transaction as the code it carries, logged, and — when a relay is configured — sent by a background
//! task. A relay failure never fails the API call and never loses the message.

pub mod relay;

use rusqlite::Connection;
use serde_json::{Value, json};
use tokio::sync::Notify;

use crate::domain::attributes::mask_destination;
use crate::error::Result;
use crate::store::outbox::{self, NewMessage};

/// Handle that wakes the relay task.
#[derive(Debug, Default)]
pub struct Mailer {
    notify: Notify,
}

impl Mailer {
    /// Tells the relay that mail is waiting (call after the queuing transaction committed).
    pub fn wake(&self) {
        self.notify.notify_one();
    }

    /// Waits until [`Mailer::wake`] is called.
    pub async fn woken(&self) {
        self.notify.notified().await;
    }
}

/// Where a code goes.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// EMAIL or SMS.
    pub medium: &'static str,
    /// email or phone_number.
    pub attribute: &'static str,
    /// The unmasked address or number.
    pub destination: String,
}

impl Delivery {
    /// An email to `address`.
    pub fn email(address: &str) -> Delivery {
        Delivery {
            medium: "EMAIL",
            attribute: "email",
            destination: address.to_string(),
        }
    }

    /// An SMS to `number`.
    pub fn sms(number: &str) -> Delivery {
        Delivery {
            medium: "SMS",
            attribute: "phone_number",
            destination: number.to_string(),
        }
    }

    /// `CodeDeliveryDetailsType`, with the destination masked as AWS does.
    pub fn details(&self) -> Value {
        json!({
            "Destination": mask_destination(self.medium, &self.destination),
            "DeliveryMedium": self.medium,
            "AttributeName": self.attribute,
        })
    }
}

/// Fills a template: `{####}` is the code, `{username}` the username.
pub fn render(template: &str, code: &str, username: &str) -> String {
    template
        .replace("{####}", code)
        .replace("{username}", username)
}

/// A message to queue.
pub struct Outgoing<'a> {
    /// Sending pool.
    pub pool_id: &'a str,
    /// Recipient's internal username.
    pub username: &'a str,
    /// Why (sign_up, resend, forgot_password...).
    pub kind: &'a str,
    /// Channel and address.
    pub delivery: &'a Delivery,
    /// Subject (emails).
    pub subject: &'a str,
    /// Body template with `{####}` / `{username}`.
    pub template: &'a str,
    /// The code.
    pub code: &'a str,
}

/// Renders and queues a message in the caller's transaction, and logs it.
pub fn queue(c: &Connection, m: &Outgoing<'_>, now: f64) -> Result<i64> {
    let body = render(m.template, m.code, m.username);
    let subject = (m.delivery.medium == "EMAIL").then_some(m.subject);
    let id = outbox::insert(
        c,
        &NewMessage {
            pool_id: m.pool_id,
            username: m.username,
            kind: m.kind,
            medium: m.delivery.medium,
            destination: &m.delivery.destination,
            subject,
            body: &body,
            code: Some(m.code),
        },
        now,
    )?;
    tracing::info!(
        message_id = id,
        pool = m.pool_id,
        username = m.username,
        kind = m.kind,
        medium = m.delivery.medium,
        destination = %m.delivery.destination,
        code = m.code,
        "message queued"
    );
    Ok(id)
}
