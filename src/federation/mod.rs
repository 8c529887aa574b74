//! Federation: sign-in through OIDC, SAML 2.0 and social identity providers, as a user pool's hosted
//! UI does it. `/oauth2/authorize` with `identity_provider` / `idp_identifier` (or a button of the
//! sign-in page) sends the browser to the IdP (`start`); the IdP answers at `/oauth2/idpresponse`
//! (`oidc`) or `/saml2/idpresponse` (`saml_flow`); `signin` makes or finds the user and answers the
//! app as the hosted sign-in does. The emulator calls IdPs over plain HTTP only (`http`).

pub mod apple;
pub mod buttons;
pub mod http;
pub mod oidc;
pub mod routes;
pub mod saml;
pub mod saml_flow;
pub mod signin;
pub mod start;
pub mod state;

use hyper::{Response, StatusCode};

use crate::html::escape;
use crate::http::Body;

/// Cognito's error page (400) with the reason, for answers that have no app to go back to (an unknown
/// or used `state` / `RelayState`).
pub fn page_error(code: &str, message: &str) -> Response<Body> {
    crate::oauth::page(
        StatusCode::BAD_REQUEST,
        "An error was encountered with the requested page.",
        format!(
            r#"<div class="alert error" role="alert" id="errorMessage"><strong>{}</strong>: {}</div>"#,
            escape(code),
            escape(message)
        ),
        &[],
    )
}
