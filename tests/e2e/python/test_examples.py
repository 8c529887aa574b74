"""The runnable examples in examples/, run as a user would run them, against an emulator started with
the example seed (examples/seed.json) and the example backend (examples/backend/app.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO_ROOT, free_port

EXAMPLES = REPO_ROOT / "examples"
POOL = "us-east-1_Example01"
WEB_CLIENT = "localwebclient000000000001"


@pytest.fixture(scope="module")
def seeded(start_emulator, smtp_inbox):
    return start_emulator(
        smtp_url=f"smtp://127.0.0.1:{smtp_inbox.port}",
        extra_args=["--seed", str(EXAMPLES / "seed.json")],
    )


@pytest.fixture(scope="module")
def backend(seeded):
    port = free_port()
    env = dict(
        os.environ,
        JWKS_URL=f"{seeded.url}/{POOL}/.well-known/jwks.json",
        ISSUER=f"{seeded.url}/{POOL}",
        CLIENT_ID=WEB_CLIENT,
        HOST="127.0.0.1",
        PORT=str(port),
    )
    proc = subprocess.Popen([sys.executable, str(EXAMPLES / "backend" / "app.py")], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/health", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail(f"backend did not start: {proc.stdout.read().decode()}")
    yield url
    proc.terminate()
    proc.wait(10)


def post_note(url, token):
    req = urllib.request.Request(f"{url}/notes", data=b'{"text": "hi"}', method="POST")
    if token is not None:
        req.add_header("Authorization", token)
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def test_backend_protects_notes_like_an_authorizer(seeded, backend):
    cognito = seeded.client()
    auth = cognito.initiate_auth(ClientId=WEB_CLIENT, AuthFlow="USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": "alice@example.com", "PASSWORD": "Passw0rd!"})
    tokens = auth["AuthenticationResult"]
    assert post_note(backend, None)[0] == 401
    assert post_note(backend, "not-a-token")[0] == 401
    assert post_note(backend, tokens["AccessToken"])[0] == 401, "an access token is not an ID token"
    forged = tokens["IdToken"][:-2] + ("AA" if not tokens["IdToken"].endswith("AA") else "BB")
    assert post_note(backend, forged)[0] == 401
    status, body = post_note(backend, tokens["IdToken"])
    assert (status, body["email"], body["sub"]) == (200, "alice@example.com", "11111111-1111-4111-8111-111111111111")
    status, body = post_note(backend, "Bearer " + tokens["IdToken"])
    assert status == 200


def run_example(path: Path, env: dict) -> str:
    done = subprocess.run([sys.executable, str(path)], env=dict(os.environ, **env), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, f"{path.name} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_tutorial_example(seeded, backend):
    out = run_example(EXAMPLES / "python" / "tutorial.py", {"COGNITO_ENDPOINT": seeded.url, "BACKEND_URL": backend})
    assert "tutorial: OK" in out


def test_pycognito_example(seeded):
    out = run_example(EXAMPLES / "python" / "pycognito_srp.py", {"COGNITO_ENDPOINT": seeded.url})
    assert "pycognito: OK" in out


def test_node_example(seeded):
    node_modules = EXAMPLES / "node" / "node_modules"
    assert node_modules.is_dir(), "run `npm ci` in examples/node (tests/run does)"
    done = subprocess.run(["node", "sign-in.mjs"], cwd=EXAMPLES / "node", capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, COGNITO_ENDPOINT=seeded.url))
    assert done.returncode == 0, f"sign-in.mjs failed:\n{done.stdout}\n{done.stderr}"
    assert "node: OK" in done.stdout
    assert "ID token verified by aws-jwt-verify" in done.stdout


def test_triggers_example(start_emulator):
    """examples/triggers as its README runs it: the repository's Lambda-compatible host serving the
    example handlers, an emulator pointed at it, and the demo script."""
    port = free_port()
    host = subprocess.Popen(
        [sys.executable, str(REPO_ROOT / "tests" / "e2e" / "lambda" / "host.py"), "--port", str(port),
         "--handlers", str(EXAMPLES / "triggers" / "handlers")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        line = host.stdout.readline().decode()
        assert line.startswith("LAMBDA_HOST_URL="), line
        emu = start_emulator(extra_args=["--lambda-endpoint", f"http://127.0.0.1:{port}"])
        out = subprocess.run([sys.executable, str(EXAMPLES / "triggers" / "demo.py")],
                             env=dict(os.environ, EMULATOR_URL=emu.url), capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stdout + out.stderr
        assert "refused: PreSignUp failed with error Sign-ups from blocked.example are not allowed." in out.stdout
        assert "UserConfirmed: True" in out.stdout
        assert "tenant claim: example.com" in out.stdout
    finally:
        host.terminate()
        host.wait(10)
