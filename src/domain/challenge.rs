//! The names a sign-in speaks: `AuthFlow` values, `ChallengeName` values, and the first factors of
//! choice-based sign-in (USER_AUTH).

use serde::{Deserialize, Serialize};

use crate::domain::client::Flow;

macro_rules! names {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $s:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $s)] $variant,)*
        }

        impl $name {
            /// The name as AWS spells it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $s,)*
                }
            }

            /// The value AWS spells `s`.
            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($s => Some($name::$variant),)*
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

names! {
    /// `AuthFlowType`: how InitiateAuth / AdminInitiateAuth start.
    AuthFlow {
        /// USER_SRP_AUTH.
        UserSrp = "USER_SRP_AUTH",
        /// REFRESH_TOKEN_AUTH.
        RefreshTokenAuth = "REFRESH_TOKEN_AUTH",
        /// REFRESH_TOKEN (legacy spelling).
        RefreshToken = "REFRESH_TOKEN",
        /// CUSTOM_AUTH.
        Custom = "CUSTOM_AUTH",
        /// ADMIN_NO_SRP_AUTH (legacy spelling of ADMIN_USER_PASSWORD_AUTH).
        AdminNoSrp = "ADMIN_NO_SRP_AUTH",
        /// USER_PASSWORD_AUTH.
        UserPassword = "USER_PASSWORD_AUTH",
        /// ADMIN_USER_PASSWORD_AUTH.
        AdminUserPassword = "ADMIN_USER_PASSWORD_AUTH",
        /// USER_AUTH (choice-based).
        UserAuth = "USER_AUTH",
    }
}

impl AuthFlow {
    /// The client setting (`ExplicitAuthFlows`) that allows this flow.
    pub fn client_flow(self) -> Flow {
        match self {
            AuthFlow::UserSrp => Flow::UserSrp,
            AuthFlow::RefreshTokenAuth | AuthFlow::RefreshToken => Flow::RefreshToken,
            AuthFlow::Custom => Flow::Custom,
            AuthFlow::AdminNoSrp | AuthFlow::AdminUserPassword => Flow::AdminUserPassword,
            AuthFlow::UserPassword => Flow::UserPassword,
            AuthFlow::UserAuth => Flow::UserAuth,
        }
    }
}

names! {
    /// `ChallengeNameType`: the step a sign-in asks for next.
    ChallengeName {
        /// SRP proof of the password.
        PasswordVerifier = "PASSWORD_VERIFIER",
        /// A temporary password must be replaced.
        NewPasswordRequired = "NEW_PASSWORD_REQUIRED",
        /// A remembered device starts its SRP proof.
        DeviceSrpAuth = "DEVICE_SRP_AUTH",
        /// SRP proof of the device secret.
        DevicePasswordVerifier = "DEVICE_PASSWORD_VERIFIER",
        /// An SMS MFA code.
        SmsMfa = "SMS_MFA",
        /// An authenticator-app code.
        SoftwareTokenMfa = "SOFTWARE_TOKEN_MFA",
        /// An email code (MFA, or a passwordless first factor).
        EmailOtp = "EMAIL_OTP",
        /// An SMS code as a passwordless first factor.
        SmsOtp = "SMS_OTP",
        /// The user picks an MFA factor.
        SelectMfaType = "SELECT_MFA_TYPE",
        /// The user sets up an MFA factor.
        MfaSetup = "MFA_SETUP",
        /// USER_AUTH: the user picks a first factor.
        SelectChallenge = "SELECT_CHALLENGE",
        /// A challenge of the pool's custom-auth triggers.
        CustomChallenge = "CUSTOM_CHALLENGE",
        /// A passkey assertion.
        WebAuthn = "WEB_AUTHN",
        /// USER_AUTH's password factor.
        Password = "PASSWORD",
        /// USER_AUTH's SRP password factor.
        PasswordSrp = "PASSWORD_SRP",
        /// Legacy name in the model's enum (never asked for).
        AdminNoSrpAuth = "ADMIN_NO_SRP_AUTH",
    }
}

impl ChallengeName {
    /// The ChallengeResponses member carrying the code of a code challenge.
    pub fn code_field(self) -> Option<&'static str> {
        match self {
            ChallengeName::SmsMfa => Some("SMS_MFA_CODE"),
            ChallengeName::SmsOtp => Some("SMS_OTP_CODE"),
            ChallengeName::SoftwareTokenMfa => Some("SOFTWARE_TOKEN_MFA_CODE"),
            ChallengeName::EmailOtp => Some("EMAIL_OTP_CODE"),
            _ => None,
        }
    }
}

names! {
    /// A first factor of choice-based sign-in (`AllowedFirstAuthFactors`, `PREFERRED_CHALLENGE`,
    /// SELECT_CHALLENGE's `ANSWER`).
    FirstFactor {
        /// A password sent as is.
        Password = "PASSWORD",
        /// A password proven with SRP.
        PasswordSrp = "PASSWORD_SRP",
        /// A code by email.
        EmailOtp = "EMAIL_OTP",
        /// A code by SMS.
        SmsOtp = "SMS_OTP",
        /// A passkey.
        WebAuthn = "WEB_AUTHN",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_as_aws_spells_them() {
        for name in [
            "PASSWORD_VERIFIER",
            "SMS_MFA",
            "SELECT_CHALLENGE",
            "CUSTOM_CHALLENGE",
        ] {
            assert_eq!(ChallengeName::parse(name).unwrap().as_str(), name);
            let json = serde_json::to_string(&ChallengeName::parse(name).unwrap()).unwrap();
            assert_eq!(json, format!("\"{name}\""));
        }
        assert_eq!(
            AuthFlow::parse("REFRESH_TOKEN"),
            Some(AuthFlow::RefreshToken)
        );
        assert_eq!(AuthFlow::parse("NOPE"), None);
        assert_eq!(
            FirstFactor::parse("PASSWORD_SRP"),
            Some(FirstFactor::PasswordSrp)
        );
    }
}
