"""A SAML 2.0 identity provider built on pysaml2 (pinned in tests/e2e/requirements.txt; it signs with
Debian's `xmlsec1` binary), for testing the emulator's SAML federation.

Two uses:
  * in-process (tests/e2e/python/test_federation_saml.py): `Idp(...)` makes real, xmlsec1-signed SAML
    Responses and LogoutResponses, and reads the pool's AuthnRequests and LogoutRequests;
  * `python idp.py serve ...`: a small HTTP IdP on 127.0.0.1 a browser clicks through
    (tests/e2e/browser/federation.test.mjs): metadata, HTTP-Redirect SSO with a login form, an
    auto-posting form to the ACS, IdP-initiated sign-in, and single logout.

The SP (the pool) is read from its SP metadata (`<emulator>/<poolId>/saml2/metadata`). The IdP's key and
certificate are made at start (test-only, in a temporary directory).
"""

from __future__ import annotations

import argparse
import base64
import datetime
import html
import http.server
import os
import sys
import tempfile
import urllib.parse
import urllib.request
import warnings

warnings.filterwarnings("ignore")

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, xmldsig  # noqa: E402
from saml2.config import IdPConfig  # noqa: E402
from saml2.metadata import entity_descriptor  # noqa: E402
from saml2.saml import NAME_FORMAT_UNSPECIFIED, NAMEID_FORMAT_PERSISTENT, NameID  # noqa: E402
from saml2.server import Server  # noqa: E402

SHA256 = dict(sign_alg=xmldsig.SIG_RSA_SHA256, digest_alg=xmldsig.DIGEST_SHA256)


def new_key_pair(directory: str, name: str = "idp") -> tuple[str, str]:
    """A fresh RSA-2048 key and self-signed certificate (PEM files) for a test IdP."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"test-{name}")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    key_file = os.path.join(directory, f"{name}-key.pem")
    cert_file = os.path.join(directory, f"{name}-cert.pem")
    with open(key_file, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    with open(cert_file, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


class Idp:
    """A pysaml2 IdP whose entity id is `<base>/metadata`, trusting the given SP metadata documents."""

    def __init__(self, base: str, sp_metadata: list[str], key_dir: str | None = None, lifetime_minutes: int = 5,
                 name: str = "idp"):
        self.base = base
        self._dir = key_dir or tempfile.mkdtemp(prefix="saml-idp-")
        key_file, cert_file = new_key_pair(self._dir, name)
        conf = {
            "entityid": f"{base}/metadata",
            "service": {
                "idp": {
                    "endpoints": {
                        # Cognito refuses IdP metadata without an HTTP-Redirect SingleSignOnService.
                        "single_sign_on_service": [
                            (f"{base}/sso/redirect", BINDING_HTTP_REDIRECT),
                            (f"{base}/sso/post", BINDING_HTTP_POST),
                        ],
                        "single_logout_service": [(f"{base}/slo/redirect", BINDING_HTTP_REDIRECT)],
                    },
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": lifetime_minutes},
                            "attribute_restrictions": None,
                            # Attribute names go out as given (email, given_name, a URI ...).
                            "name_form": NAME_FORMAT_UNSPECIFIED,
                        }
                    },
                    "want_authn_requests_signed": False,
                }
            },
            "key_file": key_file,
            "cert_file": cert_file,
            "xmlsec_binary": "/usr/bin/xmlsec1",
            "metadata": {"inline": sp_metadata},
            "allow_unknown_attributes": True,
        }
        cfg = IdPConfig()
        cfg.load(conf)
        self.server = Server(config=cfg)

    def metadata(self) -> str:
        return str(entity_descriptor(self.server.config))

    def read_authn_request(self, saml_request: str):
        """The pool's AuthnRequest (HTTP-Redirect `SAMLRequest` value): its message (id, ACS URL...)."""
        return self.server.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT).message

    def response(self, *, user: str, attributes: dict, acs_url: str, sp_entity: str, in_response_to: str | None,
                 sign_assertion: bool = True, sign_response: bool = False) -> str:
        """A SAML Response (XML text) for `user`; `sp_entity` is also the audience."""
        resp = self.server.create_authn_response(
            identity={k: [v] if isinstance(v, str) else v for k, v in attributes.items()},
            in_response_to=in_response_to,
            destination=acs_url,
            sp_entity_id=sp_entity,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=user),
            userid=user,
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"},
            sign_assertion=sign_assertion,
            sign_response=sign_response,
            **SHA256,
        )
        return str(resp)

    def read_logout_request(self, saml_request: str):
        return self.server.parse_logout_request(saml_request, BINDING_HTTP_REDIRECT).message

    def logout_response(self, request) -> str:
        """A signed LogoutResponse (XML text) to the pool's LogoutRequest, addressed to the pool's
        SingleLogoutService (from its SP metadata)."""
        resp = self.server.create_logout_response(request, [BINDING_HTTP_POST], sign=True, sign_alg=SHA256["sign_alg"],
                                                  digest_alg=SHA256["digest_alg"])
        return str(resp)


def b64(xml: str) -> str:
    return base64.b64encode(xml.encode()).decode()


def auto_post(action: str, fields: dict) -> bytes:
    inputs = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}"/>' for k, v in fields.items())
    return (
        f'<!doctype html><html><body onload="document.forms[0].submit()">'
        f'<form method="post" action="{html.escape(action)}">{inputs}'
        f'<noscript><button type="submit">Continue</button></noscript></form></body></html>'
    ).encode()


def serve(args) -> None:
    base = f"http://127.0.0.1:{args.port}"
    with urllib.request.urlopen(args.sp_metadata_url) as r:
        sp_md = r.read().decode()
    idp = Idp(base, [sp_md])
    acs = args.acs
    sp_entity = args.sp_entity
    users = {"carlos": {"email": "carlos@example.com", "given_name": "Carlos"}}

    class Handler(http.server.BaseHTTPRequestHandler):
        def _send(self, code, body, ctype="text/html"):
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):  # noqa: N802
            url = urllib.parse.urlsplit(self.path)
            q = dict(urllib.parse.parse_qsl(url.query))
            if url.path == "/metadata":
                return self._send(200, idp.metadata().encode(), "application/samlmetadata+xml")
            if url.path == "/sso/redirect":
                req = idp.read_authn_request(q["SAMLRequest"])
                form = (
                    '<!doctype html><title>Test IdP</title><h1>Test SAML IdP</h1>'
                    '<form method="post" action="/login">'
                    f'<input type="hidden" name="req_id" value="{html.escape(req.id)}"/>'
                    f'<input type="hidden" name="acs" value="{html.escape(req.assertion_consumer_service_url)}"/>'
                    f'<input type="hidden" name="relay" value="{html.escape(q.get("RelayState", ""))}"/>'
                    '<label>User <input name="username" id="username" value="carlos"/></label>'
                    '<button type="submit" id="signin">Sign in</button></form>'
                )
                return self._send(200, form.encode())
            if url.path == "/idp-init":
                xml = idp.response(user=q.get("user", "carlos"), attributes=users["carlos"], acs_url=acs,
                                   sp_entity=sp_entity, in_response_to=None)
                return self._send(200, auto_post(acs, {"SAMLResponse": b64(xml), "RelayState": q.get("relay", "")}))
            if url.path == "/slo/redirect":
                req = idp.read_logout_request(q["SAMLRequest"])
                xml = idp.logout_response(req)
                return self._send(200, auto_post(args.slo, {"SAMLResponse": b64(xml), "RelayState": q.get("RelayState", "")}))
            self._send(404, b"not found")

        def do_POST(self):  # noqa: N802
            n = int(self.headers.get("Content-Length", "0"))
            form = dict(urllib.parse.parse_qsl(self.rfile.read(n).decode()))
            if self.path == "/login":
                user = form["username"]
                xml = idp.response(user=user, attributes=users.get(user, {}), acs_url=form["acs"],
                                   sp_entity=sp_entity, in_response_to=form["req_id"])
                return self._send(200, auto_post(form["acs"], {"SAMLResponse": b64(xml), "RelayState": form["relay"]}))
            self._send(404, b"not found")

        def log_message(self, *a):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"IdP on {base} (metadata {base}/metadata)", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--sp-metadata-url", required=True, help="<emulator>/<poolId>/saml2/metadata")
    s.add_argument("--sp-entity", required=True, help="urn:amazon:cognito:sp:<poolId>")
    s.add_argument("--acs", required=True, help="<emulator>/saml2/idpresponse (for IdP-initiated sign-in)")
    s.add_argument("--slo", required=True, help="<emulator>/saml2/logout")
    a = p.parse_args()
    if a.cmd == "serve":
        serve(a)
    else:
        sys.exit(2)
