//! USER_AUTH, choice-based sign-in: PREFERRED_CHALLENGE or SELECT_CHALLENGE among the
//! pool's allowed first factors (PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP, WEB_AUTHN), and the Session that
//! ConfirmSignUp hands out for signing in right after confirmation.

use serde_json::Value;

use crate::auth::checks::{check_can_sign_in, unknown_user};
use crate::auth::flow::{Attempt, CodeStage};
use crate::auth::password;
use crate::auth::request::InitiateRequest;
use crate::auth::session::{self, Handle, Kind, Step};
use crate::auth::{Outcome, Params, passkeys, required, srp_challenge};
use crate::domain::challenge::{ChallengeName, FirstFactor};
use crate::domain::mfa::Factor;
use crate::domain::{UserStatus, attributes};
use crate::err;
use crate::error::Result;
use crate::store::pools::PoolRow;
use crate::store::users::UserRow;

/// The first factors this user can use in this pool, in AWS's order (`has_passkey`: the user has a
/// passkey usable in the pool, see `passkeys::usable`).
pub fn available(pool: &PoolRow, user: &UserRow, has_passkey: bool) -> Vec<FirstFactor> {
    let allowed: Vec<FirstFactor> = pool
        .config
        .policies
        .sign_in_policy
        .as_ref()
        .and_then(|p| p.get("AllowedFirstAuthFactors"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().and_then(FirstFactor::parse))
                .collect()
        })
        .unwrap_or_else(|| vec![FirstFactor::Password]);
    let has = |attr: &str| attributes::get(&user.attributes, attr).is_some();
    let mut out = Vec::new();
    if allowed.contains(&FirstFactor::Password) && user.password_hash.is_some() {
        out.push(FirstFactor::Password);
        out.push(FirstFactor::PasswordSrp);
    }
    if allowed.contains(&FirstFactor::EmailOtp) && has("email") {
        out.push(FirstFactor::EmailOtp);
    }
    if allowed.contains(&FirstFactor::SmsOtp) && has("phone_number") {
        out.push(FirstFactor::SmsOtp);
    }
    if allowed.contains(&FirstFactor::WebAuthn) && has_passkey {
        out.push(FirstFactor::WebAuthn);
    }
    out
}

/// InitiateAuth USER_AUTH.
pub fn start(req: &InitiateRequest<'_>) -> Result<Outcome> {
    let (ctx, pool, client) = (req.ctx, req.pool, req.client);
    let params = req.params;
    let username = required(params, "USERNAME")?;
    let user = req
        .identify(username)?
        .ok_or_else(|| unknown_user(client))?;
    if let Some(s) = req.session {
        // Sign-in right after ConfirmSignUp: the confirmation proved the user.
        let (_, user_pk, state) = session::take(
            ctx,
            client,
            Kind::SignInAfterConfirmation,
            Handle::from_session(s),
        )?;
        if user_pk != Some(user.pk) || state.username != user.username {
            return Err(err!(
                NotAuthorizedException,
                "Invalid session for the user."
            ));
        }
        check_can_sign_in(&user)?;
        let mut attempt = req.attempt(user, username);
        attempt.device_key = None;
        return attempt.finish();
    }
    if user.status == UserStatus::Unconfirmed {
        return Err(err!(UserNotConfirmedException, "User is not confirmed."));
    }
    req.pre_authentication(Some(&user), username)?;
    let has_passkey = passkeys::usable(ctx, pool, &user)?;
    let choices = available(pool, &user, has_passkey);
    let attempt = req.attempt(user, username);
    let preferred = params
        .get("PREFERRED_CHALLENGE")
        .and_then(|p| FirstFactor::parse(p));
    match preferred {
        Some(preferred) if choices.contains(&preferred) => go(attempt, preferred, params),
        _ => {
            if choices.is_empty() {
                return Err(err!(
                    NotAuthorizedException,
                    "No sign-in method is available for the user."
                ));
            }
            let state = attempt.state(Step::SelectChallenge {
                available: choices.clone(),
            });
            let handle = session::create(
                ctx,
                client,
                Some(attempt.user.pk),
                ChallengeName::SelectChallenge,
                &state,
            )?;
            Ok(Outcome::Select {
                session: handle.session(),
                available: choices,
            })
        }
    }
}

/// RespondToAuthChallenge SELECT_CHALLENGE: ANSWER picks a factor (with PASSWORD or SRP_A where needed).
pub fn select(
    attempt: Attempt<'_>,
    responses: &Params,
    available: &[FirstFactor],
) -> Result<Outcome> {
    let answer = required(responses, "ANSWER")?;
    let factor = FirstFactor::parse(answer)
        .filter(|f| available.contains(f))
        .ok_or_else(|| {
            err!(
                InvalidParameterException,
                "Invalid value for ANSWER: {answer}"
            )
        })?;
    go(attempt, factor, responses)
}

fn go(attempt: Attempt<'_>, factor: FirstFactor, params: &Params) -> Result<Outcome> {
    match factor {
        FirstFactor::Password => {
            let pw = required(params, "PASSWORD")?;
            password::verify(attempt.ctx, &attempt.user, pw)?;
            attempt.after_first_factor()
        }
        FirstFactor::PasswordSrp => {
            let a = srp_challenge::parse_a(required(params, "SRP_A")?)?;
            srp_challenge::password_verifier(attempt, &a)
        }
        FirstFactor::EmailOtp => attempt.ask(Factor::Email, CodeStage::FirstFactor),
        FirstFactor::SmsOtp => attempt.ask(Factor::Sms, CodeStage::FirstFactor),
        FirstFactor::WebAuthn => passkeys::challenge(attempt),
    }
}
