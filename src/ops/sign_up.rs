//! SignUp: a new UNCONFIRMED user, checked against the pool's schema, username rules and password
//! policy, then the pool's PreSignUp trigger (which may refuse, auto-confirm or auto-verify); a
//! confirmation code goes to the auto-verified channel through the outbox.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::accounts::{self, NewAccount, NewPassword};
use crate::app::Ctx;
use crate::auth::history::{self, EventType};
use crate::auth::Caller;
use crate::auth::checks::{Wording, check_secret_hash};
use crate::auth::session::{self, State, Step};
use crate::codes::{self, Purpose};
use crate::domain::attributes::{self, AttributeType, Writer};
use crate::domain::client::Flow;
use crate::domain::usernames::{self, Creator};
use crate::domain::{UserStatus, ids, password_policy};
use crate::err;
use crate::error::{CognitoError, Result};
use crate::mail::Kind;
use crate::ops::load;
use crate::store::users;
use crate::triggers::events::{self, PreSignUp, PreSignUpEvent};
use crate::triggers::{self, Caller as TriggerCaller, Trigger};

/// SignUpRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    client_id: String,
    secret_hash: Option<String>,
    username: String,
    password: Option<String>,
    user_attributes: Option<Vec<AttributeType>>,
    validation_data: Option<Vec<AttributeType>>,
    client_metadata: Option<HashMap<String, String>>,
}

/// Signs the user up.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, pool) = load::client(ctx, &req.client_id)?;
    if pool
        .config
        .admin_create_user_config
        .allow_admin_create_user_only
    {
        return Err(err!(
            NotAuthorizedException,
            "SignUp is not permitted for this user pool"
        ));
    }
    check_secret_hash(&client, req.secret_hash.as_deref(), &[&req.username], Wording::Member)?;
    let Some(password) = req.password.as_deref() else {
        return Err(err!(
            InvalidParameterException,
            "1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null"
        ));
    };

    let sub = ids::uuid();
    let plan = usernames::plan(&pool.config, &req.username, &sub, Creator::SignUp)?;
    let requested = attributes::pairs(req.user_attributes.as_ref());
    attributes::check_new(&pool.config, Writer::Client(&client.config), &requested)?;
    let mut attrs = accounts::initial_attributes(&sub, requested, &plan);
    attributes::check_required(&pool.config, &attrs)?;
    password_policy::check(&pool.config.policies.password_policy, password)?;

    let username_key = pool.config.lookup_key(&plan.username);
    let taken = ctx.app.store.read(|c| {
        if users::by_username(c, &pool.id, &username_key)?.is_some() {
            return Ok(true);
        }
        match &plan.fills {
            Some((attr, value)) => {
                Ok(
                    users::alias_owner(c, &pool.id, attr, &pool.config.lookup_key(value))?
                        .is_some(),
                )
            }
            None => Ok(false),
        }
    })?;
    if taken {
        return Err(CognitoError::UsernameExistsException(plan.taken_message));
    }

    // PreSignUp may refuse (nothing is written then), auto-confirm or auto-verify.
    let decided = if triggers::configured(&pool, Trigger::PreSignUp) {
        let validation = attributes::as_map(req.validation_data.as_ref());
        let event = PreSignUpEvent {
            source: "PreSignUp_SignUp",
            user_name: &plan.username,
            caller: TriggerCaller::client(&client.id),
            attributes: triggers::plain_attributes(&attrs),
            validation_data: validation.as_ref(),
            client_metadata: req.client_metadata.as_ref(),
        };
        events::pre_sign_up(ctx, &pool, event)?
    } else {
        PreSignUp::default()
    };
    for (wanted, attr) in [
        (decided.auto_verify_email, "email"),
        (decided.auto_verify_phone, "phone_number"),
    ] {
        if !wanted {
            continue;
        }
        if attributes::get(&attrs, attr).is_none() {
            return Err(err!(
                InvalidParameterException,
                "PreSignUp asked to verify {attr}, but the user has no {attr}."
            ));
        }
        attributes::set(&mut attrs, &format!("{attr}_verified"), "true");
    }
    let status = if decided.auto_confirm {
        UserStatus::Confirmed
    } else {
        UserStatus::Unconfirmed
    };

    // The slow parts, outside any database lock.
    let new = NewPassword::compute(ctx, &pool.id, &plan.username, password)?;
    let delivery = codes::sign_up_delivery(&pool, &attrs).filter(|_| !decided.auto_confirm);
    let message = match delivery {
        Some(d) => {
            let context = codes::Context::new(TriggerCaller::client(&client.id), req.client_metadata.as_ref())
                .with_attributes(&attrs, status);
            Some(codes::prepare_code(ctx, &pool, &plan.username, Kind::SignUp, d, context)?)
        }
        None => None,
    };
    let now = ctx.now();
    let pk = ctx.app.store.write(|c| {
        let account = NewAccount {
            pool: &pool,
            plan: &plan,
            sub: &sub,
            attributes: &attrs,
            status,
            enabled: true,
            password: Some(new.parts()),
            force_alias_creation: decided.auto_verify_email || decided.auto_verify_phone,
        };
        let pk = accounts::insert(c, &account, now)?;
        if let Some(m) = &message {
            codes::store_and_queue(c, m, pk, Purpose::SignUp, None, now)?;
        }
        Ok(pk)
    })?;
    if let Some(m) = &message {
        codes::sent(ctx, std::slice::from_ref(m));
    }
    if decided.auto_confirm && triggers::configured(&pool, Trigger::PostConfirmation) {
        // The user stays confirmed if PostConfirmation fails; the caller gets its error.
        let user = accounts::reload(ctx, pk)?;
        events::post_confirmation(
            ctx,
            &pool,
            "PostConfirmation_ConfirmSignUp",
            &user.username,
            triggers::user_attributes(&pool, &user),
            TriggerCaller::client(&client.id),
            req.client_metadata.as_ref(),
        )?;
    }
    // Clients allowed choice-based sign-in get a Session: ConfirmSignUp exchanges it for a sign-in
    // (an auto-confirmed user signs in with it at once).
    let session = if client.config.allows(Flow::UserAuth) {
        let (step, kind) = if decided.auto_confirm {
            (Step::Confirmed, session::Kind::SignInAfterConfirmation)
        } else {
            (Step::SignedUp, session::Kind::ConfirmSignUp)
        };
        let state = State {
            username: plan.username.clone(),
            typed: req.username.clone(),
            caller: Caller::Client,
            device_key: None,
            step,
            hosted: None,
        };
        Some(
            session::create_for(ctx, &client, Some(pk), kind, &state, codes::SIGN_UP_CODE_TTL)?
                .session(),
        )
    } else {
        None
    };
    history::record(ctx, &pool, pk, EventType::SignUp, true, &[]);
    Ok(json!({
        "UserConfirmed": decided.auto_confirm,
        "CodeDeliveryDetails": message.map(|m| m.delivery().details()),
        "UserSub": sub,
        "Session": session,
    }))
}
