//! CUSTOM_AUTH: the pool's DefineAuthChallenge decides each round from the rounds so far;
//! CreateAuthChallenge makes a CUSTOM_CHALLENGE, VerifyAuthChallengeResponse checks its answer. A loop
//! may start with SRP (`CHALLENGE_NAME=SRP_A`, as amazon-cognito-identity-js and Amplify do), in which
//! case DefineAuthChallenge can ask for PASSWORD_VERIFIER before its own challenges.

use std::collections::HashMap;

use serde_json::json;

use crate::app::Ctx;
use crate::auth::checks::{incorrect, unknown_user};
use crate::auth::flow::Attempt;
use crate::auth::request::InitiateRequest;
use crate::auth::session::{self, CustomState, State, Step};
use crate::auth::{Caller, Outcome, Params, required, srp_challenge};
use crate::domain::UserStatus;
use crate::domain::challenge::ChallengeName;
use crate::err;
use crate::error::Result;
use crate::store::clients::ClientRow;
use crate::store::pools::PoolRow;
use crate::triggers::custom_auth::{self, ChallengeResult, CustomAuthEvent, Decision};
use crate::triggers::{self, ClientMetadata, Trigger};

/// Rounds after which a loop that never ends is failed.
const MAX_ROUNDS: usize = 50;

/// An unknown user a client hides (PreventUserExistenceErrors): the triggers see `userNotFound`.
pub struct UnknownUser<'a> {
    /// The request.
    pub ctx: &'a Ctx,
    /// The pool.
    pub pool: &'a PoolRow,
    /// The app client.
    pub client: &'a ClientRow,
    /// The name typed.
    pub typed: String,
    /// Who calls.
    pub caller: Caller,
}

/// Who the loop is about.
pub enum Subject<'a> {
    /// A user of the pool.
    User(Box<Attempt<'a>>),
    /// A name no user has.
    Unknown(UnknownUser<'a>),
}

impl Subject<'_> {
    fn event<'e>(
        &'e self,
        rounds: &'e [ChallengeResult],
        metadata: Option<&'e ClientMetadata>,
    ) -> CustomAuthEvent<'e> {
        match self {
            Subject::User(a) => CustomAuthEvent {
                user_name: &a.user.username,
                client_id: &a.client.id,
                user_attributes: triggers::user_attributes(a.pool, &a.user),
                user_not_found: false,
                session: rounds,
                client_metadata: metadata,
            },
            Subject::Unknown(u) => CustomAuthEvent {
                user_name: &u.typed,
                client_id: &u.client.id,
                user_attributes: json!({}),
                user_not_found: true,
                session: rounds,
                client_metadata: metadata,
            },
        }
    }

    fn parts(&self) -> (&Ctx, &PoolRow, &ClientRow) {
        match self {
            Subject::User(a) => (a.ctx, a.pool, a.client),
            Subject::Unknown(u) => (u.ctx, u.pool, u.client),
        }
    }
}

/// InitiateAuth / AdminInitiateAuth CUSTOM_AUTH.
pub fn start(req: &InitiateRequest<'_>) -> Result<Outcome> {
    let (ctx, pool, client) = (req.ctx, req.pool, req.client);
    let username = required(req.params, "USERNAME")?;
    let found = req.identify(username)?;
    if !triggers::configured(pool, Trigger::DefineAuthChallenge) {
        return Err(err!(
            InvalidParameterException,
            "Custom auth lambda trigger is not configured for the user pool."
        ));
    }
    let subject = match found {
        Some(user) => {
            if user.status == UserStatus::Unconfirmed {
                return Err(err!(UserNotConfirmedException, "User is not confirmed."));
            }
            req.pre_authentication(Some(&user), username)?;
            Subject::User(Box::new(req.attempt(user, username)))
        }
        None if client.config.prevents_user_existence_errors() => {
            req.pre_authentication(None, username)?;
            Subject::Unknown(UnknownUser {
                ctx,
                pool,
                client,
                typed: username.to_string(),
                caller: req.caller,
            })
        }
        None => return Err(unknown_user(client)),
    };
    let mut state = CustomState::default();
    if req.param("CHALLENGE_NAME") == Some("SRP_A") {
        state.rounds.push(ChallengeResult {
            challenge_name: "SRP_A".into(),
            challenge_result: true,
            challenge_metadata: None,
        });
        state.srp_a = req.param("SRP_A").map(str::to_string);
    }
    state.user_not_found = matches!(subject, Subject::Unknown(_));
    next(subject, state, None)
}

/// RespondToAuthChallenge CUSTOM_CHALLENGE: VerifyAuthChallengeResponse checks ANSWER, the round is
/// recorded, and DefineAuthChallenge decides again.
pub fn answer(
    subject: Subject<'_>,
    mut state: CustomState,
    responses: &Params,
    metadata: Option<&ClientMetadata>,
) -> Result<Outcome> {
    let answer = required(responses, "ANSWER")?;
    let (ctx, pool, _) = subject.parts();
    let correct = {
        let event = subject.event(&state.rounds, metadata);
        custom_auth::verify_auth_challenge(ctx, pool, &event, &state.private, answer)?
    };
    state.rounds.push(ChallengeResult {
        challenge_name: state
            .challenge
            .clone()
            .unwrap_or_else(|| "CUSTOM_CHALLENGE".into()),
        challenge_result: correct,
        challenge_metadata: state.metadata.clone(),
    });
    next(subject, state, metadata)
}

/// After a correct PASSWORD_VERIFIER inside the loop.
pub fn after_password(attempt: Attempt<'_>, mut state: CustomState) -> Result<Outcome> {
    state.rounds.push(ChallengeResult {
        challenge_name: "PASSWORD_VERIFIER".into(),
        challenge_result: true,
        challenge_metadata: None,
    });
    let metadata = attempt.client_metadata.clone();
    next(Subject::User(Box::new(attempt)), state, metadata.as_ref())
}

/// Asks DefineAuthChallenge what comes next, and does it.
fn next(
    subject: Subject<'_>,
    mut state: CustomState,
    metadata: Option<&ClientMetadata>,
) -> Result<Outcome> {
    if state.rounds.len() > MAX_ROUNDS {
        return Err(incorrect());
    }
    let (ctx, pool, client) = subject.parts();
    let decision = {
        let event = subject.event(&state.rounds, metadata);
        custom_auth::define_auth_challenge(ctx, pool, &event)?
    };
    match decision {
        Decision::Fail => Err(incorrect()),
        Decision::IssueTokens => match subject {
            Subject::User(attempt) => {
                crate::auth::checks::check_can_sign_in(&attempt.user)?;
                attempt.finish()
            }
            Subject::Unknown(_) => Err(incorrect()),
        },
        Decision::Challenge(name) if name == "PASSWORD_VERIFIER" => {
            let Subject::User(mut attempt) = subject else {
                return Err(incorrect());
            };
            let a_hex = state.srp_a.clone().ok_or_else(|| {
                err!(
                    InvalidParameterException,
                    "Missing required parameter SRP_A"
                )
            })?;
            let a = srp_challenge::parse_a(&a_hex)?;
            attempt.custom = Some(state);
            srp_challenge::password_verifier(*attempt, &a)
        }
        Decision::Challenge(name) if name == "CUSTOM_CHALLENGE" => {
            let created = {
                let event = subject.event(&state.rounds, metadata);
                custom_auth::create_auth_challenge(ctx, pool, &event, &name)?
            };
            state.challenge = Some(name);
            state.private = created.private;
            state.metadata = created.metadata;
            let mut parameters: HashMap<String, String> = created
                .public
                .into_iter()
                .map(|(k, v)| {
                    (
                        k,
                        v.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| v.to_string()),
                    )
                })
                .collect();
            let (user_pk, username, typed, caller, device_key) = match &subject {
                Subject::User(a) => (
                    Some(a.user.pk),
                    a.user.username.clone(),
                    a.typed.clone(),
                    a.caller,
                    a.device_key.clone(),
                ),
                Subject::Unknown(u) => (None, u.typed.clone(), u.typed.clone(), u.caller, None),
            };
            parameters.insert("USERNAME".into(), username.clone());
            let st = State {
                username,
                typed,
                caller,
                device_key,
                step: Step::Custom(state),
                hosted: None,
            };
            let handle =
                session::create(ctx, client, user_pk, ChallengeName::CustomChallenge, &st)?;
            Ok(Outcome::Challenge {
                name: ChallengeName::CustomChallenge,
                session: handle.session(),
                parameters,
            })
        }
        Decision::Challenge(_) => Err(err!(
            InvalidLambdaResponseException,
            "Unrecognizable lambda output"
        )),
    }
}
