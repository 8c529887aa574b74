//! RespondToAuthChallenge / AdminRespondToAuthChallenge: takes the session, checks USERNAME and
//! SECRET_HASH, and runs the answered step of the state machine.

use subtle::ConstantTimeEq;

use crate::auth::flow::Attempt;
use crate::auth::password::NewPassword;
use crate::auth::password::incorrect;
use crate::auth::session::{self, Handle, Step};
use crate::auth::{Outcome, Params, check_secret_hash, require_secret_hash, required, srp_auth};
use crate::crypto::totp;
use crate::domain::mfa::Factor;
use crate::domain::{UserStatus, attributes, password_policy};
use crate::error::{CognitoError, Result};
use crate::store::clients::ClientRow;
use crate::store::pools::PoolRow;
use crate::store::users;
use crate::{Ctx, err};

/// Wrong codes allowed on one MFA challenge before the session dies.
const CODE_ATTEMPTS: u32 = 3;

/// Answers one challenge step.
pub fn respond(
    ctx: &Ctx,
    pool: &PoolRow,
    client: &ClientRow,
    challenge: &str,
    responses: &Params,
    session_str: Option<&str>,
    admin: bool,
) -> Result<Outcome> {
    // Checked before the session is taken, so these mistakes leave it usable.
    let username = required(responses, "USERNAME")?;
    require_secret_hash(client, responses.get("SECRET_HASH").map(String::as_str))?;
    let mut handle = session_str.and_then(Handle::from_session);
    if handle.is_none() && challenge.ends_with("PASSWORD_VERIFIER") {
        // pycognito answers PASSWORD_VERIFIER without a Session: the secret block names the same session.
        handle = responses
            .get("PASSWORD_CLAIM_SECRET_BLOCK")
            .and_then(|b| Handle::from_secret_block(b));
    }
    if handle.is_none() && challenge == "DEVICE_SRP_AUTH" {
        // pycognito answers DEVICE_SRP_AUTH without a Session too: the pending step of that user.
        let user = ctx
            .app
            .store
            .read(|c| users::resolve(c, &pool.id, &pool.config, username))?;
        if let Some(user) = user {
            handle = Handle::pending(ctx, client, user.pk, challenge)?;
        }
    }
    let (handle, user_pk, state) = session::take(ctx, client, challenge, handle)?;
    let original = state.clone();
    let result = answer(
        ctx, pool, client, challenge, responses, &handle, user_pk, state, admin,
    );
    if let Err(e) = &result {
        // A malformed answer (missing parameter, weak new password, another USERNAME or SECRET_HASH) does
        // not use the session up; a wrong password or code does.
        let retryable = matches!(
            e,
            CognitoError::InvalidParameterException(_)
                | CognitoError::InvalidPasswordException(_)
                | CognitoError::PasswordHistoryPolicyViolationException(_)
        ) || matches!(e, CognitoError::NotAuthorizedException(m)
                if m == "Invalid session for the user." || m.starts_with("Unable to verify secret hash"));
        if retryable && user_pk.is_some() {
            session::reopen(ctx, &handle, &original)?;
        }
    }
    result
}

/// The step after the session was taken.
#[allow(clippy::too_many_arguments)]
fn answer(
    ctx: &Ctx,
    pool: &PoolRow,
    client: &ClientRow,
    challenge: &str,
    responses: &Params,
    handle: &Handle,
    user_pk: Option<i64>,
    state: crate::auth::session::State,
    admin: bool,
) -> Result<Outcome> {
    let username = required(responses, "USERNAME")?;
    let secret_hash = responses.get("SECRET_HASH").map(String::as_str);
    if state.admin != admin {
        return Err(err!(
            NotAuthorizedException,
            "Invalid session for the user."
        ));
    }
    let Some(user_pk) = user_pk else {
        // The simulated challenge of an unknown user (PreventUserExistenceErrors).
        check_secret_hash(client, secret_hash, &[username])?;
        return Err(incorrect());
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
        return Err(err!(
            NotAuthorizedException,
            "Invalid session for the user."
        ));
    }
    check_secret_hash(
        client,
        secret_hash,
        &[username, &user.username, &state.typed],
    )?;

    let step = state.step.clone();
    let mut attempt = Attempt::resume(ctx, pool, client, user, &state);
    // A client may name its remembered device in any challenge response (amazon-cognito-identity-js
    // learns the internal username, and so finds its device key, only from the first answer).
    if let Some(key) = responses.get("DEVICE_KEY").filter(|k| !k.is_empty()) {
        attempt.device_key = Some(key.clone());
    }
    match (challenge, &step) {
        ("PASSWORD_VERIFIER", Step::PasswordVerifier { .. }) => {
            srp_auth::verify_password(attempt, responses, handle, &step)
        }
        ("NEW_PASSWORD_REQUIRED", Step::NewPasswordRequired) => {
            set_new_password(&mut attempt, responses)?;
            attempt.after_new_password()
        }
        ("DEVICE_SRP_AUTH", Step::DeviceSrpAuth) => srp_auth::start_device(attempt, responses),
        ("DEVICE_PASSWORD_VERIFIER", Step::DevicePasswordVerifier { .. }) => {
            srp_auth::verify_device(attempt, responses, handle, &step)
        }
        ("SELECT_MFA_TYPE", Step::SelectMfaType { options }) => {
            let answer = required(responses, "ANSWER")?;
            let factor = Factor::from_challenge(answer)
                .filter(|_| options.iter().any(|o| o == answer))
                .ok_or_else(|| {
                    err!(
                        InvalidParameterException,
                        "Invalid value for ANSWER: {answer}"
                    )
                })?;
            attempt.ask(factor, false)
        }
        ("MFA_SETUP", Step::MfaSetup { verified, .. }) => {
            if !verified {
                return Err(err!(
                    InvalidParameterException,
                    "MFA_SETUP requires a verified software token: call AssociateSoftwareToken and VerifySoftwareToken with this session first."
                ));
            }
            attempt.finish()
        }
        (
            name,
            Step::Code {
                challenge: expected,
                code,
                code_expires_at,
                attempts,
                first_factor,
            },
        ) if name == expected => {
            let field = match name {
                "SMS_MFA" => "SMS_MFA_CODE",
                "SMS_OTP" => "SMS_OTP_CODE",
                "SOFTWARE_TOKEN_MFA" => "SOFTWARE_TOKEN_MFA_CODE",
                _ => "EMAIL_OTP_CODE",
            };
            // The docs also name EMAIL_MFA_CODE for email MFA; Amplify sends EMAIL_OTP_CODE.
            let given = responses
                .get(field)
                .or_else(|| {
                    (field == "EMAIL_OTP_CODE")
                        .then(|| responses.get("EMAIL_MFA_CODE"))
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
                    code_expires_at.is_none_or(|t| ctx.now() < t)
                        && bool::from(sent.as_bytes().ct_eq(given.as_bytes()))
                }
                None => check_totp(&mut attempt, given)?,
            };
            if !ok {
                if attempts + 1 < CODE_ATTEMPTS {
                    let mut retry = state.clone();
                    if let Step::Code { attempts, .. } = &mut retry.step {
                        *attempts += 1;
                    }
                    session::reopen(ctx, handle, &retry)?;
                }
                return Err(err!(
                    CodeMismatchException,
                    "Invalid code or auth state for the user."
                ));
            }
            if *first_factor {
                // Passwordless sign-in: the code was the first factor; MFA does not apply.
                crate::auth::password::check_can_sign_in(&attempt.user)?;
            }
            attempt.finish()
        }
        ("SELECT_CHALLENGE", Step::SelectChallenge { available }) => {
            crate::auth::user_auth::select(attempt, responses, available)
        }
        _ => Err(err!(
            NotAuthorizedException,
            "Invalid session for the user."
        )),
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
        return Ok(false);
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
    let writer = if attempt.admin {
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
