//! SAML sign-in and sign-out through the browser: the AuthnRequest (HTTP-Redirect) with an opaque
//! RelayState, the Response at `/saml2/idpresponse` (SP-initiated, or IdP-initiated when the IdP has
//! `IDPInit` and RelayState carries the authorize parameters), replayed IDs refused; `/logout` of a
//! SAML session with `IDPSignout` through the IdP's SingleLogoutService and back at `/saml2/logout`;
//! and the SP metadata an IdP administrator needs.

use hyper::{Response, StatusCode};
use serde_json::{Map, Value, json};

use crate::domain::federated_users as federated;
use crate::domain::identity_providers::{self as rules, ProviderType};
use crate::federation::page_error;
use crate::federation::saml::request::{self, sp_entity_id};
use crate::federation::saml::signing;
use crate::federation::saml::verify::{self, Expect};
use crate::federation::saml::{SamlError, metadata::IdpMetadata};
use crate::federation::signin::{self, External, SamlSession};
use crate::federation::state::{self, Pending, session_idp};
use crate::html::{self, escape};
use crate::http::{Body, form_pairs};
use crate::oauth::request::{self as oauth_request, AuthRequest};
use crate::oauth::{Hosted, session};
use crate::ops::identity_providers::{self as idp, Provider};
use crate::store;
use crate::store::clients::ClientRow;

/// Clock skew allowed on SAML time bounds.
const SKEW_SECS: i64 = 60;

/// `<base>/saml2/idpresponse`: the ACS the pool names in its requests.
pub fn acs_url(h: &Hosted) -> String {
    format!("{}/saml2/idpresponse", h.base)
}

fn metadata(p: &Provider) -> Result<&IdpMetadata, String> {
    p.metadata
        .as_ref()
        .ok_or_else(|| format!("{} has no SAML metadata", p.name()))
}

/// Sends the browser to the IdP's SSO endpoint with an AuthnRequest.
pub fn redirect(h: &Hosted, req: &AuthRequest, p: &Provider) -> Response<Body> {
    let md = match metadata(p) {
        Ok(m) => m,
        Err(e) => return req.error("invalid_request", Some(&e)),
    };
    let id = request::new_id();
    let pending = Pending {
        query: req.query.clone(),
        request_id: Some(id.clone()),
        ..Pending::default()
    };
    let relay = match state::save(&h.ctx, &req.pool.id, p.name(), &pending) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e.message(), "storing a federation state failed");
            return req.error("server_error", None);
        }
    };
    let xml = request::authn_request(
        &id,
        &req.pool.id,
        &md.sso_redirect,
        &acs_url(h),
        h.ctx.app.clock.now_secs(),
    );
    let key = if p.detail("RequestSigningAlgorithm").is_some() {
        match signing::pool_key(&h.ctx, &req.pool) {
            Ok(k) => Some(k),
            Err(_) => return req.error("server_error", None),
        }
    } else {
        None
    };
    match request::redirect_url(&md.sso_redirect, &xml, Some(&relay), key.as_ref()) {
        Ok(url) => html::redirect(&url, &[]),
        Err(_) => req.error("server_error", None),
    }
}

/// `POST /saml2/idpresponse` (and `/<poolId>/saml2/idpresponse`).
pub fn acs(h: &Hosted) -> Response<Body> {
    let invalid_relay = || {
        page_error(
            "invalid_request",
            "Invalid relayState from identity provider",
        )
    };
    let Some(relay) = h.f("RelayState") else {
        return invalid_relay();
    };
    let taken = state::take(&h.ctx, relay).ok().flatten();
    let (req, provider, request_id) = match taken {
        Some((row, pending)) => {
            let req = match oauth_request::parse(h, &pending.query) {
                Ok(r) => r,
                Err(refusal) => return refusal.response(),
            };
            match idp::load(&h.ctx, &row.pool_id, &row.provider) {
                Ok(p) => (req, p, pending.request_id),
                Err(e) => return req.error("invalid_request", Some(e.message())),
            }
        }
        None => match idp_initiated(h, relay) {
            Ok(found) => found,
            Err(resp) => return *resp,
        },
    };
    let Some(response) = h.f("SAMLResponse") else {
        return req.error(
            "server_error",
            Some("Invalid SAML response received: no SAMLResponse"),
        );
    };
    match verified(h, &req, &provider, response, request_id.as_deref()) {
        Ok(external) => signin::finish(h, &req, external),
        Err(e) => req.error("server_error", Some(&e.description())),
    }
}

/// IdP-initiated sign-in: RelayState carries `identity_provider` (or `idp_identifier`), `client_id`,
/// `redirect_uri`, `response_type`, `scope`; the IdP must allow it (`IDPInit`) and the client may only
/// use SAML IdPs.
fn idp_initiated(
    h: &Hosted,
    relay: &str,
) -> Result<(AuthRequest, Provider, Option<String>), Box<Response<Body>>> {
    let invalid = || {
        Box::new(page_error(
            "invalid_request",
            "Invalid relayState from identity provider",
        ))
    };
    let query = form_pairs(relay);
    let names_idp = query
        .iter()
        .any(|(k, _)| k == "identity_provider" || k == "idp_identifier");
    if !names_idp || !query.iter().any(|(k, _)| k == "client_id") {
        return Err(invalid());
    }
    let req = oauth_request::parse(h, &query).map_err(|r| Box::new(r.response()))?;
    let Some(name) = req.identity_provider.clone().filter(|n| n != "COGNITO") else {
        return Err(invalid());
    };
    let provider = idp::load(&h.ctx, &req.pool.id, &name)
        .map_err(|e| Box::new(req.error("invalid_request", Some(e.message()))))?;
    if provider.kind != ProviderType::Saml || !rules::flag(&provider.details, "IDPInit") {
        return Err(Box::new(req.error(
            "invalid_request",
            Some("IdP-initiated sign-in is not enabled for this identity provider"),
        )));
    }
    let all_saml = req
        .client
        .config
        .supported_identity_providers
        .iter()
        .flatten()
        .all(|n| {
            n != "COGNITO"
                && h.ctx
                    .app
                    .store
                    .read(|c| store::federation::get_provider(c, &req.pool.id, n))
                    .ok()
                    .flatten()
                    .is_some_and(|p| p.kind == "SAML")
        });
    if !all_saml {
        return Err(Box::new(req.error(
            "invalid_request",
            Some("IdP-initiated sign-in needs an app client whose identity providers are all SAML"),
        )));
    }
    Ok((req, provider, None))
}

/// The response verified and not seen before, as an external identity.
fn verified(
    h: &Hosted,
    req: &AuthRequest,
    p: &Provider,
    response: &str,
    request_id: Option<&str>,
) -> Result<External, SamlError> {
    let md = metadata(p).map_err(SamlError::Malformed)?;
    let certs = md.certificates_der();
    let acs_urls = [
        acs_url(h),
        format!("{}/{}/saml2/idpresponse", h.base, req.pool.id),
    ];
    let sp = sp_entity_id(&req.pool.id);
    let now = h.ctx.app.clock.now_secs();
    let v = verify::verify_response(
        response,
        &Expect {
            idp_entity_id: &md.entity_id,
            idp_certs: &certs,
            sp_entity_id: &sp,
            acs_urls: &acs_urls,
            request_id,
            now,
            skew_secs: SKEW_SECS,
        },
    )?;
    let until = (v.not_on_or_after + SKEW_SECS) as f64;
    let fresh = h.ctx.app.store.write(|c| {
        let now = h.ctx.now();
        let a = store::federation::remember_saml_id(c, &req.pool.id, &v.response_id, until, now)?;
        let b = store::federation::remember_saml_id(c, &req.pool.id, &v.assertion_id, until, now)?;
        Ok(a && b)
    });
    if !fresh.unwrap_or(false) {
        return Err(SamlError::Replay);
    }
    let mut claims = Map::new();
    let mut event = Map::new();
    for (name, values) in &v.attributes {
        let value = match values.as_slice() {
            [one] => Value::String(one.clone()),
            many => json!(many),
        };
        event.insert(
            name.clone(),
            Value::String(federated::attribute_value(&value).unwrap_or_default()),
        );
        claims.insert(name.clone(), value);
    }
    claims.insert("NameID".into(), Value::String(v.name_id.clone()));
    Ok(External {
        provider: p.clone(),
        subject: v.name_id.clone(),
        claims,
        event_attributes: json!({"samlResponse": event}),
        saml: Some(SamlSession {
            name_id: v.name_id,
            format: v.name_id_format,
            session_index: v.session_index,
        }),
        upstream_nonce: None,
    })
}

/// `/logout` of a session that signed in through a SAML IdP with `IDPSignout`: the session ends here,
/// then the browser goes to the IdP's SingleLogoutService with a signed LogoutRequest, and comes back at
/// `/saml2/logout` before `then` (the logout_uri or the sign-in page).
pub fn sign_out(h: &Hosted, client: &ClientRow, then: &str) -> Option<Response<Body>> {
    let s = session_idp(h)?;
    let name = s.idp?;
    let name_id: Value = serde_json::from_str(s.name_id.as_deref()?).ok()?;
    let provider = idp::load(&h.ctx, &client.pool_id, &name).ok()?;
    if provider.kind != ProviderType::Saml || !rules::flag(&provider.details, "IDPSignout") {
        return None;
    }
    let slo = provider.metadata.as_ref()?.slo_redirect.clone()?;
    let pool = h
        .ctx
        .app
        .store
        .read(|c| store::pools::get(c, &client.pool_id))
        .ok()??;
    let id = request::new_id();
    let pending = Pending {
        request_id: Some(id.clone()),
        logout_to: Some(then.to_string()),
        ..Pending::default()
    };
    let relay = state::save(&h.ctx, &pool.id, &name, &pending).ok()?;
    let xml = request::logout_request(
        &id,
        &pool.id,
        &slo,
        name_id["value"].as_str().unwrap_or_default(),
        name_id["format"].as_str().unwrap_or(verify::UNSPECIFIED),
        s.session_index.as_deref(),
        h.ctx.app.clock.now_secs(),
    );
    let key = signing::pool_key(&h.ctx, &pool).ok()?;
    let url = request::redirect_url(&slo, &xml, Some(&relay), Some(&key)).ok()?;
    let cookie = session::end(h);
    Some(html::redirect(&url, &[cookie]))
}

/// `GET|POST /saml2/logout`: the IdP's LogoutResponse, then where `/logout` was going.
pub fn logout_response(h: &Hosted) -> Response<Body> {
    let param = |k: &str| h.f(k).or_else(|| h.q(k));
    if param("SAMLRequest").is_some() {
        return page_error(
            "invalid_request",
            "IdP-initiated single sign-out is not supported by cognito-emulator",
        );
    }
    let Some((row, pending)) =
        param("RelayState").and_then(|r| state::take(&h.ctx, r).ok().flatten())
    else {
        return page_error(
            "invalid_request",
            "Invalid relayState from identity provider",
        );
    };
    let (Some(then), Some(request_id)) = (pending.logout_to, pending.request_id) else {
        return page_error(
            "invalid_request",
            "Invalid relayState from identity provider",
        );
    };
    let Ok(provider) = idp::load(&h.ctx, &row.pool_id, &row.provider) else {
        return page_error("invalid_request", "The identity provider no longer exists");
    };
    let checked = metadata(&provider)
        .map_err(SamlError::Malformed)
        .and_then(|md| {
            let response = param("SAMLResponse").ok_or(SamlError::NotAResponse)?;
            verify::verify_logout_response(
                response,
                &md.entity_id,
                &md.certificates_der(),
                &request_id,
            )
        });
    match checked {
        Ok(()) => html::redirect(&then, &[]),
        Err(e) => page_error("invalid_request", &e.description()),
    }
}

/// `GET /<poolId>/saml2/metadata`: SP metadata for the pool (AWS publishes none; an IdP administrator
/// types these values in): entity id, ACS, single logout, and the pool's signing certificate.
pub fn sp_metadata(h: &Hosted, pool_id: &str) -> Response<Body> {
    let pool = match h.ctx.app.store.read(|c| store::pools::get(c, pool_id)) {
        Ok(Some(p)) => p,
        _ => return page_error("invalid_request", "No such user pool"),
    };
    let cert = match signing::pool_key(&h.ctx, &pool) {
        Ok(k) => k.certificate,
        Err(_) => return page_error("server_error", "The pool's signing key is unavailable"),
    };
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity}">
  <md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{base}/saml2/logout"/>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{base}/saml2/logout"/>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>
    <md:AssertionConsumerService Binding="{post}" Location="{base}/saml2/idpresponse" index="1" isDefault="true"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>
"#,
        entity = escape(&sp_entity_id(&pool.id)),
        cert = escape(&cert),
        base = escape(&h.base),
        post = request::POST_BINDING,
    );
    Response::builder()
        .status(StatusCode::OK)
        .header(hyper::header::CONTENT_TYPE, "application/samlmetadata+xml")
        .body(Body::from(xml))
        .expect("valid response")
}
