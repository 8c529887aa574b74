//! The sign-in state machine after the first factor (password, SRP or a one-time code): new password
//! required, remembered device, MFA (challenge, selection, set-up), then tokens. InitiateAuth,
//! AdminInitiateAuth, RespondToAuthChallenge and AdminRespondToAuthChallenge all go through here.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::app::Ctx;
use crate::auth::checks::check_can_sign_in;
use crate::auth::history;
use crate::auth::session::{self, CustomState, State, Step};
use crate::auth::tokens::{self, Grant, Issue, Session, TokenSet};
use crate::auth::{Caller, Outcome};
use crate::codes;
use crate::domain::challenge::ChallengeName;
use crate::domain::mfa::{self, Factor, MfaStep};
use crate::domain::{UserStatus, attributes, ids};
use crate::err;
use crate::error::Result;
use crate::mail::{Delivery, Kind, Medium};
use crate::store::clients::ClientRow;
use crate::store::devices;
use crate::store::pools::PoolRow;
use crate::store::users::UserRow;
use crate::triggers::pre_token::TokenSource;
use crate::triggers::{self, ClientMetadata, Trigger, events};

/// Whether a code is asked for as the first factor (passwordless USER_AUTH) or as MFA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeStage {
    /// EMAIL_OTP / SMS_OTP of choice-based sign-in: the code is the first factor; MFA does not follow.
    FirstFactor,
    /// A second factor after the password.
    Mfa,
}

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
    /// Who started the sign-in.
    pub caller: Caller,
    /// DEVICE_KEY the client sent.
    pub device_key: Option<String>,
    /// Why tokens would be issued now (PreTokenGeneration's trigger source).
    pub source: TokenSource,
    /// ClientMetadata of the current RespondToAuthChallenge (InitiateAuth passes none to the
    /// triggers that run after the first step).
    pub client_metadata: Option<ClientMetadata>,
    /// The custom-auth loop a password step belongs to.
    pub custom: Option<CustomState>,
    /// An MFA code was answered on the way (recorded in the auth event).
    pub mfa_passed: bool,
    /// The OAuth grant of a sign-in through the hosted pages: tokens carry its scopes and nonce, no
    /// device is tracked, and the refresh token is made when the authorization code is redeemed.
    pub hosted: Option<Grant>,
}

impl<'a> Attempt<'a> {
    /// A sign-in of `user`, started by `caller` with the name `typed`.
    pub fn new(
        ctx: &'a Ctx,
        pool: &'a PoolRow,
        client: &'a ClientRow,
        user: UserRow,
        typed: &str,
        caller: Caller,
        device_key: Option<String>,
    ) -> Attempt<'a> {
        Attempt {
            ctx,
            pool,
            client,
            user,
            typed: typed.to_string(),
            caller,
            device_key,
            source: TokenSource::Authentication,
            client_metadata: None,
            custom: None,
            mfa_passed: false,
            hosted: None,
        }
    }

    /// The same sign-in, through the hosted pages with `grant` (`TokenGeneration_HostedAuth`).
    pub fn hosted(mut self, grant: Option<Grant>) -> Attempt<'a> {
        if grant.is_some() {
            self.source = TokenSource::HostedAuth;
        }
        self.hosted = grant;
        self
    }

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
            caller: state.caller,
            device_key: state.device_key.clone(),
            source: TokenSource::Authentication,
            client_metadata: None,
            custom: None,
            mfa_passed: false,
            hosted: None,
        }
        .hosted(state.hosted.clone())
    }

    /// The state to store for the next step.
    pub fn state(&self, step: Step) -> State {
        State {
            username: self.user.username.clone(),
            typed: self.typed.clone(),
            caller: self.caller,
            device_key: self.device_key.clone(),
            step,
            hosted: self.hosted.clone(),
        }
    }

    /// Answers a challenge: stores the session and returns its name, session and parameters.
    pub fn challenge(
        &self,
        name: ChallengeName,
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
            name,
            session: handle.session(),
            parameters: params,
        })
    }

    /// After a correct password (or SRP proof): disabled users, pending resets, temporary passwords,
    /// then the rest of the sign-in.
    pub fn after_first_factor(self) -> Result<Outcome> {
        check_can_sign_in(&self.user)?;
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
        self.challenge(
            ChallengeName::NewPasswordRequired,
            params,
            Step::NewPasswordRequired,
        )
    }

    /// After the password is settled: a remembered device proves itself, else MFA.
    pub fn after_new_password(self) -> Result<Outcome> {
        if let Some(key) = self.device_key.clone() {
            let device = (self.ctx.app.store).read(|c| devices::of_user(c, &key, self.user.pk))?;
            if device.is_some_and(|d| d.verifier.is_some()) {
                let params = HashMap::from([("USERNAME".to_string(), self.user.username.clone())]);
                return self.challenge(ChallengeName::DeviceSrpAuth, params, Step::DeviceSrpAuth);
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
            MfaStep::Challenge(f) => self.ask(f, CodeStage::Mfa),
            MfaStep::Select(options) => {
                let names: Vec<ChallengeName> = options.iter().map(|f| f.challenge()).collect();
                let params = HashMap::from([(
                    "MFAS_CAN_CHOOSE".to_string(),
                    serde_json::to_string(&names)?,
                )]);
                let step = Step::SelectMfaType { options: names };
                self.challenge(ChallengeName::SelectMfaType, params, step)
            }
            MfaStep::Setup(options) => {
                if options.is_empty() {
                    return Err(err!(
                        InvalidUserPoolConfigurationException,
                        "MFA is required but the user pool offers no factor the user can set up."
                    ));
                }
                let names: Vec<ChallengeName> = options.iter().map(|f| f.challenge()).collect();
                let params =
                    HashMap::from([("MFAS_CAN_SETUP".to_string(), serde_json::to_string(&names)?)]);
                self.challenge(
                    ChallengeName::MfaSetup,
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

    /// Asks for one factor's code, sending it first for SMS and email.
    pub fn ask(self, factor: Factor, stage: CodeStage) -> Result<Outcome> {
        self.ask_to(factor, stage, None)
    }

    /// [`Attempt::ask`]; `setup_email`: the email code goes to this address, which becomes the user's
    /// email MFA once the code is answered (MFA_SETUP with EMAIL).
    pub fn ask_to(
        self,
        factor: Factor,
        stage: CodeStage,
        setup_email: Option<String>,
    ) -> Result<Outcome> {
        let first_factor = stage == CodeStage::FirstFactor;
        let challenge = match (factor, stage) {
            (Factor::Sms, CodeStage::FirstFactor) => ChallengeName::SmsOtp,
            (f, _) => f.challenge(),
        };
        if factor == Factor::Totp {
            let mut params = HashMap::new();
            if let Some(name) = &self.user.mfa.totp_name {
                params.insert("FRIENDLY_DEVICE_NAME".to_string(), name.clone());
            }
            let step = Step::Code {
                challenge,
                code: None,
                code_expires_at: None,
                attempts: 0,
                first_factor,
                setup_email: None,
            };
            return self.challenge(challenge, params, step);
        }
        let medium = if factor == Factor::Sms {
            Medium::Sms
        } else {
            Medium::Email
        };
        let address = match &setup_email {
            Some(a) => a.as_str(),
            None => {
                attributes::get(&self.user.attributes, medium.attribute()).ok_or_else(|| {
                    err!(
                        InvalidParameterException,
                        "User has no {} to send the code to",
                        medium.attribute()
                    )
                })?
            }
        };
        let kind = if first_factor {
            Kind::SignInCode
        } else {
            Kind::Mfa
        };
        let message = codes::prepare_code(
            self.ctx,
            self.pool,
            &self.user.username,
            kind,
            Delivery::to(medium, address),
            codes::Context::new(
                triggers::Caller::client(&self.client.id),
                self.client_metadata.as_ref(),
            )
            .with_user(self.pool, &self.user),
        )?;
        let now = self.ctx.now();
        self.ctx
            .app
            .store
            .write(|c| codes::queue(c, &message, now))?;
        codes::sent(self.ctx, std::slice::from_ref(&message));
        let details = message.delivery().details();
        let params = HashMap::from([
            (
                "CODE_DELIVERY_DELIVERY_MEDIUM".to_string(),
                medium.as_str().to_string(),
            ),
            ("CODE_DELIVERY_DESTINATION".to_string(), details.destination),
        ]);
        let expires = now + self.client.config.auth_session_validity as f64 * 60.0;
        let step = Step::Code {
            challenge,
            code: Some(message.code().to_string()),
            code_expires_at: Some(expires),
            attempts: 0,
            first_factor,
            setup_email,
        };
        self.challenge(challenge, params, step)
    }

    /// Signed in: PreTokenGeneration shapes the tokens, PostAuthentication may still refuse them, then
    /// the refresh token (and a newly tracked device, with NewDeviceMetadata) are stored.
    pub fn finish(self) -> Result<Outcome> {
        let ctx = self.ctx;
        let mut session = Session::new(ctx);
        let now = ctx.now();
        let mut known_device = None;
        let mut new_device = None;
        // The hosted pages track no device: they have no device key to give the browser.
        if self.pool.config.device_configuration.is_some() && self.hosted.is_none() {
            let known = match &self.device_key {
                Some(k) => (ctx.app.store).read(|c| devices::of_user(c, k, self.user.pk))?,
                None => None,
            };
            match known {
                Some(d) => {
                    session.device_key = Some(d.device_key.clone());
                    known_device = Some(d.device_key);
                }
                None if !self.caller.is_admin() => {
                    let key = format!("{}_{}", ids::pool_region(&self.pool.id), ids::uuid());
                    let group = format!("-{}", &ids::client_id()[..8]);
                    session.device_key = Some(key.clone());
                    new_device = Some((key, group));
                }
                None => {}
            }
        }
        let issue = Issue {
            pool: self.pool,
            client: self.client,
            user: &self.user,
            session: &session,
            source: self.source,
            client_metadata: self.client_metadata.as_ref(),
            grant: self.hosted.as_ref(),
        };
        let (id_token, access_token, expires_in) = tokens::mint(ctx, &issue)?;
        if triggers::configured(self.pool, Trigger::PostAuthentication) {
            events::post_authentication(
                ctx,
                self.pool,
                &self.client.id,
                &self.user.username,
                triggers::user_attributes(self.pool, &self.user),
                new_device.is_some(),
                self.client_metadata.as_ref(),
            )?;
        }
        // One write for the device and the refresh token. A user or client deleted since they were read
        // (AdminDeleteUser racing the sign-in) gets AWS's not-found answer, not a fault. Hosted sign-ins
        // get their refresh token when the code is redeemed (implicit grants never), and the session
        // limit is applied then (`oauth::token`).
        let refresh = match self.hosted {
            Some(_) => None,
            None => Some(tokens::new_refresh_token()),
        };
        let user_pk = self.user.pk;
        if known_device.is_some() || new_device.is_some() || refresh.is_some() {
            ctx.app.store.write(|c| {
                if let Some(key) = &known_device {
                    devices::touch(c, key, now)?;
                }
                if let Some((key, group)) = &new_device {
                    devices::insert(c, key, user_pk, group, now)?;
                }
                if let Some((_, digest)) = &refresh {
                    tokens::insert_refresh(c, self.client, user_pk, &session, digest, None, now)?;
                }
                Ok(())
            })?;
        }
        let refresh = refresh.map(|(token, _)| token);
        let mut challenges = vec![(history::Challenge::Password, true)];
        if self.mfa_passed {
            challenges.push((history::Challenge::Mfa, true));
        }
        history::record(
            ctx,
            self.pool,
            self.user.pk,
            history::EventType::SignIn,
            true,
            &challenges,
        );
        if self.hosted.is_none() {
            crate::auth::sessions::after_sign_in(ctx, self.pool, &self.user, &session.origin_jti);
        }
        Ok(Outcome::Tokens(TokenSet {
            id_token,
            access_token,
            refresh_token: refresh,
            expires_in,
            new_device,
        }))
    }
}
