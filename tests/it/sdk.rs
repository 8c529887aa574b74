//! The tutorial flow through the official Rust SDK (aws-sdk-cognitoidentityprovider), only the endpoint
//! changed: pool with email as username and a custom attribute, client with a secret, SignUp with
//! SecretHash, the mailed code, ConfirmSignUp, USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH, GetUser.

use crate::common::{claims, secret_hash, start};
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeDataType, AttributeType, AuthFlowType, ExplicitAuthFlowsType, SchemaAttributeType,
    UsernameAttributeType, VerifiedAttributeType,
};

/// The tutorial's pool (email as username, email auto-verified, a mutable custom `tenant`) and its
/// "backend" client (a secret, password sign-in and refresh): (client id, client secret).
async fn tutorial_pool_and_client(sdk: &Client) -> (String, String) {
    let pool = sdk
        .create_user_pool()
        .pool_name("tutorial")
        .username_attributes(UsernameAttributeType::Email)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .schema(
            SchemaAttributeType::builder()
                .name("tenant")
                .attribute_data_type(AttributeDataType::String)
                .mutable(true)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    let pool_id = pool.id.unwrap();
    let client = sdk
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("backend")
        .generate_secret(true)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let client_id = client.client_id.unwrap();
    let secret = client.client_secret.unwrap();
    (client_id, secret)
}

#[tokio::test]
async fn tutorial_flow_through_the_rust_sdk() {
    let emu = start().await;
    let sdk = emu.sdk();
    let (client_id, secret) = tutorial_pool_and_client(&sdk).await;
    let email = "ada@example.com";

    let signed = sdk
        .sign_up()
        .client_id(&client_id)
        .secret_hash(secret_hash(&secret, email, &client_id))
        .username(email)
        .password("Passw0rd!")
        .user_attributes(
            AttributeType::builder().name("custom:tenant").value("acme").build().unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert!(!signed.user_confirmed);
    let delivery = signed.code_delivery_details.unwrap();
    assert_eq!(delivery.destination.as_deref(), Some("a***@e***"));

    let wrong = sdk
        .confirm_sign_up()
        .client_id(&client_id)
        .secret_hash(secret_hash(&secret, email, &client_id))
        .username(email)
        .confirmation_code("not-it")
        .send()
        .await
        .unwrap_err();
    assert!(wrong.into_service_error().is_code_mismatch_exception());

    let code = emu.last_code(email).await;
    sdk.confirm_sign_up()
        .client_id(&client_id)
        .secret_hash(secret_hash(&secret, email, &client_id))
        .username(email)
        .confirmation_code(code)
        .send()
        .await
        .unwrap();

    let auth = sdk
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", email)
        .auth_parameters("PASSWORD", "Passw0rd!")
        .auth_parameters("SECRET_HASH", secret_hash(&secret, email, &client_id))
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    assert_eq!(auth.expires_in, 3600);
    assert_eq!(auth.token_type.as_deref(), Some("Bearer"));
    let id = claims(auth.id_token.as_deref().unwrap());
    assert_eq!(id["custom:tenant"], "acme");
    let username = id["cognito:username"].as_str().unwrap().to_string();
    assert_eq!(username, signed.user_sub);

    let refreshed = sdk
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", auth.refresh_token.unwrap())
        .auth_parameters("SECRET_HASH", secret_hash(&secret, &username, &client_id))
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    assert!(refreshed.refresh_token.is_none());

    let me = sdk.get_user().access_token(refreshed.access_token.unwrap()).send().await.unwrap();
    assert_eq!(me.username, username);
    let verified = me
        .user_attributes
        .iter()
        .any(|a| a.name == "email_verified" && a.value.as_deref() == Some("true"));
    assert!(verified);

    let err = sdk.get_user().access_token("abc.def.ghi").send().await.unwrap_err();
    let service = err.into_service_error();
    assert!(service.is_not_authorized_exception());
    assert_eq!(service.meta().message(), Some("Invalid Access Token"));
}
