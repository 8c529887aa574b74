"""Writes tests/it/fixtures/saml/*.xml: real SAML Responses signed by pysaml2 + xmlsec1 (and meta.json)
for the Rust verifier tests (tests/it/federation_saml.rs), with a fresh test-only IdP key.

    tests/e2e/.venv/bin/python tests/e2e/saml/gen_fixtures.py [keydir]

The key pair is left in `keydir` (a temporary directory by default) for samlify-gen.mjs, the second
signer (samlify 2.13.1 / xml-crypto): `npm install samlify@2.13.1` in a scratch directory, then
`node tests/e2e/saml/samlify-gen.mjs <keydir>`. The Rust tests check each file at the time
it was issued, so the files do not go stale.
"""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from saml2 import xmldsig  # noqa: E402
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID  # noqa: E402

from idp import Idp  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "it", "fixtures", "saml")
BASE = "http://127.0.0.1:8088"
POOL = "us-east-1_TEST"
SP = f"urn:amazon:cognito:sp:{POOL}"
ACS = "http://127.0.0.1:9229/saml2/idpresponse"
REQ = "_6c1b2f0e-8d5a-4a43-9b1e-3f1c0a7d2e55"
ATTRS = {
    "email": "carlos@example.com",
    "given_name": "Carlos",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name": "Carlos Salazar & Co <ops>",
}


def sp_metadata() -> str:
    return f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{SP}">
  <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{ACS}" index="1"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>"""


def main():
    keydir = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="saml-fixtures-")
    os.makedirs(keydir, exist_ok=True)
    os.makedirs(OUT, exist_ok=True)
    idp = Idp(BASE, [sp_metadata()], key_dir=keydir)
    other = Idp(BASE, [sp_metadata()], key_dir=keydir, name="other")
    sha256 = dict(sign_alg=xmldsig.SIG_RSA_SHA256, digest_alg=xmldsig.DIGEST_SHA256)
    cases = {
        "signed-assertion": (idp, dict(sign_assertion=True, sign_response=False, **sha256)),
        "signed-response": (idp, dict(sign_assertion=False, sign_response=True, **sha256)),
        "signed-both": (idp, dict(sign_assertion=True, sign_response=True, **sha256)),
        "signed-assertion-sha1": (idp, dict(sign_assertion=True, sign_response=False)),
        "unsigned": (idp, dict(sign_assertion=False, sign_response=False)),
        "wrong-audience": (idp, dict(sign_assertion=True, audience="urn:amazon:cognito:sp:us-east-1_OTHER", **sha256)),
        "other-key": (other, dict(sign_assertion=True, **sha256)),
        "idp-initiated": (idp, dict(sign_assertion=True, in_response_to=None, **sha256)),
    }
    for name, (server, kw) in cases.items():
        irt = kw.pop("in_response_to", REQ)
        audience = kw.pop("audience", None)
        resp = server.server.create_authn_response(
            identity={k: [v] for k, v in ATTRS.items()}, in_response_to=irt, destination=ACS,
            sp_entity_id=audience or SP, name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text="carlos"),
            userid="carlos", authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"},
            **kw)
        with open(os.path.join(OUT, f"{name}.xml"), "w") as f:
            f.write(str(resp))
    with open(os.path.join(OUT, "idp-metadata.xml"), "w") as f:
        f.write(idp.metadata())
    with open(os.path.join(OUT, "meta.json"), "w") as f:
        json.dump({"idp_entity": f"{BASE}/metadata", "sp_entity": SP, "acs": ACS, "request_id": REQ}, f, indent=1)
    print("wrote", sorted(os.listdir(OUT)), "keys in", keydir)


main()
