//! SAML 2.0: the verifier against real signed responses (pysaml2 + xmlsec1, samlify + xml-crypto:
//! fixtures/saml, made by tests/e2e/saml/gen_fixtures.py), and the flows through the emulator with a
//! test IdP (`common::saml_idp`): SP-initiated (AuthnRequest, signed when asked), IdP-initiated,
//! and the refusals (unsigned, tampered, wrong audience / recipient, expired, replayed, unknown
//! RelayState), single sign-out, SP metadata.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cognito_emulator::federation::saml::SamlError;
use cognito_emulator::federation::saml::metadata::parse_metadata;
use cognito_emulator::federation::saml::verify::{Expect, Verified, verify_response, verify_xml};
use serde_json::{Value, json};

use crate::common::idp_browser::{Browser, param};
use crate::common::saml_idp::{Assertion, SamlIdp, inflate_request, xml_attribute};
use crate::common::{Emulator, claims, start, urlencode};
use crate::federation_oidc::{CALLBACK, redeem};

const SP: &str = "urn:amazon:cognito:sp:us-east-1_TEST";
const ACS: &str = "http://127.0.0.1:9229/saml2/idpresponse";
const REQ: &str = "_6c1b2f0e-8d5a-4a43-9b1e-3f1c0a7d2e55";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/it/fixtures/saml/{name}", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
}

fn idp_of(metadata: &str, at: i64) -> (String, Vec<Vec<u8>>) {
    let m = parse_metadata(&fixture(metadata), at).unwrap();
    (m.entity_id.clone(), m.certificates_der())
}

/// IssueInstant of the (first) Assertion.
fn issued(xml: &str) -> i64 {
    let at = xml.find("Assertion ").unwrap();
    let rest = &xml[at..];
    let s = rest.find("IssueInstant=\"").unwrap() + 14;
    let e = s + rest[s..].find('"').unwrap();
    cognito_emulator::federation::saml::time::parse(&rest[s..e]).unwrap()
}

fn check_with(
    xml: &str,
    acs: &str,
    request_id: Option<&str>,
    now: i64,
) -> Result<Verified, SamlError> {
    let (entity, certs) = idp_of("idp-metadata.xml", now);
    let acs = [acs.to_string()];
    verify_response(
        &STANDARD.encode(xml),
        &Expect {
            idp_entity_id: &entity,
            idp_certs: &certs,
            sp_entity_id: SP,
            acs_urls: &acs,
            request_id,
            now,
            skew_secs: 60,
        },
    )
}

fn check(xml: &str, request_id: Option<&str>, now: i64) -> Result<Verified, SamlError> {
    check_with(xml, ACS, request_id, now)
}

fn ok(name: &str) -> Verified {
    let xml = fixture(name);
    check(&xml, Some(REQ), issued(&xml) + 10).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn real_signers_are_verified_and_their_content_read() {
    let v = ok("signed-assertion.xml");
    assert!(v.signed_assertion && !v.signed_response);
    assert_eq!(v.name_id, "carlos");
    assert_eq!(v.name_id_format, "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent");
    assert_eq!(v.issuer, "http://127.0.0.1:8088/metadata");
    assert!(v.session_index.is_some());
    let get = |n: &str| v.attributes.iter().find(|(k, _)| k == n).map(|(_, vs)| vs.clone());
    assert_eq!(get("email"), Some(vec!["carlos@example.com".to_string()]));
    assert_eq!(
        get("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"),
        Some(vec!["Carlos Salazar & Co <ops>".to_string()])
    );
    let v = ok("signed-response.xml");
    assert!(v.signed_response && !v.signed_assertion);
    let v = ok("signed-both.xml");
    assert!(v.signed_response && v.signed_assertion);
    ok("signed-assertion-sha1.xml");
    // samlify / xml-crypto: other prefixes, namespaces declared where used.
    let xml = fixture("samlify-signed.xml");
    let now = issued(&xml) + 10;
    let m = parse_metadata(&fixture("samlify-idp-metadata.xml"), now).unwrap();
    let certs = m.certificates_der();
    let acs = [ACS.to_string()];
    let v = verify_xml(
        &xml,
        &Expect {
            idp_entity_id: &m.entity_id,
            idp_certs: &certs,
            sp_entity_id: SP,
            acs_urls: &acs,
            request_id: Some(REQ),
            now,
            skew_secs: 60,
        },
    )
    .unwrap();
    assert_eq!(v.name_id, "carlos@example.com");
}

#[test]
fn unsigned_other_key_tampered_wrong_audience_and_wrong_request_are_refused() {
    let xml = fixture("unsigned.xml");
    assert_eq!(check(&xml, Some(REQ), issued(&xml) + 10), Err(SamlError::Unsigned));
    let xml = fixture("other-key.xml");
    assert_eq!(check(&xml, Some(REQ), issued(&xml) + 10), Err(SamlError::SignatureInvalid));
    for name in ["signed-assertion.xml", "signed-both.xml"] {
        let xml = fixture(name).replace("carlos@example.com", "mallory@example.com");
        assert!(
            matches!(
                check(&xml, Some(REQ), issued(&xml) + 10),
                Err(SamlError::DigestMismatch | SamlError::ResponseSignatureInvalid)
            ),
            "{name}"
        );
    }
    let xml = fixture("signed-response.xml").replace("carlos@example.com", "mallory@example.com");
    assert_eq!(check(&xml, Some(REQ), issued(&xml) + 10), Err(SamlError::ResponseSignatureInvalid));
    let xml = fixture("wrong-audience.xml");
    assert_eq!(check(&xml, Some(REQ), issued(&xml) + 10), Err(SamlError::Audience));
    let xml = fixture("signed-assertion.xml");
    let now = issued(&xml) + 10;
    assert!(matches!(check(&xml, Some("_another"), now), Err(SamlError::InResponseTo(_))));
    assert!(matches!(check(&xml, None, now), Err(SamlError::InResponseTo(_))));
    assert!(matches!(
        check_with(&xml, "https://elsewhere.example/saml2/idpresponse", Some(REQ), now),
        Err(SamlError::Destination(_))
    ));
    let no_dest = xml.replacen(&format!(" Destination=\"{ACS}\""), "", 1);
    assert!(matches!(
        check_with(&no_dest, "https://elsewhere.example/saml2/idpresponse", Some(REQ), now),
        Err(SamlError::Recipient(_))
    ));
}

#[test]
fn time_window_idp_initiated_comments_wrapping_and_dtds() {
    let xml = fixture("signed-assertion.xml");
    let t = issued(&xml);
    assert!(check(&xml, Some(REQ), t + 5 * 60 + 59).is_ok());
    assert_eq!(check(&xml, Some(REQ), t + 5 * 60 + 60), Err(SamlError::Expired));
    assert_eq!(check(&xml, Some(REQ), t - 61), Err(SamlError::NotYetValid));

    let idp = fixture("idp-initiated.xml");
    assert_eq!(check(&idp, None, issued(&idp) + 10).unwrap().name_id, "carlos");

    let commented = xml.replace(">carlos</", ">car<!-- x -->los</");
    assert_eq!(check(&commented, Some(REQ), t + 10).unwrap().name_id, "carlos");

    let start = xml.find("<ns1:Assertion ").unwrap();
    let end = xml.find("</ns1:Assertion>").unwrap() + "</ns1:Assertion>".len();
    let signed = &xml[start..end];
    let evil = signed
        .replacen(">carlos</ns1:NameID>", ">admin</ns1:NameID>", 1)
        .replacen("ID=\"id-", "ID=\"evil-", 1)
        .replacen("Id=\"Signature2\"", "Id=\"Signature9\"", 1);
    let two = format!(
        "{}{}{}",
        &xml[..start],
        evil.replace("ns2:Signature", "ns2:Unused"),
        &xml[start..]
    );
    assert_eq!(
        check(&two, Some(REQ), t + 10).map(|v| v.name_id),
        Err(SamlError::AssertionCount(2))
    );
    let hidden = evil.replacen(
        "</ns2:Signature>",
        &format!("<ns2:Object>{signed}</ns2:Object></ns2:Signature>"),
        1,
    );
    let wrapped = format!("{}{}{}", &xml[..start], hidden, &xml[end..]);
    assert_eq!(
        check(&wrapped, Some(REQ), t + 10).map(|v| v.name_id),
        Err(SamlError::BadSignature("Reference does not point at the signed element".into()))
    );
    let dup =
        format!("{}<ns0:Extensions>{}</ns0:Extensions>{}", &xml[..start], signed, &xml[start..]);
    assert!(matches!(check(&dup, Some(REQ), t + 10), Err(SamlError::DuplicateId(_))));
    let dtd = xml.replacen(
        "<?xml version=\"1.0\"?>",
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x \"y\">]>",
        1,
    );
    assert!(matches!(check(&dtd, Some(REQ), t + 10), Err(SamlError::Malformed(_))));
}

struct Saml {
    pool: String,
    client: String,
    idp: SamlIdp,
}

async fn setup(emu: &Emulator, details: Value) -> Saml {
    let idp = SamlIdp::new("https://idp.example.com/metadata");
    let pool = emu
        .pool(json!({"PoolName": "saml", "Schema": [{"Name": "email", "AttributeDataType": "String", "Required": true, "Mutable": true}]}))
        .await;
    let mut d = json!({"MetadataFile": idp.metadata("http://127.0.0.1:9")});
    d.as_object_mut().unwrap().extend(details.as_object().unwrap().clone());
    let created = emu
        .ok(
            "CreateIdentityProvider",
            json!({"UserPoolId": pool, "ProviderName": "Corp", "ProviderType": "SAML", "ProviderDetails": d,
                   "AttributeMapping": {"email": "email", "given_name": "firstName"}}),
        )
        .await;
    let details = &created["IdentityProvider"]["ProviderDetails"];
    assert_eq!(details["SSORedirectBindingURI"], "http://127.0.0.1:9/sso");
    assert_eq!(details["SLORedirectBindingURI"], "http://127.0.0.1:9/slo");
    let (client, _) = emu
        .client(
            &pool,
            json!({"AllowedOAuthFlows": ["code"], "AllowedOAuthFlowsUserPoolClient": true,
                   "AllowedOAuthScopes": ["openid", "email"], "CallbackURLs": [CALLBACK], "LogoutURLs": [CALLBACK],
                   "SupportedIdentityProviders": ["Corp"]}),
        )
        .await;
    Saml { pool, client, idp }
}

fn authorize(client: &str) -> String {
    format!(
        "/oauth2/authorize?client_id={client}&response_type=code&redirect_uri={}&scope=openid+email&state=s1&nonce=n1&identity_provider=Corp",
        urlencode(CALLBACK)
    )
}

fn now(emu: &Emulator) -> i64 {
    emu.app.clock.now_secs()
}

#[tokio::test]
async fn sp_initiated_sign_in_verifies_the_response_and_refuses_bad_ones() {
    let emu = start().await;
    let s = setup(&emu, json!({"IDPSignout": "true"})).await;
    let acs = format!("{}/saml2/idpresponse", emu.url);
    let sp = format!("urn:amazon:cognito:sp:{}", s.pool);
    let mut b = Browser::new(&emu.url);

    let (request, relay) = attempt(&mut b, &s.client).await;
    assert_eq!(xml_attribute(&request, "AssertionConsumerServiceURL"), acs);
    assert_eq!(xml_attribute(&request, "Destination"), "http://127.0.0.1:9/sso");
    assert!(request.contains(&format!("<saml:Issuer>{sp}</saml:Issuer>")));
    let id = xml_attribute(&request, "ID");
    assert!(id.starts_with('_') && id.len() == 37, "{id}");

    let base = Assertion {
        name_id: "carlos@corp.example",
        attributes: &[("email", "carlos@corp.example"), ("firstName", "Carlos")],
        acs: &acs,
        audience: &sp,
        in_response_to: Some(&id),
        now: now(&emu),
        signed: true,
    };
    let response = s.idp.response(&base);
    let page =
        b.post("/saml2/idpresponse", &[("SAMLResponse", &response), ("RelayState", &relay)]).await;
    let code = param(&page.location, "code").unwrap_or_else(|| panic!("{}", page.location));
    assert_eq!(param(&page.location, "state").as_deref(), Some("s1"));
    let id_token = claims(redeem(&emu, &s.client, &code).await["id_token"].as_str().unwrap());
    assert_eq!(id_token["cognito:username"], "Corp_carlos@corp.example");
    assert_eq!(id_token["email"], "carlos@corp.example");
    assert_eq!(id_token["nonce"], "n1");
    assert_eq!(id_token["identities"][0]["providerType"], "SAML");
    assert_eq!(id_token["identities"][0]["issuer"], "https://idp.example.com/metadata");
    assert_eq!(id_token["cognito:groups"], json!([format!("{}_Corp", s.pool)]));

    // The same response again (with its RelayState, or a new one) goes nowhere.
    let again =
        b.post("/saml2/idpresponse", &[("SAMLResponse", &response), ("RelayState", &relay)]).await;
    assert_eq!(again.status, 400);
    assert!(again.body.contains("Invalid relayState from identity provider"));

    let failures: Vec<(&str, Box<dyn Fn(&str) -> String + '_>)> = vec![
        (
            "unsigned",
            Box::new(|id: &str| {
                s.idp.response(&Assertion {
                    in_response_to: Some(id),
                    signed: false,
                    ..base_copy(&base)
                })
            }),
        ),
        (
            "wrong audience",
            Box::new(|id: &str| {
                s.idp.response(&Assertion {
                    in_response_to: Some(id),
                    audience: "urn:amazon:cognito:sp:us-east-1_Other",
                    ..base_copy(&base)
                })
            }),
        ),
        (
            "wrong recipient",
            Box::new(|id: &str| {
                s.idp.response(&Assertion {
                    in_response_to: Some(id),
                    acs: "https://elsewhere.example/saml2/idpresponse",
                    ..base_copy(&base)
                })
            }),
        ),
        (
            "expired",
            Box::new(|id: &str| {
                s.idp.response(&Assertion {
                    in_response_to: Some(id),
                    now: base.now - 3600,
                    ..base_copy(&base)
                })
            }),
        ),
        (
            "tampered",
            Box::new(|id: &str| {
                let xml =
                    s.idp.response_xml(&Assertion { in_response_to: Some(id), ..base_copy(&base) });
                STANDARD.encode(xml.replace(
                    "carlos@corp.example</saml:NameID>",
                    "admin@corp.example</saml:NameID>",
                ))
            }),
        ),
        ("an earlier response", Box::new(|_: &str| response.clone())),
    ];
    for (case, make) in failures {
        let (request, relay) = attempt(&mut b, &s.client).await;
        let response = make(&xml_attribute(&request, "ID"));
        let page = b
            .post("/saml2/idpresponse", &[("SAMLResponse", &response), ("RelayState", &relay)])
            .await;
        assert_eq!(
            param(&page.location, "error").as_deref(),
            Some("server_error"),
            "{case}: {page:?}"
        );
        let description = param(&page.location, "error_description").unwrap();
        assert!(
            description.starts_with("Invalid SAML response received: "),
            "{case}: {description}"
        );
        if case == "tampered" {
            assert_eq!(
                description,
                "Invalid SAML response received: SAML Assertion signature is invalid."
            );
        }
    }
    let users = emu.ok("ListUsers", json!({"UserPoolId": s.pool})).await;
    assert_eq!(users["Users"].as_array().unwrap().len(), 1);

    // Single sign-out: through the IdP, back at /saml2/logout, then to the logout URI.
    let out =
        b.get(&format!("/logout?client_id={}&logout_uri={}", s.client, urlencode(CALLBACK))).await;
    assert!(out.location.starts_with("http://127.0.0.1:9/slo?"), "{}", out.location);
    assert!(!b.has_cookie("cognito"));
    assert_eq!(
        param(&out.location, "SigAlg").as_deref(),
        Some("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
    );
    let logout = inflate_request(&param(&out.location, "SAMLRequest").unwrap());
    assert!(logout.contains(">carlos@corp.example</saml:NameID>"), "{logout}");
    assert!(logout.contains("<samlp:SessionIndex>idx-"));
    let relay = param(&out.location, "RelayState").unwrap();
    let unsigned = STANDARD.encode(r#"<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_x" Version="2.0"/>"#);
    let refused =
        b.post("/saml2/logout", &[("SAMLResponse", &unsigned), ("RelayState", &relay)]).await;
    assert_eq!(refused.status, 400);
    let out =
        b.get(&format!("/logout?client_id={}&logout_uri={}", s.client, urlencode(CALLBACK))).await;
    assert_eq!(out.location, CALLBACK, "the session already ended");
}

/// Each SP-initiated attempt: a fresh AuthnRequest (XML) and its RelayState.
/// (`prompt=login`: the browser may hold a session from this IdP, which would skip it.)
async fn attempt(b: &mut Browser, client: &str) -> (String, String) {
    let page = b.get(&format!("{}&prompt=login", authorize(client))).await;
    assert!(page.location.starts_with("http://127.0.0.1:9/sso?"), "{}", page.location);
    assert!(param(&page.location, "Signature").is_none(), "unsigned unless asked");
    let request = inflate_request(&param(&page.location, "SAMLRequest").unwrap());
    (request, param(&page.location, "RelayState").unwrap())
}

fn base_copy<'a>(a: &Assertion<'a>) -> Assertion<'a> {
    Assertion { ..*a }
}

#[tokio::test]
async fn idp_initiated_sign_in_signed_requests_metadata_and_single_logout() {
    let emu = start().await;
    let s = setup(
        &emu,
        json!({"IDPInit": "true", "IDPSignout": "true", "RequestSigningAlgorithm": "rsa-sha256"}),
    )
    .await;
    let acs = format!("{}/{}/saml2/idpresponse", emu.url, s.pool);
    let sp = format!("urn:amazon:cognito:sp:{}", s.pool);
    let relay = format!(
        "identity_provider=Corp&client_id={}&redirect_uri={}&response_type=code&scope=openid+email",
        s.client,
        urlencode(CALLBACK)
    );
    let a = Assertion {
        name_id: "dana",
        attributes: &[("email", "dana@corp.example")],
        acs: &acs,
        audience: &sp,
        in_response_to: None,
        now: now(&emu),
        signed: true,
    };
    let response = s.idp.response(&a);
    let mut b = Browser::new(&emu.url);
    let page = b
        .post(
            &format!("/{}/saml2/idpresponse", s.pool),
            &[("SAMLResponse", &response), ("RelayState", &relay)],
        )
        .await;
    let code = param(&page.location, "code").unwrap_or_else(|| panic!("{page:?}"));
    let id = claims(redeem(&emu, &s.client, &code).await["id_token"].as_str().unwrap());
    assert_eq!(id["cognito:username"], "Corp_dana");
    let replay =
        b.post("/saml2/idpresponse", &[("SAMLResponse", &response), ("RelayState", &relay)]).await;
    assert_eq!(
        param(&replay.location, "error_description").as_deref(),
        Some("Invalid SAML response received: The SAML response has already been used.")
    );
    // An IdP-initiated assertion must be fresh (6 minutes).
    emu.app.clock.advance_ms(400_000);
    let late = s.idp.response(&Assertion { now: a.now, ..base_copy(&a) });
    let page =
        b.post("/saml2/idpresponse", &[("SAMLResponse", &late), ("RelayState", &relay)]).await;
    assert_eq!(param(&page.location, "error").as_deref(), Some("server_error"));

    // SP-initiated requests are signed with the pool's key (GetSigningCertificate); the browser's
    // session from the IdP would skip the IdP, so a new browser.
    let mut b = Browser::new(&emu.url);
    let page = b.get(&authorize(&s.client)).await;
    let cert = emu.ok("GetSigningCertificate", json!({"UserPoolId": s.pool})).await;
    let der = STANDARD.decode(cert["Certificate"].as_str().unwrap()).unwrap();
    let spki = cognito_emulator::federation::saml::dsig::public_key(&der).unwrap();
    let query = page.location.split_once('?').unwrap().1;
    let (signed, signature) = query.rsplit_once("&Signature=").unwrap();
    let signature =
        STANDARD.decode(cognito_emulator::http::percent_decode(signature).unwrap()).unwrap();
    aws_lc_rs::signature::UnparsedPublicKey::new(
        &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
        &spki,
    )
    .verify(signed.as_bytes(), &signature)
    .expect("the AuthnRequest's redirect signature verifies with the pool's certificate");

    // SP metadata.
    let md = reqwest::get(format!("{}/{}/saml2/metadata", emu.url, s.pool))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(md.contains(&format!(r#"entityID="{sp}""#)));
    assert!(md.contains(&format!(r#"Location="{}/saml2/idpresponse""#, emu.url)));
    assert!(md.contains(cert["Certificate"].as_str().unwrap()));

    // Single sign-out completed by the IdP's signed LogoutResponse.
    let response = s.idp.response(&Assertion { now: now(&emu), ..base_copy(&a) });
    let page =
        b.post("/saml2/idpresponse", &[("SAMLResponse", &response), ("RelayState", &relay)]).await;
    assert!(param(&page.location, "code").is_some(), "{page:?}");
    let out =
        b.get(&format!("/logout?client_id={}&logout_uri={}", s.client, urlencode(CALLBACK))).await;
    let request = inflate_request(&param(&out.location, "SAMLRequest").unwrap());
    let relay_out = param(&out.location, "RelayState").unwrap();
    let logout = s.idp.logout_response(
        &xml_attribute(&request, "ID"),
        &format!("{}/saml2/logout", emu.url),
        now(&emu),
    );
    let back =
        b.post("/saml2/logout", &[("SAMLResponse", &logout), ("RelayState", &relay_out)]).await;
    assert_eq!(back.location, CALLBACK);

    // Unknown RelayState; IdP-initiated without IDPInit.
    let page = b
        .post("/saml2/idpresponse", &[("SAMLResponse", &response), ("RelayState", "nonsense")])
        .await;
    assert_eq!(page.status, 400);
    emu.ok(
        "UpdateIdentityProvider",
        json!({"UserPoolId": s.pool, "ProviderName": "Corp", "ProviderDetails": {"MetadataFile": s.idp.metadata("http://127.0.0.1:9"), "IDPInit": "false"}}),
    )
    .await;
    let fresh = s.idp.response(&Assertion { now: now(&emu), ..base_copy(&a) });
    let page =
        b.post("/saml2/idpresponse", &[("SAMLResponse", &fresh), ("RelayState", &relay)]).await;
    assert_eq!(param(&page.location, "error").as_deref(), Some("invalid_request"));
}
