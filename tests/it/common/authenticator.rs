//! A software WebAuthn authenticator for the Rust tests: a P-256 key in AWS-LC, authenticator data and a
//! `none` attestation object built by hand, and the JSON forms browsers post (RegistrationResponseJSON,
//! AuthenticationResponseJSON). Every field can be bent to test the emulator's refusals.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};
use ciborium::Value as Cbor;
use cognito_emulator::crypto::webauthn::{b64url, b64url_decode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// One credential on a software authenticator.
pub struct Authenticator {
    key: EcdsaKeyPair,
    /// The credential id.
    pub id: Vec<u8>,
    /// The signature counter (incremented before each assertion unless `fixed_counter`).
    pub counter: u32,
    /// Report user verification.
    pub uv: bool,
    /// The origin the "browser" reports.
    pub origin: String,
    /// The RP id the authenticator hashes (normally the options' rp.id / rpId).
    pub rp_id: Option<String>,
}

/// What a ceremony produced, before it is put in JSON (tests bend it).
pub struct Ceremony {
    /// clientDataJSON.
    pub client_data: Vec<u8>,
    /// authenticatorData.
    pub auth_data: Vec<u8>,
}

impl Authenticator {
    /// A new credential for pages at `origin`.
    pub fn new(origin: &str) -> Authenticator {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
        let key =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref()).unwrap();
        let id = cognito_emulator::domain::ids::random_bytes(32);
        Authenticator { key, id, counter: 0, uv: true, origin: origin.into(), rp_id: None }
    }

    /// The COSE_Key of the credential.
    pub fn cose_key(&self) -> Vec<u8> {
        let point = self.key.public_key().as_ref();
        cbor(&Cbor::Map(vec![
            (Cbor::Integer(1.into()), Cbor::Integer(2.into())),
            (Cbor::Integer(3.into()), Cbor::Integer((-7).into())),
            (Cbor::Integer((-1).into()), Cbor::Integer(1.into())),
            (Cbor::Integer((-2).into()), Cbor::Bytes(point[1..33].to_vec())),
            (Cbor::Integer((-3).into()), Cbor::Bytes(point[33..].to_vec())),
        ]))
    }

    fn flags(&self, attested: bool) -> u8 {
        0x01 | if self.uv { 0x04 } else { 0 } | if attested { 0x40 } else { 0 }
    }

    fn client_data(&self, kind: &str, challenge: &str) -> Vec<u8> {
        json!({"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": false})
            .to_string()
            .into_bytes()
    }

    /// authData for `rp_id` (with the attested credential when `cose_key` is given).
    pub fn auth_data(&self, rp_id: &str, cose_key: Option<&[u8]>) -> Vec<u8> {
        let rp_id = self.rp_id.as_deref().unwrap_or(rp_id);
        let mut out = Sha256::digest(rp_id.as_bytes()).to_vec();
        out.push(self.flags(cose_key.is_some()));
        out.extend_from_slice(&self.counter.to_be_bytes());
        if let Some(key) = cose_key {
            out.extend_from_slice(&[0; 16]);
            out.extend_from_slice(&(self.id.len() as u16).to_be_bytes());
            out.extend_from_slice(&self.id);
            out.extend_from_slice(key);
        }
        out
    }

    /// navigator.credentials.create with StartWebAuthnRegistration's options.
    pub fn create(&self, options: &Value) -> Ceremony {
        let challenge = options["challenge"].as_str().unwrap();
        let rp = options["rp"]["id"].as_str().unwrap();
        Ceremony {
            client_data: self.client_data("webauthn.create", challenge),
            auth_data: self.auth_data(rp, Some(&self.cose_key())),
        }
    }

    /// RegistrationResponseJSON with a `none` attestation of `c`.
    pub fn registration_json(&self, c: &Ceremony) -> Value {
        let object = cbor(&Cbor::Map(vec![
            (Cbor::Text("fmt".into()), Cbor::Text("none".into())),
            (Cbor::Text("attStmt".into()), Cbor::Map(vec![])),
            (Cbor::Text("authData".into()), Cbor::Bytes(c.auth_data.clone())),
        ]));
        let id = b64url(&self.id);
        json!({
            "id": id, "rawId": id, "type": "public-key",
            "response": {
                "clientDataJSON": b64url(&c.client_data),
                "attestationObject": b64url(&object),
                "transports": ["internal", "hybrid"]
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {}
        })
    }

    /// Registers: create + JSON.
    pub fn register(&self, options: &Value) -> Value {
        let c = self.create(options);
        self.registration_json(&c)
    }

    /// navigator.credentials.get with a CREDENTIAL_REQUEST_OPTIONS document (the counter moves first).
    pub fn get(&mut self, options: &Value) -> Ceremony {
        self.counter += 1;
        let challenge = options["challenge"].as_str().unwrap();
        let rp = options["rpId"].as_str().unwrap();
        Ceremony {
            client_data: self.client_data("webauthn.get", challenge),
            auth_data: self.auth_data(rp, None),
        }
    }

    /// The signature of a ceremony.
    pub fn sign(&self, c: &Ceremony) -> Vec<u8> {
        let mut signed = c.auth_data.clone();
        signed.extend_from_slice(&Sha256::digest(&c.client_data));
        self.key.sign(&SystemRandom::new(), &signed).unwrap().as_ref().to_vec()
    }

    /// AuthenticationResponseJSON for `c`, signed with `signature`.
    pub fn assertion_json(
        &self,
        c: &Ceremony,
        signature: &[u8],
        user_handle: Option<&str>,
    ) -> Value {
        let id = b64url(&self.id);
        json!({
            "id": id, "rawId": id, "type": "public-key",
            "response": {
                "clientDataJSON": b64url(&c.client_data),
                "authenticatorData": b64url(&c.auth_data),
                "signature": b64url(signature),
                "userHandle": user_handle
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {}
        })
    }

    /// Asserts: get + sign + JSON, as a CREDENTIAL string.
    pub fn assert(&mut self, options: &Value) -> String {
        let c = self.get(options);
        let sig = self.sign(&c);
        self.assertion_json(&c, &sig, None).to_string()
    }
}

/// CBOR bytes of a value.
pub fn cbor(v: &Cbor) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(v, &mut out).unwrap();
    out
}

/// Decodes base64url (test helper).
pub fn unb64(s: &str) -> Vec<u8> {
    b64url_decode(s).unwrap()
}
