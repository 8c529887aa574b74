//! USER_AUTH, choice-based sign-in (reference §3.7): PREFERRED_CHALLENGE or SELECT_CHALLENGE among the
//! pool's allowed first factors (PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP), and the Session that
//! ConfirmSignUp hands out for signing in right after confirmation.

use serde_json::Value;

use crate::auth::flow::Attempt;
use crate::auth::password;
use crate::auth::session::{self, Handle, Step};
use crate::auth::{Outcome, Params, required, srp_auth};
use crate::domain::mfa::Factor;
use crate::domain::{UserStatus, attributes};
use crate::error::Result;
use crate::store::clients::ClientRow;
use crate::store::pools::PoolRow;
use crate::store::users::UserRow;
use crate::{Ctx, err};

/// The first factors this user can use in this pool, in AWS's order.
pub fn available(pool: &PoolRow, user: &UserRow) -> Vec<String> {
    let allowed: Vec<String> = pool
        .config
        .policies
        .sign_in_policy
        .as_ref()
        .and_then(|p| p.get("AllowedFirstAuthFactors"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_else(|| vec!["PASSWORD".to_string()]);
    let mut out = Vec::new();
    if allowed.iter().any(|a| a == "PASSWORD") && user.password_hash.is_some() {
        out.push("PASSWORD".to_string());
        out.push("PASSWORD_SRP".to_string());
    }
    if allowed.iter().any(|a| a == "EMAIL_OTP")
        && attributes::get(&user.attributes, "email").is_some()
    {
        out.push("EMAIL_OTP".to_string());
    }
    if allowed.iter().any(|a| a == "SMS_OTP")
        && attributes::get(&user.attributes, "phone_number").is_some()
    {
        out.push("SMS_OTP".to_string());
    }
    out
}

/// InitiateAuth USER_AUTH.
pub fn start(
    ctx: &Ctx,
    pool: &PoolRow,
    client: &ClientRow,
    params: &Params,
    session: Option<&str>,
    admin: bool,
) -> Result<Outcome> {
    let username = required(params, "USERNAME")?;
    let secret_hash = params.get("SECRET_HASH").map(String::as_str);
    let user = password::identify(ctx, pool, client, username, secret_hash)?
        .ok_or_else(|| password::unknown_user(client))?;
    if let Some(s) = session {
        // Sign-in right after ConfirmSignUp: the confirmation proved the user.
        let (_, user_pk, state) = session::take(
            ctx,
            client,
            "SIGN_IN_AFTER_CONFIRMATION",
            Handle::from_session(s),
        )?;
        if user_pk != Some(user.pk) || state.username != user.username {
            return Err(err!(
                NotAuthorizedException,
                "Invalid session for the user."
            ));
        }
        let attempt = Attempt {
            ctx,
            pool,
            client,
            typed: username.into(),
            admin,
            device_key: None,
            user,
        };
        password::check_can_sign_in(&attempt.user)?;
        return attempt.finish();
    }
    if user.status == UserStatus::Unconfirmed {
        return Err(err!(UserNotConfirmedException, "User is not confirmed."));
    }
    let choices = available(pool, &user);
    let attempt = Attempt {
        ctx,
        pool,
        client,
        typed: username.into(),
        admin,
        device_key: params.get("DEVICE_KEY").cloned(),
        user,
    };
    match params.get("PREFERRED_CHALLENGE").map(String::as_str) {
        Some(preferred) if choices.iter().any(|c| c == preferred) => go(attempt, preferred, params),
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
                "SELECT_CHALLENGE",
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
pub fn select(attempt: Attempt<'_>, responses: &Params, available: &[String]) -> Result<Outcome> {
    let answer = required(responses, "ANSWER")?;
    if !available.iter().any(|a| a == answer) {
        return Err(err!(
            InvalidParameterException,
            "Invalid value for ANSWER: {answer}"
        ));
    }
    go(attempt, answer, responses)
}

fn go(attempt: Attempt<'_>, factor: &str, params: &Params) -> Result<Outcome> {
    match factor {
        "PASSWORD" => {
            let pw = required(params, "PASSWORD")?;
            password::verify(attempt.ctx, &attempt.user, pw)?;
            attempt.after_first_factor()
        }
        "PASSWORD_SRP" => {
            let a = srp_auth::parse_a(required(params, "SRP_A")?)?;
            srp_auth::password_verifier(attempt, &a)
        }
        "EMAIL_OTP" => attempt.ask(Factor::Email, true),
        "SMS_OTP" => attempt.ask(Factor::Sms, true),
        other => Err(err!(
            InvalidParameterException,
            "{other} is not supported by cognito-emulator."
        )),
    }
}
