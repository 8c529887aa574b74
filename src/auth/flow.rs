//! The sign-in state machine after the first factor (password, SRP or a one-time code): new password
//! required, remembered device, MFA (challenge, selection, set-up), then tokens. InitiateAuth,
//! AdminInitiateAuth, RespondToAuthChallenge and AdminRespondToAuthChallenge all go through here.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::auth::Outcome;
use crate::auth::session::{self, State, Step};
use crate::auth::tokens::{self, Session};
use crate::domain::mfa::{self, Factor, MfaStep};
use crate::domain::{UserStatus, attributes, ids};
use crate::error::Result;
use crate::mail::{self, Delivery};
use crate::store::clients::ClientRow;
use crate::store::devices;
use crate::store::pools::PoolRow;
use crate::store::users::UserRow;
use crate::{Ctx, err};

/// One sign-in in progress.
pub struct Attempt<'a> {
    /// The request.
    pub ctx: &'a Ctx,
    /// The pool.
    pub pool: &'a PoolRow,
    /// The app client.
    pub client: &'a ClientRow,
    /// The user.
    pub user: UserRow,
    /// The USERNAME the client sent first.
    pub typed: String,
    /// Started by AdminInitiateAuth.
    pub admin: bool,
    /// DEVICE_KEY the client sent.
    pub device_key: Option<String>,
}

impl<'a> Attempt<'a> {
    /// Rebuilds an attempt from a session's state.
    pub fn resume(
        ctx: &'a Ctx,
        pool: &'a PoolRow,
        client: &'a ClientRow,
        user: UserRow,
        state: &State,
    ) -> Attempt<'a> {
        Attempt {
            ctx,
            pool,
            client,
            user,
            typed: state.typed.clone(),
            admin: state.admin,
            device_key: state.device_key.clone(),
        }
    }

    /// The state to store for the next step.
    pub fn state(&self, step: Step) -> State {
        State {
            username: self.user.username.clone(),
            typed: self.typed.clone(),
            admin: self.admin,
            device_key: self.device_key.clone(),
            step,
        }
    }

    /// Answers a challenge: stores the session and returns its name, session and parameters.
    pub fn challenge(
        &self,
        name: &str,
        mut params: HashMap<String, String>,
        step: Step,
    ) -> Result<Outcome> {
        params
            .entry("USER_ID_FOR_SRP".into())
            .or_insert_with(|| self.user.username.clone());
        let handle = session::create(
            self.ctx,
            self.client,
            Some(self.user.pk),
            name,
            &self.state(step),
        )?;
        Ok(Outcome::Challenge {
            name: name.into(),
            session: handle.session(),
            parameters: params,
        })
    }

    /// After a correct password (or SRP proof): disabled users, pending resets, temporary passwords,
    /// then the rest of the sign-in.
    pub fn after_first_factor(self) -> Result<Outcome> {
        crate::auth::password::check_can_sign_in(&self.user)?;
        if self.user.status == UserStatus::ForceChangePassword {
            let days = self
                .pool
                .config
                .policies
                .password_policy
                .temporary_password_validity_days as f64;
            let set_at = self.user.password_set_at.unwrap_or(self.user.created_at);
            if days > 0.0 && self.ctx.now() > set_at + days * 86400.0 {
                return Err(err!(
                    NotAuthorizedException,
                    "Temporary password has expired and must be reset by an administrator."
                ));
            }
            return self.new_password_required();
        }
        self.after_new_password()
    }

    fn new_password_required(self) -> Result<Outcome> {
        let mut current = Map::new();
        for (name, value) in &self.user.attributes {
            if name != "sub" {
                current.insert(name.clone(), value.clone());
            }
        }
        let required: Vec<String> = self
            .pool
            .config
            .schema_attributes
            .iter()
            .filter(|a| {
                a.required
                    && a.name != "sub"
                    && attributes::get(&self.user.attributes, &a.name).is_none()
            })
            .map(|a| format!("userAttributes.{}", a.name))
            .collect();
        let params = HashMap::from([
            (
                "requiredAttributes".to_string(),
                serde_json::to_string(&required)?,
            ),
            (
                "userAttributes".to_string(),
                Value::Object(current).to_string(),
            ),
        ]);
        self.challenge("NEW_PASSWORD_REQUIRED", params, Step::NewPasswordRequired)
    }

    /// After the password is settled: a remembered device proves itself, else MFA.
    pub fn after_new_password(self) -> Result<Outcome> {
        if let Some(key) = self.device_key.clone() {
            let device = (self.ctx.app.store).read(|c| devices::of_user(c, &key, self.user.pk))?;
            if device.is_some_and(|d| d.verifier.is_some()) {
                let params = HashMap::from([("USERNAME".to_string(), self.user.username.clone())]);
                return self.challenge("DEVICE_SRP_AUTH", params, Step::DeviceSrpAuth);
            }
        }
        self.mfa(false)
    }

    /// The MFA step (skipped for a remembered device).
    pub fn mfa(self, device_remembered: bool) -> Result<Outcome> {
        let pool_mfa = &self.pool.mfa;
        let step = if device_remembered {
            MfaStep::None
        } else {
            mfa::decide(
                &self.pool.config,
                pool_mfa,
                &self.user.mfa,
                &self.user.attributes,
            )
        };
        match step {
            MfaStep::None => self.finish(),
            MfaStep::Challenge(f) => self.ask(f, false),
            MfaStep::Select(options) => {
                let names: Vec<&str> = options.iter().map(|f| f.challenge()).collect();
                let params = HashMap::from([(
                    "MFAS_CAN_CHOOSE".to_string(),
                    serde_json::to_string(&names)?,
                )]);
                let step = Step::SelectMfaType {
                    options: names.iter().map(|s| s.to_string()).collect(),
                };
                self.challenge("SELECT_MFA_TYPE", params, step)
            }
            MfaStep::Setup(options) => {
                if options.is_empty() {
                    return Err(err!(
                        InvalidUserPoolConfigurationException,
                        "MFA is required but the user pool offers no factor the user can set up."
                    ));
                }
                let names: Vec<String> =
                    options.iter().map(|f| f.challenge().to_string()).collect();
                let params =
                    HashMap::from([("MFAS_CAN_SETUP".to_string(), serde_json::to_string(&names)?)]);
                self.challenge(
                    "MFA_SETUP",
                    params,
                    Step::MfaSetup {
                        options: names,
                        secret: None,
                        verified: false,
                        name: None,
                    },
                )
            }
        }
    }

    /// Asks for one factor's code, sending it first for SMS and email. `first_factor` is true for
    /// passwordless sign-in (USER_AUTH with EMAIL_OTP / SMS_OTP).
    pub fn ask(self, factor: Factor, first_factor: bool) -> Result<Outcome> {
        let challenge = match (factor, first_factor) {
            (Factor::Sms, true) => "SMS_OTP",
            (f, _) => f.challenge(),
        };
        if factor == Factor::Totp {
            let mut params = HashMap::new();
            if let Some(name) = &self.user.mfa.totp_name {
                params.insert("FRIENDLY_DEVICE_NAME".to_string(), name.clone());
            }
            let step = Step::Code {
                challenge: challenge.into(),
                code: None,
                code_expires_at: None,
                attempts: 0,
                first_factor,
            };
            return self.challenge(challenge, params, step);
        }
        let delivery = match factor {
            Factor::Sms => {
                attributes::get(&self.user.attributes, "phone_number").map(Delivery::sms)
            }
            _ => attributes::get(&self.user.attributes, "email").map(Delivery::email),
        }
        .ok_or_else(|| {
            err!(
                InvalidParameterException,
                "User has no {} to send the code to",
                if factor == Factor::Sms {
                    "phone_number"
                } else {
                    "email"
                }
            )
        })?;
        let pool_mfa = &self.pool.mfa;
        let code = ids::code(self.ctx.app.config.fixed_code.as_deref());
        let (subject, template) = match factor {
            Factor::Sms => (String::new(), pool_mfa.sms_message(&self.pool.config)),
            _ => pool_mfa.email_message(),
        };
        let now = self.ctx.now();
        self.ctx.app.store.write(|c| {
            mail::queue(
                c,
                &mail::Outgoing {
                    pool_id: &self.pool.id,
                    username: &self.user.username,
                    kind: if first_factor { "sign_in_code" } else { "mfa" },
                    delivery: &delivery,
                    subject: &subject,
                    template: &template,
                    code: &code,
                },
                now,
            )
        })?;
        self.ctx.app.mail.wake();
        let details = delivery.details();
        let params = HashMap::from([
            (
                "CODE_DELIVERY_DELIVERY_MEDIUM".to_string(),
                delivery.medium.to_string(),
            ),
            (
                "CODE_DELIVERY_DESTINATION".to_string(),
                details["Destination"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            ),
        ]);
        let expires = now + self.client.config.auth_session_validity as f64 * 60.0;
        let step = Step::Code {
            challenge: challenge.into(),
            code: Some(code),
            code_expires_at: Some(expires),
            attempts: 0,
            first_factor,
        };
        self.challenge(challenge, params, step)
    }

    /// Signed in: tokens, and NewDeviceMetadata when the pool tracks devices and this one is new.
    pub fn finish(self) -> Result<Outcome> {
        let mut session = Session::new(self.ctx);
        let now = self.ctx.now();
        let mut new_device = None;
        if self.pool.config.device_configuration.is_some() {
            let known = match &self.device_key {
                Some(k) => (self.ctx.app.store).read(|c| devices::of_user(c, k, self.user.pk))?,
                None => None,
            };
            match known {
                Some(d) => {
                    self.ctx
                        .app
                        .store
                        .write(|c| devices::touch(c, &d.device_key, now))?;
                    session.device_key = Some(d.device_key);
                }
                None if !self.admin => {
                    let key = format!("{}_{}", ids::pool_region(&self.pool.id), ids::uuid());
                    let group = format!("-{}", &ids::client_id()[..8]);
                    self.ctx
                        .app
                        .store
                        .write(|c| devices::insert(c, &key, self.user.pk, &group, now))?;
                    session.device_key = Some(key.clone());
                    new_device = Some((key, group));
                }
                None => {}
            }
        }
        let mut tokens = tokens::sign_in(self.ctx, self.client, &self.user, &session)?;
        tokens.new_device = new_device;
        Ok(Outcome::Tokens(tokens))
    }
}
