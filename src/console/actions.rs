//! The console's actions on users: each a POST (CSRF-checked by the router) that runs the API's own
//! operation, then redirects to the page it changed (303), or shows that page with the operation's
//! error.

use hyper::Response;
use serde_json::json;

use crate::console::layout::{not_found, pool_url, see_other, user_url};
use crate::console::pools::op;
use crate::console::request::Req;
use crate::console::user::{self, required};
use crate::console::users;
use crate::error::Result;
use crate::http::Body;

/// `POST /pools/<pool>/new-user`: AdminCreateUser.
pub fn create_user(r: &Req, pool: &str) -> Response<Body> {
    let created = users::create_input(r, pool).and_then(|input| op(r, "AdminCreateUser", input));
    match created {
        Ok(out) => {
            let username = out["User"]["Username"].as_str().unwrap_or_default();
            see_other(r, &user_url(pool, username, "?done=created"))
        }
        Err(e) => users::new_user(r, pool, Some(&e)),
    }
}

/// `POST /pools/<pool>/users/<username>/<action>`.
pub fn user_action(r: &Req, pool: &str, username: &str, action: &str) -> Response<Body> {
    let target = json!({"UserPoolId": pool, "Username": username});
    let with = |extra: serde_json::Value| {
        let mut v = target.clone();
        if let (Some(m), Some(e)) = (v.as_object_mut(), extra.as_object()) {
            m.extend(e.clone());
        }
        v
    };
    let run = |name: &str, input: serde_json::Value| op(r, name, input).map(|_| ());
    let outcome: Result<&str> = match action {
        "confirm" => run("AdminConfirmSignUp", target.clone()).map(|_| "confirmed"),
        "enable" => run("AdminEnableUser", target.clone()).map(|_| "enabled"),
        "disable" => run("AdminDisableUser", target.clone()).map(|_| "disabled"),
        "reset-password" => {
            run("AdminResetUserPassword", target.clone()).map(|_| "password-reset")
        }
        "set-password" => required(r, "password")
            .and_then(|p| {
                run(
                    "AdminSetUserPassword",
                    with(json!({"Password": p, "Permanent": r.f("permanent").is_some()})),
                )
            })
            .map(|_| "password-set"),
        "add-to-group" => required(r, "group")
            .and_then(|g| run("AdminAddUserToGroup", with(json!({"GroupName": g}))))
            .map(|_| "group-added"),
        "remove-from-group" => required(r, "group")
            .and_then(|g| run("AdminRemoveUserFromGroup", with(json!({"GroupName": g}))))
            .map(|_| "group-removed"),
        "sign-out" => run("AdminUserGlobalSignOut", target.clone()).map(|_| "signed-out"),
        "set-attribute" => required(r, "name")
            .and_then(|n| {
                run(
                    "AdminUpdateUserAttributes",
                    with(json!({"UserAttributes": [{"Name": n, "Value": r.f("value").unwrap_or("")}]})),
                )
            })
            .map(|_| "attribute-set"),
        "delete" => {
            return match run("AdminDeleteUser", target.clone()) {
                Ok(()) => see_other(r, &pool_url(pool, "/users?done=deleted")),
                Err(e) => user::page(r, pool, username, Some(&e)),
            };
        }
        _ => return not_found(r, "No such action."),
    };
    match outcome {
        Ok(done) => see_other(r, &user_url(pool, username, &format!("?done={done}"))),
        Err(e) => user::page(r, pool, username, Some(&e)),
    }
}
