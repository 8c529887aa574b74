//! SRP-6a as Cognito does it (the math amazon-cognito-identity-js and pycognito implement): the 3072-bit RFC 3526 group, SHA-256, Java
//! `BigInteger.toByteArray()` padding, HKDF "Caldera Derived Key", and the password-claim signature.
//! The server side stores `(salt, v = g^x mod N)` at every password set and never sees the password at
//! sign-in.

use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use num_bigint::BigUint;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::crypto::modexp::{FixedBase, Modulus};

/// The RFC 3526 3072-bit prime, in hex.
pub const N_HEX: &str = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD\
EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED\
EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F\
83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B\
E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510\
15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7\
ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C\
BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";

struct Group {
    g: BigUint,
    k: BigUint,
    /// N, and exponentiation modulo N (AWS-LC).
    m: Modulus,
    /// Powers of g for `v = g^x` and `g^b` (built at the first use: 1.7 MiB, ~15 ms).
    g_table: OnceLock<Option<FixedBase>>,
}

impl Group {
    /// `g^e mod N`.
    fn g_pow(&self, e: &BigUint) -> BigUint {
        match self.g_table.get_or_init(|| self.m.fixed_base(&self.g)) {
            Some(table) => self.m.pow_fixed(table, &self.g, e),
            None => self.m.pow(&self.g, e),
        }
    }
}

fn group() -> &'static Group {
    static GROUP: OnceLock<Group> = OnceLock::new();
    GROUP.get_or_init(|| {
        let n = BigUint::parse_bytes(N_HEX.as_bytes(), 16).expect("N");
        let g = BigUint::from(2u32);
        let k = BigUint::from_bytes_be(&Sha256::digest([pad(&n), pad(&g)].concat()));
        let m = Modulus::new(&n).expect("N is odd");
        Group {
            g,
            k,
            m,
            g_table: OnceLock::new(),
        }
    })
}

/// Java `BigInteger.toByteArray()` of a non-negative integer: big-endian, no leading zero bytes, plus
/// one `00` byte when the top bit is set.
pub fn pad(x: &BigUint) -> Vec<u8> {
    let bytes = x.to_bytes_be();
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        [&[0u8][..], &bytes].concat()
    } else {
        bytes
    }
}

/// Lower-case hex of [`pad`]: the form Cognito sends SALT in.
pub fn pad_hex(x: &BigUint) -> String {
    pad(x).iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses hex as clients send it (any case, any length); `None` if it is not hex.
pub fn parse_hex(s: &str) -> Option<BigUint> {
    if s.is_empty() {
        return None;
    }
    BigUint::parse_bytes(s.as_bytes(), 16)
}

/// The SRP multiplier `k = H(PAD(N) ‖ PAD(g))`.
pub fn multiplier() -> &'static BigUint {
    &group().k
}

/// `x = H(PAD(salt) ‖ H(poolName ‖ userId ‖ ":" ‖ password))`.
pub fn private_x(pool_name: &str, user_id: &str, password: &str, salt: &BigUint) -> BigUint {
    let inner = Sha256::digest(format!("{pool_name}{user_id}:{password}").as_bytes());
    BigUint::from_bytes_be(&Sha256::digest([pad(salt), inner.to_vec()].concat()))
}

/// A stored verifier: the salt and `v = g^x mod N`, both as big-endian bytes.
pub struct Verifier {
    /// The salt (16 random bytes, stored as an integer's bytes).
    pub salt: Vec<u8>,
    /// `g^x mod N`.
    pub verifier: Vec<u8>,
}

/// Computes the verifier for a new password with a fresh 16-byte salt.
pub fn make_verifier(pool_name: &str, user_id: &str, password: &str) -> Verifier {
    let salt = BigUint::from_bytes_be(&crate::domain::ids::random_bytes(16));
    verifier_with_salt(pool_name, user_id, password, &salt)
}

/// Computes the verifier with a given salt (tests and vectors).
pub fn verifier_with_salt(
    pool_name: &str,
    user_id: &str,
    password: &str,
    salt: &BigUint,
) -> Verifier {
    let grp = group();
    let x = private_x(pool_name, user_id, password, salt);
    Verifier {
        salt: salt.to_bytes_be(),
        verifier: grp.g_pow(&x).to_bytes_be(),
    }
}

/// The server's ephemeral values for one sign-in: `b` (secret) and `B = k·v + g^b mod N`.
pub struct ServerEphemeral {
    /// Secret exponent.
    pub b: BigUint,
    /// Public value sent as SRP_B.
    pub big_b: BigUint,
}

/// Generates `b` and `B` for the stored verifier `v`.
pub fn server_ephemeral(verifier: &[u8]) -> ServerEphemeral {
    let b = BigUint::from_bytes_be(&crate::domain::ids::random_bytes(32));
    server_ephemeral_with(verifier, b)
}

/// `B` for a given `b` (tests and vectors).
pub fn server_ephemeral_with(verifier: &[u8], b: BigUint) -> ServerEphemeral {
    let grp = group();
    let v = BigUint::from_bytes_be(verifier);
    let big_b = (&grp.k * v + grp.g_pow(&b)) % grp.m.n();
    ServerEphemeral { b, big_b }
}

/// Why the client's SRP_A cannot be used.
#[derive(Debug, PartialEq, Eq)]
pub struct BadSrpA;

/// Checks the client's `A` (`A mod N != 0`).
pub fn check_a(a: &BigUint) -> Result<(), BadSrpA> {
    if (a % group().m.n()) == BigUint::ZERO {
        Err(BadSrpA)
    } else {
        Ok(())
    }
}

/// The 16-byte session key: `u = H(PAD(A) ‖ PAD(B))`, `S = (A·v^u)^b mod N`,
/// `K = HKDF(salt = PAD(u), ikm = PAD(S), info = "Caldera Derived Key")`. `None` when `u` is 0.
pub fn server_key(a: &BigUint, eph: &ServerEphemeral, verifier: &[u8]) -> Option<[u8; 16]> {
    let grp = group();
    let u = BigUint::from_bytes_be(&Sha256::digest([pad(a), pad(&eph.big_b)].concat()));
    if u == BigUint::ZERO {
        return None;
    }
    let v = BigUint::from_bytes_be(verifier);
    let s = grp.m.pow(&((a * grp.m.pow(&v, &u)) % grp.m.n()), &eph.b);
    Some(hkdf(&pad(&u), &pad(&s)))
}

/// `HKDF-SHA256(salt, ikm, info = "Caldera Derived Key")`, the first 16 bytes.
pub fn hkdf(salt: &[u8], ikm: &[u8]) -> [u8; 16] {
    let mut prk = Hmac::<Sha256>::new_from_slice(salt).expect("HMAC takes any key");
    prk.update(ikm);
    let prk = prk.finalize().into_bytes();
    let mut okm = Hmac::<Sha256>::new_from_slice(&prk).expect("HMAC takes any key");
    okm.update(b"Caldera Derived Key\x01");
    let out = okm.finalize().into_bytes();
    let mut key = [0u8; 16];
    key.copy_from_slice(&out[..16]);
    key
}

/// `HMAC-SHA256(K, poolName ‖ userId ‖ secretBlock ‖ timestamp)`.
pub fn claim_signature(
    key: &[u8; 16],
    pool_name: &str,
    user_id: &str,
    secret_block: &[u8],
    timestamp: &str,
) -> [u8; 32] {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key");
    m.update(pool_name.as_bytes());
    m.update(user_id.as_bytes());
    m.update(secret_block);
    m.update(timestamp.as_bytes());
    m.finalize().into_bytes().into()
}

/// Compares a received base64 PASSWORD_CLAIM_SIGNATURE in constant time.
pub fn signature_matches(expected: &[u8; 32], received_b64: &str) -> bool {
    match STANDARD.decode(received_b64) {
        Ok(received) => received.len() == 32 && bool::from(expected[..].ct_eq(&received[..])),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The values of `../shared/reference/srp-vectors.txt`.
    const A_HEX: &str = "89830aec1b6010b91bc65e075a7732b2a68cb03f04d03cd2fd9483046624f9ff4111db108d46b602c0057b98bd1c890cccc6e1be6e334596f8c4f338d347477262a19724fc5f0cca0bbf85e971d501c4a67ee53cec31d1e94051308e6552a4b81deee8e1a587fa7f87c4d8fed1f72a9f9af5b9096d15ba6c9a32cc351ea004d993d4ff808ac7543d369126e71fed003c78ab9005856ce788540278062058c2a90db2bd6e3513272c97d2811792230443d2d0bdd267f5cf0f8a2acda660be408403b1e10c762441de8e856764e7711d6053102192943fbef369777480a00adf030e59fb3302449fbc8d59a88f7be0b22b2ce447f457444ab0fa776e330a603b68c44f08ec8919587e4aff4bdd1b4d4176400c29464c4ab20346c31ef86e857a92733532ac33a21ffbda1923ff62e2c16376e17387c6b7f787a62156bb77f911037e3ef3d0439d5b4b43d353cccda9ad7707dd6e011e39e767af0b08710f1094693c660f81aca05beab5895a6b46944dac37a1bc955b8cc2754b039112a9e7cf3c";
    const B_HEX: &str = "27d1496c17fdc56969ffb71b6cf48dde71738dc4a9ee752aa47baf6a351a638d17fc8abe140b374d67feab484c0bfe3ad566fa3dcbb56acafaf4331e6384c974a67513ac14fb338e5c381126abf4fc454400f7bc419f4eb889c456cf9340ea155cbf7179f6567d84a0e57ea25c8065bbc9157812869777fef1a3038959b241a2d0233e0b7032b023365f212ecab56f8581dc501a440ba73dd51372e11a89f29d4f76414cc0c831b6f476b923bd0fc3af916620c4d294d939daf4882ef10517b794ba83a64253e5de5ad9e4112d6c02dcfbbb697203e29e6db3ce218f202130179921a4d9591d4df826448f9ab2ff31effd136535e74b10d7662a31f980eb841926dd67f55d1ac8b9aa59ca05cc1187fbd466f06dc3b68143e007cff6ef02de3874da635068602fc1d5ea6d1fc5d1c370624d8fb2b41128ed5e03595e33a639838b4cc4e8e331c83bdbffa52251807ebcd8d155772ce4ead98986c18bbbfc3a02a85852eff86269644f67017a0ca4ab3dcd7179666b49eabd4908dc6492e71ea3";

    fn hex(s: &str) -> BigUint {
        parse_hex(s).unwrap()
    }

    #[test]
    fn k_and_padding() {
        assert_eq!(
            pad_hex(&group().k),
            "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"
        );
        assert_eq!(pad_hex(&BigUint::from(20u32)), "14");
        assert_eq!(pad_hex(&BigUint::from(236u32)), "00ec");
        assert_eq!(pad_hex(group().m.n()).len(), 770);
    }

    #[test]
    fn reproduces_the_reference_vector() {
        let salt = hex("00a3f1c2d4e5f60718293a4b5c6d7e8f90");
        assert_eq!(pad_hex(&salt), "00a3f1c2d4e5f60718293a4b5c6d7e8f90");
        let x = private_x("AbCdEf123", "alice", "Passw0rd!", &salt);
        assert_eq!(
            pad_hex(&x),
            "00b43db4a0c44c5d677cc5532374e6b35c067e6c75a98505f4c2ea1ffcfd24d792"
        );
        let v = verifier_with_salt("AbCdEf123", "alice", "Passw0rd!", &salt);
        let eph = server_ephemeral_with(&v.verifier, BigUint::from_bytes_be(&[0x2e; 32]));
        assert_eq!(eph.big_b.to_str_radix(16), B_HEX);
        let a = hex(A_HEX);
        // The client's A from a = 0x1f..1f.
        assert_eq!(
            group()
                .g
                .modpow(&BigUint::from_bytes_be(&[0x1f; 32]), group().m.n()),
            a
        );
        let key = server_key(&a, &eph, &v.verifier).unwrap();
        let key_hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(key_hex, "19acf6cbb2f811364c6b592a2fbee08d");
        let block: Vec<u8> = (0u8..64).collect();
        assert_eq!(
            STANDARD.encode(&block),
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw=="
        );
        let sig = claim_signature(
            &key,
            "AbCdEf123",
            "alice",
            &block,
            "Sun Nov 22 10:34:29 UTC 2026",
        );
        assert_eq!(
            STANDARD.encode(sig),
            "NnuD8KJiM9bD5whPJqM9d5C1YOXGJfqHs0eyU0rTP0k="
        );
        assert!(signature_matches(
            &sig,
            "NnuD8KJiM9bD5whPJqM9d5C1YOXGJfqHs0eyU0rTP0k="
        ));
        assert!(!signature_matches(
            &sig,
            "AnuD8KJiM9bD5whPJqM9d5C1YOXGJfqHs0eyU0rTP0k="
        ));
    }

    #[test]
    fn rejects_a_multiple_of_n() {
        assert_eq!(check_a(&BigUint::ZERO), Err(BadSrpA));
        assert_eq!(check_a(group().m.n()), Err(BadSrpA));
        assert!(check_a(&BigUint::from(2u32)).is_ok());
    }
}
