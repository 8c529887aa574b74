//! MFA_SETUP answered with `EMAIL` (how Amplify sets up email MFA, `CONTINUE_SIGN_IN_WITH_EMAIL_SETUP`,
//! and what the hosted pages do): the pool sends an MFA code to that address and answers EMAIL_OTP;
//! the right code makes the address the user's email, verified (AWS marks an address verified when
//! its first MFA code is answered), with email MFA enabled and preferred, then signs the user in.

use crate::auth::flow::{Attempt, CodeStage};
use crate::auth::{Outcome, Params, required};
use crate::domain::attributes;
use crate::domain::challenge::ChallengeName;
use crate::domain::mfa::Factor;
use crate::err;
use crate::error::Result;
use crate::store::users;

/// MFA_SETUP with EMAIL: checks the address and sends the code (the EMAIL_OTP challenge follows).
pub fn start(
    attempt: Attempt<'_>,
    options: &[ChallengeName],
    responses: &Params,
) -> Result<Outcome> {
    let email = required(responses, "EMAIL")?;
    if !options.contains(&ChallengeName::EmailOtp) {
        return Err(err!(
            InvalidParameterException,
            "Email MFA cannot be set up: MFAS_CAN_SETUP does not include EMAIL_OTP."
        ));
    }
    if !attributes::looks_like_email(email) {
        return Err(err!(
            InvalidParameterException,
            "Invalid email address format."
        ));
    }
    let current = attributes::get(&attempt.user.attributes, "email");
    if attempt.pool.config.username_attribute("email") && current.is_some_and(|c| c != email) {
        return Err(err!(
            InvalidParameterException,
            "The user signs in with the email address {}: email MFA is set up with that address.",
            attributes::mask_email(current.unwrap_or_default())
        ));
    }
    attempt.ask_to(Factor::Email, CodeStage::Mfa, Some(email.to_string()))
}

/// The code was right: the address becomes the user's verified email (and sign-in alias where the pool
/// has one, unless another user holds it) with email MFA on.
pub fn complete(attempt: &mut Attempt<'_>, email: &str) -> Result<()> {
    let pool = attempt.pool;
    let mut user = attempt.user.clone();
    attributes::set(&mut user.attributes, "email", email);
    attributes::set(&mut user.attributes, "email_verified", "true");
    user.mfa
        .set(Factor::Email, Some(true), Some(true), &user.attributes)?;
    let now = attempt.ctx.now();
    attempt.ctx.app.store.write(|c| {
        if pool.config.alias_attribute("email") {
            let key = pool.config.lookup_key(email);
            match users::alias_owner(c, &pool.id, "email", &key)? {
                Some(owner) if owner == user.pk => {}
                Some(_) => {
                    return Err(err!(
                        AliasExistsException,
                        "An account with the given email already exists."
                    ));
                }
                None => {
                    users::remove_alias(c, user.pk, "email")?;
                    users::add_alias(c, &pool.id, "email", &key, user.pk)?;
                }
            }
        }
        users::set_attributes(c, user.pk, &user.attributes, now)?;
        users::set_mfa(c, user.pk, &user.mfa, now)
    })?;
    attempt.user = user;
    Ok(())
}
