//! Fuzz targets (issue 14, item 8), bounded for CI: the request decoder with model validation and the
//! operations behind it, the ListUsers filter parser, the JWT parser, SRP input parsing and the seed
//! loader, each fed `FUZZ_CASES` generated or mutated inputs (default 1,500; the long run sets it to
//! 1,000,000, see the README). Nothing may panic, and no input may end in an internal error (HTTP 500).
//! `FUZZ_SEED` replays a run. The HTTP-level run is `cargo bench --bench fuzz`; its bounded smoke run
//! is the last test here.

// Formatted as a bench file (src/ and benches/ keep rustfmt's defaults, tests/ do not).
#[rustfmt::skip]
#[path = "../../benches/fuzz/generate.rs"]
mod generate;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_emulator::{App, Ctx};
use generate::{Known, Model, Rng, mangle};
use serde_json::{Value, json};

use crate::common;

fn cases() -> usize {
    std::env::var("FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_500)
}

fn seed() -> u64 {
    std::env::var("FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x5eed)
}

/// An app (file database, cheap argon2, test keys) outside any server.
fn app() -> (Arc<App>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = common::test_config(&dir);
    (Arc::new(App::new(config).unwrap()), dir)
}

/// Runs `f`, failing the test with the input when it panics.
fn no_panic<T>(what: &str, input: &dyn std::fmt::Debug, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(_) => panic!("{what} panicked on {input:.500?} (FUZZ_SEED={})", seed()),
    }
}

/// A pool with a client and a confirmed user, so that generated requests often name real things.
fn populate(ctx: &Ctx, known: &mut Known) {
    let invoke = |op: &str, body: Value| cognito_emulator::ops::invoke(ctx, op, body).unwrap();
    let pool = invoke("CreateUserPool", json!({"PoolName": "fuzz"}))["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let client = invoke(
        "CreateUserPoolClient",
        json!({"UserPoolId": pool, "ClientName": "c",
               "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"]}),
    )["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_string();
    invoke(
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "fuzzer", "TemporaryPassword": "Passw0rd!", "MessageAction": "SUPPRESS"}),
    );
    invoke(
        "AdminSetUserPassword",
        json!({"UserPoolId": pool, "Username": "fuzzer", "Password": "Passw0rd!", "Permanent": true}),
    );
    let auth = invoke(
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": "fuzzer", "PASSWORD": "Passw0rd!"}}),
    );
    let result = &auth["AuthenticationResult"];
    known.tokens.push(result["AccessToken"].as_str().unwrap().to_string());
    known.tokens.push(result["RefreshToken"].as_str().unwrap().to_string());
    known.pools.push(pool);
    known.clients.push(client);
    known.users.push("fuzzer".into());
}

#[test]
fn fuzz_request_decoder_validation_and_operations() {
    let (app, _dir) = app();
    let ctx = Ctx::internal(&app, "fuzz");
    let model = Model::load();
    let names = model.operation_names();
    let mut known = Known::default();
    populate(&ctx, &mut known);
    let mut rng = Rng::new(seed());
    let mut answered = [0usize; 2];
    for _ in 0..cases() {
        let op = rng.pick(&names).clone();
        let request = model.request(&op, &mut rng, &known);
        let body = if rng.chance(20) {
            mangle(&request, &mut rng)
        } else {
            request.to_string().into_bytes()
        };
        // The decoder first: bytes to a value, or a SerializationException.
        let parsed = no_panic("protocol::json::parse", &String::from_utf8_lossy(&body), || {
            cognito_emulator::protocol::json::parse(&body)
        });
        let Ok(input) = parsed else {
            answered[1] += 1;
            continue;
        };
        let out = no_panic(&op, &input, || cognito_emulator::ops::invoke(&ctx, &op, input.clone()));
        match out {
            Ok(_) => answered[0] += 1,
            Err(e) => {
                assert!(
                    e.status() < 500,
                    "{op} answered {} {:?} to {input:.500} (FUZZ_SEED={})",
                    e.status(),
                    e,
                    seed()
                );
                answered[1] += 1;
            }
        }
    }
    assert!(
        answered[0] > 0 && answered[1] > 0,
        "both successes and refusals were exercised: {answered:?}"
    );
}

#[test]
fn fuzz_list_users_filter_parser() {
    let mut rng = Rng::new(seed());
    let mut parsed = 0;
    for i in 0..cases() * 4 {
        let text = if i % 3 == 0 {
            String::from_utf8_lossy(&{
                let n = rng.below(80);
                rng.bytes(n)
            })
            .into_owned()
        } else {
            generate::filter(&mut rng)
        };
        let out =
            no_panic("filter::parse", &text, || cognito_emulator::domain::filter::parse(&text));
        match out {
            Ok(_) => parsed += 1,
            Err(e) => assert!(e.status() < 500, "{text:?}: {e:?}"),
        }
    }
    assert!(parsed > 0);
}

#[test]
fn fuzz_jwt_parser() {
    let (app, _dir) = app();
    let ctx = Ctx::internal(&app, "fuzz");
    let mut known = Known::default();
    populate(&ctx, &mut known);
    let real = known.tokens[0].clone();
    let mut rng = Rng::new(seed());
    let parts: Vec<&str> = real.split('.').collect();
    let mut accepted = 0;
    for _ in 0..cases() * 4 {
        let token = match rng.below(6) {
            0 => String::from_utf8_lossy(&{
                let n = rng.below(300);
                rng.bytes(n)
            })
            .into_owned(),
            1 => {
                // A real header and signature around another payload.
                let claims = generate::edge_value(&mut rng).to_string();
                format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(claims), parts[2])
            }
            2 => {
                let mut b = real.clone().into_bytes();
                let at = rng.below(b.len());
                b[at] = *rng.pick(b"A-_.=+/x0");
                String::from_utf8_lossy(&b).into_owned()
            }
            3 => format!("{}.{}", parts[0], parts[1]),
            4 => {
                let header = json!({"alg": rng.pick(&["none", "HS256", "RS256", ""]), "kid": generate::random_string(&mut rng, 8)});
                format!("{}.{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), parts[1], parts[2])
            }
            _ => real.clone(),
        };
        let out = no_panic("jwt::verify", &token, || {
            cognito_emulator::crypto::jwt::verify(&app.keys, &token)
        });
        if out.is_some() {
            accepted += 1;
            assert_eq!(token, real, "only the untouched token verifies");
        }
    }
    assert!(accepted > 0, "the real token verifies");
}

#[test]
fn fuzz_srp_inputs() {
    use cognito_emulator::crypto::srp;
    let (app, _dir) = app();
    let ctx = Ctx::internal(&app, "fuzz");
    let mut known = Known::default();
    populate(&ctx, &mut known);
    let client = known.clients[0].clone();
    let mut rng = Rng::new(seed());
    let verifier = srp::make_verifier("fuzz", "fuzzer", "Passw0rd!").verifier;
    let n = num_bigint::BigUint::parse_bytes(srp::N_HEX.as_bytes(), 16).unwrap();
    for _ in 0..cases() {
        let hex: String = match rng.below(4) {
            0 => String::new(),
            1 => srp::N_HEX.to_string(),
            2 => format!("{:x}", &n * 2u32),
            _ => (0..rng.below(900))
                .map(|_| *rng.pick(b"0123456789abcdefABCDEFxyz ") as char)
                .collect(),
        };
        no_panic("srp math", &hex, || {
            if let Some(a) = srp::parse_hex(&hex) {
                let eph = srp::server_ephemeral(&verifier);
                if srp::check_a(&a).is_ok() {
                    let _ = srp::server_key(&a, &eph, &verifier);
                }
            }
        });
        // The same through the API: USER_SRP_AUTH, then an answer with generated values.
        let start = json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": "fuzzer", "SRP_A": hex}});
        let out = no_panic("InitiateAuth USER_SRP_AUTH", &start, || {
            cognito_emulator::ops::invoke(&ctx, "InitiateAuth", start.clone())
        });
        match out {
            Ok(challenge) => {
                let signature = {
                    let n = rng.below(60);
                    generate::random_string(&mut rng, n)
                };
                let answer = json!({
                    "ClientId": client, "ChallengeName": "PASSWORD_VERIFIER", "Session": challenge["Session"],
                    "ChallengeResponses": {
                        "USERNAME": "fuzzer",
                        "PASSWORD_CLAIM_SECRET_BLOCK": challenge["ChallengeParameters"]["SECRET_BLOCK"],
                        "PASSWORD_CLAIM_SIGNATURE": signature,
                        "TIMESTAMP": rng.pick(&["Tue Dec 1 09:05:03 UTC 2026", "", "yesterday"]),
                    },
                });
                let out = no_panic("RespondToAuthChallenge", &answer, || {
                    cognito_emulator::ops::invoke(&ctx, "RespondToAuthChallenge", answer.clone())
                });
                let e = out.expect_err("a random signature never verifies");
                assert!(e.status() < 500, "{e:?}");
            }
            Err(e) => assert!(e.status() < 500, "SRP_A {hex:.80}: {e:?}"),
        }
    }
}

#[test]
fn fuzz_seed_loader() {
    let (app, _dir) = app();
    let mut rng = Rng::new(seed());
    let valid = json!({"UserPools": [{
        "Id": "us-east-1_Fuzz01", "PoolName": "fuzz", "UsernameAttributes": ["email"],
        "Clients": [{"ClientId": "fuzzclient000000000000001", "ClientName": "web"}],
        "Groups": [{"GroupName": "admins", "Precedence": 1}],
        "Users": [{"Username": "a@example.com", "Password": "Passw0rd!", "Groups": ["admins"],
                   "Attributes": [{"Name": "email_verified", "Value": "true"}]}],
    }]});
    let mut applied = 0;
    for i in 0..cases().div_ceil(3) {
        let doc = match rng.below(4) {
            0 => generate::edge_value(&mut rng),
            1 => {
                let bytes = mangle(&valid, &mut rng);
                serde_json::from_slice(&bytes).unwrap_or(Value::Null)
            }
            _ => mutate(&valid, &mut rng),
        };
        let out = no_panic("seed::apply", &doc, || {
            cognito_emulator::seed::apply(&app, doc.clone(), None)
        });
        if out.is_ok() {
            applied += 1;
        }
        if i % 50 == 0 {
            app.store.reset_all().unwrap();
        }
    }
    assert!(applied > 0, "valid documents apply");
}

/// `v` with one value somewhere replaced by a generated one.
fn mutate(v: &Value, rng: &mut Rng) -> Value {
    fn walk(node: &mut Value, rng: &mut Rng, depth: usize) {
        let len = match node {
            Value::Object(map) => map.len(),
            Value::Array(items) => items.len(),
            _ => 0,
        };
        if len == 0 || depth > 8 || !rng.chance(75) {
            *node = generate::edge_value(rng);
            return;
        }
        let at = rng.below(len);
        match node {
            Value::Object(map) => {
                if let Some(child) = map.values_mut().nth(at) {
                    walk(child, rng, depth + 1);
                }
            }
            Value::Array(items) => walk(&mut items[at], rng, depth + 1),
            _ => {}
        }
    }
    let mut out = v.clone();
    walk(&mut out, rng, 0);
    out
}

/// The HTTP-level fuzzer's bounded smoke run: an in-process emulator, concurrent model-driven requests,
/// mangled bodies, creates, deletes and sign-ins; no answer may be 5xx.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fuzz_http_smoke_never_answers_5xx() {
    let emu = Arc::new(common::start().await);
    let model = Arc::new(Model::load());
    let mut known = Known::default();
    {
        let ctx = Ctx::internal(&emu.app, "fuzz");
        populate(&ctx, &mut known);
    }
    let known = Arc::new(known);
    let mut tasks = tokio::task::JoinSet::new();
    let per_task = (cases() / 2).max(100);
    for t in 0..8u64 {
        let (emu, model, known) = (emu.clone(), model.clone(), known.clone());
        tasks.spawn(async move {
            let mut rng = Rng::new(seed() ^ (t + 1));
            let names = model.operation_names();
            let mut statuses = Vec::new();
            for _ in 0..per_task {
                let op = match rng.below(10) {
                    0 => "DeleteUserPool".to_string(),
                    1 => "AdminDeleteUser".to_string(),
                    2 => "SignUp".to_string(),
                    3 => "InitiateAuth".to_string(),
                    _ => rng.pick(&names).clone(),
                };
                let request = model.request(&op, &mut rng, &known);
                let body = if rng.chance(15) {
                    mangle(&request, &mut rng)
                } else {
                    request.to_string().into_bytes()
                };
                let target = format!("AWSCognitoIdentityProviderService.{op}");
                let a = emu.raw(Some(&target), body).await;
                statuses.push((a.status, op, a.body));
            }
            statuses
        });
    }
    let mut total = 0;
    while let Some(statuses) = tasks.join_next().await {
        for (status, op, body) in statuses.unwrap() {
            total += 1;
            assert!(status < 500, "{op} answered {status}: {body} (FUZZ_SEED={})", seed());
        }
    }
    assert!(total >= 800);
}
