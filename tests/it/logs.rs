//! Secrets never reach the log (issue 14, item 7): the binary at `--log-level trace`, JSON lines, runs
//! sign-up with a client secret, password, SRP and refresh sign-ins, an access-token call, a TOTP
//! association, a wrong password and a UserMigration trigger whose event carries the password; none
//! of the passwords, secret hashes, client secret, tokens, sessions, SRP values or TOTP secret appears
//! in what it wrote. The codes the pool sends may, as delivered messages ("message queued").

use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use serde_json::{Value, json};

use crate::common;

/// A Lambda host whose every function answers UserMigration for `migrated` (any password), and fails
/// with an error message quoting the password for anyone else.
async fn migration_host() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            tokio::spawn(async move {
                let service = hyper::service::service_fn(|req: Request<Incoming>| async move {
                    let body = req.into_body().collect().await.unwrap().to_bytes();
                    let mut event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    let password = event["request"]["password"].as_str().unwrap_or("").to_string();
                    let resp = if event["userName"] == "migrated" {
                        event["response"] = json!({
                            "userAttributes": {"email": "migrated@example.com", "email_verified": "true"},
                            "finalUserStatus": "CONFIRMED",
                            "messageAction": "SUPPRESS",
                        });
                        Response::new(Full::new(Bytes::from(event.to_string())))
                    } else {
                        let error = json!({"errorMessage": format!("refused the password {password}"), "errorType": "Error"});
                        let mut r = Response::new(Full::new(Bytes::from(error.to_string())));
                        r.headers_mut()
                            .insert("x-amz-function-error", "Unhandled".parse().unwrap());
                        r
                    };
                    Ok::<_, std::convert::Infallible>(resp)
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    url
}

async fn call(url: &str, op: &str, body: Value) -> Value {
    reqwest::Client::new()
        .post(format!("{url}/"))
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", format!("AWSCognitoIdentityProviderService.{op}"))
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap_or(Value::Null)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_never_reach_the_log_at_any_level() {
    let lambda = migration_host().await;
    let dir = tempfile::tempdir().unwrap();
    let mut child = common::emulator_command()
        .args(["--port", "0", "--log-level", "trace", "--log-format", "json"])
        .args(["--argon2-memory-kib", "1024", "--argon2-iterations", "1"])
        .args(["--lambda-endpoint", &lambda])
        .arg("--data")
        .arg(dir.path().join("data"))
        .arg("--keys")
        .arg(dir.path().join("keys"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url =
        line.split("listening on ").nth(1).unwrap().split_whitespace().next().unwrap().to_string();
    let mut stderr = child.stderr.take().unwrap();
    let logs = std::thread::spawn(move || {
        let mut text = String::new();
        stderr.read_to_string(&mut text).unwrap();
        text
    });

    let mut secrets: Vec<String> = Vec::new();
    let pool = call(
        &url,
        "CreateUserPool",
        json!({"PoolName": "logs", "AutoVerifiedAttributes": ["email"],
               "LambdaConfig": {"UserMigration": "arn:aws:lambda:us-east-1:123456789012:function:migrate"}}),
    )
    .await["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let c = call(
        &url,
        "CreateUserPoolClient",
        json!({"UserPoolId": pool, "ClientName": "c", "GenerateSecret": true,
               "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    )
    .await;
    let client = c["UserPoolClient"]["ClientId"].as_str().unwrap().to_string();
    let client_secret = c["UserPoolClient"]["ClientSecret"].as_str().unwrap().to_string();
    secrets.push(client_secret.clone());
    let hash = |user: &str| common::secret_hash(&client_secret, user, &client);
    let password = "Sekrit-Passw0rd-1";
    secrets.extend([password.to_string(), hash("alice")]);
    call(
        &url,
        "SignUp",
        json!({"ClientId": client, "Username": "alice", "Password": password, "SecretHash": hash("alice"),
               "UserAttributes": [{"Name": "email", "Value": "alice@example.com"}]}),
    )
    .await;
    call(&url, "AdminConfirmSignUp", json!({"UserPoolId": pool, "Username": "alice"})).await;
    let auth = call(
        &url,
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
               "AuthParameters": {"USERNAME": "alice", "PASSWORD": password, "SECRET_HASH": hash("alice")}}),
    )
    .await;
    let result = &auth["AuthenticationResult"];
    for t in ["AccessToken", "IdToken", "RefreshToken"] {
        secrets.push(result[t].as_str().unwrap().to_string());
    }
    let access = result["AccessToken"].as_str().unwrap().to_string();
    let refresh = result["RefreshToken"].as_str().unwrap().to_string();
    call(
        &url,
        "InitiateAuth",
        json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client,
               "AuthParameters": {"REFRESH_TOKEN": refresh, "SECRET_HASH": hash("alice")}}),
    )
    .await;
    call(&url, "GetUser", json!({"AccessToken": access})).await;
    let totp = call(&url, "AssociateSoftwareToken", json!({"AccessToken": access})).await;
    secrets.push(totp["SecretCode"].as_str().unwrap().to_string());
    // A wrong password (its error is logged), an SRP start, a garbage session.
    let wrong = "Wr0ng-Passw0rd-Guess";
    secrets.push(wrong.to_string());
    call(
        &url,
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
               "AuthParameters": {"USERNAME": "alice", "PASSWORD": wrong, "SECRET_HASH": hash("alice")}}),
    )
    .await;
    let srp_a = format!("{:x}", 0x1234_5678_9abc_def0_u64).repeat(40);
    secrets.push(srp_a.clone());
    let srp = call(
        &url,
        "InitiateAuth",
        json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client,
               "AuthParameters": {"USERNAME": "alice", "SRP_A": srp_a, "SECRET_HASH": hash("alice")}}),
    )
    .await;
    secrets.push(srp["Session"].as_str().unwrap().to_string());
    secrets.push(srp["ChallengeParameters"]["SRP_B"].as_str().unwrap().to_string());
    let forged_session = "AYABeForgedSessionValueThatIsLongEnough0123456789";
    secrets.push(forged_session.to_string());
    call(
        &url,
        "RespondToAuthChallenge",
        json!({"ClientId": client, "ChallengeName": "PASSWORD_VERIFIER", "Session": forged_session,
               "ChallengeResponses": {"USERNAME": "alice", "SECRET_HASH": hash("alice")}}),
    )
    .await;
    // UserMigration: the event carries the password; a refusal quotes it in its error message.
    let migrated = "Migrated-Passw0rd-2";
    let refused = "Refused-Passw0rd-3";
    secrets.extend([migrated.to_string(), refused.to_string(), hash("migrated"), hash("stranger")]);
    let a = call(
        &url,
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
               "AuthParameters": {"USERNAME": "migrated", "PASSWORD": migrated, "SECRET_HASH": hash("migrated")}}),
    )
    .await;
    assert!(a["AuthenticationResult"]["AccessToken"].is_string(), "migrated: {a}");
    let a = call(
        &url,
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
               "AuthParameters": {"USERNAME": "stranger", "PASSWORD": refused, "SECRET_HASH": hash("stranger")}}),
    )
    .await;
    assert_eq!(a["__type"], "UserNotFoundException", "{a}");

    // SIGTERM, so that everything buffered is written.
    let pid = child.id().to_string();
    std::process::Command::new("sh").args(["-c", &format!("kill -TERM {pid}")]).status().unwrap();
    child.wait().unwrap();
    let logs = logs.join().unwrap();
    assert!(logs.lines().count() > 20, "trace logging produced lines");
    assert!(logs.contains("trigger invoked"), "the trigger invocations are logged");
    // The function's error quoting the password is logged with the password left out, in the request
    // line and in the trigger line.
    assert!(logs.matches("refused the password ***").count() >= 2, "{logs:.2000}");
    for line in logs.lines() {
        if line.contains("\"message queued\"") {
            continue; // a delivered message: its code may be read from the log
        }
        for s in &secrets {
            assert!(
                !line.contains(s.as_str()),
                "a secret ({:.12}...) is in the log line {line:.300}",
                s
            );
        }
    }
}
