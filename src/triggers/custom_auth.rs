//! The custom-auth triggers: DefineAuthChallenge, CreateAuthChallenge and VerifyAuthChallengeResponse,
//! their events (the rounds so far as `session`) and their answers read back.

use serde_json::{Map, Value, json};

use super::events::{envelope, flag, string_pairs, text, unrecognizable};
use super::{Caller, ClientMetadata, Trigger, run, with_client_metadata};
use crate::app::Ctx;
use crate::err;
use crate::error::{CognitoError, Result};
use crate::store::pools::PoolRow;

/// One round of DefineAuthChallenge's session.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeResult {
    /// SRP_A, PASSWORD_VERIFIER, CUSTOM_CHALLENGE...
    pub challenge_name: String,
    /// Whether it was answered correctly.
    pub challenge_result: bool,
    /// CreateAuthChallenge's `challengeMetadata` (custom challenges).
    pub challenge_metadata: Option<String>,
}

/// What DefineAuthChallenge decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Issue tokens.
    IssueTokens,
    /// Fail the sign-in.
    Fail,
    /// Ask this challenge next.
    Challenge(String),
}

/// The facts of a custom-auth event.
pub struct CustomAuthEvent<'a> {
    /// The user's internal username (what was typed for an unknown user).
    pub user_name: &'a str,
    /// The client.
    pub client_id: &'a str,
    /// The user's attributes (`{}` for an unknown user).
    pub user_attributes: Value,
    /// True for an unknown user of a client that prevents user-existence errors.
    pub user_not_found: bool,
    /// The rounds so far.
    pub session: &'a [ChallengeResult],
    /// ClientMetadata of RespondToAuthChallenge (InitiateAuth passes none).
    pub client_metadata: Option<&'a ClientMetadata>,
}

fn custom_request(e: &CustomAuthEvent<'_>, extra: Map<String, Value>) -> Value {
    let mut request = Map::new();
    request.insert("userAttributes".into(), e.user_attributes.clone());
    request.insert("session".into(), json!(e.session));
    if e.user_not_found {
        request.insert("userNotFound".into(), json!(true));
    }
    request.extend(extra);
    with_client_metadata(Value::Object(request), e.client_metadata)
}

/// The error when a custom-auth step has no function.
fn not_configured(trigger: Trigger) -> CognitoError {
    if trigger == Trigger::DefineAuthChallenge {
        err!(
            InvalidParameterException,
            "Custom auth lambda trigger is not configured for the user pool."
        )
    } else {
        err!(
            UnexpectedLambdaException,
            "null invocation failed due to configuration."
        )
    }
}

/// DefineAuthChallenge.
pub fn define_auth_challenge(
    ctx: &Ctx,
    pool: &PoolRow,
    e: &CustomAuthEvent<'_>,
) -> Result<Decision> {
    let env = envelope(
        pool,
        Trigger::DefineAuthChallenge,
        "DefineAuthChallenge_Authentication",
        e.user_name,
        Caller::client(e.client_id),
    );
    let response = json!({"challengeName": null, "issueTokens": null, "failAuthentication": null});
    let read = |r: &Map<String, Value>| {
        if flag(r, "failAuthentication")? {
            return Ok(Decision::Fail);
        }
        if flag(r, "issueTokens")? {
            return Ok(Decision::IssueTokens);
        }
        match text(r, "challengeName")? {
            Some(name) => Ok(Decision::Challenge(name)),
            None => Err(unrecognizable()),
        }
    };
    run(ctx, &env, custom_request(e, Map::new()), response, read)?
        .ok_or_else(|| not_configured(Trigger::DefineAuthChallenge))
}

/// A challenge CreateAuthChallenge made.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct CreatedChallenge {
    /// Sent to the client as ChallengeParameters.
    pub public: Map<String, Value>,
    /// Kept for VerifyAuthChallengeResponse.
    pub private: Map<String, Value>,
    /// Recorded in the session for DefineAuthChallenge.
    pub metadata: Option<String>,
}

/// CreateAuthChallenge for `challenge_name`.
pub fn create_auth_challenge(
    ctx: &Ctx,
    pool: &PoolRow,
    e: &CustomAuthEvent<'_>,
    challenge_name: &str,
) -> Result<CreatedChallenge> {
    let env = envelope(
        pool,
        Trigger::CreateAuthChallenge,
        "CreateAuthChallenge_Authentication",
        e.user_name,
        Caller::client(e.client_id),
    );
    let mut extra = Map::new();
    extra.insert("challengeName".into(), json!(challenge_name));
    let response = json!({"publicChallengeParameters": null, "privateChallengeParameters": null, "challengeMetadata": null});
    let read = |r: &Map<String, Value>| {
        let map = |key: &str| -> Result<Map<String, Value>> {
            Ok(string_pairs(r, key)?
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect())
        };
        Ok(CreatedChallenge {
            public: map("publicChallengeParameters")?,
            private: map("privateChallengeParameters")?,
            metadata: text(r, "challengeMetadata")?,
        })
    };
    run(ctx, &env, custom_request(e, extra), response, read)?
        .ok_or_else(|| not_configured(Trigger::CreateAuthChallenge))
}

/// VerifyAuthChallengeResponse: whether `answer` is right.
pub fn verify_auth_challenge(
    ctx: &Ctx,
    pool: &PoolRow,
    e: &CustomAuthEvent<'_>,
    private: &Map<String, Value>,
    answer: &str,
) -> Result<bool> {
    let env = envelope(
        pool,
        Trigger::VerifyAuthChallengeResponse,
        "VerifyAuthChallengeResponse_Authentication",
        e.user_name,
        Caller::client(e.client_id),
    );
    let mut extra = Map::new();
    extra.insert(
        "privateChallengeParameters".into(),
        Value::Object(private.clone()),
    );
    extra.insert("challengeAnswer".into(), json!(answer));
    let response = json!({"answerCorrect": null});
    run(ctx, &env, custom_request(e, extra), response, |r| {
        flag(r, "answerCorrect")
    })?
    .ok_or_else(|| not_configured(Trigger::VerifyAuthChallengeResponse))
}
