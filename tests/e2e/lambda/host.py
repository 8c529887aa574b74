#!/usr/bin/env python3
"""A Lambda-compatible test host: serves AWS Lambda's Invoke API on 127.0.0.1 and runs real handlers.

    POST /2015-03-31/functions/{FunctionName}/invocations[?Qualifier=...]
    X-Amz-Invocation-Type: RequestResponse (default) | Event | DryRun
    body: the event JSON

FunctionName may be a name (`pre-signup`), `name:qualifier`, a full ARN
(`arn:aws:lambda:us-east-1:123456789012:function:pre-signup[:qualifier]`) or a partial ARN
(`123456789012:function:pre-signup`), URL-encoded in the path as the SDKs send it.

Answers, as the real Invoke API does (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html):
  * 200 + the handler's return value as JSON (None -> `null`), header X-Amz-Executed-Version: $LATEST;
  * handler raised -> 200, header `X-Amz-Function-Error: Unhandled`, body
    {"errorMessage", "errorType", "requestId", "stackTrace": [...]} (the Python runtime's shape);
  * return value not JSON-serialisable -> the same with errorType Runtime.MarshalError;
  * per-function timeout exceeded (only if a timeout is configured) -> 200 Unhandled,
    {"errorMessage": "<timestamp> <requestId> Task timed out after N.NN seconds"};
  * unknown function -> 404, header `x-amzn-ErrorType: ResourceNotFoundException`,
    body {"Type": "User", "Message": "Function not found: <arn>"} (AWS spells it `Message`);
  * body that is not JSON -> 400 InvalidRequestContentException;
  * Event -> 202, empty body, the handler runs afterwards on a thread; DryRun -> 204.
  * With check_sigv4=True, a request whose SigV4 signature does not verify with the known secrets
    -> 403 `InvalidSignatureException` (unknown key: UnrecognizedClientException; no Authorization
    header: MissingAuthenticationTokenException), body {"message": "..."}.

Every request is recorded (`host.invocations`, a list of Invocation) for assertions.

Library use (pytest):

    from host import LambdaHost
    with LambdaHost({"pre-signup": "handlers/python/pre_signup_auto_confirm.py",
                     "boom": lambda event, context: 1 / 0}, check_sigv4=True) as host:
        host.url                     # http://127.0.0.1:<port>
        host.arn("pre-signup")       # arn:aws:lambda:us-east-1:123456789012:function:pre-signup
        ...                          # point the emulator at host.url
        inv = host.last("pre-signup")
        inv.event, inv.answer, inv.headers["x-amz-invocation-type"], inv.function_error

Command line:

    python3 host.py --port 9001 --handlers handlers/python/ [--check-sigv4] [--timeout 3]

serves every *.py in the directory as a function named after the file (its `handler`, else its
`lambda_handler`), prints `LAMBDA_HOST_URL=http://127.0.0.1:<port>` once it listens, and (outside the
Lambda route) answers `GET /_host/invocations` with the recordings as JSON and
`DELETE /_host/invocations` by clearing them, for tests that run the host as a separate process.
Stdlib only; Python 3.11.
"""

from __future__ import annotations

import argparse
import base64
import copy
import importlib.util
import json
import os
import re
import sys
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, unquote, urlsplit

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
import sigv4  # noqa: E402  (sibling module)

INVOKE_PATH = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations/?$")
# The FunctionName pattern of the Invoke API reference, with the optional pieces captured.
FUNCTION_NAME = re.compile(
    r"^(?:arn:(?P<partition>aws[a-zA-Z-]*):lambda:)?"
    r"(?:(?P<region>[a-z]{2}(?:-gov)?-[a-z]+-\d{1}):)?"
    r"(?:(?P<account>\d{12}):)?"
    r"(?:function:)?"
    r"(?P<name>[a-zA-Z0-9\-_\.]+)"
    r"(?::(?P<qualifier>\$LATEST|[a-zA-Z0-9\-_]+))?$"
)
DEFAULT_CREDENTIALS = {"local": "local"}

Handler = Callable[[Any, Any], Any]


class LambdaContext:
    """The `context` argument of a Python Lambda handler (same attribute names as the runtime's)."""

    def __init__(self, *, function_name: str, invoked_function_arn: str, aws_request_id: str,
                 memory_limit_in_mb: int, timeout_s: float, client_context: Any = None,
                 function_version: str = "$LATEST"):
        self.function_name = function_name
        self.function_version = function_version
        self.invoked_function_arn = invoked_function_arn
        self.memory_limit_in_mb = memory_limit_in_mb
        self.aws_request_id = aws_request_id
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = (
            f"{datetime.now(timezone.utc):%Y/%m/%d}/[{function_version}]{uuid.uuid4().hex}"
        )
        self.identity = None
        self.client_context = client_context
        self._deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))

    def __repr__(self) -> str:
        return (f"LambdaContext(function_name={self.function_name!r}, "
                f"aws_request_id={self.aws_request_id!r}, invoked_function_arn={self.invoked_function_arn!r})")


@dataclass
class Invocation:
    """One request to the Invoke route, as received and as answered."""

    request_id: str
    function_name: str | None  # the resolved function, None when the route did not match
    invoked_as: str  # the FunctionName path segment, URL-decoded (name, ARN, ...)
    qualifier: str | None
    invocation_type: str
    method: str
    path: str  # raw path + query as received
    headers: dict[str, str]  # lower-cased names
    body: bytes
    event: Any  # the parsed JSON body (a deep copy taken before the handler ran), or None
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    answer: Any = None  # the parsed JSON answer (for Event: what the handler returned, later)
    function_error: str | None = None  # "Unhandled" when the handler raised / timed out
    error: str | None = None  # x-amzn-ErrorType for 4xx answers (ResourceNotFoundException, ...)
    signature: str | None = None  # "ok", "skipped", or the SigV4 error code
    started: float = 0.0
    duration_ms: float | None = None
    done: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def ok(self) -> bool:
        return self.status in (200, 202, 204) and self.function_error is None

    def to_json(self) -> dict:
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "done"}
        d["done"] = self.done.is_set()
        try:
            d["body"] = self.body.decode("utf-8")
        except UnicodeDecodeError:
            d["body"] = base64.b64encode(self.body).decode()
        return d


@dataclass
class _Function:
    name: str
    handler: Handler
    timeout: float | None
    memory: int


def load_handler(spec: str | os.PathLike, default_attrs=("handler", "lambda_handler")) -> Handler:
    """`path/to/file.py`, `path/to/file.py:func` or `package.module:func` -> the callable.

    A file is loaded under a fresh module name with its directory put on sys.path (as Lambda's
    /var/task is), so that handlers can import sibling modules."""
    spec = str(spec)
    target, _, attr = spec.partition(":") if not re.match(r"^[A-Za-z]:[\\/]", spec) else (spec, "", "")
    if target.endswith(".py") or os.sep in target or "/" in target:
        path = Path(target).resolve()
        if not path.is_file():
            raise FileNotFoundError(f"no handler file {path}")
        directory = str(path.parent)
        if directory not in sys.path:
            sys.path.insert(0, directory)
        stem = re.sub(r"\W", "_", path.stem)
        modname = f"_lambda_host_{stem}_{uuid.uuid4().hex[:8]}"
        mspec = importlib.util.spec_from_file_location(modname, path)
        assert mspec and mspec.loader
        module = importlib.util.module_from_spec(mspec)
        sys.modules[modname] = module
        mspec.loader.exec_module(module)
    else:
        module = importlib.import_module(target)
    names = (attr,) if attr else default_attrs
    for name in names:
        fn = getattr(module, name, None)
        if callable(fn):
            return fn
    raise AttributeError(f"{spec}: no callable {' or '.join(names)}")


def _error_payload(exc: BaseException, request_id: str) -> dict:
    """The Python runtime's error document: awslambdaric's make_error()."""
    tb = traceback.extract_tb(exc.__traceback__)
    # Drop the host's own frames: the trace starts at the handler, as on Lambda.
    frames = [f for f in tb if os.path.abspath(f.filename) != os.path.abspath(__file__)]
    return {
        "errorMessage": str(exc),
        "errorType": type(exc).__name__,
        "requestId": request_id,
        "stackTrace": traceback.format_list(frames),
    }


class LambdaHost:
    """Serves the Invoke route for `functions` (name -> callable or handler spec, see load_handler).

    region / account_id: used to build the ARNs the host reports (host.arn(name), the context's
    invoked_function_arn, "Function not found: <arn>"); an ARN naming another region or account
    still resolves by its function name (recorded as invoked_as).
    check_sigv4: verify the Authorization header with `credentials` (access key -> secret).
    sigv4_region: when set, the credential scope must name that region.
    max_skew_seconds: when set, X-Amz-Date must be that close to the host's clock (AWS: 900).
    timeout: default per-function timeout in seconds (None: wait for the handler however long).
    """

    def __init__(self, functions: dict[str, Handler | str | os.PathLike] | None = None, *, port: int = 0,
                 host: str = "127.0.0.1", region: str = "us-east-1", account_id: str = "123456789012",
                 check_sigv4: bool = False, credentials: dict[str, str] | None = None,
                 sigv4_region: str | None = None, max_skew_seconds: float | None = None,
                 timeout: float | None = None, memory_mb: int = 128, quiet: bool = True):
        self.region = region
        self.account_id = account_id
        self.check_sigv4 = check_sigv4
        self.credentials = dict(credentials or DEFAULT_CREDENTIALS)
        self.sigv4_region = sigv4_region
        self.max_skew_seconds = max_skew_seconds
        self.default_timeout = timeout
        self.memory_mb = memory_mb
        self.quiet = quiet
        self._bind = (host, port)
        self._functions: dict[str, _Function] = {}
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._invocations: list[Invocation] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        for name, fn in (functions or {}).items():
            self.add(name, fn)

    # ---- functions -------------------------------------------------------------------------
    def add(self, name: str, fn: Handler | str | os.PathLike, *, timeout: float | None = None,
            memory_mb: int | None = None) -> None:
        """Register (or replace) a function. fn: a callable(event, context) or a handler spec."""
        handler = fn if callable(fn) else load_handler(fn)
        with self._lock:
            self._functions[name] = _Function(name, handler, timeout if timeout is not None else self.default_timeout,
                                              memory_mb or self.memory_mb)

    def remove(self, name: str) -> None:
        with self._lock:
            self._functions.pop(name, None)

    @property
    def function_names(self) -> list[str]:
        with self._lock:
            return sorted(self._functions)

    def arn(self, name: str, qualifier: str | None = None) -> str:
        base = f"arn:aws:lambda:{self.region}:{self.account_id}:function:{name}"
        return f"{base}:{qualifier}" if qualifier else base

    # ---- lifecycle -------------------------------------------------------------------------
    def start(self) -> "LambdaHost":
        if self._server:
            return self
        host = self

        class _Handler(_RequestHandler):
            lambda_host = host

        self._server = ThreadingHTTPServer(self._bind, _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="lambda-host", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    close = stop

    def __enter__(self) -> "LambdaHost":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server, "host not started"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self._bind[0]}:{self.port}"

    def invoke_url(self, function: str) -> str:
        from urllib.parse import quote
        return f"{self.url}/2015-03-31/functions/{quote(function, safe='')}/invocations"

    # ---- recordings ------------------------------------------------------------------------
    @property
    def invocations(self) -> list[Invocation]:
        with self._lock:
            return list(self._invocations)

    def invocations_of(self, name: str) -> list[Invocation]:
        return [i for i in self.invocations if i.function_name == name]

    def last(self, name: str | None = None) -> Invocation:
        found = self.invocations if name is None else self.invocations_of(name)
        if not found:
            raise LookupError(f"no invocation of {name or 'any function'}; got {[i.invoked_as for i in self.invocations]}")
        return found[-1]

    def clear(self) -> None:
        with self._lock:
            self._invocations.clear()

    def wait_for(self, name: str | None = None, count: int = 1, timeout: float = 10.0,
                 finished: bool = True) -> list[Invocation]:
        """Block until `count` invocations (of `name`) were recorded (and, with finished, have
        run to completion: useful for Event invocations, whose handler runs after the 202)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._cond:
                found = [i for i in self._invocations if name is None or i.function_name == name]
                if len(found) >= count and (not finished or all(i.done.is_set() for i in found)):
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{len(found)} invocation(s) of {name or 'any function'} after {timeout}s, wanted {count}")
                self._cond.wait(min(left, 0.05))

    def _record(self, inv: Invocation) -> None:
        with self._cond:
            self._invocations.append(inv)
            self._cond.notify_all()

    def _finish(self, inv: Invocation) -> None:
        inv.duration_ms = (time.monotonic() - inv.started) * 1000
        inv.done.set()
        with self._cond:
            self._cond.notify_all()

    # ---- running a handler -----------------------------------------------------------------
    def _resolve(self, invoked_as: str, query_qualifier: str | None) -> tuple[_Function | None, str, str | None]:
        m = FUNCTION_NAME.match(invoked_as)
        name = m.group("name") if m else invoked_as
        qualifier = (m.group("qualifier") if m else None) or query_qualifier
        with self._lock:
            fn = self._functions.get(name)
        region = (m.group("region") if m else None) or self.region
        account = (m.group("account") if m else None) or self.account_id
        arn = f"arn:aws:lambda:{region}:{account}:function:{name}" + (f":{qualifier}" if qualifier else "")
        return fn, arn, qualifier

    def _run(self, fn: _Function, event: Any, inv: Invocation, arn: str, client_context: Any) -> tuple[bytes, str | None]:
        """Run the handler; returns (JSON body, function_error)."""
        ctx = LambdaContext(function_name=fn.name, invoked_function_arn=arn, aws_request_id=inv.request_id,
                            memory_limit_in_mb=fn.memory, timeout_s=fn.timeout if fn.timeout is not None else 900.0,
                            client_context=client_context)
        outcome: dict[str, Any] = {}

        def call() -> None:
            try:
                outcome["result"] = fn.handler(event, ctx)
            except BaseException as exc:  # noqa: BLE001 - everything a handler raises is its error
                outcome["error"] = exc

        if fn.timeout is None:
            call()
        else:
            worker = threading.Thread(target=call, name=f"lambda-{fn.name}", daemon=True)
            worker.start()
            worker.join(fn.timeout)
            if worker.is_alive():  # the thread is left to finish on its own; Lambda would kill it
                stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{datetime.now(timezone.utc).microsecond // 1000:03d}Z"
                doc = {"errorMessage": f"{stamp} {inv.request_id} Task timed out after {fn.timeout:.2f} seconds"}
                return json.dumps(doc).encode(), "Unhandled"
        if "error" in outcome:
            return json.dumps(_error_payload(outcome["error"], inv.request_id)).encode(), "Unhandled"
        try:
            return json.dumps(outcome.get("result")).encode(), None
        except (TypeError, ValueError) as exc:
            doc = {"errorMessage": f"Unable to marshal response: {exc}", "errorType": "Runtime.MarshalError",
                   "requestId": inv.request_id, "stackTrace": []}
            return json.dumps(doc).encode(), "Unhandled"


class _RequestHandler(BaseHTTPRequestHandler):
    lambda_host: LambdaHost
    protocol_version = "HTTP/1.1"
    server_version = "LambdaTestHost/1"

    def log_message(self, fmt: str, *args: Any) -> None:
        if not self.lambda_host.quiet:
            sys.stderr.write("lambda-host: " + (fmt % args) + "\n")

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
              inv: Invocation | None = None) -> None:
        headers = dict(headers or {})
        if inv is not None:
            headers.setdefault("x-amzn-RequestId", inv.request_id)
        if body and "Content-Type" not in headers:
            headers["Content-Type"] = "application/json"
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)
        if inv is not None:
            inv.status = status
            inv.response_headers = headers

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _client_error(self, status: int, code: str, message: str, inv: Invocation | None, *,
                      key: str = "Message", with_type: bool = True) -> None:
        doc = {"Type": "User", key: message} if with_type else {key: message}
        if inv is not None:
            inv.error = code
        self._send(status, json.dumps(doc).encode(), {"x-amzn-ErrorType": code}, inv)

    # -- introspection (CLI mode) --
    def do_GET(self) -> None:  # noqa: N802
        if urlsplit(self.path).path.rstrip("/") == "/_host/invocations":
            body = json.dumps([i.to_json() for i in self.lambda_host.invocations]).encode()
            return self._send(200, body)
        self._unknown()

    def do_DELETE(self) -> None:  # noqa: N802
        if urlsplit(self.path).path.rstrip("/") == "/_host/invocations":
            self.lambda_host.clear()
            return self._send(204)
        self._unknown()

    def _unknown(self, body_read: bool = False) -> None:
        if not body_read:
            self._read_body()
        self._send(404, json.dumps({"message": f"No route for {self.command} {urlsplit(self.path).path}"}).encode(),
                   {"x-amzn-ErrorType": "UnknownOperationException"})

    do_PUT = do_PATCH = do_HEAD = _unknown  # noqa: N815

    def do_POST(self) -> None:  # noqa: N802
        host = self.lambda_host
        split = urlsplit(self.path)
        m = INVOKE_PATH.match(split.path)
        body = self._read_body()
        if not m:
            return self._unknown(body_read=True)
        invoked_as = unquote(m.group("name"))
        query = parse_qs(split.query)
        headers = {k.lower(): v for k, v in self.headers.items()}
        invocation_type = headers.get("x-amz-invocation-type", "RequestResponse")
        fn, arn, qualifier = host._resolve(invoked_as, (query.get("Qualifier") or [None])[0])
        inv = Invocation(request_id=str(uuid.uuid4()), function_name=fn.name if fn else None, invoked_as=invoked_as,
                         qualifier=qualifier, invocation_type=invocation_type, method=self.command, path=self.path,
                         headers=headers, body=body, event=None, started=time.monotonic())
        host._record(inv)
        try:
            self._invoke(inv, fn, arn, split, body)
        finally:
            if invocation_type != "Event" or inv.status != 202:
                host._finish(inv)

    def _invoke(self, inv: Invocation, fn: _Function | None, arn: str, split, body: bytes) -> None:
        host = self.lambda_host
        if host.check_sigv4:
            try:
                sigv4.verify(method=self.command, raw_path=split.path, raw_query=split.query,
                             headers=list(self.headers.items()), body=body, credentials=host.credentials,
                             service="lambda", region=host.sigv4_region, max_skew_seconds=host.max_skew_seconds)
                inv.signature = "ok"
            except sigv4.SigV4Error as e:
                inv.signature = e.code
                return self._client_error(e.status, e.code, e.message, inv, key="message", with_type=False)
        else:
            inv.signature = "skipped"
        if inv.invocation_type not in ("RequestResponse", "Event", "DryRun"):
            return self._client_error(400, "InvalidParameterValueException",
                                      f"1 validation error detected: Value '{inv.invocation_type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]",
                                      inv, key="message")
        if fn is None:
            return self._client_error(404, "ResourceNotFoundException", f"Function not found: {arn}", inv)
        try:
            event = json.loads(body) if body.strip() else {}
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            return self._client_error(400, "InvalidRequestContentException",
                                      f"Could not parse request body into json: {e}", inv, key="message")
        inv.event = copy.deepcopy(event)
        client_context = None
        if "x-amz-client-context" in inv.headers:
            try:
                client_context = json.loads(base64.b64decode(inv.headers["x-amz-client-context"]))
            except ValueError:
                client_context = inv.headers["x-amz-client-context"]
        if inv.invocation_type == "DryRun":
            return self._send(204, b"", {}, inv)
        if inv.invocation_type == "Event":
            self._send(202, b"", {}, inv)

            def later() -> None:
                try:
                    payload, error = host._run(fn, event, inv, arn, client_context)
                    inv.answer = json.loads(payload)
                    inv.function_error = error
                finally:
                    host._finish(inv)

            threading.Thread(target=later, name=f"lambda-event-{fn.name}", daemon=True).start()
            return None
        payload, error = host._run(fn, event, inv, arn, client_context)
        inv.answer = json.loads(payload)
        inv.function_error = error
        headers = {"X-Amz-Executed-Version": "$LATEST"}
        if error:
            headers["X-Amz-Function-Error"] = error
        if inv.headers.get("x-amz-log-type") == "Tail":
            log = f"START RequestId: {inv.request_id} Version: $LATEST\nEND RequestId: {inv.request_id}\n"
            headers["X-Amz-Log-Result"] = base64.b64encode(log.encode()).decode()
        return self._send(200, payload, headers, inv)


def functions_in(directory: str | os.PathLike) -> dict[str, str]:
    """Every *.py file of `directory` (not starting with `_`) -> its path, keyed by file stem."""
    return {p.stem: str(p) for p in sorted(Path(directory).glob("*.py")) if not p.name.startswith("_")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=9001)
    ap.add_argument("--handlers", action="append", default=[], metavar="DIR",
                    help="directory whose *.py files become functions named after the file (repeatable)")
    ap.add_argument("--function", action="append", default=[], metavar="NAME=SPEC",
                    help="one more function: NAME=path/to/file.py[:func] (repeatable)")
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--account-id", default="123456789012")
    ap.add_argument("--check-sigv4", action="store_true", help="refuse requests whose SigV4 signature does not verify")
    ap.add_argument("--credentials", action="append", default=[], metavar="AKID:SECRET",
                    help="known access keys for --check-sigv4 (default local:local)")
    ap.add_argument("--timeout", type=float, default=None, help="per-function timeout in seconds (default: none)")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    functions: dict[str, str] = {}
    for d in args.handlers:
        functions.update(functions_in(d))
    for item in args.function:
        name, _, spec = item.partition("=")
        functions[name] = spec
    creds = dict(c.split(":", 1) for c in args.credentials) if args.credentials else None
    host = LambdaHost(port=args.port, host=args.host, region=args.region, account_id=args.account_id,
                      check_sigv4=args.check_sigv4, credentials=creds, timeout=args.timeout, quiet=not args.verbose)
    for name, spec in functions.items():
        try:
            host.add(name, spec)
        except (AttributeError, ImportError, OSError, SyntaxError) as e:
            print(f"lambda-host: skipping {name}: {e}", file=sys.stderr)
    host.start()
    print(f"LAMBDA_HOST_URL={host.url}", flush=True)
    print(f"lambda-host: functions {', '.join(host.function_names) or '(none)'}", file=sys.stderr, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        host.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
