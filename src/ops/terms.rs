//! `TermsType`, the answer of CreateTerms, DescribeTerms, DescribeTermsByClient and UpdateTerms, and
//! the loaders and rules the terms operations share.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::app::Ctx;
use crate::err;
use crate::error::{CognitoError, Result};
use crate::store::terms::{self, TermsRow};

/// `TermsType`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TermsType<'a> {
    /// TermsId.
    pub terms_id: &'a str,
    /// UserPoolId.
    pub user_pool_id: &'a str,
    /// ClientId.
    pub client_id: &'a str,
    /// TermsName.
    pub terms_name: &'a str,
    /// TermsSource.
    pub terms_source: &'a str,
    /// Enforcement.
    pub enforcement: &'a str,
    /// Links.
    pub links: &'a Map<String, Value>,
    /// CreationDate.
    pub creation_date: f64,
    /// LastModifiedDate.
    pub last_modified_date: f64,
}

impl<'a> TermsType<'a> {
    /// The `TermsType` of stored terms.
    pub fn of(t: &'a TermsRow) -> TermsType<'a> {
        TermsType {
            terms_id: &t.id,
            user_pool_id: &t.pool_id,
            client_id: &t.client_id,
            terms_name: &t.name,
            terms_source: &t.source,
            enforcement: &t.enforcement,
            links: &t.links,
            creation_date: t.created_at,
            last_modified_date: t.updated_at,
        }
    }

    /// `{"Terms": TermsType}`.
    pub fn answer(t: &TermsRow) -> Result<Value> {
        Ok(serde_json::json!({"Terms": TermsType::of(t)}))
    }
}

/// The terms `id` of pool `pool_id`, or ResourceNotFoundException.
pub fn load(ctx: &Ctx, pool_id: &str, id: &str) -> Result<TermsRow> {
    crate::ops::load::pool(ctx, pool_id)?;
    ctx.app
        .store
        .read(|c| terms::get(c, pool_id, id))?
        .ok_or_else(|| err!(ResourceNotFoundException, "Terms {id} does not exist."))
}

/// TermsExistsException for a second document of the same name on a client.
pub fn exists(name: &str, client_id: &str) -> CognitoError {
    err!(
        TermsExistsException,
        "Terms with name {name} already exist for client {client_id}."
    )
}
