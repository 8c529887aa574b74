//! Workload 1: sequential latency.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::bodies::{get_user_body, password_auth_body, refresh_body, sign_up_body};
use crate::hashing;
use crate::http::Conn;
use crate::measure::{ErrorLog, Samples, Stats, ms};
use crate::server::{Server, wait_quiet};
use crate::settings::Settings;
use crate::srp::Srp;

pub struct SignedIn {
    pub username: String,
    pub access: String,
    pub refresh: String,
}

pub struct SeqRow {
    pub op: &'static str,
    pub what: String,
    pub stats: Stats,
}

pub async fn sequential(
    server: &Server,
    pool: &str,
    client: &str,
    srp: &Srp,
    s: &Settings,
    log: &mut ErrorLog,
) -> (Vec<SeqRow>, Vec<SignedIn>) {
    wait_quiet(server, s).await;
    let mut conn = Conn::open(&server.addr).await;
    let mut rows = Vec::new();

    // SignUp, then AdminConfirmSignUp, each timed on its own.
    let mut sign_up = Samples::default();
    let mut confirm = Samples::default();
    let mut confirmed = Vec::new();
    for i in 0..s.seq_signups {
        let username = format!("seq{i:06}");
        let body = sign_up_body(client, &username);
        let t = Instant::now();
        let r = conn.call("SignUp", &body).await;
        sign_up.record(t.elapsed(), &r);
        if matches!(&r, Ok(r) if r.status == 200) {
            let body = json!({"UserPoolId": pool, "Username": username}).to_string();
            let t = Instant::now();
            let r = conn.call("AdminConfirmSignUp", body.as_bytes()).await;
            confirm.record(t.elapsed(), &r);
            if matches!(&r, Ok(r) if r.status == 200) {
                confirmed.push(username);
            }
        }
    }
    log.add("sequential SignUp", &sign_up.errors);
    log.add("sequential AdminConfirmSignUp", &confirm.errors);
    rows.push(SeqRow {
        op: "SignUp",
        what: format!(
            "new user with email (code to the outbox), {}; AdminConfirmSignUp after each, timed below",
            hashing(s)
        ),
        stats: sign_up.stats(),
    });
    rows.push(SeqRow {
        op: "AdminConfirmSignUp",
        what: "the user just signed up (one row updated, its code removed)".into(),
        stats: confirm.stats(),
    });

    // First sign-in of each user: argon2 verification, then the credential is cached.
    let mut first = Samples::default();
    let mut users = Vec::new();
    for username in &confirmed {
        let body = password_auth_body(client, username);
        let t = Instant::now();
        let r = conn.call("InitiateAuth", &body).await;
        first.record(t.elapsed(), &r);
        if let Ok(r) = &r {
            if r.status == 200 {
                let v = r.json();
                let result = &v["AuthenticationResult"];
                users.push(SignedIn {
                    username: username.clone(),
                    access: result["AccessToken"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    refresh: result["RefreshToken"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                });
            }
        }
    }
    log.add("sequential first USER_PASSWORD_AUTH", &first.errors);
    rows.push(SeqRow {
        op: "InitiateAuth USER_PASSWORD_AUTH, first sign-in",
        what: "first sign-in of each new user: pays the argon2 verification".into(),
        stats: first.stats(),
    });
    assert!(
        !users.is_empty(),
        "no user could sign in; nothing further to measure"
    );

    let mut repeat = Samples::default();
    for i in 0..s.seq_samples {
        let body = password_auth_body(client, &users[i % users.len()].username);
        let t = Instant::now();
        let r = conn.call("InitiateAuth", &body).await;
        repeat.record(t.elapsed(), &r);
    }
    log.add("sequential repeated USER_PASSWORD_AUTH", &repeat.errors);
    rows.push(SeqRow {
        op: "InitiateAuth USER_PASSWORD_AUTH, repeated",
        what: format!(
            "users signed in before (verified credential cached: no argon2), round-robin over {}",
            users.len()
        ),
        stats: repeat.stats(),
    });

    let mut refresh = Samples::default();
    for i in 0..s.seq_samples {
        let body = refresh_body(client, &users[i % users.len()].refresh);
        let t = Instant::now();
        let r = conn.call("InitiateAuth", &body).await;
        refresh.record(t.elapsed(), &r);
    }
    log.add("sequential REFRESH_TOKEN_AUTH", &refresh.errors);
    rows.push(SeqRow {
        op: "InitiateAuth REFRESH_TOKEN_AUTH",
        what: format!(
            "new ID + access tokens, round-robin over {} refresh tokens",
            users.len()
        ),
        stats: refresh.stats(),
    });

    let mut get_user = Samples::default();
    for i in 0..s.seq_samples {
        let body = get_user_body(&users[i % users.len()].access);
        let t = Instant::now();
        let r = conn.call("GetUser", &body).await;
        get_user.record(t.elapsed(), &r);
    }
    log.add("sequential GetUser", &get_user.errors);
    rows.push(SeqRow {
        op: "GetUser",
        what: format!(
            "RS256 access-token verification + user read, round-robin over {} tokens",
            users.len()
        ),
        stats: get_user.stats(),
    });

    // SRP: one untimed sign-in per user first (the client learns each salt and caches g^x), then the
    // timed ones, each with a fresh precomputed ephemeral.
    let pre = srp.precompute(users.len() + s.seq_samples);
    eprintln!(
        "load: {} SRP ephemerals precomputed in {pre:.1} s",
        users.len() + s.seq_samples
    );
    let mut warm = Samples::default();
    for u in &users {
        let (r, _) = srp.sign_in(&mut conn, &u.username).await;
        warm.record_outcome(Duration::ZERO, r);
    }
    log.add(
        "sequential SRP sign-in (untimed first one per user)",
        &warm.errors,
    );
    let late = (
        srp.late_ephemerals.load(Ordering::Relaxed),
        srp.late_secrets.load(Ordering::Relaxed),
    );
    let (mut full, mut initiate, mut respond, mut math) = (
        Samples::default(),
        Samples::default(),
        Samples::default(),
        Samples::default(),
    );
    for i in 0..s.seq_samples {
        let t = Instant::now();
        let (r, timing) = srp
            .sign_in(&mut conn, &users[i % users.len()].username)
            .await;
        let elapsed = t.elapsed();
        if r.is_ok() {
            initiate.latencies.push(timing.initiate);
            respond.latencies.push(timing.respond);
            math.latencies.push(timing.math);
        }
        full.record_outcome(elapsed, r);
    }
    log.add("sequential SRP sign-in", &full.errors);
    let late_ephemerals = srp.late_ephemerals.load(Ordering::Relaxed) - late.0;
    let late_secrets = srp.late_secrets.load(Ordering::Relaxed) - late.1;
    let math = math.stats();
    rows.push(SeqRow {
        op: "SRP sign-in: InitiateAuth USER_SRP_AUTH + RespondToAuthChallenge PASSWORD_VERIFIER",
        what: format!(
            "the complete two-request sign-in, the client's proof included (client math median {}, p99 {}: one 3072-bit \
             exponentiation S = (B − k·g^x)^(a+u·x) with a 256-bit a, plus hashing; A = g^a precomputed, g^x cached per user; \
             {late_ephemerals} ephemerals and {late_secrets} g^x computed during the timed loop), round-robin over {} users",
            ms(math.median),
            ms(math.p99),
            users.len()
        ),
        stats: full.stats(),
    });
    rows.push(SeqRow {
        op: "— step 1: InitiateAuth USER_SRP_AUTH",
        what: "of the sign-ins above: B = k·v + g^b, session row; answers PASSWORD_VERIFIER (this \
               emulator also computes its S = (A·v^u)^b and the session key here, as soon as A and B \
               are known)"
            .into(),
        stats: initiate.stats(),
    });
    rows.push(SeqRow {
        op: "— step 2: RespondToAuthChallenge PASSWORD_VERIFIER",
        what: "of the sign-ins above: the client's signature checked (by a server that keeps only \
               b, after S = (A·v^u)^b), ID + access + refresh tokens"
            .into(),
        stats: respond.stats(),
    });
    (rows, users)
}
