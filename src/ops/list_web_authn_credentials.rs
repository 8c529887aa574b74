//! ListWebAuthnCredentials: the signed-in user's passkeys, paginated (MaxResults up to 20).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::crypto::webauthn::b64url;
use crate::domain::webauthn as rules;
use crate::error::Result;
use crate::ops::{load, paging};
use crate::store::passkeys::{self, CredentialRow};

/// ListWebAuthnCredentialsRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    access_token: String,
    next_token: Option<String>,
    max_results: Option<usize>,
}

/// `WebAuthnCredentialDescription`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Description<'a> {
    credential_id: String,
    friendly_credential_name: &'a str,
    relying_party_id: &'a str,
    authenticator_attachment: Option<&'a str>,
    authenticator_transports: &'a [String],
    created_at: f64,
}

impl<'a> Description<'a> {
    fn of(row: &'a CredentialRow) -> Description<'a> {
        Description {
            credential_id: b64url(&row.credential_id),
            friendly_credential_name: &row.name,
            relying_party_id: &row.rp_id,
            authenticator_attachment: row.attachment.as_deref(),
            authenticator_transports: &row.transports,
            created_at: row.created_at,
        }
    }
}

/// Returns one page of passkeys.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, _, user) = load::token_user(ctx, &req.access_token)?;
    let limit = req
        .max_results
        .filter(|n| *n > 0)
        .unwrap_or(rules::MAX_CREDENTIALS_PER_USER as usize);
    let after = paging::start(ctx, req.next_token.as_deref())?;
    let rows = ctx
        .app
        .store
        .read(|c| passkeys::list(c, user.pk, after, limit + 1))?;
    let (rows, next) = paging::split(rows, limit, |r| r.pk);
    let credentials: Vec<Description<'_>> = rows.iter().map(Description::of).collect();
    Ok(json!({"Credentials": credentials, "NextToken": next}))
}
