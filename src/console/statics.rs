//! The console's two static files: its stylesheet and its script (confirmations, copy buttons, the
//! outbox's live refresh). Served by the emulator itself, so the console works offline; they hold no
//! data, so they are served without the console token.

use hyper::{Response, StatusCode};

use crate::http::Body;

const CSS: &str = include_str!("console.css");
const JS: &str = include_str!("console.js");

/// `console.css` or `console.js`; `None` for any other name.
pub fn file(name: &str) -> Option<Response<Body>> {
    let (body, content_type) = match name {
        "console.css" => (CSS, "text/css;charset=UTF-8"),
        "console.js" => (JS, "text/javascript;charset=UTF-8"),
        _ => return None,
    };
    Some(
        Response::builder()
            .status(StatusCode::OK)
            .header(hyper::header::CONTENT_TYPE, content_type)
            .header("x-content-type-options", "nosniff")
            .header(hyper::header::CACHE_CONTROL, "no-cache")
            .body(Body::from(body))
            .expect("valid response"),
    )
}
