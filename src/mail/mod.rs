//! Messages the pools send: the delivery types, template filling, the outbox, and (in `relay`) the SMTP
//! relay.
//!
//! Every code or invitation is chosen and rendered in [`crate::codes`], then written here to the outbox
//! in the same transaction as the code it carries, logged, and — when a relay is configured — sent by a
//! background task. A relay failure never fails the API call and never loses the message.

pub mod relay;

use rusqlite::Connection;
use serde::Serialize;
use tokio::sync::Notify;

use crate::domain::attributes::{mask_email, mask_phone};
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

/// `DeliveryMediumType`: how a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Medium {
    /// An email (relayed over SMTP when a relay is configured).
    #[serde(rename = "EMAIL")]
    Email,
    /// A text message (kept in the outbox: there is no SMS sink).
    #[serde(rename = "SMS")]
    Sms,
}

impl Medium {
    /// `EMAIL` or `SMS`.
    pub fn as_str(self) -> &'static str {
        match self {
            Medium::Email => "EMAIL",
            Medium::Sms => "SMS",
        }
    }

    /// The attribute holding the address: `email` or `phone_number`.
    pub fn attribute(self) -> &'static str {
        match self {
            Medium::Email => "email",
            Medium::Sms => "phone_number",
        }
    }

    /// The medium of `email` / `phone_number`.
    pub fn of_attribute(attribute: &str) -> Option<Medium> {
        match attribute {
            "email" => Some(Medium::Email),
            "phone_number" => Some(Medium::Sms),
            _ => None,
        }
    }

    /// The medium of an attribute a user may verify (`email`, `phone_number`), or AWS's refusal.
    pub fn verifiable(attribute: &str) -> crate::error::Result<Medium> {
        Medium::of_attribute(attribute).ok_or_else(|| {
            crate::err!(
                InvalidParameterException,
                "Invalid attribute name: {attribute} cannot be verified."
            )
        })
    }

    /// `EMAIL` / `SMS` as API requests spell them (DesiredDeliveryMediums).
    pub fn parse(s: &str) -> Option<Medium> {
        match s {
            "EMAIL" => Some(Medium::Email),
            "SMS" => Some(Medium::Sms),
            _ => None,
        }
    }
}

/// Why a message is sent: the outbox's `kind`, and the CustomMessage trigger source it corresponds to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// SignUp's confirmation code.
    SignUp,
    /// ResendConfirmationCode.
    ResendCode,
    /// ForgotPassword / AdminResetUserPassword.
    ForgotPassword,
    /// AdminCreateUser's invitation with the temporary password.
    Invitation,
    /// UpdateUserAttributes: a code for the new email or phone number.
    UpdateAttribute,
    /// GetUserAttributeVerificationCode.
    VerifyAttribute,
    /// An SMS or email MFA code during sign-in.
    Mfa,
    /// A passwordless (USER_AUTH EMAIL_OTP / SMS_OTP) sign-in code.
    SignInCode,
}

impl Kind {
    /// The outbox's `kind` column, as `GET /_emulator/messages` shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::SignUp => "sign_up",
            Kind::ResendCode => "resend",
            Kind::ForgotPassword => "forgot_password",
            Kind::Invitation => "invitation",
            Kind::UpdateAttribute | Kind::VerifyAttribute => "verify_attribute",
            Kind::Mfa => "mfa",
            Kind::SignInCode => "sign_in_code",
        }
    }
}

/// Where a message goes.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// EMAIL or SMS.
    pub medium: Medium,
    /// The unmasked address or number.
    pub destination: String,
}

impl Delivery {
    /// An email to `address`.
    pub fn email(address: &str) -> Delivery {
        Delivery {
            medium: Medium::Email,
            destination: address.to_string(),
        }
    }

    /// An SMS to `number`.
    pub fn sms(number: &str) -> Delivery {
        Delivery {
            medium: Medium::Sms,
            destination: number.to_string(),
        }
    }

    /// To `value` of attribute `email` or `phone_number`.
    pub fn to(medium: Medium, value: &str) -> Delivery {
        Delivery {
            medium,
            destination: value.to_string(),
        }
    }

    /// `CodeDeliveryDetailsType`, with the destination masked as AWS does.
    pub fn details(&self) -> CodeDeliveryDetails {
        CodeDeliveryDetails {
            destination: match self.medium {
                Medium::Email => mask_email(&self.destination),
                Medium::Sms => mask_phone(&self.destination),
            },
            delivery_medium: self.medium,
            attribute_name: self.medium.attribute(),
        }
    }
}

/// `CodeDeliveryDetailsType`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CodeDeliveryDetails {
    /// The masked address (`j***@e***`, `+*******1212`).
    pub destination: String,
    /// EMAIL or SMS.
    pub delivery_medium: Medium,
    /// email or phone_number.
    pub attribute_name: &'static str,
}

/// Fills a template: `{####}` is the code, `{username}` the username.
pub fn render(template: &str, code: &str, username: &str) -> String {
    template
        .replace("{####}", code)
        .replace("{username}", username)
}

/// A rendered message, ready for the outbox.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// Sending pool.
    pub pool_id: String,
    /// Recipient's internal username.
    pub username: String,
    /// Why it is sent.
    pub kind: Kind,
    /// Channel and address.
    pub delivery: Delivery,
    /// Subject (emails only).
    pub subject: Option<String>,
    /// The text, code included.
    pub body: String,
    /// The code (or temporary password) inside, for tests that read it.
    pub code: String,
}

/// Queues a rendered message in the caller's transaction, and logs it. Only [`crate::codes`] calls
/// this: every message the pool sends passes there first.
pub fn queue(c: &Connection, m: &Outgoing, now: f64) -> Result<i64> {
    let id = outbox::insert(
        c,
        &NewMessage {
            pool_id: &m.pool_id,
            username: &m.username,
            kind: m.kind.as_str(),
            medium: m.delivery.medium.as_str(),
            destination: &m.delivery.destination,
            subject: m.subject.as_deref(),
            body: &m.body,
            code: Some(&m.code),
        },
        now,
    )?;
    tracing::info!(
        message_id = id,
        pool = m.pool_id,
        username = m.username,
        kind = m.kind.as_str(),
        medium = m.delivery.medium.as_str(),
        destination = %m.delivery.destination,
        code = m.code,
        "message queued"
    );
    Ok(id)
}
