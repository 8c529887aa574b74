"""Lambda triggers through boto3, with real handler files (tests/e2e/lambda/handlers/python, AWS's own
documentation examples) run by a Lambda-compatible host that checks the emulator's SigV4 signatures.

Every trigger source is exercised: PreSignUp (auto-confirm by domain, refuse a domain), PostConfirmation
(a profile row), PreAuthentication / PostAuthentication, PreTokenGeneration V1 and V2 (claims verified
by PyJWT against the JWKS), UserMigration (sign-in and forgot password), CustomMessage (branded mail at
the SMTP sink), CUSTOM_AUTH (captcha loop started with SRP, as Amplify does), CustomEmailSender, and
the error paths (a throwing function, malformed answers, a 6 s function, a host that is down).
"""

from __future__ import annotations

import base64
import json
import sys
import urllib.error
from pathlib import Path

import pytest
from pycognito.aws_srp import AWSSRP

from conftest import free_port
from helpers import code_from, raises, unique_email, unique_username, verify_access_token, verify_id_token

LAMBDA_DIR = Path(__file__).resolve().parents[1] / "lambda"
sys.path.insert(0, str(LAMBDA_DIR))
sys.path.insert(0, str(LAMBDA_DIR / "handlers" / "python"))

from host import LambdaHost  # noqa: E402

HANDLERS = LAMBDA_DIR / "handlers" / "python"
PW = "Passw0rd!"


def handler(name: str) -> str:
    return str(HANDLERS / f"{name}.py")


@pytest.fixture(scope="module")
def host():
    functions = {
        name: handler(name)
        for name in [
            "pre_signup_domain_policy",
            "post_confirmation_profile",
            "pre_token_generation_v1",
            "pre_token_generation_v2",
            "user_migration",
            "custom_message",
            "define_auth_challenge",
            "create_auth_challenge",
            "verify_auth_challenge",
            "throws",
            "malformed_no_response",
            "malformed_string",
            "returns_none",
            "sleeps_6s",
        ]
    }
    # The host checks the SigV4 signature of every invocation with the emulator's (dummy) keys.
    with LambdaHost(functions, check_sigv4=True, credentials={"test": "test"}) as h:
        yield h


@pytest.fixture(scope="module")
def emu(start_emulator, smtp_inbox, host):
    return start_emulator(
        smtp_url=f"smtp://127.0.0.1:{smtp_inbox.port}",
        extra_args=["--lambda-endpoint", host.url, "--lambda-access-key", "test", "--lambda-secret-key", "test"],
    )


@pytest.fixture(scope="module")
def idp(emu):
    return emu.client()


FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_CUSTOM_AUTH"]


def pool_with(idp, lambda_config: dict, **extra) -> tuple[str, str]:
    pool = idp.create_user_pool(PoolName=unique_username("trig"), AutoVerifiedAttributes=["email"],
                                LambdaConfig=lambda_config, **extra)["UserPool"]["Id"]
    client = idp.create_user_pool_client(UserPoolId=pool, ClientName="app", ExplicitAuthFlows=FLOWS)
    return pool, client["UserPoolClient"]["ClientId"]


def sign_in(idp, client: str, username: str, password: str = PW) -> dict:
    out = idp.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                            AuthParameters={"USERNAME": username, "PASSWORD": password})
    return out["AuthenticationResult"]


def confirmed(idp, emu, client: str, username: str, email: str) -> None:
    idp.sign_up(ClientId=client, Username=username, Password=PW,
                UserAttributes=[{"Name": "email", "Value": email}])
    code = emu.messages(email)[-1]["code"]
    idp.confirm_sign_up(ClientId=client, Username=username, ConfirmationCode=code)


def test_pre_sign_up_confirms_a_trusted_domain_and_post_confirmation_writes_a_profile(
        emu, idp, host, tmp_path, monkeypatch):
    table = tmp_path / "profiles.jsonl"
    monkeypatch.setenv("PROFILE_TABLE", str(table))
    pool, client = pool_with(idp, {"PreSignUp": host.arn("pre_signup_domain_policy"),
                                   "PostConfirmation": host.arn("post_confirmation_profile")})
    email = unique_email("trusted")  # @example.com: the handler's trusted domain
    out = idp.sign_up(ClientId=client, Username="trusted-user", Password=PW,
                      UserAttributes=[{"Name": "email", "Value": email}])
    assert out["UserConfirmed"] is True
    assert "CodeDeliveryDetails" not in out
    pre = host.last("pre_signup_domain_policy")
    assert pre.function_error is None and pre.signature == "ok", pre.signature
    assert pre.event["triggerSource"] == "PreSignUp_SignUp"
    assert pre.event["callerContext"]["clientId"] == client
    user = idp.admin_get_user(UserPoolId=pool, Username="trusted-user")
    assert user["UserStatus"] == "CONFIRMED"
    assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]
    rows = [json.loads(line) for line in table.read_text().splitlines()]
    assert rows[-1]["email"] == email and rows[-1]["triggerSource"] == "PostConfirmation_ConfirmSignUp"
    sign_in(idp, client, "trusted-user")


def test_pre_sign_up_refuses_a_blocked_domain_and_nothing_is_written(emu, idp, host):
    pool, client = pool_with(idp, {"PreSignUp": host.arn("pre_signup_domain_policy")})
    with raises(idp, "UserLambdaValidationException",
                "PreSignUp failed with error Sign-ups from blocked.example are not allowed."):
        idp.sign_up(ClientId=client, Username="blocked-user", Password=PW,
                    UserAttributes=[{"Name": "email", "Value": "someone@blocked.example"}])
    with raises(idp, "UserNotFoundException"):
        idp.admin_get_user(UserPoolId=pool, Username="blocked-user")
    # Another domain signs up normally (UNCONFIRMED, code sent).
    out = idp.sign_up(ClientId=client, Username="other-user", Password=PW,
                      UserAttributes=[{"Name": "email", "Value": "x@elsewhere.example"}])
    assert out["UserConfirmed"] is False
    assert out["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"


def test_pre_token_generation_v1_claims_verified_with_the_jwks(emu, idp, host):
    pool, client = pool_with(idp, {"PreTokenGeneration": host.arn("pre_token_generation_v1")})
    email = unique_email("v1")
    confirmed(idp, emu, client, "claims-v1", email)
    tokens = sign_in(idp, client, "claims-v1")
    id_claims = verify_id_token(tokens["IdToken"], emu.url, pool, client)
    assert id_claims["attribute_key"] == "attribute_value"
    assert id_claims["family_name"] == "Overridden"
    assert "email" not in id_claims
    assert id_claims["cognito:groups"] == ["group-A", "group-B", "group-C"]
    assert id_claims["cognito:preferred_role"] == "arn:aws:iam::123456789012:role/sns_caller"
    access = verify_access_token(tokens["AccessToken"], emu.url, pool, client)
    assert access["cognito:groups"] == ["group-A", "group-B", "group-C"]
    assert "attribute_key" not in access
    refreshed = idp.initiate_auth(ClientId=client, AuthFlow="REFRESH_TOKEN_AUTH",
                                  AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
    assert host.last("pre_token_generation_v1").event["triggerSource"] == "TokenGeneration_RefreshTokens"
    again = verify_id_token(refreshed["AuthenticationResult"]["IdToken"], emu.url, pool, client)
    assert again["attribute_key2"] == "attribute_value2"


def test_pre_token_generation_v2_changes_access_token_claims_and_scopes(emu, idp, host):
    config = {"PreTokenGenerationConfig": {"LambdaVersion": "V2_0",
                                           "LambdaArn": host.arn("pre_token_generation_v2")}}
    pool, client = pool_with(idp, config)
    confirmed(idp, emu, client, "claims-v2", unique_email("v2"))
    tokens = sign_in(idp, client, "claims-v2")
    access = verify_access_token(tokens["AccessToken"], emu.url, pool, client)
    assert access["tenant"] == "acme"
    assert access["scope"].split() == ["openid", "email", "solar-system-data/asteroids.add"]
    assert access["cognito:groups"] == ["new-group-A", "new-group-B", "new-group-C"]
    id_claims = verify_id_token(tokens["IdToken"], emu.url, pool, client)
    assert id_claims["family_name"] == "Doe" and "email" not in id_claims
    assert host.last("pre_token_generation_v2").event["version"] == "2"
    # The handler suppressed aws.cognito.signin.user.admin: the token cannot call GetUser.
    with raises(idp, "NotAuthorizedException", "Access Token does not have required scopes"):
        idp.get_user(AccessToken=tokens["AccessToken"])


def test_user_migration_on_first_sign_in_and_forgot_password(emu, idp, host, smtp_inbox):
    pool, client = pool_with(idp, {"UserMigration": host.arn("user_migration")})
    with raises(idp, "UserNotFoundException", "UserMigration failed with error Bad password."):
        sign_in(idp, client, "legacy-bob", "wrong")
    tokens = sign_in(idp, client, "legacy-bob", "Bobs-0ld-Password")
    claims = verify_id_token(tokens["IdToken"], emu.url, pool, client)
    assert claims["email"] == "bob@legacy.example" and claims["name"] == "Bob Legacy"
    event = host.last("user_migration").event
    assert event["triggerSource"] == "UserMigration_Authentication"
    assert event["userName"] == "legacy-bob"
    # Migrated with the typed password: the next sign-in never asks the function again.
    count = len(host.invocations_of("user_migration"))
    sign_in(idp, client, "legacy-bob", "Bobs-0ld-Password")
    assert len(host.invocations_of("user_migration")) == count
    # SRP cannot migrate (the password never reaches the server).
    srp = AWSSRP(username="legacy.ada@example.com", password="x", pool_id=pool, client_id=client, client=idp)
    with raises(idp, "UserNotFoundException", "User does not exist."):
        idp.initiate_auth(ClientId=client, AuthFlow="USER_SRP_AUTH", AuthParameters=srp.get_auth_params())
    # ForgotPassword migrates the user, and the reset code arrives by mail.
    out = idp.forgot_password(ClientId=client, Username="legacy.ada@example.com")
    assert out["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert host.last("user_migration").event["triggerSource"] == "UserMigration_ForgotPassword"
    code = code_from(smtp_inbox.wait_for("legacy.ada@example.com").body)
    idp.confirm_forgot_password(ClientId=client, Username="legacy.ada@example.com",
                                ConfirmationCode=code, Password="N3w-Passw0rd!")
    sign_in(idp, client, "legacy.ada@example.com", "N3w-Passw0rd!")


def test_branded_custom_message_arrives_at_the_smtp_sink(emu, idp, host, smtp_inbox):
    pool, client = pool_with(idp, {"CustomMessage": host.arn("custom_message")})
    email = unique_email("brand")
    idp.sign_up(ClientId=client, Username="branded", Password=PW,
                UserAttributes=[{"Name": "email", "Value": email}])
    mail = smtp_inbox.wait_for(email)
    assert mail.subject == "Welcome to Acme"
    code = code_from(mail.body)
    assert f"<h1>Acme</h1><p>Welcome to Acme: {code}</p>" in mail.body
    idp.confirm_sign_up(ClientId=client, Username="branded", ConfirmationCode=code)
    idp.admin_create_user(UserPoolId=pool, Username="invited", TemporaryPassword="Temp0rary!",
                          UserAttributes=[{"Name": "email", "Value": "invited-" + email}],
                          DesiredDeliveryMediums=["EMAIL"])
    invite = smtp_inbox.wait_for("invited-" + email)
    assert invite.subject == "Your Acme account is ready"
    assert "Your user name is invited Your temporary password is Temp0rary!" in invite.body
    event = host.last("custom_message").event
    assert event["triggerSource"] == "CustomMessage_AdminCreateUser"
    assert event["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"


def test_custom_auth_captcha_loop_started_with_srp(emu, idp, host):
    pool, client = pool_with(idp, {
        "DefineAuthChallenge": host.arn("define_auth_challenge"),
        "CreateAuthChallenge": host.arn("create_auth_challenge"),
        "VerifyAuthChallengeResponse": host.arn("verify_auth_challenge"),
    })
    confirmed(idp, emu, client, "captcha-user", unique_email("captcha"))
    srp = AWSSRP(username="captcha-user", password=PW, pool_id=pool, client_id=client, client=idp)
    params = dict(srp.get_auth_params(), CHALLENGE_NAME="SRP_A")
    first = idp.initiate_auth(ClientId=client, AuthFlow="CUSTOM_AUTH", AuthParameters=params)
    assert first["ChallengeName"] == "PASSWORD_VERIFIER"
    responses = srp.process_challenge(first["ChallengeParameters"], params)
    second = idp.respond_to_auth_challenge(ClientId=client, ChallengeName="PASSWORD_VERIFIER",
                                           Session=first["Session"], ChallengeResponses=responses)
    assert second["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert second["ChallengeParameters"]["captchaUrl"] == "url/123.jpg"
    done = idp.respond_to_auth_challenge(ClientId=client, ChallengeName="CUSTOM_CHALLENGE",
                                         Session=second["Session"],
                                         ChallengeResponses={"USERNAME": "captcha-user", "ANSWER": "5"})
    verify_id_token(done["AuthenticationResult"]["IdToken"], emu.url, pool, client)
    rounds = host.last("define_auth_challenge").event["request"]["session"]
    assert [r["challengeName"] for r in rounds] == ["SRP_A", "PASSWORD_VERIFIER", "CUSTOM_CHALLENGE"]
    # A wrong captcha fails the sign-in (AWS's example DefineAuthChallenge fails at once).
    srp = AWSSRP(username="captcha-user", password=PW, pool_id=pool, client_id=client, client=idp)
    params = dict(srp.get_auth_params(), CHALLENGE_NAME="SRP_A")
    first = idp.initiate_auth(ClientId=client, AuthFlow="CUSTOM_AUTH", AuthParameters=params)
    responses = srp.process_challenge(first["ChallengeParameters"], params)
    second = idp.respond_to_auth_challenge(ClientId=client, ChallengeName="PASSWORD_VERIFIER",
                                           Session=first["Session"], ChallengeResponses=responses)
    with raises(idp, "NotAuthorizedException", "Incorrect username or password."):
        idp.respond_to_auth_challenge(ClientId=client, ChallengeName="CUSTOM_CHALLENGE", Session=second["Session"],
                                      ChallengeResponses={"USERNAME": "captcha-user", "ANSWER": "4"})


@pytest.mark.parametrize("function,error,message", [
    ("throws", "UserLambdaValidationException", "PreSignUp failed with error boom."),
    ("malformed_no_response", "InvalidLambdaResponseException", "Unrecognizable lambda output"),
    ("malformed_string", "InvalidLambdaResponseException", "Unrecognizable lambda output"),
    ("returns_none", "InvalidLambdaResponseException", "Invalid lambda function output : Invalid JSON"),
    ("sleeps_6s", "UnexpectedLambdaException",
     "PreSignUp invocation failed due to error Socket timeout while invoking Lambda function."),
])
def test_failing_functions_give_aws_exceptions_and_write_nothing(emu, idp, host, function, error, message):
    pool, client = pool_with(idp, {"PreSignUp": host.arn(function)})
    name = unique_username(function)
    with raises(idp, error, message):
        idp.sign_up(ClientId=client, Username=name, Password=PW,
                    UserAttributes=[{"Name": "email", "Value": unique_email(function)}])
    with raises(idp, "UserNotFoundException"):
        idp.admin_get_user(UserPoolId=pool, Username=name)
    log = emu.get_json("/_emulator/invocations", pool=pool)["invocations"]
    assert log[-1]["outcome"] == error and log[-1]["event"]["triggerSource"] == "PreSignUp_SignUp"


def test_a_host_that_is_down_fails_calls_and_the_summary_names_every_trigger(start_emulator, tmp_path):
    arn = "arn:aws:lambda:us-east-1:123456789012:function:gone"
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"UserPools": [{
        "Id": "us-east-1_Trigger01", "PoolName": "seeded", "LambdaConfig": {"PreSignUp": arn},
        "Clients": [{"ClientId": "triggerclient0000000000001", "ClientName": "app"}]}]}))
    down = f"http://127.0.0.1:{free_port()}"
    emu = start_emulator(extra_args=["--lambda-endpoint", down, "--seed", str(seed)])
    idp = emu.client()
    with raises(idp, "UnexpectedLambdaException", "PreSignUp invocation failed due to error ServiceException"):
        idp.sign_up(ClientId="triggerclient0000000000001", Username="nobody", Password=PW)
    with raises(idp, "UserNotFoundException"):
        idp.admin_get_user(UserPoolId="us-east-1_Trigger01", Username="nobody")
    log = emu.get_json("/_emulator/invocations")["invocations"]
    assert "host unreachable" in log[-1]["error"]
    # The start-up summary names every configured trigger and where it will be invoked.
    assert wait_for_line(emu, f"trigger: us-east-1_Trigger01 PreSignUp {arn} -> {down}/2015-03-31/functions/")
    no_host = start_emulator(extra_args=["--seed", str(seed)])
    assert wait_for_line(no_host, "PreSignUp " + arn + " -> NO HOST")


def wait_for_line(emu, text: str, timeout: float = 10.0) -> bool:
    """Whether the emulator printed a line containing `text` (its stdout is read by a thread)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(text in line for line in emu.stdout_lines):
            return True
        time.sleep(0.05)
    return False


def test_custom_email_sender_receives_the_code(emu, idp, host):
    host.add("sender", lambda event, context: None)
    config = {"CustomEmailSender": {"LambdaVersion": "V1_0", "LambdaArn": host.arn("sender")},
              "KMSKeyID": "arn:aws:kms:us-east-1:123456789012:key/local"}
    pool, client = pool_with(idp, config)
    email = unique_email("sender")
    idp.sign_up(ClientId=client, Username="sender-user", Password=PW,
                UserAttributes=[{"Name": "email", "Value": email}], ClientMetadata={"app": "web"})
    (call,) = host.wait_for("sender", 1)
    assert call.headers["x-amz-invocation-type"] == "Event"
    request = call.event["request"]
    assert request["type"] == "customEmailSenderRequestV1"
    assert request["clientMetadata"] == {"app": "web"}
    code = base64.b64decode(request["code"]).decode()
    assert emu.messages(email) == [], "the sender delivers the message, not the pool"
    idp.confirm_sign_up(ClientId=client, Username="sender-user", ConfirmationCode=code)


SLS_DIR = Path(__file__).resolve().parents[3] / "examples" / "triggers" / "serverless-offline"


@pytest.fixture(scope="module")
def serverless_offline():
    """serverless-offline (a third-party Lambda host, no Docker) serving examples/triggers/serverless-offline
    on a free Lambda port; tests/run installs it with `npm ci`."""
    import os
    import subprocess
    import time
    import urllib.request

    binary = SLS_DIR / "node_modules" / ".bin" / "serverless"
    if not binary.exists():
        pytest.fail(f"serverless-offline is not installed: run `npm ci` in {SLS_DIR}", pytrace=False)
    lambda_port, http_port = free_port(), free_port()
    env = dict(os.environ, SLS_TELEMETRY_DISABLED="1", SLS_NOTIFICATIONS_MODE="off")
    proc = subprocess.Popen([str(binary), "offline", "start", "--lambdaPort", str(lambda_port),
                             "--httpPort", str(http_port)],
                            cwd=SLS_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{lambda_port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=1)
            break
        except urllib.error.HTTPError:
            break  # it answers (404 for /): listening
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail(f"serverless-offline did not start: {proc.stdout.read().decode()}")
    yield url
    proc.terminate()
    proc.wait(15)


def test_serverless_offline_as_the_lambda_host(start_emulator, serverless_offline):
    # serverless-offline knows functions as <service>-<stage>-<key>: each ARN is mapped to its name.
    arn = "arn:aws:lambda:us-east-1:123456789012:function:{}"
    emu = start_emulator(extra_args=[
        "--lambda-function", f"{arn.format('pre-signup')}={serverless_offline}#triggers-dev-preSignUp",
        "--lambda-function", f"{arn.format('custom-message')}={serverless_offline}#triggers-dev-customMessage",
        "--lambda-function", f"{arn.format('throws')}={serverless_offline}#triggers-dev-throws",
    ])
    idp = emu.client()
    pool, client = pool_with(idp, {"PreSignUp": arn.format("pre-signup")})
    out = idp.sign_up(ClientId=client, Username="sls-user", Password=PW,
                      UserAttributes=[{"Name": "email", "Value": "sls@example.com"}])
    assert out["UserConfirmed"] is True  # the Node handler auto-confirmed
    pool, client = pool_with(idp, {"CustomMessage": arn.format("custom-message")})
    idp.sign_up(ClientId=client, Username="sls-msg", Password=PW,
                UserAttributes=[{"Name": "email", "Value": "sls-msg@example.com"}])
    (message,) = emu.messages("sls-msg@example.com")
    assert message["subject"] == "Welcome to the service"  # the Python handler's subject
    assert message["body"] == f"Thank you for signing up. {message['code']} is your verification code"
    pool, client = pool_with(idp, {"PreSignUp": arn.format("throws")})
    with raises(idp, "UserLambdaValidationException"):
        idp.sign_up(ClientId=client, Username="sls-throw", Password=PW)


def deny_blocked_users(event, context):
    """PreAuthentication after AWS's example: refuse a user by name, and any caller that says so in
    ClientMetadata (which InitiateAuth passes as validationData)."""
    if event["userName"] == "blocked-signin" or (event["request"].get("validationData") or {}).get("deny") == "1":
        raise Exception("This user cannot sign in")
    return event


def audit_sign_in(event, context):
    """PostAuthentication: records the sign-in; refuses when the audit store is 'down' for this user."""
    if event["request"]["userAttributes"].get("custom:audit") == "down":
        raise Exception("Audit store is down")
    return event


def test_pre_and_post_authentication_on_password_and_srp_sign_in(emu, idp, host):
    host.add("pre_auth", deny_blocked_users)
    host.add("post_auth", audit_sign_in)
    pool, client = pool_with(idp, {"PreAuthentication": host.arn("pre_auth"),
                                   "PostAuthentication": host.arn("post_auth")},
                             Schema=[{"Name": "audit", "AttributeDataType": "String", "Mutable": True}])
    for name in ["ok-signin", "blocked-signin", "audit-down"]:
        confirmed(idp, emu, client, name, unique_email(name))
    idp.admin_update_user_attributes(UserPoolId=pool, Username="audit-down",
                                     UserAttributes=[{"Name": "custom:audit", "Value": "down"}])
    sign_in(idp, client, "ok-signin")
    assert host.last("post_auth").event["triggerSource"] == "PostAuthentication_Authentication"
    with raises(idp, "UserLambdaValidationException", "PreAuthentication failed with error This user cannot sign in."):
        sign_in(idp, client, "blocked-signin")
    with raises(idp, "UserLambdaValidationException", "PreAuthentication failed with error This user cannot sign in."):
        idp.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH", ClientMetadata={"deny": "1"},
                          AuthParameters={"USERNAME": "ok-signin", "PASSWORD": PW})
    with raises(idp, "UserLambdaValidationException", "PostAuthentication failed with error Audit store is down."):
        sign_in(idp, client, "audit-down")
    # SRP: PreAuthentication runs at InitiateAuth, before the PASSWORD_VERIFIER challenge.
    srp = AWSSRP(username="blocked-signin", password=PW, pool_id=pool, client_id=client, client=idp)
    with raises(idp, "UserLambdaValidationException"):
        idp.initiate_auth(ClientId=client, AuthFlow="USER_SRP_AUTH", AuthParameters=srp.get_auth_params())
