//! SECRET_HASH (https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash): `Base64(HMAC-SHA256(key = client secret, message = username ‖ client id))`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Computes the SECRET_HASH a client sends for `username`.
pub fn compute(client_secret: &str, username: &str, client_id: &str) -> String {
    STANDARD.encode(
        mac(client_secret, username, client_id)
            .finalize()
            .into_bytes(),
    )
}

fn mac(client_secret: &str, username: &str, client_id: &str) -> Hmac<Sha256> {
    let mut m =
        Hmac::<Sha256>::new_from_slice(client_secret.as_bytes()).expect("HMAC takes any key");
    m.update(username.as_bytes());
    m.update(client_id.as_bytes());
    m
}

/// Checks a received SECRET_HASH in constant time.
pub fn matches(client_secret: &str, username: &str, client_id: &str, received: &str) -> bool {
    let Ok(bytes) = STANDARD.decode(received) else {
        return false;
    };
    mac(client_secret, username, client_id)
        .verify_slice(&bytes)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_vector() {
        let secret = "examplesecret1234567890abcdefghijklmnopqrstuvwxyz12";
        let hash = compute(secret, "alice", "26lowercasealnumclientid00");
        assert_eq!(hash, "5/nzO9Tj5iVfM9WrIqb9bpKtn0Qwojd0F2wlmnEJcXo=");
        assert!(matches(
            secret,
            "alice",
            "26lowercasealnumclientid00",
            &hash
        ));
        assert!(!matches(
            secret,
            "alicf",
            "26lowercasealnumclientid00",
            &hash
        ));
        assert!(!matches(
            secret,
            "alice",
            "26lowercasealnumclientid00",
            "not base64!"
        ));
    }
}
