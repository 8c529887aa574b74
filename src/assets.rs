//! Files the emulator hosts for pools: the classic hosted UI logo set with SetUICustomization, at the
//! `ImageUrl` GetUICustomization returns (`/_emulator/assets/<pool>/<ALL|client>/<version>/logo.<ext>`).

use hyper::{Response, StatusCode};

use crate::app::App;
use crate::http::{Body, json_error};
use crate::ops::ui_customization;

/// `GET /_emulator/assets/<pool>/<scope>/<version>/<file>`: the logo, while it is the current one.
pub fn logo(app: &App, pool: &str, scope: &str, version: &str) -> Response<Body> {
    match ui_customization::served_logo(app, pool, scope, version) {
        Ok(Some(logo)) => Response::builder()
            .status(StatusCode::OK)
            .header(hyper::header::CONTENT_TYPE, logo.content_type)
            .header(
                hyper::header::CACHE_CONTROL,
                "public, max-age=86400, immutable",
            )
            .body(Body::from(logo.bytes))
            .expect("valid response"),
        Ok(None) => json_error(StatusCode::NOT_FOUND, "No such asset"),
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, e.message()),
    }
}
