"""Threat protection and sessions through boto3: risk configuration, auth events recorded by real
sign-ins and password events (with feedback), log delivery, session configuration and token
sessions — happy paths and documented errors."""

from __future__ import annotations

import pytest

from helpers import raises, unique_username

PASSWORD = "Corr3ct-Horse!"


@pytest.fixture()
def plus(cognito):
    """A PLUS pool with threat protection (AUDIT), a password client and a user: (pool, client, user)."""
    pool_id = cognito.create_user_pool(
        PoolName=unique_username("plus"), UserPoolTier="PLUS",
        UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"}, AutoVerifiedAttributes=["email"],
    )["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )["UserPoolClient"]["ClientId"]
    user = unique_username("risky")
    cognito.admin_create_user(
        UserPoolId=pool_id, Username=user, MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": f"{user}@example.com"}, {"Name": "email_verified", "Value": "true"}],
    )
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=user, Password=PASSWORD, Permanent=True)
    return pool_id, client_id, user


def sign_in(cognito, client_id, user, password=PASSWORD):
    return cognito.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": user, "PASSWORD": password}
    )


def test_threat_protection_needs_plus(cognito):
    with raises(cognito, "FeatureUnavailableInTierException"):
        cognito.create_user_pool(PoolName="essentials", UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"})


def test_risk_configuration(cognito, plus):
    pool_id, client_id, _ = plus
    assert cognito.describe_risk_configuration(UserPoolId=pool_id)["RiskConfiguration"] == {"UserPoolId": pool_id}
    compromised = {"EventFilter": ["SIGN_IN", "PASSWORD_CHANGE"], "Actions": {"EventAction": "BLOCK"}}
    exceptions = {"BlockedIPRangeList": ["192.0.2.0/24"], "SkippedIPRangeList": ["203.0.113.7/32"]}
    out = cognito.set_risk_configuration(
        UserPoolId=pool_id, CompromisedCredentialsRiskConfiguration=compromised,
        RiskExceptionConfiguration=exceptions,
    )["RiskConfiguration"]
    assert out["CompromisedCredentialsRiskConfiguration"] == compromised
    described = cognito.describe_risk_configuration(UserPoolId=pool_id, ClientId=client_id)["RiskConfiguration"]
    assert described["RiskExceptionConfiguration"] == exceptions and "ClientId" not in described
    takeover = {"Actions": {"HighAction": {"Notify": False, "EventAction": "MFA_REQUIRED"}}}
    cognito.set_risk_configuration(UserPoolId=pool_id, ClientId=client_id, AccountTakeoverRiskConfiguration=takeover)
    client_level = cognito.describe_risk_configuration(UserPoolId=pool_id, ClientId=client_id)["RiskConfiguration"]
    assert client_level["ClientId"] == client_id and client_level["AccountTakeoverRiskConfiguration"] == takeover
    # UserPoolId and ClientId alone: the client inherits the pool's again.
    cognito.set_risk_configuration(UserPoolId=pool_id, ClientId=client_id)
    assert "ClientId" not in cognito.describe_risk_configuration(UserPoolId=pool_id, ClientId=client_id)["RiskConfiguration"]
    with raises(cognito, "InvalidParameterException"):
        cognito.set_risk_configuration(UserPoolId=pool_id, RiskExceptionConfiguration={"BlockedIPRangeList": ["nope"]})
    with raises(cognito, "InvalidParameterException"):
        cognito.set_risk_configuration(
            UserPoolId=pool_id,
            AccountTakeoverRiskConfiguration={"Actions": {"LowAction": {"Notify": True, "EventAction": "NO_ACTION"}}},
        )
    plain = cognito.create_user_pool(PoolName=unique_username("plain"))["UserPool"]["Id"]
    with raises(cognito, "UserPoolAddOnNotEnabledException"):
        cognito.set_risk_configuration(UserPoolId=plain, CompromisedCredentialsRiskConfiguration=compromised)
    with raises(cognito, "UserPoolAddOnNotEnabledException"):
        cognito.describe_risk_configuration(UserPoolId=plain)


def test_auth_events_and_feedback(cognito, emulator, plus):
    pool_id, client_id, user = plus
    with raises(cognito, "NotAuthorizedException", "Incorrect username or password."):
        sign_in(cognito, client_id, user, "Wrong-Horse1!")
    result = sign_in(cognito, client_id, user)["AuthenticationResult"]
    cognito.change_password(AccessToken=result["AccessToken"], PreviousPassword=PASSWORD, ProposedPassword=PASSWORD + "x")
    cognito.forgot_password(ClientId=client_id, Username=user)
    events = cognito.admin_list_user_auth_events(UserPoolId=pool_id, Username=user)["AuthEvents"]
    assert [(e["EventType"], e["EventResponse"]) for e in events] == [
        ("ForgotPassword", "Pass"), ("PasswordChange", "Pass"), ("SignIn", "Pass"), ("SignIn", "Fail"),
    ]
    sign_in_event = events[2]
    assert sign_in_event["ChallengeResponses"] == [{"ChallengeName": "Password", "ChallengeResponse": "Success"}]
    assert sign_in_event["EventContextData"]["IpAddress"] == "127.0.0.1"
    assert sign_in_event["EventRisk"]["RiskDecision"] == "NoRisk"
    cognito.admin_update_auth_event_feedback(
        UserPoolId=pool_id, Username=user, EventId=sign_in_event["EventId"], FeedbackValue="Valid"
    )
    again = cognito.admin_list_user_auth_events(UserPoolId=pool_id, Username=user, MaxResults=3)
    assert again["AuthEvents"][2]["EventFeedback"]["FeedbackValue"] == "Valid"
    assert "NextToken" in again
    token = next(
        e["feedbackToken"]
        for e in emulator.get_json("/_emulator/auth-events", pool=pool_id, username=user)["events"]
        if e["eventId"] == events[3]["EventId"]
    )
    with raises(cognito, "NotAuthorizedException"):
        cognito.update_auth_event_feedback(
            UserPoolId=pool_id, Username=user, EventId=events[3]["EventId"], FeedbackToken="forged", FeedbackValue="Invalid"
        )
    cognito.update_auth_event_feedback(
        UserPoolId=pool_id, Username=user, EventId=events[3]["EventId"], FeedbackToken=token, FeedbackValue="Invalid"
    )
    with raises(cognito, "ResourceNotFoundException"):
        cognito.admin_update_auth_event_feedback(UserPoolId=pool_id, Username=user, EventId="nope", FeedbackValue="Valid")
    with raises(cognito, "UserNotFoundException"):
        cognito.admin_list_user_auth_events(UserPoolId=pool_id, Username="nobody-here")


def test_log_delivery_configuration(cognito, plus):
    pool_id = plus[0]
    empty = cognito.get_log_delivery_configuration(UserPoolId=pool_id)["LogDeliveryConfiguration"]
    assert empty == {"UserPoolId": pool_id, "LogConfigurations": []}
    configs = [
        {"LogLevel": "ERROR", "EventSource": "userNotification",
         "CloudWatchLogsConfiguration": {"LogGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:cognito"}},
        {"LogLevel": "INFO", "EventSource": "userAuthEvents",
         "S3Configuration": {"BucketArn": "arn:aws:s3:::amzn-s3-demo-bucket1"}},
    ]
    out = cognito.set_log_delivery_configuration(UserPoolId=pool_id, LogConfigurations=configs)
    assert out["LogDeliveryConfiguration"]["LogConfigurations"] == configs
    assert cognito.get_log_delivery_configuration(UserPoolId=pool_id)["LogDeliveryConfiguration"]["LogConfigurations"] == configs
    with raises(cognito, "InvalidParameterException"):
        cognito.set_log_delivery_configuration(UserPoolId=pool_id, LogConfigurations=[dict(configs[0], LogLevel="INFO")])
    essentials = cognito.create_user_pool(PoolName=unique_username("ess"))["UserPool"]["Id"]
    with raises(cognito, "FeatureUnavailableInTierException"):
        cognito.set_log_delivery_configuration(UserPoolId=essentials, LogConfigurations=[configs[1]])
    cognito.set_log_delivery_configuration(UserPoolId=essentials, LogConfigurations=[configs[0]])


def test_session_configuration_and_sessions(cognito, plus):
    pool_id, client_id, user = plus
    default = cognito.get_user_pool_session_configuration(UserPoolId=pool_id)
    assert default["UserSessionTracking"] == "DISABLED" and default["TokenSession"] == {"MaxPerUser": 20}
    assert cognito.get_user_pool_client_session_configuration(UserPoolId=pool_id, ClientId=client_id)["SSOSession"] == {
        "MaxValidityMinutes": 60
    }
    with raises(cognito, "InvalidParameterException"):
        cognito.set_user_pool_client_session_configuration(
            UserPoolId=pool_id, ClientId=client_id, SSOSession={"MaxValidityMinutes": 30}
        )
    cognito.set_user_pool_session_configuration(
        UserPoolId=pool_id, UserSessionTracking="ENABLED", TokenSession={"MaxPerUser": 5}
    )
    cognito.set_user_pool_client_session_configuration(
        UserPoolId=pool_id, ClientId=client_id, SSOSession={"MaxValidityMinutes": 30}
    )
    assert cognito.get_user_pool_client_session_configuration(UserPoolId=pool_id, ClientId=client_id)["SSOSession"] == {
        "MaxValidityMinutes": 30
    }
    first = sign_in(cognito, client_id, user)["AuthenticationResult"]
    second = sign_in(cognito, client_id, user)["AuthenticationResult"]
    sessions = cognito.list_user_sessions(AccessToken=second["AccessToken"])["Sessions"]
    assert len(sessions) == 2 and all(s["SessionType"] == "TOKEN" and s["ClientId"] == client_id for s in sessions)
    current = [s for s in sessions if s["IsCurrentSession"]]
    assert len(current) == 1
    other = next(s for s in sessions if not s["IsCurrentSession"])
    cognito.revoke_user_session(AccessToken=second["AccessToken"], SessionId=other["SessionId"])
    with raises(cognito, "NotAuthorizedException"):
        cognito.get_user(AccessToken=first["AccessToken"])
    with raises(cognito, "ResourceNotFoundException"):
        cognito.revoke_user_session(AccessToken=second["AccessToken"], SessionId=other["SessionId"])
    admin = cognito.admin_list_user_sessions(UserPoolId=pool_id, Username=user)["Sessions"]
    assert [s["SessionId"] for s in admin] == [current[0]["SessionId"]]
    cognito.admin_revoke_user_session(UserPoolId=pool_id, Username=user, SessionId=current[0]["SessionId"])
    with raises(cognito, "NotAuthorizedException"):
        cognito.get_user(AccessToken=second["AccessToken"])
    lite = cognito.create_user_pool(PoolName=unique_username("lite"), UserPoolTier="LITE")["UserPool"]["Id"]
    with raises(cognito, "FeatureUnavailableInTierException"):
        cognito.set_user_pool_session_configuration(
            UserPoolId=lite, UserSessionTracking="ENABLED", TokenSession={"MaxPerUser": 5}
        )
