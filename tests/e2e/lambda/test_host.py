"""Self-tests of host.py (the Python Lambda test host) and of the Python trigger handlers.

Run: tests/e2e/.venv/bin/python -m pytest tests/e2e/lambda  (botocore/boto3 from tests/e2e/requirements.txt
are needed for the SigV4 and SDK tests; without them those tests are skipped).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

import sigv4
from host import LambdaHost

HERE = Path(__file__).resolve().parent
PY_HANDLERS = HERE / "handlers" / "python"


def post(url: str, body: bytes | str | dict = b"{}", headers: dict | None = None, method: str = "POST"):
    """(status, headers, parsed JSON body or None) of one request, without raising on HTTP errors."""
    if isinstance(body, dict):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode()
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=15) as r:
            status, hdrs, raw = r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        status, hdrs, raw = e.code, e.headers, e.read()
    return status, hdrs, (json.loads(raw) if raw else None)


def cognito_event(trigger_source: str, request: dict, user_name: str = "ada", response: dict | None = None) -> dict:
    """The common part of a Cognito user pool trigger event."""
    return {
        "version": "1",
        "triggerSource": trigger_source,
        "region": "us-east-1",
        "userPoolId": "us-east-1_EXAMPLE",
        "userName": user_name,
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "client123"},
        "request": request,
        "response": response if response is not None else {},
    }


def echo(event, context):
    return {
        "event": event,
        "function_name": context.function_name,
        "invoked_function_arn": context.invoked_function_arn,
        "aws_request_id": context.aws_request_id,
        "remaining": context.get_remaining_time_in_millis(),
        "memory": context.memory_limit_in_mb,
        "log_group": context.log_group_name,
    }


def boom(event, context):
    raise ValueError("no such legacy user")


def mutate(event, context):
    event["response"]["touched"] = True
    return event


@pytest.fixture
def host():
    with LambdaHost({"echo": echo, "boom": boom, "mutate": mutate,
                     "not-json": lambda e, c: {1, 2}}) as h:
        yield h


# ---- routing: by name, by ARN ---------------------------------------------------------------------

@pytest.mark.parametrize("function_name, qualifier", [
    ("echo", None),
    ("arn:aws:lambda:us-east-1:123456789012:function:echo", None),
    ("arn:aws:lambda:eu-west-1:000000000000:function:echo:$LATEST", "$LATEST"),
    ("123456789012:function:echo", None),
    ("echo:live", "live"),
])
def test_invoke_by_name_and_arn(host, function_name, qualifier):
    status, hdrs, body = post(host.invoke_url(function_name), {"hello": "world"},
                              {"X-Amz-Invocation-Type": "RequestResponse"})
    assert status == 200
    assert hdrs["X-Amz-Executed-Version"] == "$LATEST"
    assert "X-Amz-Function-Error" not in hdrs
    assert body["event"] == {"hello": "world"}
    assert body["function_name"] == "echo"
    assert body["aws_request_id"] == hdrs["x-amzn-RequestId"]
    assert body["invoked_function_arn"].endswith(":function:echo" + (f":{qualifier}" if qualifier else ""))
    assert 0 < body["remaining"] <= 900_000
    assert body["log_group"] == "/aws/lambda/echo"
    inv = host.last("echo")
    assert inv.invoked_as == function_name
    assert inv.qualifier == qualifier


def test_qualifier_query_parameter_and_unencoded_arn(host):
    url = f"{host.url}/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:echo/invocations?Qualifier=prod"
    status, _, body = post(url, {})
    assert status == 200
    assert body["invoked_function_arn"] == host.arn("echo", "prod")


# ---- answers and errors --------------------------------------------------------------------------

def test_handler_exception_is_unhandled_function_error(host):
    status, hdrs, body = post(host.invoke_url(host.arn("boom")), {"x": 1})
    assert status == 200
    assert hdrs["X-Amz-Function-Error"] == "Unhandled"
    assert body["errorType"] == "ValueError"
    assert body["errorMessage"] == "no such legacy user"
    assert body["requestId"] == hdrs["x-amzn-RequestId"]
    assert any("in boom" in line for line in body["stackTrace"])
    assert not any("/lambda/host.py" in line for line in body["stackTrace"])
    inv = host.last("boom")
    assert inv.function_error == "Unhandled" and not inv.ok


def test_unserialisable_result_is_marshal_error(host):
    status, hdrs, body = post(host.invoke_url("not-json"), {})
    assert (status, hdrs["X-Amz-Function-Error"], body["errorType"]) == (200, "Unhandled", "Runtime.MarshalError")


def test_unknown_function_is_resource_not_found(host):
    status, hdrs, body = post(host.invoke_url("arn:aws:lambda:us-east-1:123456789012:function:missing"), {})
    assert status == 404
    assert hdrs["x-amzn-ErrorType"] == "ResourceNotFoundException"
    assert body == {"Type": "User", "Message": "Function not found: arn:aws:lambda:us-east-1:123456789012:function:missing"}
    status, _, body = post(host.invoke_url("missing"), {})
    assert body["Message"] == "Function not found: arn:aws:lambda:us-east-1:123456789012:function:missing"
    assert host.last().error == "ResourceNotFoundException" and host.last().function_name is None


def test_body_that_is_not_json(host):
    status, hdrs, body = post(host.invoke_url("echo"), b"{not json")
    assert status == 400 and hdrs["x-amzn-ErrorType"] == "InvalidRequestContentException"


def test_other_routes_are_not_served(host):
    status, hdrs, _ = post(f"{host.url}/2015-03-31/functions/echo", {})
    assert status == 404 and hdrs["x-amzn-ErrorType"] == "UnknownOperationException"


def test_event_invocation_answers_202_then_runs(host):
    status, _, body = post(host.invoke_url("mutate"), {"response": {}}, {"X-Amz-Invocation-Type": "Event"})
    assert status == 202 and body is None
    [inv] = host.wait_for("mutate")
    assert inv.invocation_type == "Event"
    assert inv.answer == {"response": {"touched": True}}


def test_dry_run(host):
    status, _, body = post(host.invoke_url("echo"), {}, {"X-Amz-Invocation-Type": "DryRun"})
    assert status == 204 and body is None


def test_timeout_is_reported_like_lambda():
    with LambdaHost({"slow": lambda e, c: time.sleep(2)}, timeout=0.3) as h:
        t0 = time.monotonic()
        status, hdrs, body = post(h.invoke_url("slow"), {})
        assert time.monotonic() - t0 < 1.5
    assert status == 200 and hdrs["X-Amz-Function-Error"] == "Unhandled"
    assert body["errorMessage"].endswith("Task timed out after 0.30 seconds")


# ---- recording ---------------------------------------------------------------------------------

def test_every_invocation_is_recorded(host):
    event = {"response": {}, "n": 1}
    post(host.invoke_url("mutate"), event, {"X-Amz-Invocation-Type": "RequestResponse", "X-Custom": "yes"})
    post(host.invoke_url("boom"), {})
    post(host.invoke_url("nope"), {})
    assert [i.invoked_as for i in host.invocations] == ["mutate", "boom", "nope"]
    inv = host.invocations_of("mutate")[0]
    assert inv.event == {"response": {}, "n": 1}, "the recorded event is the one received, not the mutated one"
    assert inv.answer == {"response": {"touched": True}, "n": 1}
    assert inv.headers["x-amz-invocation-type"] == "RequestResponse"
    assert inv.headers["x-custom"] == "yes"
    assert inv.status == 200 and inv.ok and inv.duration_ms is not None
    assert inv.signature == "skipped"
    host.clear()
    assert host.invocations == []


def test_functions_can_be_added_and_replaced_while_running(host):
    host.add("late", lambda e, c: "first")
    assert post(host.invoke_url("late"))[2] == "first"
    host.add("late", lambda e, c: "second")
    assert post(host.invoke_url("late"))[2] == "second"


# ---- SigV4 ---------------------------------------------------------------------------------------

def test_sigv4_matches_aws_test_vectors():
    # "Examples of how to derive a signing key for Signature Version 4" (AWS General Reference).
    assert sigv4.signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam").hex() == \
        "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
    # aws-sig-v4-test-suite get-vanilla: GET / with Host and X-Amz-Date, service "service".
    headers = [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z"),
               ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")]
    result = sigv4.verify(method="GET", raw_path="/", raw_query="", headers=headers, body=b"",
                          credentials={"AKIDEXAMPLE": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}, service="service")
    assert result.canonical_request == ("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
                                        "host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    with pytest.raises(sigv4.SigV4Error) as e:
        sigv4.verify(method="GET", raw_path="/", raw_query="", headers=headers, body=b"",
                     credentials={"AKIDEXAMPLE": "another secret"}, service="service")
    assert e.value.code == "InvalidSignatureException"


def test_lambda_path_is_double_encoded_in_the_canonical_request():
    assert sigv4.canonical_uri("/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Af/invocations") == \
        "/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-east-1%253A1%253Afunction%253Af/invocations"


def botocore_signed(url: str, body: bytes, secret: str = "local", access_key: str = "local",
                    region: str = "us-east-1", service: str = "lambda", invocation_type: str = "RequestResponse") -> dict:
    """Headers of a request signed by botocore's own SigV4 signer, as the AWS SDK for Python signs Invoke."""
    botocore = pytest.importorskip("botocore")
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    req = AWSRequest(method="POST", url=url, data=body,
                     headers={"X-Amz-Invocation-Type": invocation_type, "Content-Type": "application/json"})
    SigV4Auth(Credentials(access_key, secret), service, region).add_auth(req)
    assert botocore  # imported for its signer
    return dict(req.headers.items())


@pytest.fixture
def signed_host():
    with LambdaHost({"echo": echo}, check_sigv4=True) as h:
        yield h


@pytest.mark.parametrize("function_name", ["echo", "arn:aws:lambda:us-east-1:123456789012:function:echo:$LATEST"])
def test_sigv4_accepts_a_request_signed_by_botocore(signed_host, function_name):
    url = signed_host.invoke_url(function_name)
    body = json.dumps({"triggerSource": "PreSignUp_SignUp", "sp ace": "é"}).encode()
    status, _, answer = post(url, body, botocore_signed(url, body))
    assert status == 200, answer
    assert answer["event"]["sp ace"] == "é"
    assert signed_host.last().signature == "ok"


def test_sigv4_refuses_a_wrong_secret(signed_host):
    url = signed_host.invoke_url(signed_host.arn("echo"))
    body = b'{"a": 1}'
    status, hdrs, answer = post(url, body, botocore_signed(url, body, secret="not-the-secret"))
    assert status == 403
    assert hdrs["x-amzn-ErrorType"] == "InvalidSignatureException"
    assert answer["message"].startswith("The request signature we calculated does not match")
    inv = signed_host.last()
    assert inv.signature == "InvalidSignatureException" and inv.function_name == "echo" and inv.answer is None


def test_sigv4_refuses_tampering_unknown_keys_wrong_service_and_no_signature(signed_host):
    url = signed_host.invoke_url("echo")
    headers = botocore_signed(url, b'{"a": 1}')
    assert post(url, b'{"a": 2}', headers)[1]["x-amzn-ErrorType"] == "InvalidSignatureException"  # body changed
    unknown = botocore_signed(url, b"{}", access_key="AKIDUNKNOWN")
    assert post(url, b"{}", unknown)[1]["x-amzn-ErrorType"] == "UnrecognizedClientException"
    wrong_service = botocore_signed(url, b"{}", service="cognito-idp")
    assert post(url, b"{}", wrong_service)[1]["x-amzn-ErrorType"] == "InvalidSignatureException"
    status, hdrs, _ = post(url, b"{}")
    assert (status, hdrs["x-amzn-ErrorType"]) == (403, "MissingAuthenticationTokenException")


def test_sigv4_own_signer_round_trip(signed_host):
    url = signed_host.invoke_url(signed_host.arn("echo"))
    split = urlsplit(url)
    headers = sigv4.sign(method="POST", url_path=split.path, host=split.netloc, body=b"{}",
                         access_key="local", secret="local", region="us-east-1")
    assert post(url, b"{}", headers)[0] == 200


def test_sigv4_clock_skew_is_only_checked_when_asked():
    with LambdaHost({"echo": echo}, check_sigv4=True, max_skew_seconds=900) as h:
        url = h.invoke_url("echo")
        split = urlsplit(url)
        old = sigv4.sign(method="POST", url_path=split.path, host=split.netloc, body=b"{}", access_key="local",
                         secret="local", region="us-east-1", amz_date="20200101T000000Z")
        status, hdrs, body = post(url, b"{}", old)
        assert (status, hdrs["x-amzn-ErrorType"]) == (403, "InvalidSignatureException")
        assert body["message"].startswith("Signature expired")


def test_boto3_lambda_client_talks_to_the_host(signed_host):
    """The AWS SDK itself: Invoke by ARN, FunctionError, and ResourceNotFoundException parsing."""
    boto3 = pytest.importorskip("boto3")
    from botocore.config import Config

    client = boto3.client("lambda", endpoint_url=signed_host.url, region_name="us-east-1",
                          aws_access_key_id="local", aws_secret_access_key="local",
                          config=Config(retries={"max_attempts": 1}))
    out = client.invoke(FunctionName=signed_host.arn("echo"), Payload=b'{"k": "v"}')
    assert out["StatusCode"] == 200 and "FunctionError" not in out
    assert json.loads(out["Payload"].read())["event"] == {"k": "v"}
    signed_host.add("boom", boom)
    out = client.invoke(FunctionName="boom", Payload=b"{}")
    assert out["FunctionError"] == "Unhandled"
    assert json.loads(out["Payload"].read())["errorType"] == "ValueError"
    out = client.invoke(FunctionName="echo", InvocationType="Event", Payload=b"{}")
    assert out["StatusCode"] == 202
    with pytest.raises(client.exceptions.ResourceNotFoundException) as e:
        client.invoke(FunctionName="arn:aws:lambda:us-east-1:123456789012:function:missing", Payload=b"{}")
    assert e.value.response["Error"]["Message"] == "Function not found: arn:aws:lambda:us-east-1:123456789012:function:missing"
    bad = boto3.client("lambda", endpoint_url=signed_host.url, region_name="us-east-1",
                       aws_access_key_id="local", aws_secret_access_key="wrong",
                       config=Config(retries={"max_attempts": 1}))
    with pytest.raises(bad.exceptions.ClientError) as e:
        bad.invoke(FunctionName="echo", Payload=b"{}")
    assert e.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


# ---- command line --------------------------------------------------------------------------------

def test_command_line_serves_a_handler_directory():
    proc = subprocess.Popen([sys.executable, str(HERE / "host.py"), "--port", "0", "--handlers", str(PY_HANDLERS)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("LAMBDA_HOST_URL="), line + proc.stderr.read()
        url = line.split("=", 1)[1].strip()
        status, _, answer = post(f"{url}/2015-03-31/functions/{quote('arn:aws:lambda:us-east-1:123456789012:function:pre_signup_auto_confirm', safe='')}/invocations",
                                 cognito_event("PreSignUp_SignUp", {"userAttributes": {"email": "a@example.com", "custom:domain": "example.com"}}))
        assert status == 200 and answer["response"]["autoConfirmUser"] is True
        assert post(f"{url}/2015-03-31/functions/_legacy_users/invocations")[0] == 404
        status, _, recorded = post(f"{url}/_host/invocations", method="GET", body=b"")
        assert [r["function_name"] for r in recorded] == ["pre_signup_auto_confirm", None]
        assert recorded[0]["event"]["triggerSource"] == "PreSignUp_SignUp"
        assert post(f"{url}/_host/invocations", method="DELETE", body=b"")[0] == 204
        assert post(f"{url}/_host/invocations", method="GET", body=b"")[2] == []
    finally:
        proc.terminate()
        proc.wait(5)


# ---- the Python trigger handlers ------------------------------------------------------------------

@pytest.fixture(scope="module")
def handlers():
    from host import functions_in
    with LambdaHost(functions_in(PY_HANDLERS)) as h:
        yield h


def invoke(h: LambdaHost, name: str, event):
    status, hdrs, body = post(h.invoke_url(h.arn(name)), event)
    assert status == 200
    return hdrs.get("X-Amz-Function-Error"), body


def test_pre_signup_auto_confirm(handlers):
    same = cognito_event("PreSignUp_SignUp", {"userAttributes": {"email": "a@example.com", "custom:domain": "example.com"}})
    assert invoke(handlers, "pre_signup_auto_confirm", same)[1]["response"]["autoConfirmUser"] is True
    other = cognito_event("PreSignUp_SignUp", {"userAttributes": {"email": "a@other.org", "custom:domain": "example.com"}})
    assert invoke(handlers, "pre_signup_auto_confirm", other)[1]["response"]["autoConfirmUser"] is False


def test_pre_signup_domain_policy(handlers):
    trusted = cognito_event("PreSignUp_SignUp", {"userAttributes": {"email": "ada@example.com", "phone_number": "+12065550100"}})
    err, body = invoke(handlers, "pre_signup_domain_policy", trusted)
    assert err is None
    assert body["response"] == {"autoConfirmUser": True, "autoVerifyEmail": True, "autoVerifyPhone": True}
    err, body = invoke(handlers, "pre_signup_domain_policy",
                       cognito_event("PreSignUp_SignUp", {"userAttributes": {"email": "eve@blocked.example"}}))
    assert err == "Unhandled" and body["errorMessage"] == "Sign-ups from blocked.example are not allowed"
    err, body = invoke(handlers, "pre_signup_domain_policy",
                       cognito_event("PreSignUp_SignUp", {"userAttributes": {"email": "bob@elsewhere.org"}}))
    assert err is None and body["response"] == {}


def test_post_confirmation_writes_a_profile_row(handlers, tmp_path, monkeypatch):
    table = tmp_path / "profiles.jsonl"
    monkeypatch.setenv("PROFILE_TABLE", str(table))
    event = cognito_event("PostConfirmation_ConfirmSignUp",
                          {"userAttributes": {"sub": "1111-2222", "email": "ada@example.com", "cognito:user_status": "CONFIRMED"}})
    err, body = invoke(handlers, "post_confirmation_profile", event)
    assert err is None and body == event
    [row] = [json.loads(line) for line in table.read_text().splitlines()]
    assert row["sub"] == "1111-2222" and row["email"] == "ada@example.com" and row["userName"] == "ada"
    assert row["requestId"] == handlers.last("post_confirmation_profile").request_id


def test_pre_token_generation_v1(handlers):
    request = {"userAttributes": {"sub": "s", "email": "a@example.com"},
               "groupConfiguration": {"groupsToOverride": ["admins"], "iamRolesToOverride": [], "preferredRole": None}}
    _, body = invoke(handlers, "pre_token_generation_v1", cognito_event("TokenGeneration_Authentication", request))
    details = body["response"]["claimsOverrideDetails"]
    assert details["claimsToAddOrOverride"] == {"attribute_key2": "attribute_value2", "attribute_key": "attribute_value",
                                                "family_name": "Overridden"}
    assert details["claimsToSuppress"] == ["email"]
    assert details["groupOverrideDetails"]["groupsToOverride"] == ["group-A", "group-B", "group-C"]
    keep = dict(request, clientMetadata={"groups": "keep"})
    _, body = invoke(handlers, "pre_token_generation_v1", cognito_event("TokenGeneration_Authentication", keep))
    assert body["response"]["claimsOverrideDetails"]["groupOverrideDetails"] == request["groupConfiguration"]


def test_pre_token_generation_v2(handlers):
    event = cognito_event("TokenGeneration_Authentication",
                          {"userAttributes": {"sub": "s"}, "groupConfiguration": {"groupsToOverride": []},
                           "scopes": ["aws.cognito.signin.user.admin"]})
    event["version"] = "2"
    _, body = invoke(handlers, "pre_token_generation_v2", event)
    details = body["response"]["claimsAndScopeOverrideDetails"]
    assert details["idTokenGeneration"]["claimsToSuppress"] == ["email", "phone_number"]
    assert details["accessTokenGeneration"]["scopesToAdd"] == ["openid", "email", "solar-system-data/asteroids.add"]
    assert details["accessTokenGeneration"]["scopesToSuppress"] == ["phone_number", "aws.cognito.signin.user.admin"]
    assert details["groupOverrideDetails"]["preferredRole"] == "arn:aws:iam::123456789012:role/new_role"


def test_user_migration(handlers):
    sign_in = cognito_event("UserMigration_Authentication", {"password": "Legacy-Passw0rd!", "validationData": None},
                            user_name="legacy.ada@example.com")
    err, body = invoke(handlers, "user_migration", sign_in)
    assert err is None
    assert body["response"] == {"userAttributes": {"email": "legacy.ada@example.com", "email_verified": "true", "name": "Ada Legacy"},
                                "finalUserStatus": "CONFIRMED", "messageAction": "SUPPRESS"}
    wrong = cognito_event("UserMigration_Authentication", {"password": "nope"}, user_name="legacy.ada@example.com")
    err, body = invoke(handlers, "user_migration", wrong)
    assert err == "Unhandled" and body["errorMessage"] == "Bad password"
    forgot = cognito_event("UserMigration_ForgotPassword", {}, user_name="legacy-bob")
    err, body = invoke(handlers, "user_migration", forgot)
    assert err is None and body["response"]["userAttributes"]["email"] == "bob@legacy.example"
    assert "finalUserStatus" not in body["response"]
    err, body = invoke(handlers, "user_migration", cognito_event("UserMigration_ForgotPassword", {}, user_name="nobody"))
    assert err == "Unhandled"


@pytest.mark.parametrize("source", ["CustomMessage_SignUp", "CustomMessage_ResendCode", "CustomMessage_ForgotPassword",
                                    "CustomMessage_UpdateUserAttribute", "CustomMessage_VerifyUserAttribute",
                                    "CustomMessage_Authentication", "CustomMessage_AdminCreateUser"])
def test_custom_message(handlers, source):
    request = {"userAttributes": {"email": "ada@example.com"}, "codeParameter": "{####}", "linkParameter": "{##Click Here##}",
               "usernameParameter": "{username}" if source == "CustomMessage_AdminCreateUser" else None}
    response = {"smsMessage": None, "emailMessage": None, "emailSubject": None}
    _, body = invoke(handlers, "custom_message", cognito_event(source, request, response=response))
    r = body["response"]
    assert "{####}" in r["smsMessage"] and "{####}" in r["emailMessage"] and r["emailSubject"].startswith(("Welcome", "Your", "Reset", "Confirm", "Verify"))
    if source == "CustomMessage_AdminCreateUser":
        assert "{username}" in r["smsMessage"] and "{username}" in r["emailMessage"]


def test_custom_auth_challenge_loop(handlers):
    def define(session):
        _, body = invoke(handlers, "define_auth_challenge",
                         cognito_event("DefineAuthChallenge_Authentication", {"userAttributes": {}, "session": session}))
        return body["response"]

    srp = {"challengeName": "SRP_A", "challengeResult": True, "challengeMetadata": None}
    pw = {"challengeName": "PASSWORD_VERIFIER", "challengeResult": True, "challengeMetadata": None}
    assert define([srp])["challengeName"] == "PASSWORD_VERIFIER"
    step = define([srp, pw])
    assert (step["challengeName"], step["issueTokens"], step["failAuthentication"]) == ("CUSTOM_CHALLENGE", False, False)
    _, created = invoke(handlers, "create_auth_challenge",
                        cognito_event("CreateAuthChallenge_Authentication",
                                      {"userAttributes": {}, "challengeName": "CUSTOM_CHALLENGE", "session": [srp, pw]}))
    assert created["response"]["publicChallengeParameters"] == {"captchaUrl": "url/123.jpg"}
    private = created["response"]["privateChallengeParameters"]
    for answer, correct in (("5", True), ("6", False)):
        _, verified = invoke(handlers, "verify_auth_challenge",
                             cognito_event("VerifyAuthChallengeResponse_Authentication",
                                           {"userAttributes": {}, "privateChallengeParameters": private, "challengeAnswer": answer}))
        assert verified["response"]["answerCorrect"] is correct
    custom_ok = {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": True, "challengeMetadata": "CAPTCHA_CHALLENGE"}
    assert define([srp, pw, custom_ok])["issueTokens"] is True
    custom_bad = dict(custom_ok, challengeResult=False)
    assert define([srp, pw, custom_bad]) == {"issueTokens": False, "failAuthentication": True}
    assert define([])["failAuthentication"] is True


def test_pathological_handlers(handlers, monkeypatch):
    event = cognito_event("PreSignUp_SignUp", {"userAttributes": {"email": "a@example.com"}})
    err, body = invoke(handlers, "throws", event)
    assert err == "Unhandled" and (body["errorType"], body["errorMessage"]) == ("RuntimeError", "boom")
    assert invoke(handlers, "malformed_no_response", event) == (None, {k: v for k, v in event.items() if k != "response"})
    assert invoke(handlers, "malformed_string", event) == (None, "this is not an event")
    assert invoke(handlers, "returns_none", event) == (None, None)
    monkeypatch.setenv("SLEEP_SECONDS", "0.2")
    t0 = time.monotonic()
    assert invoke(handlers, "sleeps_6s", event) == (None, event)
    assert time.monotonic() - t0 >= 0.2


@pytest.mark.skipif(os.environ.get("LAMBDA_HOST_SLOW") != "1", reason="set LAMBDA_HOST_SLOW=1 to run the real 6 s sleep")
def test_sleeps_6s_really_sleeps(handlers):
    t0 = time.monotonic()
    invoke(handlers, "sleeps_6s", {"response": {}})
    assert time.monotonic() - t0 >= 6
