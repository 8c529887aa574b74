//! SAML 2.0 for user pools: the IdP's metadata, the pool's requests (HTTP-Redirect) and signing key,
//! and the checks on the IdP's responses (HTTP-POST to `/saml2/idpresponse`). Pure Rust: roxmltree,
//! exclusive C14N (`crypto::xml_c14n`), RSA from AWS-LC.

pub mod dsig;
pub mod metadata;
pub mod request;
pub mod signing;
pub mod time;
pub mod verify;

/// Why a SAML message was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SamlError {
    /// Over 100,000 characters.
    TooLarge,
    /// The form value is not base64.
    NotBase64,
    /// Not well-formed XML, a DTD, a missing ID...
    Malformed(String),
    /// The root is not the expected message.
    NotAResponse,
    /// Two elements share an ID (signature wrapping).
    DuplicateId(String),
    /// `Destination` is not our ACS.
    Destination(String),
    /// A StatusCode other than Success.
    Status(String),
    /// Not exactly one Assertion.
    AssertionCount(usize),
    /// An EncryptedAssertion (not supported).
    EncryptedAssertion,
    /// Neither the Response nor the Assertion is signed.
    Unsigned,
    /// The signature's structure or algorithms are not acceptable.
    BadSignature(String),
    /// The signed content changed.
    DigestMismatch,
    /// No metadata certificate verifies the signature.
    SignatureInvalid,
    /// The Response's own signature failed (digest or key).
    ResponseSignatureInvalid,
    /// Not the IdP's entity id.
    Issuer(String),
    /// No NameID.
    NoSubject,
    /// No bearer confirmation for our ACS.
    Recipient(String),
    /// Not the request we sent (or one for IdP-initiated sign-in).
    InResponseTo(String),
    /// Before NotBefore.
    NotYetValid,
    /// At or after NotOnOrAfter.
    Expired,
    /// IdP-initiated assertion older than 6 minutes.
    TooOld,
    /// The AudienceRestriction does not name the pool.
    Audience,
    /// The Response or Assertion was used before.
    Replay,
}

impl SamlError {
    /// A failure of the Response's own signature (AWS names the Response in its text).
    pub fn on_response(self) -> SamlError {
        match self {
            SamlError::DigestMismatch | SamlError::SignatureInvalid => {
                SamlError::ResponseSignatureInvalid
            }
            other => other,
        }
    }

    /// The `error_description` the app receives: `Invalid SAML response received: <reason>` (AWS's
    /// texts for the two signature failures; the others in the same style).
    pub fn description(&self) -> String {
        let reason = match self {
            SamlError::ResponseSignatureInvalid => "SAML Response signature is invalid".into(),
            SamlError::DigestMismatch | SamlError::SignatureInvalid => {
                "SAML Assertion signature is invalid.".into()
            }
            SamlError::BadSignature(why) => format!("SAML signature is not acceptable ({why})."),
            SamlError::Unsigned => "The SAML response or assertion must be signed.".into(),
            SamlError::TooLarge => "The SAML response is longer than 100000 characters.".into(),
            SamlError::NotBase64 | SamlError::Malformed(_) | SamlError::NotAResponse => {
                "The SAML response could not be parsed.".into()
            }
            SamlError::DuplicateId(id) => format!("Duplicate ID {id} in the SAML response."),
            SamlError::Destination(d) => format!("Invalid destination {d}."),
            SamlError::Status(s) => format!("The IdP answered with status {s}."),
            SamlError::AssertionCount(n) => {
                format!("Expected exactly one assertion, found {n}.")
            }
            SamlError::EncryptedAssertion => {
                "Encrypted assertions are not supported by cognito-emulator.".into()
            }
            SamlError::Issuer(i) => format!("Invalid issuer {i}."),
            SamlError::NoSubject => "The assertion has no NameID.".into(),
            SamlError::Recipient(r) => format!("Invalid recipient {r}."),
            SamlError::InResponseTo(v) => format!("Invalid InResponseTo {v}."),
            SamlError::NotYetValid => "The assertion is not yet valid.".into(),
            SamlError::Expired => "The assertion has expired.".into(),
            SamlError::TooOld => {
                "IdP-initiated assertions must have been issued within the previous 6 minutes."
                    .into()
            }
            SamlError::Audience => "Audience restriction does not match the user pool.".into(),
            SamlError::Replay => "The SAML response has already been used.".into(),
        };
        format!("Invalid SAML response received: {reason}")
    }
}

impl std::fmt::Display for SamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

impl std::error::Error for SamlError {}
