//! Client-side SRP (USER_SRP_AUTH -> PASSWORD_VERIFIER), the math of tests/it/common/srp.rs.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cognito_emulator::crypto::modexp::Modulus;
use cognito_emulator::crypto::srp;
use num_bigint::BigUint;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::PASSWORD;
use crate::http::{Conn, find};

/// The TIMESTAMP of a PASSWORD_VERIFIER answer, as Cognito clients write it: `Tue Dec 1 09:05:03 UTC
/// 2026` (day of month not zero-padded).
fn cognito_timestamp(now: std::time::SystemTime) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = now
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{} {} {day} {:02}:{:02}:{:02} UTC {year}",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(month - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// One client ephemeral: `a` (256 random bits) and `A = g^a mod N` in hex.
pub struct Ephemeral {
    pub a: BigUint,
    big_a: BigUint,
    a_hex: String,
}

/// What a user's sign-ins share: `x` depends only on the salt and the password, so `g^x` is computed
/// once per user.
struct UserSecret {
    salt_hex: String,
    x: BigUint,
    gx: BigUint,
}

/// Client time of one SRP sign-in.
#[derive(Default, Clone, Copy)]
pub struct SrpTiming {
    pub initiate: Duration,
    pub math: Duration,
    pub respond: Duration,
}

/// The SRP client of the bench: precomputed ephemerals, cached `g^x`, and counts of what had to be
/// computed during a timed phase.
pub struct Srp {
    mont: Modulus,
    pub n: BigUint,
    g: BigUint,
    pub k: BigUint,
    pub client: String,
    pool_name: String,
    pub ephemerals: std::sync::Mutex<Vec<Ephemeral>>,
    secrets: std::sync::Mutex<HashMap<String, Arc<UserSecret>>>,
    /// Ephemerals computed on demand because the precomputed ones ran out.
    pub late_ephemerals: AtomicUsize,
    /// `g^x` computed on demand (a user not seen before, or a new salt).
    pub late_secrets: AtomicUsize,
}

impl Srp {
    pub fn new(pool: &str, client: &str) -> Srp {
        let n = BigUint::parse_bytes(srp::N_HEX.as_bytes(), 16).expect("N");
        let g = BigUint::from(2u32);
        let k = srp::multiplier().clone();
        // The emulator's exponentiation (IFMA or AWS-LC; checked against num-bigint by unit tests).
        let mont = Modulus::new(&n).expect("N is odd");
        let pool_name = pool.split_once('_').map(|(_, p)| p).unwrap_or(pool);
        Srp {
            mont,
            n,
            g,
            k,
            client: client.to_string(),
            pool_name: pool_name.to_string(),
            ephemerals: std::sync::Mutex::new(Vec::new()),
            secrets: std::sync::Mutex::new(HashMap::new()),
            late_ephemerals: AtomicUsize::new(0),
            late_secrets: AtomicUsize::new(0),
        }
    }

    fn ephemeral(&self) -> Ephemeral {
        let mut bytes = [0u8; 32];
        rand::fill(&mut bytes[..]);
        bytes[0] |= 0x80;
        let a = BigUint::from_bytes_be(&bytes);
        let big_a = self.mont.pow(&self.g, &a);
        let a_hex = big_a.to_str_radix(16);
        Ephemeral { a, big_a, a_hex }
    }

    /// Tops the store of ephemerals up to `count`, on every core (untimed); returns the seconds spent.
    pub fn precompute(&self, count: usize) -> f64 {
        let t = Instant::now();
        let have = self.ephemerals.lock().expect("lock").len();
        let missing = count.saturating_sub(have);
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .max(1);
        let made: Vec<Ephemeral> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let share = missing / threads + usize::from(t < missing % threads);
                    scope.spawn(move || (0..share).map(|_| self.ephemeral()).collect::<Vec<_>>())
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("precompute thread"))
                .collect()
        });
        self.ephemerals.lock().expect("lock").extend(made);
        t.elapsed().as_secs_f64()
    }

    fn take_ephemeral(&self) -> Ephemeral {
        if let Some(e) = self.ephemerals.lock().expect("lock").pop() {
            return e;
        }
        self.late_ephemerals.fetch_add(1, Ordering::Relaxed);
        self.ephemeral()
    }

    fn secret(&self, user_id: &str, salt_hex: &str) -> Arc<UserSecret> {
        if let Some(s) = self.secrets.lock().expect("lock").get(user_id)
            && s.salt_hex == salt_hex
        {
            return s.clone();
        }
        self.late_secrets.fetch_add(1, Ordering::Relaxed);
        let salt = BigUint::parse_bytes(salt_hex.as_bytes(), 16).unwrap_or_default();
        let x = srp::private_x(&self.pool_name, user_id, PASSWORD, &salt);
        let gx = self.mont.pow(&self.g, &x);
        let secret = Arc::new(UserSecret {
            salt_hex: salt_hex.to_string(),
            x,
            gx,
        });
        self.secrets
            .lock()
            .expect("lock")
            .insert(user_id.to_string(), secret.clone());
        secret
    }

    /// PASSWORD_CLAIM_SIGNATURE for one challenge.
    fn signature(
        &self,
        eph: &Ephemeral,
        user: &UserSecret,
        user_id: &str,
        b_hex: &str,
        secret_block: &str,
        timestamp: &str,
    ) -> Result<String, String> {
        let n = &self.n;
        let big_b = BigUint::parse_bytes(b_hex.as_bytes(), 16).ok_or("SRP_B is not hex")?;
        if (&big_b % n) == BigUint::ZERO {
            return Err("SRP_B is a multiple of N".into());
        }
        let u = BigUint::from_bytes_be(&Sha256::digest(
            [srp::pad(&eph.big_a), srp::pad(&big_b)].concat(),
        ));
        if u == BigUint::ZERO {
            return Err("u = 0".into());
        }
        // S = (B - k·g^x)^(a + u·x) mod N.
        let base = (&big_b + &self.k * (n - &user.gx)) % n;
        let s = self.mont.pow(&base, &(&eph.a + &u * &user.x));
        let key = srp::hkdf(&srp::pad(&u), &srp::pad(&s));
        let block = STANDARD
            .decode(secret_block)
            .map_err(|_| "SECRET_BLOCK is not base64")?;
        let sig = srp::claim_signature(&key, &self.pool_name, user_id, &block, timestamp);
        Ok(STANDARD.encode(sig))
    }

    /// A complete sign-in: InitiateAuth USER_SRP_AUTH, the client proof, RespondToAuthChallenge
    /// PASSWORD_VERIFIER; `Ok` only when tokens came back.
    pub async fn sign_in(
        &self,
        conn: &mut Conn,
        username: &str,
    ) -> (Result<(), String>, SrpTiming) {
        let mut timing = SrpTiming::default();
        let eph = self.take_ephemeral();
        let body = json!({
            "AuthFlow": "USER_SRP_AUTH",
            "ClientId": self.client,
            "AuthParameters": {"USERNAME": username, "SRP_A": eph.a_hex},
        })
        .to_string();
        let t = Instant::now();
        let r = conn.call("InitiateAuth", body.as_bytes()).await;
        timing.initiate = t.elapsed();
        let challenge = match r {
            Ok(r) if r.status == 200 => r.json(),
            Ok(r) => return (Err(format!("InitiateAuth {}", r.error_key())), timing),
            Err(e) => return (Err(format!("transport: {e}")), timing),
        };
        let t = Instant::now();
        let p = &challenge["ChallengeParameters"];
        let field = |name: &str| p[name].as_str().unwrap_or_default();
        if challenge["ChallengeName"] != "PASSWORD_VERIFIER" || field("SRP_B").is_empty() {
            let text: String = challenge.to_string().chars().take(160).collect();
            return (
                Err(format!(
                    "InitiateAuth: not a PASSWORD_VERIFIER challenge: {text}"
                )),
                timing,
            );
        }
        let user_id = field("USER_ID_FOR_SRP");
        let secret = self.secret(user_id, field("SALT"));
        let timestamp = cognito_timestamp(std::time::SystemTime::now());
        let signature = match self.signature(
            &eph,
            &secret,
            user_id,
            field("SRP_B"),
            field("SECRET_BLOCK"),
            &timestamp,
        ) {
            Ok(s) => s,
            Err(e) => return (Err(format!("client: {e}")), timing),
        };
        let body = json!({
            "ChallengeName": "PASSWORD_VERIFIER",
            "ClientId": self.client,
            "Session": challenge["Session"],
            "ChallengeResponses": {
                "USERNAME": user_id,
                "PASSWORD_CLAIM_SECRET_BLOCK": field("SECRET_BLOCK"),
                "PASSWORD_CLAIM_SIGNATURE": signature,
                "TIMESTAMP": timestamp,
            },
        })
        .to_string();
        timing.math = t.elapsed();
        let t = Instant::now();
        let r = conn.call("RespondToAuthChallenge", body.as_bytes()).await;
        timing.respond = t.elapsed();
        let outcome = match r {
            Ok(r) if r.status == 200 => {
                if find(&r.body, b"\"AccessToken\"").is_some() {
                    Ok(())
                } else {
                    let text: String = String::from_utf8_lossy(&r.body).chars().take(160).collect();
                    Err(format!("RespondToAuthChallenge: no tokens: {text}"))
                }
            }
            Ok(r) => Err(format!("RespondToAuthChallenge {}", r.error_key())),
            Err(e) => Err(format!("transport: {e}")),
        };
        (outcome, timing)
    }
}
