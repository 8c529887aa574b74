//! The x-amz-json-1.1 wire protocol through raw HTTP: targets, bodies, validation, errors, headers, CORS.

use crate::common::start;
use serde_json::json;

#[tokio::test]
async fn success_carries_request_id_and_content_type() {
    let emu = start().await;
    let a = emu.call("CreateUserPool", json!({"PoolName": "wire"})).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.headers["content-type"], "application/x-amz-json-1.1");
    let id = a.headers["x-amzn-requestid"].to_str().unwrap();
    assert_eq!(id.len(), 36, "a UUID request id");
    assert_eq!(a.headers["access-control-allow-origin"], "*");
}

#[tokio::test]
async fn errors_have_type_in_body_and_header() {
    let emu = start().await;
    let a = emu.call("DescribeUserPool", json!({"UserPoolId": "us-east-1_nothere12"})).await;
    assert_eq!(a.err("ResourceNotFoundException"), "User pool us-east-1_nothere12 does not exist.");
    assert_eq!(a.headers["x-amzn-errortype"], "ResourceNotFoundException:");
    assert_eq!(a.headers["x-amzn-errormessage"], "User pool us-east-1_nothere12 does not exist.");
    assert!(a.headers.contains_key("x-amzn-requestid"));
}

#[tokio::test]
async fn missing_or_unknown_target() {
    let emu = start().await;
    let a = emu.raw(None, b"{}".to_vec()).await;
    assert!(a.err("UnknownOperationException").contains("X-Amz-Target"));
    let a = emu.raw(Some("AWSCognitoIdentityProviderService.MakeCoffee"), b"{}".to_vec()).await;
    assert_eq!(
        a.err("UnknownOperationException"),
        "Unknown operation: AWSCognitoIdentityProviderService.MakeCoffee"
    );
    let a = emu.raw(Some("DynamoDB_20120810.ListTables"), b"{}".to_vec()).await;
    a.err("UnknownOperationException");
}

#[tokio::test]
async fn bodies_that_are_not_json_objects() {
    let emu = start().await;
    let target = Some("AWSCognitoIdentityProviderService.CreateUserPool");
    let a = emu.raw(target, b"{not json".to_vec()).await;
    assert!(a.err("SerializationException").starts_with("Request body is not valid JSON"));
    let a = emu.raw(target, b"[1,2]".to_vec()).await;
    a.err("SerializationException");
    // An empty body is an empty input, which then misses PoolName.
    let a = emu.raw(target, Vec::new()).await;
    assert_eq!(
        a.err("InvalidParameterException"),
        "1 validation error detected: Value null at 'poolName' failed to satisfy constraint: Member must not be null"
    );
}

#[tokio::test]
async fn wrong_member_types_name_the_member() {
    let emu = start().await;
    assert_eq!(
        emu.err("CreateUserPool", json!({"PoolName": 7}), "SerializationException").await,
        "Unexpected value type at 'poolName': expected a string, found a number"
    );
    assert_eq!(
        emu.err("SignUp", json!({"ClientId": "abc", "Username": "u", "UserAttributes": [{"Name": "email", "Value": true}]}), "SerializationException").await,
        "Unexpected value type at 'userAttributes.1.member.value': expected a string, found a boolean"
    );
}

#[tokio::test]
async fn constraint_violations_are_listed() {
    let emu = start().await;
    assert_eq!(
        emu.err("ListUserPools", json!({"MaxResults": 0}), "InvalidParameterException").await,
        "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"
    );
    assert!(emu.err("InitiateAuth", json!({"AuthFlow": "MAGIC", "ClientId": "x"}), "InvalidParameterException").await.contains("Value 'MAGIC' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set"));
    assert!(
        emu.err(
            "DescribeUserPool",
            json!({"UserPoolId": "no-underscore"}),
            "InvalidParameterException"
        )
        .await
        .contains("Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+")
    );
    // Nothing was created by any of these.
    let pools = emu.ok("ListUserPools", json!({"MaxResults": 60})).await;
    assert_eq!(pools["UserPools"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let emu = start().await;
    let big = format!("{{\"PoolName\":\"x\",\"Pad\":\"{}\"}}", "a".repeat(2 * 1024 * 1024));
    let a =
        emu.raw(Some("AWSCognitoIdentityProviderService.CreateUserPool"), big.into_bytes()).await;
    assert_eq!((a.status, a.error_type()), (413, "RequestEntityTooLargeException"));
}

#[tokio::test]
async fn every_operation_of_the_model_is_implemented() {
    // With federation (issue 16) no operation answers "not implemented by cognito-emulator yet".
    let missing: Vec<&String> = cognito_emulator::model::model()
        .operations
        .keys()
        .filter(|op| cognito_emulator::ops::handler(op).is_none())
        .collect();
    assert!(missing.is_empty(), "not implemented: {missing:?}");
    let emu = start().await;
    let a = emu.call("CreateIdentityProvider", json!({"UserPoolId": "us-east-1_abc", "ProviderName": "Google", "ProviderType": "Google", "ProviderDetails": {}})).await;
    assert_eq!(a.error_type(), "ResourceNotFoundException");
}

#[tokio::test]
async fn cors_preflight_and_health() {
    let emu = start().await;
    let resp = reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, format!("{}/", emu.url))
        .header("origin", "http://localhost:3000")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type,x-amz-target,x-amz-user-agent")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let h = resp.headers();
    assert_eq!(h["access-control-allow-origin"], "*");
    assert_eq!(h["access-control-allow-headers"], "content-type,x-amz-target,x-amz-user-agent");
    assert!(h["access-control-allow-methods"].to_str().unwrap().contains("POST"));
    assert_eq!(emu.get("/health").await, (200, json!({"status": "ok"})));
    assert_eq!(emu.get("/nowhere").await.0, 404);
}
