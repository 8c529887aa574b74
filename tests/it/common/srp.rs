//! The client side of Cognito's SRP, written independently of the server's code from the published
//! algorithm (the same steps as amazon-cognito-identity-js and pycognito), for the integration tests.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use num_bigint::BigUint;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

/// `padHex` of amazon-cognito-identity-js, as bytes.
fn pad(x: &BigUint) -> Vec<u8> {
    let mut hex = x.to_str_radix(16);
    if hex.len() % 2 == 1 {
        hex.insert(0, '0');
    } else if "89abcdef".contains(&hex[..1]) {
        hex.insert_str(0, "00");
    }
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

fn n() -> BigUint {
    BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap()
}

/// One client-side SRP exchange.
pub struct Client {
    a: BigUint,
    /// `A`, as clients send it (unpadded lower-case hex).
    pub big_a: BigUint,
}

impl Client {
    /// A fresh random `a`.
    pub fn new() -> Client {
        let bytes: Vec<u8> = (0..128).map(|_| rand::random::<u8>()).collect();
        let a = BigUint::from_bytes_be(&bytes) % n();
        let big_a = BigUint::from(2u32).modpow(&a, &n());
        Client { a, big_a }
    }

    /// SRP_A.
    pub fn srp_a(&self) -> String {
        self.big_a.to_str_radix(16)
    }

    /// PASSWORD_CLAIM_SIGNATURE for the challenge parameters, with `pool_name` = the pool id after `_`
    /// (or the DeviceGroupKey) and `user_id` = USER_ID_FOR_SRP (or the DeviceKey).
    pub fn signature(
        &self,
        pool_name: &str,
        user_id: &str,
        password: &str,
        salt_hex: &str,
        b_hex: &str,
        secret_block: &str,
        timestamp: &str,
    ) -> String {
        let n = n();
        let g = BigUint::from(2u32);
        let k = BigUint::from_bytes_be(&Sha256::digest([pad(&n), pad(&g)].concat()));
        let big_b = BigUint::parse_bytes(b_hex.as_bytes(), 16).unwrap();
        let salt = BigUint::parse_bytes(salt_hex.as_bytes(), 16).unwrap();
        let u = BigUint::from_bytes_be(&Sha256::digest([pad(&self.big_a), pad(&big_b)].concat()));
        let inner = Sha256::digest(format!("{pool_name}{user_id}:{password}").as_bytes());
        let x = BigUint::from_bytes_be(&Sha256::digest([pad(&salt), inner.to_vec()].concat()));
        let gx = g.modpow(&x, &n);
        let base = (&big_b + &k * (&n - &gx % &n)) % &n;
        let s = base.modpow(&(&self.a + &u * &x), &n);
        let mut prk = Hmac::<Sha256>::new_from_slice(&pad(&u)).unwrap();
        prk.update(&pad(&s));
        let prk = prk.finalize().into_bytes();
        let mut okm = Hmac::<Sha256>::new_from_slice(&prk).unwrap();
        okm.update(b"Caldera Derived Key\x01");
        let key = okm.finalize().into_bytes();
        let mut sig = Hmac::<Sha256>::new_from_slice(&key[..16]).unwrap();
        sig.update(pool_name.as_bytes());
        sig.update(user_id.as_bytes());
        sig.update(&STANDARD.decode(secret_block).unwrap());
        sig.update(timestamp.as_bytes());
        STANDARD.encode(sig.finalize().into_bytes())
    }

    /// The PASSWORD_VERIFIER ChallengeResponses (USERNAME, PASSWORD_CLAIM_SECRET_BLOCK,
    /// PASSWORD_CLAIM_SIGNATURE, TIMESTAMP) for the ChallengeParameters `challenge`, signed as
    /// [`Client::signature`] with `pool_name` and `user_id`.
    pub fn password_verifier(
        &self,
        pool_name: &str,
        user_id: &str,
        username: &str,
        password: &str,
        challenge: &Value,
    ) -> Value {
        let sig = self.signature(
            pool_name,
            user_id,
            password,
            challenge["SALT"].as_str().unwrap(),
            challenge["SRP_B"].as_str().unwrap(),
            challenge["SECRET_BLOCK"].as_str().unwrap(),
            TIMESTAMP,
        );
        json!({"USERNAME": username, "PASSWORD_CLAIM_SECRET_BLOCK": challenge["SECRET_BLOCK"],
               "PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": TIMESTAMP})
    }
}

/// A device verifier as amazon-cognito-identity-js generates it: (random password, base64 salt,
/// base64 verifier).
pub fn device_verifier(group_key: &str, device_key: &str) -> (String, String, String) {
    let password = STANDARD.encode((0..40).map(|_| rand::random::<u8>()).collect::<Vec<u8>>());
    let salt = BigUint::from_bytes_be(&(0..16).map(|_| rand::random::<u8>()).collect::<Vec<u8>>());
    let inner = Sha256::digest(format!("{group_key}{device_key}:{password}").as_bytes());
    let x = BigUint::from_bytes_be(&Sha256::digest([pad(&salt), inner.to_vec()].concat()));
    let v = BigUint::from(2u32).modpow(&x, &n());
    (password, STANDARD.encode(pad(&salt)), STANDARD.encode(pad(&v)))
}

/// A TIMESTAMP in Cognito's format (day of month not zero-padded).
pub const TIMESTAMP: &str = "Tue Dec 1 09:05:03 UTC 2026";
