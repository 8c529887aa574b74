//! Unit tests of WebAuthn verification with real authenticator outputs: Chromium 156's CDP virtual
//! authenticator (ctap2, internal, user verification), registering on `http://localhost:34049` for relying
//! party `localhost` (user handle = the base64url of a sub, challenge "registration-challenge"), then
//! asserting (challenge "assertion-challenge"). ES256 and RS256 keys; attestation `none` and `packed`
//! (an x5c batch certificate, asked for with `attestation: "direct"`).

use super::*;
use crate::crypto::attestation;

struct Vector {
    id: &'static str,
    client_data: &'static str,
    attestation: &'static str,
    a_client_data: &'static str,
    a_auth_data: &'static str,
    a_signature: &'static str,
}

const ES256_NONE: Vector = Vector {
    id: "qJyH0dAP1dAedUkbsc9_r4v2Hwjp1IVaotZOO5OkEXU",
    client_data: "eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoiY21WbmFYTjBjbUYwYVc5dUxXTm9ZV3hzWlc1blpRIiwib3JpZ2luIjoiaHR0cDovL2xvY2FsaG9zdDozNDA0OSIsImNyb3NzT3JpZ2luIjpmYWxzZX0",
    attestation: "o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YVikSZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2NFAAAAAQECAwQFBgcIAQIDBAUGBwgAIKich9HQD9XQHnVJG7HPf6-L9h8I6dSFWqLWTjuTpBF1pQECAyYgASFYINC59NhvM5Ej0F-3kTIKBtpYXRtMXMVjwFeeUb-QOON3Ilggr9v2FBAVZ9w1qIR33AM6trwN38NEqcxROQ9-9Bg-VAc",
    a_client_data: "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoiWVhOelpYSjBhVzl1TFdOb1lXeHNaVzVuWlEiLCJvcmlnaW4iOiJodHRwOi8vbG9jYWxob3N0OjM0MDQ5IiwiY3Jvc3NPcmlnaW4iOmZhbHNlfQ",
    a_auth_data: "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAg",
    a_signature: "MEUCIQCSGQlKbCZx8tPKCod1eRuZzsPyAKDM77lfzZt04FuX4wIgRlth4GPYP_bQGrqXWOPq-0Y7Mq-Q9fANOQaEojmVf6k",
};

const ES256_PACKED: Vector = Vector {
    id: "kA7Jp_xk7J4k-qKVAZoPI3FwnSdK1ONn-gXE8SVsGuw",
    client_data: "eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoiY21WbmFYTjBjbUYwYVc5dUxXTm9ZV3hzWlc1blpRIiwib3JpZ2luIjoiaHR0cDovL2xvY2FsaG9zdDozNDA0OSIsImNyb3NzT3JpZ2luIjpmYWxzZX0",
    attestation: "o2NmbXRmcGFja2VkZ2F0dFN0bXSjY2FsZyZjc2lnWEYwRAIgNDHy9HD65VtsEfwkytt8lUyzYSIpZxd0lRFzzK-gRy8CIF9c6F9x1TcGW29iYC9i6IKJovW6SNFFSCg1VnzQyIuwY3g1Y4FZAdkwggHVMIIBeqADAgECAgEBMAoGCCqGSM49BAMCMGAxCzAJBgNVBAYTAlVTMREwDwYDVQQKDAhDaHJvbWl1bTEiMCAGA1UECwwZQXV0aGVudGljYXRvciBBdHRlc3RhdGlvbjEaMBgGA1UEAwwRQmF0Y2ggQ2VydGlmaWNhdGUwHhcNMTcwNzE0MDI0MDAwWhcNNDYxMjAxMDgyODE4WjBgMQswCQYDVQQGEwJVUzERMA8GA1UECgwIQ2hyb21pdW0xIjAgBgNVBAsMGUF1dGhlbnRpY2F0b3IgQXR0ZXN0YXRpb24xGjAYBgNVBAMMEUJhdGNoIENlcnRpZmljYXRlMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEjWF-ZclQjmS8xWc6yCpnmdo8FEZoLCWMRj__31jf0vo-bDeLU9eVxKTf-0GZ7deGLyOrrwIDtLiRG6BWmZThAaMlMCMwDAYDVR0TAQH_BAIwADATBgsrBgEEAYLlHAIBAQQEAwIDCDAKBggqhkjOPQQDAgNJADBGAiEA9WlIKcMM9Dh_J2R_Kq--_KeCktjbG7I-eG3Lqe3ZkWoCIQCsZTgqSJpIm42Wi16MeGXcQnrup58aKjN9mioxR0tVOWhhdXRoRGF0YVikSZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2NFAAAAAQECAwQFBgcIAQIDBAUGBwgAIJAOyaf8ZOyeJPqilQGaDyNxcJ0nStTjZ_oFxPElbBrspQECAyYgASFYIPj81qhNXOmiZEQIqydQ0Bi4tzBZXjgyNb90PjM3BhriIlggTqIe17NeSn2dtXFJQSxT_aK99glvxIpemhIBHOtf7eU",
    a_client_data: "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoiWVhOelpYSjBhVzl1TFdOb1lXeHNaVzVuWlEiLCJvcmlnaW4iOiJodHRwOi8vbG9jYWxob3N0OjM0MDQ5IiwiY3Jvc3NPcmlnaW4iOmZhbHNlfQ",
    a_auth_data: "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAg",
    a_signature: "MEYCIQDZVRirA8mNYHcr8sSVNe6teI8bUzeSoYAG3NJEbHZf7AIhAM4GqzibLxIr2NZaprkk5GDkqGgY-22p945okDlsr-hu",
};

const RS256_NONE: Vector = Vector {
    id: "YTL-weFxFGgV0NYTRK5bmP7JMhOUhrq9FMnYjc28N1c",
    client_data: "eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoiY21WbmFYTjBjbUYwYVc5dUxXTm9ZV3hzWlc1blpRIiwib3JpZ2luIjoiaHR0cDovL2xvY2FsaG9zdDozNDA0OSIsImNyb3NzT3JpZ2luIjpmYWxzZX0",
    attestation: "o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YVkBZ0mWDeWIDoxodDQXD2R2YFuP5K65ooYyx5lc87qDHZdjRQAAAAEBAgMEBQYHCAECAwQFBgcIACBhMv7B4XEUaBXQ1hNErluY_skyE5SGur0UydiNzbw3V6QBAwM5AQAgWQEArc-862HGT3fx-zZhJvTYBkQhKg8dp9baVrumUG8WYWpb4MKWCTq-ZATyi-1Vo6pfHfe7LG0D6QKSP2cSbvjHOI-OCsUeNKUC9ifkEDd6SvF3IY8jQRD707ozl69HADGT6z9WXeFXYrTMpxi42x5olAk0lzaAKjt1KudMkOTWs75ONnDaUSaTu3HYnbRYyWVZI6qa1mgDe4mSXpUG23hNx_1Ji1LNe923e15-qTfqp_FgLxKAaTcG_k4VjZGa8q452tPo_B-3bdW60v9igE34vFx6lkRxAfloSxUNYMrQVc_2enVLHp0NciP9b6ItBy6eAxBbBO1tDo-WgOuRBwW8NSFDAQAB",
    a_client_data: "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoiWVhOelpYSjBhVzl1TFdOb1lXeHNaVzVuWlEiLCJvcmlnaW4iOiJodHRwOi8vbG9jYWxob3N0OjM0MDQ5IiwiY3Jvc3NPcmlnaW4iOmZhbHNlfQ",
    a_auth_data: "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAg",
    a_signature: "LH8q1EYFTpHvXnALklV-6qtgK1OsY4m7y59LjngENcGRmBdlOek1yv1U8_xY4TgM1KF4cVPDc6X-3MPkBMJvq88vE7HDwWXPXx5qpL0TThJKzW226xA-gxQvAXC6HexSRgk7zLU09s7f_FW7rwBk9lsz2qriYrY47yrxYKxv3KA1gqfY4GrRGYkRihu5_3cW-hvREu242a5HTYkot5jUkfJ5VRiTgTYm6ghRmTHxPAUYPg10KoE6142Smlyw0Uqh3g_27BqXVI-QYhwAZsoBDnIcFu6-tp5YdfKo8uIl8D937mf97m9Iirq_Z077Y8kkQPSAsfj_iO_Eb_3LcDXJ2A",
};

const RS256_PACKED: Vector = Vector {
    id: "aO56t-Fpjl4Rr3mAQc-zAaYCJ5XO6zoJKbyku4dMnRM",
    client_data: "eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoiY21WbmFYTjBjbUYwYVc5dUxXTm9ZV3hzWlc1blpRIiwib3JpZ2luIjoiaHR0cDovL2xvY2FsaG9zdDozNDA0OSIsImNyb3NzT3JpZ2luIjpmYWxzZX0",
    attestation: "o2NmbXRmcGFja2VkZ2F0dFN0bXSjY2FsZyZjc2lnWEcwRQIgfJ8NvyTC0o3p82uYptnXmxKvqBPwdSI9IviA8O2Z5pwCIQD_0SrLmeYQ0QmkC2cMkUY-2MEMbghGwBSnnMK_daGe2mN4NWOBWQHYMIIB1DCCAXqgAwIBAgIBATAKBggqhkjOPQQDAjBgMQswCQYDVQQGEwJVUzERMA8GA1UECgwIQ2hyb21pdW0xIjAgBgNVBAsMGUF1dGhlbnRpY2F0b3IgQXR0ZXN0YXRpb24xGjAYBgNVBAMMEUJhdGNoIENlcnRpZmljYXRlMB4XDTE3MDcxNDAyNDAwMFoXDTQ2MTIwMTA4MjgxOFowYDELMAkGA1UEBhMCVVMxETAPBgNVBAoMCENocm9taXVtMSIwIAYDVQQLDBlBdXRoZW50aWNhdG9yIEF0dGVzdGF0aW9uMRowGAYDVQQDDBFCYXRjaCBDZXJ0aWZpY2F0ZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABI1hfmXJUI5kvMVnOsgqZ5naPBRGaCwljEY__99Y39L6Pmw3i1PXlcSk3_tBme3Xhi8jq68CA7S4kRugVpmU4QGjJTAjMAwGA1UdEwEB_wQCMAAwEwYLKwYBBAGC5RwCAQEEBAMCAwgwCgYIKoZIzj0EAwIDSAAwRQIhAM7VZSrz62f-VlEMFK1ZKGvcMmk2DGj-mbez7w5dIwB-AiB_xQe9zwsh6rqh_WReCBxbmOYns9vTeQCFfMkneKCuqGhhdXRoRGF0YVkBZ0mWDeWIDoxodDQXD2R2YFuP5K65ooYyx5lc87qDHZdjRQAAAAEBAgMEBQYHCAECAwQFBgcIACBo7nq34WmOXhGveYBBz7MBpgInlc7rOgkpvKS7h0ydE6QBAwM5AQAgWQEArJ41SSq4-F9fxetNNCF8qRtTMgWdgVYVxlYHYBynFnCOhOQyf2YGeTUqpKBDwgAVxMKS4mTpCYIYzimnEs5fU3xYs892xXEKw7q32JjFRs1s47sohwdzEeNBXc9bG_gu8hA5S_GSwsLZ3vk_9kL979qAWBC9610t3r-m1fxnWsSScFDSWrPXamvpUwubL_AQABrj7gPvgT0_7HvjdfiJ_IAkJD457PkdZUxccAfXBOtPfZgRvCBNeYOhBFjocWo6c3lB6rv4c9EECbYF47NbjjpmGRTDh9JVKH2UbGwaElD_QGnEfxp6hN_f4EEgouSV3TIJIZYpn63sLJIPM1UJYSFDAQAB",
    a_client_data: "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoiWVhOelpYSjBhVzl1TFdOb1lXeHNaVzVuWlEiLCJvcmlnaW4iOiJodHRwOi8vbG9jYWxob3N0OjM0MDQ5IiwiY3Jvc3NPcmlnaW4iOmZhbHNlfQ",
    a_auth_data: "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAg",
    a_signature: "ONldwbtDn-D6H9-fiRO9EhSi3Zp7cZaDrdbGOEWtLzfPKS8hHCURPQv4Gr9EDpyIF3Iku0UvvXWZvFGLdZJu-Pv7-gmx7hto9w-GevXLrpkAmS0yCndUijOCwmDjcsca1xQ4eKHNih3KQa-avbHXoR40Gu0CwJG0v3qDnvUabUARJCywY2Igg_du6v7Iby0b_TSw2nfi2kWl_yatVrizbRGSM7q5Oqevbw2n8rlvSOho9pohzKeKZehh-2ug9pPZASpx-BHpNnoElYl8r6rId1tHI8HmhT018zibLXOWpTeTRgjL1frXJVOUZBvR79qCKB_Z50NnP05oGaxDPR8vag",
};

const ORIGIN: &str = "http://localhost:34049";

fn d(s: &str) -> Vec<u8> {
    b64url_decode(s).expect("base64url")
}

fn register(v: &Vector) -> attestation::Registration {
    attestation::verify(&d(v.attestation), &d(v.client_data)).expect("registration verifies")
}

#[test]
fn chromium_registrations_verify_with_none_and_packed_attestation() {
    for (v, fmt, alg) in [
        (&ES256_NONE, "none", cose::ES256),
        (&ES256_PACKED, "packed", cose::ES256),
        (&RS256_NONE, "none", cose::RS256),
        (&RS256_PACKED, "packed", cose::RS256),
    ] {
        let reg = register(v);
        assert_eq!(reg.fmt, fmt);
        assert_eq!(reg.credential.key.alg(), alg);
        assert_eq!(reg.credential.id, d(v.id));
        assert_eq!(reg.auth_data.rp_id_hash, rp_id_hash("localhost"));
        assert!(reg.auth_data.user_present() && reg.auth_data.user_verified());
        assert_ne!(reg.auth_data.rp_id_hash, rp_id_hash("example.com"));
        let client = ClientData::parse(&d(v.client_data)).unwrap();
        assert_eq!(client.kind, "webauthn.create");
        assert_eq!(client.challenge, b"registration-challenge");
        assert_eq!(client.origin, ORIGIN);
        // The stored COSE bytes parse back to the same key.
        assert_eq!(
            PublicKey::from_cose(&reg.credential.public_key).unwrap(),
            reg.credential.key
        );
    }
}

#[test]
fn chromium_assertions_verify_and_carry_a_counter() {
    for v in [&ES256_NONE, &ES256_PACKED, &RS256_NONE, &RS256_PACKED] {
        let reg = register(v);
        let data = verify_assertion(
            &reg.credential.key,
            &d(v.a_auth_data),
            &d(v.a_client_data),
            &d(v.a_signature),
        )
        .expect("assertion verifies");
        assert!(data.sign_count > reg.auth_data.sign_count);
        assert!(counter_ok(reg.auth_data.sign_count, data.sign_count));
        assert!(!counter_ok(data.sign_count, data.sign_count));
        assert!(data.credential.is_none());
        let client = ClientData::parse(&d(v.a_client_data)).unwrap();
        assert_eq!(
            (client.kind.as_str(), client.challenge.as_slice()),
            ("webauthn.get", &b"assertion-challenge"[..])
        );
    }
}

#[test]
fn tampering_breaks_assertions() {
    let reg = register(&ES256_NONE);
    let key = &reg.credential.key;
    let (auth, client, sig) = (
        d(ES256_NONE.a_auth_data),
        d(ES256_NONE.a_client_data),
        d(ES256_NONE.a_signature),
    );
    let mut bad_sig = sig.clone();
    let last = bad_sig.len() - 1;
    bad_sig[last] ^= 1;
    assert_eq!(
        verify_assertion(key, &auth, &client, &bad_sig),
        Err(Error::BadSignature)
    );
    let mut bad_auth = auth.clone();
    bad_auth[36] ^= 1; // the counter
    assert_eq!(
        verify_assertion(key, &bad_auth, &client, &sig),
        Err(Error::BadSignature)
    );
    let other_origin = String::from_utf8(client.clone())
        .unwrap()
        .replace("localhost", "evil.localhost");
    assert_eq!(
        verify_assertion(key, &auth, other_origin.as_bytes(), &sig),
        Err(Error::BadSignature)
    );
    // Another credential's key.
    let other = register(&ES256_PACKED);
    assert_eq!(
        verify_assertion(&other.credential.key, &auth, &client, &sig),
        Err(Error::BadSignature)
    );
    let rsa = register(&RS256_NONE);
    let mut rsa_sig = d(RS256_NONE.a_signature);
    rsa_sig[10] ^= 0x40;
    assert_eq!(
        verify_assertion(
            &rsa.credential.key,
            &d(RS256_NONE.a_auth_data),
            &d(RS256_NONE.a_client_data),
            &rsa_sig
        ),
        Err(Error::BadSignature)
    );
}

#[test]
fn tampering_breaks_packed_attestation() {
    // The statement signs authData || SHA-256(clientDataJSON): another client data fails it.
    let other_client = String::from_utf8(d(ES256_PACKED.client_data))
        .unwrap()
        .replace("34", "35");
    assert_eq!(
        attestation::verify(&d(ES256_PACKED.attestation), other_client.as_bytes()).unwrap_err(),
        Error::BadSignature
    );
    // `none` has no signature, so the same change passes the statement (the challenge check catches it).
    assert!(attestation::verify(&d(ES256_NONE.attestation), other_client.as_bytes()).is_ok());
}

#[test]
fn malformed_structures_are_refused() {
    assert!(matches!(
        AuthData::parse(&[0; 36]),
        Err(Error::Malformed(_))
    ));
    let mut auth = d(ES256_NONE.a_auth_data);
    auth.push(0);
    assert!(matches!(AuthData::parse(&auth), Err(Error::Malformed(_))));
    let mut obj = d(ES256_NONE.attestation);
    obj.truncate(obj.len() - 3);
    assert!(matches!(
        attestation::verify(&obj, b"{}"),
        Err(Error::Malformed(_))
    ));
    assert!(matches!(
        ClientData::parse(b"not json"),
        Err(Error::Malformed(_))
    ));
    assert!(matches!(
        ClientData::parse(br#"{"type":"webauthn.get","origin":"x"}"#),
        Err(Error::Malformed(_))
    ));
    // An unknown attestation format is "not supported", not "malformed".
    let mut bytes = Vec::new();
    let value = ciborium::Value::Map(vec![
        (
            ciborium::Value::Text("fmt".into()),
            ciborium::Value::Text("tpm".into()),
        ),
        (
            ciborium::Value::Text("attStmt".into()),
            ciborium::Value::Map(vec![]),
        ),
        (
            ciborium::Value::Text("authData".into()),
            ciborium::Value::Bytes(
                attestation::verify(&d(ES256_NONE.attestation), &d(ES256_NONE.client_data))
                    .map(|_| raw_auth_data(&d(ES256_NONE.attestation)))
                    .unwrap(),
            ),
        ),
    ]);
    ciborium::ser::into_writer(&value, &mut bytes).unwrap();
    assert!(matches!(
        attestation::verify(&bytes, b"{}"),
        Err(Error::Unsupported(_))
    ));
}

fn raw_auth_data(attestation_object: &[u8]) -> Vec<u8> {
    let v: ciborium::Value = ciborium::de::from_reader(attestation_object).unwrap();
    v.as_map()
        .unwrap()
        .iter()
        .find(|(k, _)| k.as_text() == Some("authData"))
        .and_then(|(_, v)| v.as_bytes().cloned())
        .unwrap()
}
