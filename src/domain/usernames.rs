//! Username planning for a new user (SignUp, AdminCreateUser, seed files): which internal username the
//! user gets, which attribute the typed name fills when the pool signs in with email or phone number, and
//! the message for a name that is taken.

use crate::domain::attributes::{looks_like_email, looks_like_phone};
use crate::domain::pool::PoolConfig;
use crate::error::{CognitoError, Result};

/// Who creates the user: AWS words a few answers differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Creator {
    /// SignUp.
    SignUp,
    /// AdminCreateUser (and seed files, which go through it).
    Admin,
}

/// The outcome of planning a new user's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsernamePlan {
    /// The internal username: the typed name, or the `sub` when the pool signs in with email or phone.
    pub username: String,
    /// The attribute (`email` / `phone_number`) the typed name fills, with its value.
    pub fills: Option<(&'static str, String)>,
    /// The UsernameExistsException message when the name (or the address it fills) is taken.
    pub taken_message: String,
}

/// Plans the internal username for `typed` in a pool configured by `cfg`; `sub` is the new user's sub.
pub fn plan(cfg: &PoolConfig, typed: &str, sub: &str, creator: Creator) -> Result<UsernamePlan> {
    if cfg.uses_username_attributes() {
        let email_ok = cfg.username_attribute("email");
        let phone_ok = cfg.username_attribute("phone_number");
        let attr = if email_ok && looks_like_email(typed) {
            "email"
        } else if phone_ok && looks_like_phone(typed) {
            "phone_number"
        } else {
            let msg = match (email_ok, phone_ok) {
                (true, true) => "Username should be either an email or a phone number.",
                (true, false) => "Username should be an email.",
                _ => "Username should be a phone number.",
            };
            return Err(CognitoError::InvalidParameterException(msg.into()));
        };
        return Ok(UsernamePlan {
            username: sub.to_string(),
            fills: Some((attr, typed.to_string())),
            taken_message: format!("An account with the given {attr} already exists."),
        });
    }
    if creator == Creator::SignUp {
        if cfg.alias_attribute("email") && looks_like_email(typed) {
            return Err(CognitoError::InvalidParameterException(
                "Username cannot be of email format, since user pool is configured for email alias."
                    .into(),
            ));
        }
        if cfg.alias_attribute("phone_number") && looks_like_phone(typed) {
            return Err(CognitoError::InvalidParameterException(
                "Username cannot be of phone number format, since user pool is configured for phone number alias."
                    .into(),
            ));
        }
    }
    let taken_message = match creator {
        Creator::SignUp => "User already exists",
        // AWS's wording for AdminCreateUser differs from SignUp's (seen in the AWS CLI's output quoted in
        // localstack/localstack#4465).
        Creator::Admin => "User account already exists",
    };
    Ok(UsernamePlan {
        username: typed.to_string(),
        fills: None,
        taken_message: taken_message.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pool(settings: serde_json::Value) -> PoolConfig {
        serde_json::from_value(settings).expect("pool config")
    }

    const SUB: &str = "5f2a0c1e-0000-4000-8000-000000000001";

    #[test]
    fn email_as_username_gets_the_sub_and_fills_email() {
        let cfg = pool(json!({"UsernameAttributes": ["email"]}));
        let p = plan(&cfg, "a@example.com", SUB, Creator::SignUp).unwrap();
        assert_eq!(p.username, SUB);
        assert_eq!(p.fills, Some(("email", "a@example.com".into())));
        assert_eq!(
            p.taken_message,
            "An account with the given email already exists."
        );
    }

    #[test]
    fn phone_as_username_and_the_wrong_format() {
        let both = pool(json!({"UsernameAttributes": ["email", "phone_number"]}));
        let p = plan(&both, "+15555550100", SUB, Creator::Admin).unwrap();
        assert_eq!(p.fills, Some(("phone_number", "+15555550100".into())));
        let e = plan(&both, "alice", SUB, Creator::SignUp).unwrap_err();
        assert_eq!(
            e.message(),
            "Username should be either an email or a phone number."
        );
        let email = pool(json!({"UsernameAttributes": ["email"]}));
        let e = plan(&email, "+15555550100", SUB, Creator::SignUp).unwrap_err();
        assert_eq!(e.message(), "Username should be an email.");
        let phone = pool(json!({"UsernameAttributes": ["phone_number"]}));
        let e = plan(&phone, "a@example.com", SUB, Creator::Admin).unwrap_err();
        assert_eq!(e.message(), "Username should be a phone number.");
    }

    #[test]
    fn alias_pools_refuse_alias_shaped_names_on_sign_up_only() {
        let cfg = pool(json!({"AliasAttributes": ["email", "phone_number"]}));
        let e = plan(&cfg, "a@example.com", SUB, Creator::SignUp).unwrap_err();
        assert!(
            e.message()
                .starts_with("Username cannot be of email format")
        );
        let e = plan(&cfg, "+15555550100", SUB, Creator::SignUp).unwrap_err();
        assert!(
            e.message()
                .starts_with("Username cannot be of phone number format")
        );
        let p = plan(&cfg, "a@example.com", SUB, Creator::Admin).unwrap();
        assert_eq!(p.username, "a@example.com");
    }

    #[test]
    fn plain_names_keep_the_name_with_each_creator_s_wording() {
        let cfg = pool(json!({}));
        let p = plan(&cfg, "alice", SUB, Creator::SignUp).unwrap();
        assert_eq!((p.username.as_str(), p.fills), ("alice", None));
        assert_eq!(p.taken_message, "User already exists");
        let p = plan(&cfg, "alice", SUB, Creator::Admin).unwrap();
        assert_eq!(p.taken_message, "User account already exists");
    }
}
