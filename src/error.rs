//! `CognitoError`: one variant per error code AWS sends, named exactly as AWS names it.
//!
//! The wire shape (as AWS SDKs parse it: `__type`, then `x-amzn-ErrorType`) is HTTP 400 for client errors and 500 for service faults, a body
//! `{"__type": "<Name>", "message": "<text>"}` and the header `x-amzn-ErrorType: <Name>:`.

macro_rules! cognito_errors {
    ($( $(#[doc = $doc:literal])* $name:ident => $status:literal ),* $(,)?) => {
        /// An error answered to the client, with AWS's error code and a human message.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum CognitoError {
            $( $(#[doc = $doc])* $name(String), )*
        }

        impl CognitoError {
            /// The bare error code sent as `__type` and `x-amzn-ErrorType`.
            pub fn name(&self) -> &'static str {
                match self { $( CognitoError::$name(_) => stringify!($name), )* }
            }

            /// The HTTP status: 400 for client errors, 500 for service faults.
            pub fn status(&self) -> u16 {
                match self { $( CognitoError::$name(_) => $status, )* }
            }

            /// The message sent as `message`.
            pub fn message(&self) -> &str {
                match self { $( CognitoError::$name(m) => m, )* }
            }
        }
    };
}

cognito_errors! {
    /// The caller lacks permission (IAM-style denial).
    AccessDeniedException => 400,
    /// An alias (email, phone, preferred_username) is already used by another account.
    AliasExistsException => 400,
    /// A code could not be delivered.
    CodeDeliveryFailureException => 400,
    /// The confirmation or verification code does not match.
    CodeMismatchException => 400,
    /// Two writes raced on the same resource.
    ConcurrentModificationException => 400,
    /// The device key is already registered.
    DeviceKeyExistsException => 400,
    /// An identity provider with that name already exists.
    DuplicateProviderException => 400,
    /// The TOTP code given while enabling software-token MFA is wrong.
    EnableSoftwareTokenMFAException => 400,
    /// The code has expired or was already used.
    ExpiredCodeException => 400,
    /// The feature needs a higher pool tier.
    FeatureUnavailableInTierException => 400,
    /// Blocked by a WAF rule (never raised locally).
    ForbiddenException => 400,
    /// A group with that name already exists.
    GroupExistsException => 400,
    /// An internal fault of the service; the cause is logged.
    InternalErrorException => 500,
    /// An internal fault of the service (newer operations).
    InternalServerException => 500,
    /// The pool's email role is not usable.
    InvalidEmailRoleAccessPolicyException => 400,
    /// A Lambda trigger returned something unusable.
    InvalidLambdaResponseException => 400,
    /// An OAuth flow setting is invalid.
    InvalidOAuthFlowException => 400,
    /// A parameter is missing, malformed or outside the model's constraints.
    InvalidParameterException => 400,
    /// The password does not satisfy the pool's policy.
    InvalidPasswordException => 400,
    /// The pool's SMS role is not usable.
    InvalidSmsRoleAccessPolicyException => 400,
    /// The pool's SMS role trust relationship is wrong.
    InvalidSmsRoleTrustRelationshipException => 400,
    /// The pool configuration does not allow the request.
    InvalidUserPoolConfigurationException => 400,
    /// A rate or resource limit was exceeded.
    LimitExceededException => 400,
    /// The MFA method is not set up for the user.
    MFAMethodNotFoundException => 400,
    /// Managed login branding already exists for the client.
    ManagedLoginBrandingExistsException => 400,
    /// The caller is not allowed to do this (bad credentials, tokens, secrets, states).
    NotAuthorizedException => 400,
    /// The operation is not enabled for the account.
    OperationNotEnabledException => 400,
    /// The new password was used recently.
    PasswordHistoryPolicyViolationException => 400,
    /// The user must reset the password before signing in.
    PasswordResetRequiredException => 400,
    /// A precondition of the operation does not hold.
    PreconditionNotMetException => 400,
    /// A rotated refresh token was used again.
    RefreshTokenReuseException => 400,
    /// The pool, client or other resource does not exist.
    ResourceNotFoundException => 400,
    /// An OAuth scope does not exist.
    ScopeDoesNotExistException => 400,
    /// A service quota was exceeded.
    ServiceQuotaExceededException => 400,
    /// The user has no software token.
    SoftwareTokenMFANotFoundException => 400,
    /// Terms with that name already exist.
    TermsExistsException => 400,
    /// The pool tier cannot be changed that way.
    TierChangeNotAllowedException => 400,
    /// Too many failed attempts with a code.
    TooManyFailedAttemptsException => 400,
    /// Request throttled.
    TooManyRequestsException => 400,
    /// The request is not authorized (newer operations).
    UnauthorizedException => 400,
    /// A Lambda trigger failed unexpectedly.
    UnexpectedLambdaException => 400,
    /// The identity provider is not supported.
    UnsupportedIdentityProviderException => 400,
    /// The operation or option is not supported (also used for operations the emulator lacks).
    UnsupportedOperationException => 400,
    /// The token type is not supported by the operation.
    UnsupportedTokenTypeException => 400,
    /// The user's state does not allow the operation.
    UnsupportedUserStateException => 400,
    /// A user import job is running.
    UserImportInProgressException => 400,
    /// A Lambda trigger rejected the request.
    UserLambdaValidationException => 400,
    /// The user has not confirmed the account.
    UserNotConfirmedException => 400,
    /// The user does not exist.
    UserNotFoundException => 400,
    /// The pool add-on (threat protection) is not enabled.
    UserPoolAddOnNotEnabledException => 400,
    /// Tagging the pool failed.
    UserPoolTaggingException => 400,
    /// The username (or the email/phone used as username) is taken.
    UsernameExistsException => 400,
    /// No WebAuthn challenge is pending.
    WebAuthnChallengeNotFoundException => 400,
    /// The WebAuthn credential belongs to another client.
    WebAuthnClientMismatchException => 400,
    /// WebAuthn is not configured.
    WebAuthnConfigurationMissingException => 400,
    /// The WebAuthn credential type is not supported.
    WebAuthnCredentialNotSupportedException => 400,
    /// WebAuthn is not enabled.
    WebAuthnNotEnabledException => 400,
    /// The WebAuthn origin is not allowed.
    WebAuthnOriginNotAllowedException => 400,
    /// The WebAuthn relying party does not match.
    WebAuthnRelyingPartyMismatchException => 400,
    /// The body is not JSON, or a member has the wrong JSON type (protocol level, not in the model).
    SerializationException => 400,
    /// `X-Amz-Target` is missing or names no operation of the service (protocol level).
    UnknownOperationException => 400,
    /// The request body is larger than the emulator accepts (protocol level).
    RequestEntityTooLargeException => 413,
    /// `--require-sigv4`: an IAM-authorized operation without a signature (AWS's front end).
    MissingAuthenticationTokenException => 403,
    /// `--require-sigv4`: an Authorization header that is not a complete SigV4 one.
    IncompleteSignatureException => 400,
    /// `--require-sigv4`: the signature's access key is not one of `--sigv4-credentials`.
    UnrecognizedClientException => 400,
    /// `--require-sigv4`: the signature does not match, or is for another service or time.
    InvalidSignatureException => 400,
}

impl CognitoError {
    /// An internal fault: logs the cause, answers AWS's generic message.
    pub fn internal(cause: impl std::fmt::Display) -> CognitoError {
        tracing::error!(cause = %cause, "internal error");
        CognitoError::InternalErrorException("Internal server error.".into())
    }
}

impl std::fmt::Display for CognitoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.name(), self.message())
    }
}

impl std::error::Error for CognitoError {}

impl From<rusqlite::Error> for CognitoError {
    fn from(e: rusqlite::Error) -> Self {
        // A write refers to a row deleted after the request read it (a pool, client, user or group
        // deleted by a concurrent request): the thing is not found, which is no fault of the service.
        // The write paths that can race name what is missing (`store::referenced`); this is the rest.
        if matches!(&e, rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY)
        {
            tracing::debug!(error = %e, "write refers to a row deleted meanwhile");
            return CognitoError::ResourceNotFoundException(
                "The resource this request refers to was deleted while the request ran.".into(),
            );
        }
        CognitoError::internal(format_args!("sqlite: {e}"))
    }
}

impl From<serde_json::Error> for CognitoError {
    fn from(e: serde_json::Error) -> Self {
        CognitoError::internal(format_args!("json: {e}"))
    }
}

/// How many characters of a client's value an error message quotes.
pub const QUOTE_CHARS: usize = 128;

/// `value` as error messages quote it: whole when short, else its first [`QUOTE_CHARS`] characters and
/// `...` (a 70,000-character name must not come back as a 70 KB message and header).
pub fn quoted(value: &str) -> std::borrow::Cow<'_, str> {
    shortened(value, QUOTE_CHARS)
}

/// `text` cut to its first `max` characters followed by `...` when longer.
pub fn shortened(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(text),
        Some((end, _)) => std::borrow::Cow::Owned(format!("{}...", &text[..end])),
    }
}

/// Builds a `CognitoError` variant from a format string: `err!(NotAuthorizedException, "User {} ...", u)`.
#[macro_export]
macro_rules! err {
    ($kind:ident, $($fmt:tt)+) => {
        $crate::error::CognitoError::$kind(format!($($fmt)+))
    };
}

/// Shorthand for results of handlers.
pub type Result<T, E = CognitoError> = std::result::Result<T, E>;
