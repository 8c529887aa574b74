"""AWS Signature Version 4 verification (stdlib only: hashlib + hmac).

Server side of SigV4 for the Lambda test hosts: given the request as received (method, raw path,
raw query, headers, body) and the secret of the access key named in the Authorization header, it
recomputes the signature and compares. The algorithm is AWS's ("Create a signed AWS API request",
https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html):

  CanonicalRequest = Method \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n HashedPayload
  StringToSign     = "AWS4-HMAC-SHA256" \n X-Amz-Date \n Scope \n hex(sha256(CanonicalRequest))
  SigningKey       = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request")

Every service but S3 URI-encodes the path a second time in the canonical request: a function ARN
sent as `/2015-03-31/functions/arn%3Aaws%3Alambda.../invocations` is canonicalised with `%253A`.
That is what botocore and the Rust/JS SDKs do for Lambda, and what AWS checks.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import quote, unquote

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"

_AUTH_RE = re.compile(
    r"^AWS4-HMAC-SHA256\s+"
    r"Credential=(?P<credential>[^,\s]+)\s*,\s*"
    r"SignedHeaders=(?P<signed>[^,\s]+)\s*,\s*"
    r"Signature=(?P<signature>[0-9a-fA-F]+)\s*$"
)


class SigV4Error(Exception):
    """A request refused by the SigV4 check: `code` is the AWS error code (x-amzn-ErrorType)."""

    def __init__(self, code: str, message: str, status: int = 403):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass
class SigV4Result:
    access_key: str
    date: str  # YYYYMMDD from the credential scope
    region: str
    service: str
    amz_date: str  # the X-Amz-Date value
    signed_headers: list[str]
    canonical_request: str
    string_to_sign: str
    signature: str


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    k_date = _hmac(("AWS4" + secret).encode("utf-8"), date)
    k_region = _hmac(k_date, region)
    k_service = _hmac(k_region, service)
    return _hmac(k_service, "aws4_request")


def _uri_encode(s: str, safe: str = "-_.~") -> str:
    return quote(s, safe=safe)


def _remove_dot_segments(path: str) -> str:
    # RFC 3986 5.2.4, plus AWS's removal of consecutive slashes (as botocore.utils does).
    out: list[str] = []
    for seg in path.split("/"):
        if seg and seg != ".":
            if seg == "..":
                if out:
                    out.pop()
            else:
                out.append(seg)
    first = "/" if path.startswith("/") else ""
    last = "/" if path.endswith("/") and out else ""
    return first + "/".join(out) + last


def canonical_uri(raw_path: str, *, double_encode: bool = True) -> str:
    """The path as it appears on the request line (still percent-encoded), canonicalised.

    Non-S3 services: normalise dot segments, then URI-encode the already-encoded path again
    (botocore: quote(normalize_url_path(path), safe='/~'))."""
    if not double_encode:
        return raw_path or "/"
    return quote(_remove_dot_segments(raw_path) if raw_path else "/", safe="/~")


def canonical_query(raw_query: str) -> str:
    if not raw_query:
        return ""
    pairs = []
    for part in raw_query.split("&"):
        if not part:
            continue
        k, _, v = part.partition("=")
        pairs.append((_uri_encode(unquote(k.replace("+", "%20"))), _uri_encode(unquote(v.replace("+", "%20")))))
    pairs.sort()
    return "&".join(f"{k}={v}" for k, v in pairs)


def _trimall(value: str) -> str:
    return " ".join(value.split())


def build_canonical_request(
    method: str,
    raw_path: str,
    raw_query: str,
    headers: list[tuple[str, str]],
    signed_headers: list[str],
    payload_hash: str,
    *,
    double_encode: bool = True,
) -> str:
    grouped: dict[str, list[str]] = {}
    for name, value in headers:
        grouped.setdefault(name.lower(), []).append(_trimall(value))
    lines = []
    for name in signed_headers:
        if name not in grouped:
            raise SigV4Error("InvalidSignatureException", f"Signed header '{name}' is missing from the request.")
        lines.append(f"{name}:{','.join(grouped[name])}")
    return "\n".join(
        [
            method.upper(),
            canonical_uri(raw_path, double_encode=double_encode),
            canonical_query(raw_query),
            "\n".join(lines) + "\n",
            ";".join(signed_headers),
            payload_hash,
        ]
    )


def verify(
    *,
    method: str,
    raw_path: str,
    raw_query: str,
    headers: list[tuple[str, str]],
    body: bytes,
    credentials: dict[str, str],
    service: str = "lambda",
    region: str | None = None,
    max_skew_seconds: float | None = None,
    now: datetime | None = None,
    double_encode: bool = True,
) -> SigV4Result:
    """Check a request's SigV4 Authorization header. Returns the parsed result or raises SigV4Error.

    credentials: access key id -> secret. region: when given, the scope's region must equal it.
    max_skew_seconds: when given, X-Amz-Date must be within that many seconds of `now` (AWS allows
    15 minutes); None skips the check (the emulator may run on a moved clock)."""
    hmap: dict[str, str] = {}
    for name, value in headers:
        hmap.setdefault(name.lower(), value)
    auth = hmap.get("authorization")
    if not auth:
        raise SigV4Error("MissingAuthenticationTokenException", "Missing Authentication Token")
    m = _AUTH_RE.match(auth.strip())
    if not m:
        raise SigV4Error(
            "IncompleteSignatureException",
            f"Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization={auth}",
            400,
        )
    cred = m.group("credential").split("/")
    if len(cred) != 5 or cred[4] != "aws4_request":
        raise SigV4Error("IncompleteSignatureException", f"Credential is malformed: {m.group('credential')}", 400)
    access_key, date, scope_region, scope_service, _ = cred
    if access_key not in credentials:
        raise SigV4Error("UnrecognizedClientException", "The security token included in the request is invalid.")
    if scope_service != service:
        raise SigV4Error(
            "InvalidSignatureException", f"Credential should be scoped to correct service: '{service}'. "
        )
    if region is not None and scope_region != region:
        raise SigV4Error(
            "InvalidSignatureException",
            f"Credential should be scoped to a valid region, not '{scope_region}'. ",
        )
    amz_date = hmap.get("x-amz-date")
    if not amz_date:
        raise SigV4Error("IncompleteSignatureException", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.", 400)
    if amz_date[:8] != date:
        raise SigV4Error("InvalidSignatureException", "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.")
    if max_skew_seconds is not None:
        try:
            t = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
        except ValueError as e:
            raise SigV4Error("IncompleteSignatureException", f"Invalid X-Amz-Date: {amz_date}", 400) from e
        cur = now or datetime.now(timezone.utc)
        if abs((cur - t).total_seconds()) > max_skew_seconds:
            raise SigV4Error(
                "InvalidSignatureException",
                f"Signature expired: {amz_date} is now earlier than {cur.strftime('%Y%m%dT%H%M%SZ')}",
            )
    signed = m.group("signed").lower().split(";")
    if "host" not in signed:
        raise SigV4Error("InvalidSignatureException", "'Host' must be a 'SignedHeader' in the AWS Authorization.")
    actual_hash = hashlib.sha256(body).hexdigest()
    payload_hash = hmap.get("x-amz-content-sha256", actual_hash)
    if payload_hash not in (actual_hash, UNSIGNED_PAYLOAD):
        raise SigV4Error("InvalidSignatureException", "The provided 'x-amz-content-sha256' header does not match what was computed.", 400)
    canonical = build_canonical_request(
        method, raw_path, raw_query, headers, signed, payload_hash, double_encode=double_encode
    )
    scope = f"{date}/{scope_region}/{scope_service}/aws4_request"
    sts = "\n".join([ALGORITHM, amz_date, scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest()])
    expected = hmac.new(
        signing_key(credentials[access_key], date, scope_region, scope_service), sts.encode("utf-8"), hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(expected, m.group("signature").lower()):
        raise SigV4Error(
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        )
    return SigV4Result(access_key, date, scope_region, scope_service, amz_date, signed, canonical, sts, expected)


def sign(
    *,
    method: str,
    url_path: str,
    query: str = "",
    host: str,
    body: bytes,
    access_key: str,
    secret: str,
    region: str,
    service: str = "lambda",
    amz_date: str | None = None,
    extra_headers: dict[str, str] | None = None,
) -> dict[str, str]:
    """Client side (for tests and tools): headers to add to a request so that `verify` accepts it.
    url_path is the path as sent on the wire (percent-encoded)."""
    amz_date = amz_date or datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    headers = {"host": host, "x-amz-date": amz_date}
    for k, v in (extra_headers or {}).items():
        headers[k.lower()] = v
    signed = sorted(headers)
    canonical = build_canonical_request(
        method, url_path, query, list(headers.items()), signed, hashlib.sha256(body).hexdigest()
    )
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    sts = "\n".join([ALGORITHM, amz_date, scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest()])
    sig = hmac.new(signing_key(secret, amz_date[:8], region, service), sts.encode("utf-8"), hashlib.sha256).hexdigest()
    out = {k: v for k, v in headers.items() if k != "host"}
    out["authorization"] = f"{ALGORITHM} Credential={access_key}/{scope}, SignedHeaders={';'.join(signed)}, Signature={sig}"
    return out
