//! The pool's password policy, with AWS's messages.

use crate::domain::pool::PasswordPolicy;
use crate::error::{CognitoError, Result};

/// The special characters Cognito counts as symbols; the space counts too.
const SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

/// Checks `password` against `policy`, reporting the first failing rule as AWS does.
pub fn check(policy: &PasswordPolicy, password: &str) -> Result<()> {
    let fail = |rule: &str| {
        Err(CognitoError::InvalidPasswordException(format!(
            "Password did not conform with policy: {rule}"
        )))
    };
    if password.chars().count() < policy.minimum_length as usize {
        return fail("Password not long enough");
    }
    if policy.require_uppercase && !password.chars().any(|c| c.is_ascii_uppercase()) {
        return fail("Password must have uppercase characters");
    }
    if policy.require_lowercase && !password.chars().any(|c| c.is_ascii_lowercase()) {
        return fail("Password must have lowercase characters");
    }
    if policy.require_numbers && !password.chars().any(|c| c.is_ascii_digit()) {
        return fail("Password must have numeric characters");
    }
    if policy.require_symbols && !password.chars().any(|c| SYMBOLS.contains(c)) {
        return fail("Password must have symbol characters");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_failing_rule_is_reported() {
        let p = PasswordPolicy::default();
        let msg = |pw: &str| check(&p, pw).unwrap_err().message().to_string();
        assert_eq!(
            msg("Ab1!"),
            "Password did not conform with policy: Password not long enough"
        );
        assert_eq!(
            msg("password1!"),
            "Password did not conform with policy: Password must have uppercase characters"
        );
        assert_eq!(
            msg("PASSWORD1!"),
            "Password did not conform with policy: Password must have lowercase characters"
        );
        assert_eq!(
            msg("Password!!"),
            "Password did not conform with policy: Password must have numeric characters"
        );
        assert_eq!(
            msg("Password12"),
            "Password did not conform with policy: Password must have symbol characters"
        );
        assert!(check(&p, "Passw0rd!").is_ok());
        let lax = PasswordPolicy {
            minimum_length: 6,
            require_uppercase: false,
            require_lowercase: false,
            require_numbers: false,
            require_symbols: false,
            ..PasswordPolicy::default()
        };
        assert!(check(&lax, "aaaaaa").is_ok());
    }
}
