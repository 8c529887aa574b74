//! How a refused step of the hosted pages ends, shared by the sign-in, MFA set-up and account pages:
//! unconfirmed users go on to `/confirm` with a new code, failures after the credentials were accepted
//! go to the client, everything else back to the sign-in form. Also the SECRET_HASH the pages compute.

use hyper::Response;
use serde_json::json;

use crate::crypto::secret_hash;
use crate::error::CognitoError;
use crate::http::Body;
use crate::oauth::Hosted;
use crate::oauth::pages::{self, Notice};
use crate::oauth::request::AuthRequest;
use crate::{html, ops};

/// SECRET_HASH for a client with a secret: the hosted pages know the secret.
pub fn secret_hash_for(req: &AuthRequest, username: &str) -> Option<String> {
    req.client
        .secret
        .as_deref()
        .map(|s| secret_hash::compute(s, username, &req.client.id))
}

/// A refused sign-in: unconfirmed users confirm first, failures after the credentials were accepted
/// (PostAuthentication, PreTokenGeneration) go to the client, the rest back to the form.
pub fn failed(h: &Hosted, req: &AuthRequest, e: CognitoError, typed: &str) -> Response<Body> {
    if let CognitoError::UserNotConfirmedException(_) = e {
        let mut input = json!({"ClientId": req.client.id, "Username": typed});
        if let Some(hash) = secret_hash_for(req, typed) {
            input["SecretHash"] = json!(hash);
        }
        if let Err(e) = ops::invoke(&h.ctx, "ResendConfirmationCode", input) {
            tracing::info!(error = %e.message(), "hosted UI: resending the sign-up code failed");
        }
        return html::redirect(
            &format!("/confirm{}", req.query_with(&[("username", typed)])),
            &[],
        );
    }
    let message = e.message().to_string();
    if message.starts_with("PostAuthentication failed")
        || message.starts_with("PreTokenGeneration failed")
    {
        return req.error("access_denied", Some(&message));
    }
    if matches!(e, CognitoError::InternalErrorException(_)) {
        return req.error("server_error", None);
    }
    pages::login(h, req, Some(Notice::Error(&message)), Some(typed))
}
