"""User import as the AWS documentation does it: GetCSVHeader, CreateUserImportJob, the CSV uploaded
with `curl -T` to the pre-signed URL, StartUserImportJob, DescribeUserImportJob until it finishes —
through the AWS CLI and through boto3 — and the documented errors."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from helpers import raises, unique_username

ROLE = "arn:aws:iam::123456789012:role/CognitoImportRole"


def aws_cli() -> str:
    """The AWS CLI installed in this venv (requirements.txt), else one on PATH."""
    beside = Path(sys.executable).with_name("aws")
    return str(beside) if beside.exists() else (shutil.which("aws") or "aws")


def cli(emulator, *args: str) -> dict:
    env = dict(
        os.environ, AWS_ACCESS_KEY_ID="AKIAEMULATORTEST0000", AWS_SECRET_ACCESS_KEY="emulator-test-secret",
        AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="", AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
    )
    out = subprocess.run(
        [aws_cli(), "--endpoint-url", emulator.url, "--output", "json", "cognito-idp", *args],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout) if out.stdout.strip() else {}


def csv_text(header: list[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({h: row.get(h, "") for h in header})
    return buf.getvalue()


def curl_upload(url: str, path: Path, with_sse: bool = True) -> int:
    args = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-T", str(path)]
    if with_sse:
        args += ["-H", "x-amz-server-side-encryption:aws:kms"]
    out = subprocess.run(args + [url], capture_output=True, text=True, timeout=60)
    return int(out.stdout)


def wait_done(describe, job_id: str) -> dict:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job = describe(job_id)
        if job["Status"] not in ("Pending", "InProgress", "Stopping"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"import job {job_id} did not finish: {job}")


@pytest.fixture()
def pool_id(cognito):
    return cognito.create_user_pool(
        PoolName=unique_username("import"), AutoVerifiedAttributes=["email"],
        Schema=[{"Name": "tier", "AttributeDataType": "String"}],
    )["UserPool"]["Id"]


def test_import_through_the_aws_cli_and_curl(cognito, emulator, pool_id, tmp_path):
    header = cli(emulator, "get-csv-header", "--user-pool-id", pool_id)["CSVHeader"]
    assert header[-2:] == ["cognito:mfa_enabled", "cognito:username"]
    assert "custom:tier" in header and "sub" not in header
    rows = [
        {"cognito:username": "ann", "email": "ann@example.com", "email_verified": "true",
         "cognito:mfa_enabled": "false", "custom:tier": "gold"},
        {"cognito:username": "ben", "email": "ben@example.com", "email_verified": "TRUE",
         "phone_number": "+15555550100", "cognito:mfa_enabled": "true"},
        # Fails: no verified auto-verified attribute.
        {"cognito:username": "cat", "email": "cat@example.com", "email_verified": "false",
         "cognito:mfa_enabled": "false"},
        # Fails: not an email address.
        {"cognito:username": "dan", "email": "not-an-email", "email_verified": "true", "cognito:mfa_enabled": "false"},
    ]
    path = tmp_path / "users.csv"
    path.write_text(csv_text(header, rows))
    job = cli(emulator, "create-user-import-job", "--user-pool-id", pool_id, "--job-name", "cli-import",
              "--cloud-watch-logs-role-arn", ROLE)["UserImportJob"]
    assert job["Status"] == "Created" and job["JobId"].startswith("import-")
    url = job["PreSignedUrl"]
    assert curl_upload(url, path, with_sse=False) == 403  # signed with the encryption header
    assert curl_upload(url.replace("X-Amz-Signature=", "X-Amz-Signature=0"), path) == 403
    assert curl_upload(url, path) == 200
    started = cli(emulator, "start-user-import-job", "--user-pool-id", pool_id, "--job-id", job["JobId"])
    assert started["UserImportJob"]["Status"] in ("Pending", "InProgress", "Succeeded")
    done = wait_done(
        lambda j: cli(emulator, "describe-user-import-job", "--user-pool-id", pool_id, "--job-id", j)["UserImportJob"],
        job["JobId"],
    )
    assert done["Status"] == "Succeeded", done
    assert (done["ImportedUsers"], done["FailedUsers"], done["SkippedUsers"]) == (2, 2, 0)
    ann = cognito.admin_get_user(UserPoolId=pool_id, Username="ann")
    assert ann["UserStatus"] == "RESET_REQUIRED"
    attrs = {a["Name"]: a["Value"] for a in ann["UserAttributes"]}
    assert attrs["custom:tier"] == "gold" and attrs["email_verified"] == "true"
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="ben")["MFAOptions"][0]["DeliveryMedium"] == "SMS"
    with raises(cognito, "UserNotFoundException"):
        cognito.admin_get_user(UserPoolId=pool_id, Username="cat")
    # The job has started: its file can no longer change, and it cannot start again.
    assert curl_upload(url, path) == 403
    with raises(cognito, "PreconditionNotMetException"):
        cognito.start_user_import_job(UserPoolId=pool_id, JobId=job["JobId"])
    listed = cli(emulator, "list-user-import-jobs", "--user-pool-id", pool_id, "--max-results", "10")
    assert [j["JobId"] for j in listed["UserImportJobs"]] == [job["JobId"]]


def test_import_job_errors_through_boto3(cognito, emulator, pool_id):
    with raises(cognito, "InvalidParameterException"):
        cognito.create_user_import_job(UserPoolId=pool_id, JobName="bad-role",
                                       CloudWatchLogsRoleArn="arn:aws:s3:::123456789012:bucket")
    with raises(cognito, "InvalidParameterException"):
        cognito.create_user_import_job(UserPoolId=pool_id, JobName="hashes", CloudWatchLogsRoleArn=ROLE,
                                       PasswordHashingAlgorithm="BCRYPT")
    with raises(cognito, "ResourceNotFoundException"):
        cognito.create_user_import_job(UserPoolId="us-east-1_Missing00", JobName="x", CloudWatchLogsRoleArn=ROLE)
    job = cognito.create_user_import_job(UserPoolId=pool_id, JobName="empty", CloudWatchLogsRoleArn=ROLE)["UserImportJob"]
    with raises(cognito, "PreconditionNotMetException"):
        cognito.start_user_import_job(UserPoolId=pool_id, JobId=job["JobId"])
    with raises(cognito, "PreconditionNotMetException"):
        cognito.stop_user_import_job(UserPoolId=pool_id, JobId=job["JobId"])
    with raises(cognito, "ResourceNotFoundException"):
        cognito.describe_user_import_job(UserPoolId=pool_id, JobId="import-Nope000000")
    # A header that lacks columns fails the job.
    header = cognito.get_csv_header(UserPoolId=pool_id)["CSVHeader"]
    bad = "cognito:username,email\nzed,zed@example.com\n"
    req = urllib.request.Request(job["PreSignedUrl"], data=bad.encode(), method="PUT",
                                 headers={"x-amz-server-side-encryption": "aws:kms"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200
    cognito.start_user_import_job(UserPoolId=pool_id, JobId=job["JobId"])
    done = wait_done(
        lambda j: cognito.describe_user_import_job(UserPoolId=pool_id, JobId=j)["UserImportJob"], job["JobId"]
    )
    assert done["Status"] == "Failed" and "lacks the column" in done["CompletionMessage"]
    assert len(header) > 2
    # A job not started within a day expires.
    late = cognito.create_user_import_job(UserPoolId=pool_id, JobName="late", CloudWatchLogsRoleArn=ROLE)["UserImportJob"]
    first = cognito.list_user_import_jobs(UserPoolId=pool_id, MaxResults=1)
    assert len(first["UserImportJobs"]) == 1 and "PaginationToken" in first
    assert late["JobId"] in [
        j["JobId"] for j in cognito.list_user_import_jobs(
            UserPoolId=pool_id, MaxResults=10, PaginationToken=first["PaginationToken"]
        )["UserImportJobs"]
    ]


def test_an_import_job_can_be_stopped_and_expires(cognito, start_emulator, tmp_path):
    emu = start_emulator()
    c = emu.client()
    pool_id = c.create_user_pool(PoolName="stop", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    header = c.get_csv_header(UserPoolId=pool_id)["CSVHeader"]
    rows = [{"cognito:username": f"u{i}", "email": f"u{i}@example.com", "email_verified": "true",
             "cognito:mfa_enabled": "false"} for i in range(400)]
    job = c.create_user_import_job(UserPoolId=pool_id, JobName="big", CloudWatchLogsRoleArn=ROLE)["UserImportJob"]
    path = tmp_path / "big.csv"
    path.write_text(csv_text(header, rows))
    assert curl_upload(job["PreSignedUrl"], path) == 200
    c.start_user_import_job(UserPoolId=pool_id, JobId=job["JobId"])
    stopped = c.stop_user_import_job(UserPoolId=pool_id, JobId=job["JobId"])["UserImportJob"]
    assert stopped["Status"] in ("Stopping", "Stopped", "Succeeded")
    done = wait_done(lambda j: c.describe_user_import_job(UserPoolId=pool_id, JobId=j)["UserImportJob"], job["JobId"])
    if done["Status"] == "Stopped":
        assert done["CompletionMessage"] == "The Import Job was stopped by the developer."
        assert done["ImportedUsers"] < 400
    else:  # the import outran the stop request
        assert done["ImportedUsers"] == 400
    idle = c.create_user_import_job(UserPoolId=pool_id, JobName="idle", CloudWatchLogsRoleArn=ROLE)["UserImportJob"]
    emu.advance_clock(2 * 86400)
    expired = c.describe_user_import_job(UserPoolId=pool_id, JobId=idle["JobId"])["UserImportJob"]
    assert expired["Status"] == "Expired" and expired["CompletionMessage"] == "The user import job has expired."
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(
            urllib.request.Request(idle["PreSignedUrl"], data=b"x", method="PUT",
                                   headers={"x-amz-server-side-encryption": "aws:kms"}), timeout=10)
    assert err.value.code == 403
