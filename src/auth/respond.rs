//! RespondToAuthChallenge / AdminRespondToAuthChallenge: takes the session, checks USERNAME and
//! SECRET_HASH, and runs the answered step of the state machine.

use crate::accounts::NewPassword;
use crate::app::Ctx;
use crate::auth::checks::{
    Wording, check_can_sign_in, check_secret_hash, incorrect, require_secret_hash,
};
use crate::auth::flow::{Attempt, CodeStage};
use crate::auth::history;
use crate::auth::session::{self, Handle, State, Step};
use crate::auth::{
    Caller, Outcome, Params, custom, email_setup, passkeys, required, srp_auth, user_auth,
};
use crate::codes;
use crate::crypto::totp;
use crate::domain::challenge::ChallengeName;
use crate::domain::mfa::Factor;
use crate::domain::{UserStatus, attributes, password_policy};
use crate::err;
use crate::error::{CognitoError, Result};
use crate::store::clients::ClientRow;
use crate::store::pools::PoolRow;
use crate::store::users;
use crate::triggers::ClientMetadata;
use crate::triggers::pre_token::TokenSource;

/// Wrong codes allowed on one MFA challenge before the session dies.
const CODE_ATTEMPTS: u32 = 3;

/// Why an answer failed, and whether the session stays usable: a malformed answer (missing parameter,
/// weak new password, another USERNAME or SECRET_HASH) does not use the session up; a wrong password or
/// code does.
enum Failure {
    /// The client may answer the same session again.
    Retryable(CognitoError),
    /// The session is used up.
    Final(CognitoError),
}

impl From<CognitoError> for Failure {
    /// Errors about the answer's form leave the session usable; everything else uses it up.
    fn from(e: CognitoError) -> Failure {
        match e {
            CognitoError::InvalidParameterException(_)
            | CognitoError::InvalidPasswordException(_)
            | CognitoError::PasswordHistoryPolicyViolationException(_) => Failure::Retryable(e),
            e => Failure::Final(e),
        }
    }
}

/// Marks a failure as leaving the session usable.
fn retryable(e: CognitoError) -> Failure {
    Failure::Retryable(e)
}

/// A RespondToAuthChallenge / AdminRespondToAuthChallenge request.
pub struct Answered<'a> {
    /// ChallengeName, as the request names it.
    pub challenge: &'a str,
    /// ChallengeResponses.
    pub responses: &'a Params,
    /// Session.
    pub session: Option<&'a str>,
    /// Who calls.
    pub caller: Caller,
    /// ClientMetadata (for the triggers of this step).
    pub client_metadata: Option<&'a ClientMetadata>,
    /// True when the hosted pages answer (their sessions are not answered through the API, nor the
    /// reverse).
    pub hosted: bool,
}

/// Answers one challenge step.
pub fn respond(
    ctx: &Ctx,
    pool: &PoolRow,
    client: &ClientRow,
    request: Answered<'_>,
) -> Result<Outcome> {
    let (challenge, responses, session_str, caller) = (
        request.challenge,
        request.responses,
        request.session,
        request.caller,
    );
    // Checked before the session is taken, so these mistakes leave it usable.
    let username = required(responses, "USERNAME")?;
    let secret_hash = responses.get("SECRET_HASH").map(String::as_str);
    require_secret_hash(client, secret_hash, Wording::AuthParameters)?;
    let name = ChallengeName::parse(challenge).ok_or_else(|| {
        err!(
            InvalidParameterException,
            "Invalid value for ChallengeName: {challenge}"
        )
    })?;
    let mut handle = session_str.and_then(Handle::from_session);
    if handle.is_none()
        && matches!(
            name,
            ChallengeName::PasswordVerifier | ChallengeName::DevicePasswordVerifier
        )
    {
        // pycognito answers PASSWORD_VERIFIER without a Session: the secret block names the same session.
        handle = responses
            .get("PASSWORD_CLAIM_SECRET_BLOCK")
            .and_then(|b| Handle::from_secret_block(b));
    }
    if handle.is_none() && name == ChallengeName::DeviceSrpAuth {
        // pycognito answers DEVICE_SRP_AUTH without a Session too: the pending step of that user.
        let user = ctx
            .app
            .store
            .read(|c| users::resolve(c, &pool.id, &pool.config, username))?;
        if let Some(user) = user {
            handle = Handle::pending(ctx, client, user.pk, name)?;
        }
    }
    let (handle, user_pk, state) = session::take(ctx, client, name, handle)?;
    if state.hosted.is_some() != request.hosted {
        // Not this caller's session: give it back untouched.
        if user_pk.is_some() {
            session::reopen(ctx, &handle, &state)?;
        }
        return Err(err!(
            NotAuthorizedException,
            "Invalid session for the user."
        ));
    }
    let original = state.clone();
    let answered = Answer {
        ctx,
        pool,
        client,
        name,
        responses,
        handle: &handle,
        client_metadata: request.client_metadata,
    };
    match answered.run(user_pk, state, caller) {
        Ok(outcome) => Ok(outcome),
        Err(Failure::Final(e)) => Err(e),
        Err(Failure::Retryable(e)) => {
            if user_pk.is_some() {
                session::reopen(ctx, &handle, &original)?;
            }
            Err(e)
        }
    }
}

/// One answer to a taken session.
struct Answer<'a> {
    ctx: &'a Ctx,
    pool: &'a PoolRow,
    client: &'a ClientRow,
    name: ChallengeName,
    responses: &'a Params,
    handle: &'a Handle,
    client_metadata: Option<&'a ClientMetadata>,
}

impl Answer<'_> {
    fn invalid_session() -> Failure {
        retryable(err!(
            NotAuthorizedException,
            "Invalid session for the user."
        ))
    }

    /// The step after the session was taken.
    fn run(&self, user_pk: Option<i64>, state: State, caller: Caller) -> Result<Outcome, Failure> {
        let (ctx, pool, client, responses) = (self.ctx, self.pool, self.client, self.responses);
        let username = required(responses, "USERNAME")?;
        let secret_hash = responses.get("SECRET_HASH").map(String::as_str);
        if state.caller != caller {
            return Err(Self::invalid_session());
        }
        let Some(user_pk) = user_pk else {
            if let Step::Custom(custom_state) = &state.step {
                // A custom-auth loop about an unknown user the client hides.
                check_secret_hash(client, secret_hash, &[username], Wording::AuthParameters)
                    .map_err(retryable)?;
                let subject = custom::Subject::Unknown(custom::UnknownUser {
                    ctx,
                    pool,
                    client,
                    typed: state.typed.clone(),
                    caller,
                });
                return Ok(custom::answer(
                    subject,
                    custom_state.clone(),
                    responses,
                    self.client_metadata,
                )?);
            }
            // The simulated challenge of an unknown user (PreventUserExistenceErrors).
            check_secret_hash(client, secret_hash, &[username], Wording::AuthParameters)
                .map_err(retryable)?;
            return Err(incorrect().into());
        };
        let user = ctx
            .app
            .store
            .read(|c| users::by_pk(c, user_pk))?
            .ok_or_else(incorrect)?;
        let key = pool.config.lookup_key(username);
        let named = key == pool.config.lookup_key(&user.username)
            || key == pool.config.lookup_key(&state.typed)
            || ["email", "phone_number", "preferred_username"]
                .iter()
                .any(|a| {
                    attributes::get(&user.attributes, a)
                        .is_some_and(|v| pool.config.lookup_key(v) == key)
                });
        if !named {
            return Err(Self::invalid_session());
        }
        check_secret_hash(
            client,
            secret_hash,
            &[username, &user.username, &state.typed],
            Wording::AuthParameters,
        )
        .map_err(retryable)?;

        let mut attempt = Attempt::resume(ctx, pool, client, user, &state);
        // A client may name its remembered device in any challenge response (amazon-cognito-identity-js
        // learns the internal username, and so finds its device key, only from the first answer).
        if let Some(key) = responses.get("DEVICE_KEY").filter(|k| !k.is_empty()) {
            attempt.device_key = Some(key.clone());
        }
        attempt.client_metadata = self.client_metadata.cloned();
        Ok(self.step(attempt, &state)?)
    }

    /// Runs the answered step.
    fn step(&self, mut attempt: Attempt<'_>, state: &State) -> Result<Outcome, Failure> {
        let responses = self.responses;
        let step = &state.step;
        match (self.name, step) {
            (ChallengeName::PasswordVerifier, Step::PasswordVerifier { .. }) => Ok(
                srp_auth::verify_password(attempt, responses, self.handle, step)?,
            ),
            (ChallengeName::NewPasswordRequired, Step::NewPasswordRequired) => {
                set_new_password(&mut attempt, responses)?;
                if attempt.hosted.is_none() {
                    attempt.source = TokenSource::NewPasswordChallenge;
                }
                Ok(attempt.after_new_password()?)
            }
            (ChallengeName::DeviceSrpAuth, Step::DeviceSrpAuth) => {
                Ok(srp_auth::start_device(attempt, responses)?)
            }
            (ChallengeName::DevicePasswordVerifier, Step::DevicePasswordVerifier { .. }) => Ok(
                srp_auth::verify_device(attempt, responses, self.handle, step)?,
            ),
            (ChallengeName::SelectMfaType, Step::SelectMfaType { options }) => {
                let answer = required(responses, "ANSWER")?;
                let factor = ChallengeName::parse(answer)
                    .filter(|a| options.contains(a))
                    .and_then(Factor::from_challenge)
                    .ok_or_else(|| {
                        err!(
                            InvalidParameterException,
                            "Invalid value for ANSWER: {answer}"
                        )
                    })?;
                Ok(attempt.ask(factor, CodeStage::Mfa)?)
            }
            (ChallengeName::MfaSetup, Step::MfaSetup { options, .. })
                if responses.get("EMAIL").is_some_and(|e| !e.is_empty()) =>
            {
                Ok(email_setup::start(attempt, options, responses)?)
            }
            (ChallengeName::MfaSetup, Step::MfaSetup { verified, .. }) => {
                if !verified {
                    return Err(err!(
                        InvalidParameterException,
                        "MFA_SETUP requires a verified software token: call AssociateSoftwareToken and VerifySoftwareToken with this session first."
                    )
                    .into());
                }
                Ok(attempt.finish()?)
            }
            (name, Step::Code { challenge, .. }) if name == *challenge => self.code(attempt, state),
            (ChallengeName::CustomChallenge, Step::Custom(custom_state)) => {
                let subject = custom::Subject::User(Box::new(attempt));
                Ok(custom::answer(
                    subject,
                    custom_state.clone(),
                    responses,
                    self.client_metadata,
                )?)
            }
            (ChallengeName::WebAuthn, Step::WebAuthn { .. }) => {
                Ok(passkeys::answer(attempt, responses, step)?)
            }
            (ChallengeName::SelectChallenge, Step::SelectChallenge { available }) => {
                Ok(user_auth::select(attempt, responses, available)?)
            }
            _ => Err(Failure::Final(err!(
                NotAuthorizedException,
                "Invalid session for the user."
            ))),
        }
    }

    /// An SMS, email or TOTP code: a wrong one may be retried up to [`CODE_ATTEMPTS`] times.
    fn code(&self, mut attempt: Attempt<'_>, state: &State) -> Result<Outcome, Failure> {
        let Step::Code {
            challenge,
            code,
            code_expires_at,
            attempts,
            first_factor,
            setup_email,
        } = &state.step
        else {
            return Err(incorrect().into());
        };
        let field = challenge.code_field().unwrap_or("EMAIL_OTP_CODE");
        // The docs also name EMAIL_MFA_CODE for email MFA; Amplify sends EMAIL_OTP_CODE.
        let given = self
            .responses
            .get(field)
            .or_else(|| {
                (field == "EMAIL_OTP_CODE")
                    .then(|| self.responses.get("EMAIL_MFA_CODE"))
                    .flatten()
            })
            .map(String::as_str)
            .filter(|c| !c.is_empty())
            .ok_or_else(|| {
                err!(
                    InvalidParameterException,
                    "Missing required parameter {field}"
                )
            })?;
        let ok = match code {
            Some(sent) => {
                code_expires_at.is_none_or(|t| self.ctx.now() < t) && codes::matches(sent, given)
            }
            // A code already used (at VerifySoftwareToken or a sign-in) is not a wrong guess: the
            // session stays usable for the next code.
            None => check_totp(&mut attempt, given).map_err(|e| match e {
                CognitoError::ExpiredCodeException(_) => retryable(e),
                e => e.into(),
            })?,
        };
        if !ok {
            if !first_factor {
                let failed = [
                    (history::Challenge::Password, true),
                    (history::Challenge::Mfa, false),
                ];
                let (pool, pk) = (attempt.pool, attempt.user.pk);
                history::record(
                    self.ctx,
                    pool,
                    pk,
                    history::EventType::SignIn,
                    false,
                    &failed,
                );
            }
            if attempts + 1 < CODE_ATTEMPTS {
                let mut retry = state.clone();
                if let Step::Code { attempts, .. } = &mut retry.step {
                    *attempts += 1;
                }
                session::reopen(self.ctx, self.handle, &retry)?;
            }
            return Err(Failure::Final(err!(
                CodeMismatchException,
                "Invalid code or auth state for the user."
            )));
        }
        if *first_factor {
            // Passwordless sign-in: the code was the first factor; MFA does not apply.
            check_can_sign_in(&attempt.user)?;
        } else {
            attempt.mfa_passed = true;
        }
        if let Some(email) = setup_email {
            email_setup::complete(&mut attempt, email)?;
        }
        Ok(attempt.finish()?)
    }
}

/// A TOTP code for the user's verified secret, good once per 30-second step.
fn check_totp(attempt: &mut Attempt<'_>, code: &str) -> Result<bool> {
    let Some(secret) = attempt.user.mfa.totp_secret.clone() else {
        return Ok(false);
    };
    let Some(step) = totp::verify(&secret, code, attempt.ctx.app.clock.now_secs()) else {
        return Ok(false);
    };
    if attempt
        .user
        .mfa
        .totp_last_step
        .is_some_and(|last| step <= last)
    {
        return Err(err!(
            ExpiredCodeException,
            "Your software token has already been used once."
        ));
    }
    attempt.user.mfa.totp_last_step = Some(step);
    let now = attempt.ctx.now();
    let (pk, mfa) = (attempt.user.pk, attempt.user.mfa.clone());
    attempt
        .ctx
        .app
        .store
        .write(|c| users::set_mfa(c, pk, &mfa, now))?;
    Ok(true)
}

/// NEW_PASSWORD_REQUIRED: NEW_PASSWORD under the pool's policy, required attributes given as
/// `userAttributes.<name>`, then the user is CONFIRMED with the new password.
fn set_new_password(attempt: &mut Attempt<'_>, responses: &Params) -> Result<()> {
    let password = required(responses, "NEW_PASSWORD")?;
    let pool = attempt.pool;
    let mut given: Vec<(String, Option<String>)> = Vec::new();
    for (k, v) in responses {
        if let Some(name) = k.strip_prefix("userAttributes.") {
            given.push((name.to_string(), Some(v.clone())));
        }
    }
    let writer = if attempt.caller.is_admin() {
        attributes::Writer::Admin
    } else {
        attributes::Writer::Client(&attempt.client.config)
    };
    attributes::check_new(&pool.config, writer, &given)?;
    let mut attrs = attempt.user.attributes.clone();
    for (name, value) in given {
        attributes::set(&mut attrs, &name, value.unwrap_or_default());
    }
    if let Some(missing) = pool.config.schema_attributes.iter().find(|a| {
        a.required && a.name != "sub" && attributes::get(&attrs, &a.name).is_none_or(str::is_empty)
    }) {
        return Err(err!(
            InvalidParameterException,
            "Invalid attributes given, {} is missing",
            missing.name
        ));
    }
    // The temporary password is not history: only the policy applies.
    password_policy::check(&pool.config.policies.password_policy, password)?;
    let new = NewPassword::compute(attempt.ctx, &pool.id, &attempt.user.username, password)?;
    let now = attempt.ctx.now();
    let pk = attempt.user.pk;
    attempt.ctx.app.store.write(|c| {
        new.store(c, pk, now)?;
        users::set_attributes(c, pk, &attrs, now)?;
        users::set_status(c, pk, UserStatus::Confirmed, now)
    })?;
    attempt.ctx.app.passwords.forget(pk);
    attempt.user.attributes = attrs;
    attempt.user.status = UserStatus::Confirmed;
    attempt.user.password_hash = Some(new.hash);
    attempt.user.srp_salt = Some(new.srp.salt);
    attempt.user.srp_verifier = Some(new.srp.verifier);
    attempt.user.password_set_at = Some(now);
    Ok(())
}
