"""Fixtures for the boto3 end-to-end suite.

The emulator runs as a real subprocess (the binary `cargo build` produces), on port 0, with a throw-away
data directory and signing-key directory. A real SMTP server (aiosmtpd) on a free loopback port receives
the mail the emulator relays, so tests read confirmation codes the way a user would: from the email.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import pytest
from aiosmtpd.controller import Controller
from botocore.config import Config

REPO_ROOT = Path(__file__).resolve().parents[3]
# Every emulator of the run logs JSON at trace level; at the end of the session the logs are searched for
# the secrets the run sent or received (issue 14, item 7: secrets never logged, at any level).
EMULATOR_LOGS: list[Path] = []
SECRETS: set[str] = set()
DEFAULT_BIN = REPO_ROOT / "target" / "debug" / "cognito-emulator"
REGION = "us-east-1"
BANNER = re.compile(r"listening on (http://[0-9.]+:(\d+))")


# --------------------------------------------------------------------------------------------- SMTP


@dataclass
class ReceivedMail:
    """One message the SMTP server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    subject: str
    body: str


class _Handler:
    def __init__(self, inbox: "Inbox") -> None:
        self.inbox = inbox

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook name)
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        part = msg.get_body(preferencelist=("plain", "html")) or msg
        body = part.get_content()
        self.inbox.add(
            ReceivedMail(
                mail_from=envelope.mail_from,
                rcpt_tos=[r.lower() for r in envelope.rcpt_tos],
                subject=str(msg.get("Subject", "")),
                body=body,
            )
        )
        return "250 Message accepted for delivery"


@dataclass
class Inbox:
    """Thread-safe store of received mail with a blocking wait."""

    mails: list[ReceivedMail] = field(default_factory=list)
    cond: threading.Condition = field(default_factory=threading.Condition)

    def add(self, mail: ReceivedMail) -> None:
        with self.cond:
            self.mails.append(mail)
            self.cond.notify_all()

    def wait_for(self, rcpt: str, timeout: float = 15.0) -> ReceivedMail:
        """The first mail to `rcpt` not returned before; fails after `timeout` seconds."""
        rcpt = rcpt.lower()
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for m in self.mails:
                    if rcpt in m.rcpt_tos and not getattr(m, "_taken", False):
                        m._taken = True  # type: ignore[attr-defined]
                        return m
                left = deadline - time.monotonic()
                if left <= 0:
                    got = [(m.rcpt_tos, m.subject) for m in self.mails]
                    raise AssertionError(f"no email to {rcpt} within {timeout}s; inbox: {got}")
                self.cond.wait(left)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_inbox():
    inbox = Inbox()
    controller = Controller(_Handler(inbox), hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port  # type: ignore[attr-defined]
    yield inbox
    controller.stop()


# ----------------------------------------------------------------------------------------- emulator


class Emulator:
    """A cognito-emulator subprocess."""

    def __init__(self, tmp: Path, smtp_url: str | None, extra_args: list[str] | None = None) -> None:
        binary = Path(os.environ.get("COGNITO_EMULATOR_BIN", str(DEFAULT_BIN)))
        if not binary.is_file() or not os.access(binary, os.X_OK):
            pytest.fail(
                f"cognito-emulator binary not found or not executable at {binary} "
                "(set COGNITO_EMULATOR_BIN or run `cargo build`)",
                pytrace=False,
            )
        tmp.mkdir(parents=True, exist_ok=True)
        args = [
            str(binary),
            "--host", "127.0.0.1",
            "--port", "0",
            "--data", str(tmp / "data"),
            "--keys", str(tmp / "keys"),
            "--log-level", "trace", "--log-format", "json",
        ]
        if smtp_url:
            args += ["--smtp-url", smtp_url]
        args += extra_args or []
        env = {k: v for k, v in os.environ.items() if not k.startswith("COGNITO_EMULATOR_")}
        self.stderr_path = tmp / "stderr.log"
        EMULATOR_LOGS.append(self.stderr_path)
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=self._stderr, stdin=subprocess.DEVNULL, env=env
        )
        self.stdout_lines: list[str] = []
        first: list[str] = []
        got_first = threading.Event()

        def drain() -> None:
            assert self.proc.stdout is not None
            for raw in self.proc.stdout:
                line = raw.decode(errors="replace").rstrip("\n")
                self.stdout_lines.append(line)
                if not got_first.is_set():
                    first.append(line)
                    got_first.set()
            got_first.set()

        threading.Thread(target=drain, daemon=True).start()
        # First start generates two RSA-2048 keys; allow for a slow debug build.
        if not got_first.wait(60) or not first:
            self.stop()
            pytest.fail(f"emulator printed no banner; stderr:\n{self.stderr_path.read_text()}", pytrace=False)
        m = BANNER.search(first[0])
        if not m:
            self.stop()
            pytest.fail(f"unexpected first stdout line: {first[0]!r}", pytrace=False)
        self.banner = first[0]
        self.url = m.group(1)
        self.port = int(m.group(2))

    def client(self):
        return boto3.client(
            "cognito-idp",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id="AKIAEMULATORTEST0000",
            aws_secret_access_key="emulator-test-secret",
            config=Config(retries={"max_attempts": 1, "mode": "standard"}),
        )

    def get_json(self, path: str, **query: str) -> dict:
        url = self.url + path + ("?" + urllib.parse.urlencode(query) if query else "")
        with urllib.request.urlopen(url, timeout=10) as resp:
            return json.loads(resp.read())

    def messages(self, destination: str) -> list[dict]:
        return self.get_json("/_emulator/messages", destination=destination)["messages"]

    def clock_now(self) -> float:
        """The emulator's time (GET /_emulator/clock), in seconds since the epoch."""
        return self.get_json("/_emulator/clock")["now"]

    def advance_clock(self, seconds: float) -> float:
        """Moves the emulator's clock forward (POST /_emulator/clock); returns its new time. Every expiry,
        lockouts and TOTP steps follow that clock. Only for an emulator of the test's own: tokens issued
        after the move have an `iat` ahead of this machine's clock, which PyJWT refuses."""
        req = urllib.request.Request(
            self.url + "/_emulator/clock",
            data=json.dumps({"advanceSeconds": seconds}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())["now"]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._stderr.close()


@pytest.fixture(scope="session")
def start_emulator(tmp_path_factory):
    """Factory: start_emulator(smtp_url=..., extra_args=[...]) -> Emulator, all stopped at session end."""
    started: list[Emulator] = []

    def start(smtp_url: str | None = None, extra_args: list[str] | None = None) -> Emulator:
        emu = Emulator(tmp_path_factory.mktemp("emulator"), smtp_url, extra_args)
        started.append(emu)
        return emu

    yield start
    for emu in started:
        emu.stop()


@pytest.fixture(scope="session")
def emulator(start_emulator, smtp_inbox) -> Emulator:
    return start_emulator(smtp_url=f"smtp://127.0.0.1:{smtp_inbox.port}")


@pytest.fixture(scope="session")
def cognito(emulator):
    return emulator.client()


# ----------------------------------------------------------------------------- secrets never logged


# Shapes the model marks sensitive that are not secrets: names, ids and addresses the log ties requests
# to on purpose (the same list as src/model/sensitive.rs), and keys of AuthParameters/ChallengeResponses that name.
NOT_SECRET = {"ClientIdType", "UsernameType", "AttributeValueType", "SessionIpAddressType", "UserContextDataType"}
NOT_SECRET_KEYS = {"USERNAME", "DEVICE_KEY", "USER_ID_FOR_SRP", "PREFERRED_CHALLENGE"}


def _collect(shape, value) -> None:
    """Records the strings of `value` that sit in members botocore's model marks sensitive."""
    if shape is None or value is None or shape.name in NOT_SECRET:
        return
    if shape.metadata.get("sensitive"):
        if shape.type_name == "map" and isinstance(value, dict):
            value = {
                k: v for k, v in value.items()
                if k not in NOT_SECRET_KEYS and not k.startswith("userAttributes.")
            }
        _strings(value)
        return
    if shape.type_name == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            _collect(member, value.get(name))
    elif shape.type_name == "list" and isinstance(value, list):
        for item in value:
            _collect(shape.member, item)
    elif shape.type_name == "map" and isinstance(value, dict):
        for item in value.values():
            _collect(shape.value, item)


def _strings(value) -> None:
    if isinstance(value, str):
        # Short values (6-digit codes) would match by chance; every password policy wants 8+ here.
        if len(value) >= 8:
            SECRETS.add(value)
    elif isinstance(value, dict):
        for v in value.values():
            _strings(v)
    elif isinstance(value, list):
        for v in value:
            _strings(v)


def _before_call(params, model, **_):
    _collect(model.input_shape, params)


def _after_call(parsed, model, **_):
    _collect(model.output_shape, parsed)


def _watch(session) -> None:
    session.events.register("before-parameter-build.cognito-identity-provider", _before_call)
    session.events.register("after-call.cognito-identity-provider", _after_call)


# boto3.client(...) (ours and pycognito's) uses the default session.
boto3.setup_default_session()
_watch(boto3.DEFAULT_SESSION)


def pytest_sessionfinish(session, exitstatus):
    """Fails the run if a secret the tests sent or received is in an emulator's log. The messages the
    pool sends ("message queued": codes, invitations with their temporary password) may stay: that is
    how a developer without a mail catcher reads them."""
    leaks = []
    lines = 0
    for path in EMULATOR_LOGS:
        if not path.exists():
            continue
        for line in path.read_text(errors="replace").splitlines():
            lines += 1
            if '"message queued"' in line:
                continue
            for secret in SECRETS:
                if secret in line:
                    leaks.append(f"{path}: {secret[:12]}... in {line[:300]}")
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    summary = f"secrets-in-logs check: {len(SECRETS)} secrets, {lines} log lines of {len(EMULATOR_LOGS)} emulators"
    if reporter:
        reporter.write_line(summary)
    if leaks:
        if reporter:
            reporter.write_line("SECRETS FOUND IN EMULATOR LOGS:", red=True)
            for leak in leaks[:50]:
                reporter.write_line("  " + leak, red=True)
        session.exitstatus = 1
    elif EMULATOR_LOGS and (lines == 0 or not SECRETS):
        if reporter:
            reporter.write_line("secrets-in-logs check saw no logs or no secrets", red=True)
        session.exitstatus = 1
