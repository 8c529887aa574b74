"""--require-sigv4: boto3 and the AWS CLI signing with the right and a wrong secret (issue 14, item 6).

The operations AWS authorizes with IAM credentials need a valid signature by a configured key; the public
ones (SignUp, InitiateAuth...) stay open.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

KEY, SECRET = "AKIASIGV4TEST0000001", "the-right-secret"
REPO_ROOT = Path(__file__).resolve().parents[3]


def aws_cli() -> str:
    """The `aws` command: on PATH, or the one .ci/run installs into tests/e2e/.cli-venv."""
    found = shutil.which("aws") or str(REPO_ROOT / "tests" / "e2e" / ".cli-venv" / "bin" / "aws")
    if not os.access(found, os.X_OK):
        pytest.fail("the AWS CLI is needed: .ci/run installs tests/e2e/cli-requirements.txt", pytrace=False)
    return found


@pytest.fixture(scope="module")
def signed(start_emulator):
    return start_emulator(extra_args=["--require-sigv4", "--sigv4-credentials", f"{KEY}:{SECRET}"])


def client(emu, secret: str, key: str = KEY):
    return boto3.client(
        "cognito-idp",
        endpoint_url=emu.url,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


def code(e: ClientError) -> str:
    return e.response["Error"]["Code"]


def test_boto3_right_and_wrong_secret(signed):
    good = client(signed, SECRET)
    pool = good.create_user_pool(PoolName="signed")["UserPool"]["Id"]
    assert any(p["Id"] == pool for p in good.list_user_pools(MaxResults=10)["UserPools"])
    with pytest.raises(ClientError) as e:
        client(signed, "a-wrong-secret").list_user_pools(MaxResults=10)
    assert code(e.value) == "InvalidSignatureException"
    with pytest.raises(ClientError) as e:
        client(signed, SECRET, key="AKIAUNKNOWN000000000").admin_get_user(UserPoolId=pool, Username="x")
    assert code(e.value) == "UnrecognizedClientException"
    assert e.value.response["Error"]["Message"] == "The security token included in the request is invalid."
    # Public operations stay open whatever the signature says (here: it reaches the operation).
    cid = good.create_user_pool_client(UserPoolId=pool, ClientName="web")["UserPoolClient"]["ClientId"]
    out = client(signed, "a-wrong-secret").sign_up(ClientId=cid, Username="open", Password="Passw0rd!")
    assert out["UserConfirmed"] is False


def cli(emu, secret: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=KEY,
        AWS_SECRET_ACCESS_KEY=secret,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE="/dev/null",
        AWS_SHARED_CREDENTIALS_FILE="/dev/null",
        AWS_MAX_ATTEMPTS="1",
    )
    return subprocess.run(
        [aws_cli(), "--endpoint-url", emu.url, "--output", "json", "cognito-idp", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_aws_cli_right_and_wrong_secret(signed):
    ok = cli(signed, SECRET, "list-user-pools", "--max-results", "10")
    assert ok.returncode == 0, ok.stderr
    assert "UserPools" in json.loads(ok.stdout)
    bad = cli(signed, "a-wrong-secret", "list-user-pools", "--max-results", "10")
    assert bad.returncode != 0
    assert "InvalidSignatureException" in bad.stderr, bad.stderr
