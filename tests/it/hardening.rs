//! Hardening (issue 14): writes that race deletions answer as AWS does (never 500), echoed values are
//! cut short, ambiguous requests are refused, the lockout counts exactly, the WAL stays bounded.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use serde_json::{Value, json};

use crate::common::{self, Emulator};

type Handler = Arc<dyn Fn(Value) -> Pin<Box<dyn Future<Output = Value> + Send>> + Send + Sync>;

/// A Lambda host on 127.0.0.1 (the Invoke API, no signature check) whose functions all run `handler`
/// on the event and answer what it returns. Returns its base URL.
async fn lambda_host(handler: Handler) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            let handler = handler.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                    let handler = handler.clone();
                    async move {
                        let body = req.into_body().collect().await.unwrap().to_bytes();
                        let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                        let answer = handler(event).await;
                        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(
                            answer.to_string(),
                        ))))
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    url
}

const FUNCTION: &str = "arn:aws:lambda:us-east-1:123456789012:function:racer";

/// An emulator whose triggers run `handler` (which gets the emulator's URL and the event).
async fn with_trigger(
    handler: impl Fn(String, Value) -> Pin<Box<dyn Future<Output = Value> + Send>>
    + Send
    + Sync
    + 'static,
) -> Emulator {
    let emulator_url = Arc::new(std::sync::OnceLock::<String>::new());
    let url = emulator_url.clone();
    let handler: Handler = Arc::new(move |event| handler(url.get().cloned().unwrap(), event));
    let host = lambda_host(handler).await;
    let emu = common::start_with(|c| c.lambda_endpoint = Some(host)).await;
    emulator_url.set(emu.url.clone()).unwrap();
    emu
}

/// Calls the emulator from inside a trigger (plain HTTP, as a Lambda function with the SDK would).
async fn call_from_trigger(url: &str, op: &str, body: Value) -> Value {
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
async fn creating_a_user_in_a_pool_deleted_meanwhile_is_resource_not_found() {
    // PreSignUp runs between the pool look-up and the insert: the function deletes the pool there,
    // deterministically reproducing DeleteUserPool landing while the password is hashed.
    let emu = with_trigger(|url, event| {
        Box::pin(async move {
            let pool = event["userPoolId"].as_str().unwrap().to_string();
            call_from_trigger(&url, "DeleteUserPool", json!({"UserPoolId": pool})).await;
            event
        })
    })
    .await;
    for op in ["AdminCreateUser", "SignUp"] {
        let pool =
            emu.pool(json!({"PoolName": "doomed", "LambdaConfig": {"PreSignUp": FUNCTION}})).await;
        let (client, _) = emu.client(&pool, json!({})).await;
        let body = match op {
            "AdminCreateUser" => {
                json!({"UserPoolId": pool, "Username": "late", "MessageAction": "SUPPRESS"})
            }
            _ => json!({"ClientId": client, "Username": "late", "Password": "Passw0rd!"}),
        };
        let message = emu.err(op, body, "ResourceNotFoundException").await;
        assert_eq!(message, format!("User pool {pool} does not exist."), "{op}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_a_user_deleted_meanwhile_is_user_not_found() {
    // PostAuthentication runs after the password check and before the refresh token is stored.
    let emu = with_trigger(|url, event| {
        Box::pin(async move {
            let body = json!({"UserPoolId": event["userPoolId"], "Username": event["userName"]});
            call_from_trigger(&url, "AdminDeleteUser", body).await;
            event
        })
    })
    .await;
    let pool =
        emu.pool(json!({"PoolName": "p", "LambdaConfig": {"PostAuthentication": FUNCTION}})).await;
    let (client, _) =
        emu.client(&pool, json!({"ExplicitAuthFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH"]})).await;
    emu.ok(
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "gone", "TemporaryPassword": "Passw0rd!", "MessageAction": "SUPPRESS"}),
    )
    .await;
    emu.ok(
        "AdminSetUserPassword",
        json!({"UserPoolId": pool, "Username": "gone", "Password": "Passw0rd!", "Permanent": true}),
    )
    .await;
    let message = emu
        .err(
            "AdminInitiateAuth",
            json!({
                "UserPoolId": pool, "ClientId": client, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "gone", "PASSWORD": "Passw0rd!"},
            }),
            "UserNotFoundException",
        )
        .await;
    assert_eq!(message, "User does not exist.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creates_and_sign_ins_racing_deletions_never_answer_500() {
    let emu = Arc::new(common::start().await);
    for round in 0..15 {
        let pool = emu.pool(json!({"PoolName": format!("race{round}")})).await;
        let (client, _) = emu
            .client(&pool, json!({"ExplicitAuthFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH"]}))
            .await;
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..12 {
            let (emu, pool, client) = (emu.clone(), pool.clone(), client.clone());
            tasks.spawn(async move {
                let user = format!("u{i}");
                let mut statuses = vec![
                    emu.call(
                        "AdminCreateUser",
                        json!({"UserPoolId": pool, "Username": user, "TemporaryPassword": "Passw0rd!", "MessageAction": "SUPPRESS"}),
                    )
                    .await
                    .status,
                ];
                statuses.push(
                    emu.call(
                        "SignUp",
                        json!({"ClientId": client, "Username": format!("s{i}"), "Password": "Passw0rd!"}),
                    )
                    .await
                    .status,
                );
                let a = emu
                    .call(
                        "AdminInitiateAuth",
                        json!({
                            "UserPoolId": pool, "ClientId": client, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                            "AuthParameters": {"USERNAME": user, "PASSWORD": "Passw0rd!"},
                        }),
                    )
                    .await;
                statuses.push(a.status);
                if i % 3 == 0 {
                    statuses.push(
                        emu.call("AdminDeleteUser", json!({"UserPoolId": pool, "Username": user}))
                            .await
                            .status,
                    );
                }
                statuses
            });
        }
        let deleter = {
            let (emu, pool) = (emu.clone(), pool.clone());
            tokio::spawn(async move {
                tokio::time::sleep(std::time::Duration::from_millis(2 + round)).await;
                emu.call("DeleteUserPool", json!({"UserPoolId": pool})).await.status
            })
        };
        while let Some(statuses) = tasks.join_next().await {
            for s in statuses.unwrap() {
                assert!(s < 500, "round {round}: a request answered {s}");
            }
        }
        assert_eq!(deleter.await.unwrap(), 200);
    }
}

#[tokio::test]
async fn huge_invalid_values_come_back_short_in_body_and_header() {
    let emu = common::start().await;
    let pool = emu.pool(json!({"PoolName": "p"})).await;
    let a =
        emu.call("CreateGroup", json!({"UserPoolId": pool, "GroupName": "g".repeat(70_000)})).await;
    let message = a.err("InvalidParameterException");
    assert!(
        message.starts_with(&format!(
            "1 validation error detected: Value '{}...' at 'groupName'",
            "g".repeat(128)
        )),
        "{message:.200}"
    );
    assert!(message.len() < 400, "{} bytes", message.len());
    let header = a.headers["x-amzn-errormessage"].to_str().unwrap();
    assert!(header.len() <= 1024 + 3, "{} bytes", header.len());
    // An unknown target is quoted short too.
    let a = emu
        .raw(
            Some(&format!("AWSCognitoIdentityProviderService.{}", "X".repeat(5000))),
            b"{}".to_vec(),
        )
        .await;
    assert!(a.err("UnknownOperationException").len() < 300);
}

#[tokio::test]
async fn ambiguous_requests_are_refused() {
    let emu = common::start().await;
    // Two X-Amz-Target headers: read as HTTP reads a repeated header (joined), they name no operation.
    let resp = reqwest::Client::new()
        .post(format!("{}/", emu.url))
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "AWSCognitoIdentityProviderService.ListUserPools")
        .header("x-amz-target", "AWSCognitoIdentityProviderService.CreateUserPool")
        .body(r#"{"MaxResults": 10, "PoolName": "p"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["__type"], "UnknownOperationException", "{body}");
    let (_, pools) = (0, emu.ok("ListUserPools", json!({"MaxResults": 10})).await);
    assert_eq!(pools["UserPools"], json!([]), "nothing was created");

    // A member named twice is not guessed at.
    let a = emu
        .raw(
            Some("AWSCognitoIdentityProviderService.ListUserPools"),
            br#"{"MaxResults":10,"MaxResults":20}"#.to_vec(),
        )
        .await;
    assert_eq!(a.status, 400);
    assert_eq!(a.error_type(), "SerializationException");
    assert!(a.message().contains("MaxResults"), "{}", a.message());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_wrong_passwords_are_judged_exactly_up_to_the_lockout() {
    let emu = Arc::new(common::start().await);
    let (_, client, _) = common::password_pool(&emu, false).await;
    common::confirmed_user(&emu, &client, None, "target", "t@example.com", "Passw0rd!").await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..100 {
        let (emu, client) = (emu.clone(), client.clone());
        tasks.spawn(async move {
            let a =
                common::password_auth(&emu, &client, None, "target", &format!("Wrong{i}!")).await;
            a.err("NotAuthorizedException")
        });
    }
    let mut judged = 0;
    let mut refused = 0;
    while let Some(message) = tasks.join_next().await {
        match message.unwrap().as_str() {
            "Incorrect username or password." => judged += 1,
            "Password attempts exceeded" => refused += 1,
            other => panic!("unexpected message {other}"),
        }
    }
    assert_eq!((judged, refused), (5, 95), "exactly --lockout-after guesses are judged");
    // The right password is refused while the lockout lasts.
    let a = common::password_auth(&emu, &client, None, "target", "Passw0rd!").await;
    assert_eq!(a.err("NotAuthorizedException"), "Password attempts exceeded");
}

/// The official SDK signing with `secret` for access key `key`.
fn sdk_with(emu: &Emulator, key: &str, secret: &str) -> aws_sdk_cognitoidentityprovider::Client {
    use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
    let config = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .credentials_provider(Credentials::new(key, secret, None, None, "test"))
        .endpoint_url(&emu.url)
        .build();
    aws_sdk_cognitoidentityprovider::Client::from_conf(config)
}

#[tokio::test]
async fn require_sigv4_checks_iam_operations_and_leaves_public_ones_open() {
    use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
    let emu = common::start_with(|c| {
        c.require_sigv4 = true;
        c.sigv4_credentials = vec![cognito_emulator::config::SigV4Credential {
            access_key: "AKIDRIGHT".into(),
            secret_key: "right-secret".into(),
        }];
    })
    .await;
    // The right secret: the SDK's signed calls work.
    let good = sdk_with(&emu, "AKIDRIGHT", "right-secret");
    let pool = good.create_user_pool().pool_name("signed").send().await.unwrap();
    let pool_id = pool.user_pool().and_then(|p| p.id()).unwrap().to_string();
    good.list_user_pools().max_results(10).send().await.unwrap();
    // A wrong secret, an unknown key.
    let e = sdk_with(&emu, "AKIDRIGHT", "wrong-secret")
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("InvalidSignatureException"), "{e:?}");
    let e = sdk_with(&emu, "AKIDOTHER", "right-secret")
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("UnrecognizedClientException"), "{e:?}");
    assert_eq!(e.message(), Some("The security token included in the request is invalid."));
    // No signature at all on an IAM operation.
    let a = emu.call("ListUserPools", json!({"MaxResults": 10})).await;
    assert_eq!((a.status, a.error_type()), (403, "MissingAuthenticationTokenException"));
    assert_eq!(a.message(), "Request is missing Authentication Token");
    let a = emu.call("AdminGetUser", json!({"UserPoolId": pool_id, "Username": "x"})).await;
    assert_eq!(a.status, 403);
    // The public operations need no signature, as on AWS.
    let (client, _) = {
        let c = good
            .create_user_pool_client()
            .user_pool_id(&pool_id)
            .client_name("web")
            .send()
            .await
            .unwrap();
        (c.user_pool_client().and_then(|c| c.client_id()).unwrap().to_string(), ())
    };
    emu.ok("SignUp", json!({"ClientId": client, "Username": "open", "Password": "Passw0rd!"}))
        .await;
    // And a wrong signature on a public operation does not matter either: the request reaches the
    // operation (which refuses it for its own reason: the pool verifies nothing).
    let e = sdk_with(&emu, "AKIDRIGHT", "wrong-secret")
        .resend_confirmation_code()
        .client_id(&client)
        .username("open")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("InvalidParameterException"), "{e:?}");
}

#[tokio::test]
async fn require_sigv4_without_credentials_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = common::test_config(&dir);
    config.require_sigv4 = true;
    let e = cognito_emulator::App::new(config).err().expect("an error");
    assert!(e.to_string().contains("--sigv4-credentials"), "{e}");
}
