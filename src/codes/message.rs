//! Rendering the messages a pool sends: the pool's templates or its CustomMessage trigger, a custom
//! sender's call after the transaction commits, and queueing in the caller's transaction.

use rusqlite::Connection;
use serde_json::{Map, Value, json};

use crate::app::Ctx;
use crate::domain::UserStatus;
use crate::domain::attributes::{self, Attributes};
use crate::domain::ids;
use crate::error::Result;
use crate::mail::{self, Delivery, Kind, Medium, Outgoing};
use crate::store::pools::PoolRow;
use crate::store::users::UserRow;
use crate::triggers::events::{self, MessageEvent};
use crate::triggers::{self, Caller, ClientMetadata};

/// A fresh six-digit code (or `--fixed-code`).
pub fn new_code(ctx: &Ctx) -> String {
    ids::code(ctx.app.config.fixed_code.as_deref())
}

/// What the triggers of a message learn about its cause: the client, the call's ClientMetadata and the
/// recipient's attributes as events carry them.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// `callerContext.clientId`.
    pub caller: Caller,
    /// ClientMetadata of the API call.
    pub client_metadata: Option<&'a ClientMetadata>,
    /// `userAttributes`.
    pub user_attributes: Value,
}

impl<'a> Context<'a> {
    /// A context without user attributes.
    pub fn new(caller: Caller, client_metadata: Option<&'a ClientMetadata>) -> Context<'a> {
        Context {
            caller,
            client_metadata,
            user_attributes: json!({}),
        }
    }

    /// The same context with the stored `user`'s attributes.
    pub fn with_user(mut self, pool: &PoolRow, user: &UserRow) -> Context<'a> {
        self.user_attributes = triggers::user_attributes(pool, user);
        self
    }

    /// The same context with the attributes of a user about to exist in `status`.
    pub fn with_attributes(mut self, attrs: &Attributes, status: UserStatus) -> Context<'a> {
        let mut v = triggers::plain_attributes(attrs);
        if let (Some(obj), Some(sub)) = (v.as_object_mut(), attributes::get(attrs, "sub")) {
            let mut out = Map::new();
            out.insert("sub".into(), json!(sub));
            out.insert("cognito:user_status".into(), json!(status.as_str()));
            out.extend(std::mem::take(obj));
            v = Value::Object(out);
        }
        self.user_attributes = v;
        self
    }
}

/// A message the pool is about to send.
pub struct Message<'a> {
    /// The sending pool (its templates and triggers).
    pub pool: &'a PoolRow,
    /// The recipient's internal username.
    pub username: &'a str,
    /// What `{username}` shows (invitations show the name the administrator typed).
    pub shown_username: &'a str,
    /// Why it is sent.
    pub kind: Kind,
    /// Channel and address.
    pub delivery: Delivery,
    /// The code, or the temporary password of an invitation.
    pub code: String,
    /// What the message's triggers learn.
    pub context: Context<'a>,
}

/// The pool's (subject, body) template for a message.
fn template(pool: &PoolRow, kind: Kind, medium: Medium) -> (Option<String>, String) {
    let cfg = &pool.config;
    match (kind, medium) {
        (Kind::Invitation, _) => {
            let t = cfg
                .admin_create_user_config
                .invite_message_template
                .clone()
                .unwrap_or_default();
            let default =
                || "Your username is {username} and temporary password is {####}. ".into();
            match medium {
                Medium::Email => (
                    Some(
                        t.email_subject
                            .unwrap_or_else(|| "Your temporary password".into()),
                    ),
                    t.email_message.unwrap_or_else(default),
                ),
                Medium::Sms => (None, t.sms_message.unwrap_or_else(default)),
            }
        }
        (Kind::Mfa | Kind::SignInCode, Medium::Sms) => (None, pool.mfa.sms_message(cfg)),
        (Kind::Mfa | Kind::SignInCode, Medium::Email) => {
            let (subject, body) = pool.mfa.email_message();
            (Some(subject), body)
        }
        // AWS uses the verification template for sign-up, attribute and reset codes alike.
        (_, Medium::Sms) => (None, cfg.verification_sms()),
        (_, Medium::Email) => {
            let (subject, body) = cfg.verification_email();
            (Some(subject), body)
        }
    }
}

/// A CustomMessage body is used only when it carries the placeholders AWS requires (`{####}`, and
/// `{username}` too for invitations); otherwise the pool's own message is sent, as AWS does.
fn usable(body: &str, kind: Kind) -> bool {
    body.contains("{####}") && (kind != Kind::Invitation || body.contains("{username}"))
}

/// The trigger source suffix of a message kind (`CustomMessage_<suffix>`).
fn trigger_suffix(kind: Kind) -> &'static str {
    match kind {
        Kind::SignUp => "SignUp",
        Kind::ResendCode => "ResendCode",
        Kind::ForgotPassword => "ForgotPassword",
        Kind::Invitation => "AdminCreateUser",
        Kind::UpdateAttribute => "UpdateUserAttribute",
        Kind::VerifyAttribute => "VerifyUserAttribute",
        Kind::Mfa | Kind::SignInCode => "Authentication",
    }
}

/// A custom sender call to make once the message's transaction committed.
#[derive(Debug, Clone)]
struct SenderCall {
    pool: PoolRow,
    caller: Caller,
    client_metadata: Option<ClientMetadata>,
    user_attributes: Value,
}

/// A message rendered and ready to be queued (or handed to the pool's custom sender).
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The rendered message.
    pub message: Outgoing,
    sender: Option<SenderCall>,
}

impl Prepared {
    /// Channel and address.
    pub fn delivery(&self) -> &Delivery {
        &self.message.delivery
    }

    /// The code it carries.
    pub fn code(&self) -> &str {
        &self.message.code
    }
}

/// Renders a message: the pool's templates, or its CustomMessage trigger's answer; a pool with a
/// custom sender for the medium gets no rendering (the sender is called once the caller commits).
/// Runs outside any transaction.
pub fn prepare(ctx: &Ctx, m: Message<'_>) -> Result<Prepared> {
    let medium = m.delivery.medium;
    let (mut subject, mut body) = template(m.pool, m.kind, medium);
    let event = MessageEvent {
        suffix: trigger_suffix(m.kind),
        user_name: m.username,
        caller: m.context.caller.clone(),
        user_attributes: m.context.user_attributes.clone(),
        client_metadata: m.context.client_metadata,
    };
    let sender = events::has_sender(m.pool, medium).then(|| SenderCall {
        pool: m.pool.clone(),
        caller: m.context.caller.clone(),
        client_metadata: m.context.client_metadata.cloned(),
        user_attributes: m.context.user_attributes.clone(),
    });
    if sender.is_none() {
        if let Some(custom) = events::custom_message(ctx, m.pool, &event)? {
            let given = match medium {
                Medium::Sms => custom.sms,
                Medium::Email => custom.email,
            };
            match given {
                Some(b) if usable(&b, m.kind) => body = b,
                Some(_) => tracing::warn!(
                    pool = m.pool.id,
                    "CustomMessage returned a message without its placeholders: the pool's message is sent"
                ),
                None => {}
            }
            if medium == Medium::Email {
                if let Some(s) = custom.subject {
                    subject = Some(s);
                }
            }
        }
    }
    Ok(Prepared {
        message: Outgoing {
            pool_id: m.pool.id.clone(),
            username: m.username.to_string(),
            kind: m.kind,
            subject,
            body: mail::render(&body, &m.code, m.shown_username),
            delivery: m.delivery,
            code: m.code,
        },
        sender,
    })
}

/// A fresh code for the user `username` in a message of `kind` to `delivery`, rendered.
pub fn prepare_code(
    ctx: &Ctx,
    pool: &PoolRow,
    username: &str,
    kind: Kind,
    delivery: Delivery,
    context: Context<'_>,
) -> Result<Prepared> {
    prepare(
        ctx,
        Message {
            pool,
            username,
            shown_username: username,
            kind,
            delivery,
            code: new_code(ctx),
            context,
        },
    )
}

/// Queues a prepared message in the caller's transaction (then call [`sent`] once it commits). A
/// message for a custom sender is not queued: the sender delivers it.
pub fn queue(c: &Connection, m: &Prepared, now: f64) -> Result<()> {
    if m.sender.is_some() {
        return Ok(());
    }
    mail::queue(c, &m.message, now).map(drop)
}

/// After the messages' transaction committed: wakes the SMTP relay, and hands the messages of pools
/// with a custom sender to it (asynchronously, as AWS invokes senders).
pub fn sent(ctx: &Ctx, messages: &[Prepared]) {
    let mut relay = false;
    for m in messages {
        match &m.sender {
            None => relay = true,
            Some(s) => {
                let event = MessageEvent {
                    suffix: trigger_suffix(m.message.kind),
                    user_name: &m.message.username,
                    caller: s.caller.clone(),
                    user_attributes: s.user_attributes.clone(),
                    client_metadata: s.client_metadata.as_ref(),
                };
                events::custom_sender(
                    ctx,
                    &s.pool,
                    m.message.delivery.medium,
                    &event,
                    &m.message.code,
                );
            }
        }
    }
    if relay {
        ctx.app.mail.wake();
    }
}
