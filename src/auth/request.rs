//! An InitiateAuth / AdminInitiateAuth request as the first step of every flow sees it, with the
//! triggers that run at that step (PreAuthentication, UserMigration get the call's ClientMetadata as
//! `validationData`).

use crate::app::Ctx;
use crate::auth::checks::{self, Wording};
use crate::auth::flow::Attempt;
use crate::auth::tokens::Grant;
use crate::auth::{Caller, Params};
use crate::error::Result;
use crate::store::clients::ClientRow;
use crate::store::pools::PoolRow;
use crate::store::users::UserRow;
use crate::triggers::{self, ClientMetadata, Trigger, events};

/// One InitiateAuth / AdminInitiateAuth call.
pub struct InitiateRequest<'a> {
    /// The request.
    pub ctx: &'a Ctx,
    /// The pool.
    pub pool: &'a PoolRow,
    /// The app client.
    pub client: &'a ClientRow,
    /// AuthParameters.
    pub params: &'a Params,
    /// Session (USER_AUTH after ConfirmSignUp).
    pub session: Option<&'a str>,
    /// Who calls.
    pub caller: Caller,
    /// ClientMetadata.
    pub client_metadata: Option<&'a ClientMetadata>,
    /// The OAuth grant when the hosted pages sign the user in (`None` for the API).
    pub hosted: Option<&'a Grant>,
}

impl<'a> InitiateRequest<'a> {
    /// An AuthParameters entry.
    pub fn param(&self, name: &str) -> Option<&'a str> {
        self.params.get(name).map(String::as_str)
    }

    /// The user `username` names, with the request's SECRET_HASH checked (see [`checks::identify`]).
    pub fn identify(&self, username: &str) -> Result<Option<UserRow>> {
        checks::identify(
            self.ctx,
            self.pool,
            self.client,
            username,
            self.param("SECRET_HASH"),
            Wording::AuthParameters,
        )
    }

    /// The sign-in of `user`, who was named `typed`.
    pub fn attempt(&self, user: UserRow, typed: &str) -> Attempt<'a> {
        Attempt::new(
            self.ctx,
            self.pool,
            self.client,
            user,
            typed,
            self.caller,
            self.params.get("DEVICE_KEY").cloned(),
        )
        .hosted(self.hosted.cloned())
    }

    /// PreAuthentication for `user` (`None`: an unknown user the client hides), before any password is
    /// checked.
    pub fn pre_authentication(&self, user: Option<&UserRow>, typed: &str) -> Result<()> {
        if !triggers::configured(self.pool, Trigger::PreAuthentication) {
            return Ok(());
        }
        let (name, attrs) = match user {
            Some(u) => (
                u.username.as_str(),
                Some(triggers::user_attributes(self.pool, u)),
            ),
            None => (typed, None),
        };
        events::pre_authentication(
            self.ctx,
            self.pool,
            &self.client.id,
            name,
            attrs,
            self.client_metadata,
        )
    }
}
