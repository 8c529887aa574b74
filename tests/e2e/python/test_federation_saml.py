"""SAML 2.0 federation against a real SAML implementation: pysaml2 (tests/e2e/saml/idp.py), signing with
xmlsec1, configured from the pool's own SP metadata. The test plays the browser with `requests`
(redirects followed by hand): the pool's AuthnRequest is read by pysaml2, pysaml2's signed Response is
posted to /saml2/idpresponse, the app's code is redeemed at /oauth2/token.

Accepted: a signed assertion, a signed response, IdP-initiated sign-in. Refused: unsigned, wrong audience,
wrong recipient, expired, replayed, tampered. Single sign-out with pysaml2's LogoutResponse.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import urllib.parse
import uuid
import zlib

import pytest
import requests

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "saml"))
from idp import Idp, b64  # noqa: E402

CALLBACK = "https://app.example.com/cb"

pytestmark = pytest.mark.skipif(not os.access("/usr/bin/xmlsec1", os.X_OK),
                                reason="pysaml2 signs with Debian's xmlsec1 (apt-get install xmlsec1; .ci/run does)")


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def param(url: str, name: str) -> str | None:
    parsed = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parsed.query or parsed.fragment)
    return query.get(name, [None])[0]


@pytest.fixture(scope="module")
def saml(start_emulator):
    """An emulator of its own (the clock moves), a pool whose SAML IdP is pysaml2, a client."""
    emu = start_emulator()
    cognito = emu.client()
    pool = cognito.create_user_pool(
        PoolName="saml", Schema=[{"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}]
    )["UserPool"]["Id"]
    sp_metadata = requests.get(f"{emu.url}/{pool}/saml2/metadata", timeout=10).text
    idp = Idp("http://127.0.0.1:8088", [sp_metadata])
    cognito.create_identity_provider(
        UserPoolId=pool, ProviderName="Corp", ProviderType="SAML",
        ProviderDetails={"MetadataFile": idp.metadata(), "IDPSignout": "true", "IDPInit": "true"},
        AttributeMapping={"email": "email", "given_name": "given_name"},
    )
    client = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="web", AllowedOAuthFlows=["code"], AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=["openid", "email"], CallbackURLs=[CALLBACK], LogoutURLs=[CALLBACK],
        SupportedIdentityProviders=["Corp"],
    )["UserPoolClient"]["ClientId"]
    return {"emu": emu, "cognito": cognito, "pool": pool, "client": client, "idp": idp,
            "sp": f"urn:amazon:cognito:sp:{pool}", "acs": f"{emu.url}/saml2/idpresponse"}


def start_sign_in(s, browser: requests.Session):
    """/oauth2/authorize → the IdP's SSO URL; pysaml2 reads the AuthnRequest. (request, RelayState)"""
    query = urllib.parse.urlencode({
        "client_id": s["client"], "response_type": "code", "redirect_uri": CALLBACK, "scope": "openid email",
        "state": "st", "nonce": "n", "identity_provider": "Corp", "prompt": "login",
    })
    r = browser.get(f"{s['emu'].url}/oauth2/authorize?{query}", allow_redirects=False, timeout=10)
    assert r.status_code == 302
    location = r.headers["location"]
    assert location.startswith("http://127.0.0.1:8088/sso/redirect?"), location
    request = s["idp"].read_authn_request(param(location, "SAMLRequest"))
    return request, param(location, "RelayState")


def post_response(s, browser, saml_response: str, relay: str, path: str = "/saml2/idpresponse"):
    r = browser.post(f"{s['emu'].url}{path}", data={"SAMLResponse": saml_response, "RelayState": relay},
                     allow_redirects=False, timeout=10)
    return r


def redeem(s, code: str) -> dict:
    r = requests.post(f"{s['emu'].url}/oauth2/token", data={
        "grant_type": "authorization_code", "client_id": s["client"], "code": code, "redirect_uri": CALLBACK,
    }, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def test_the_pools_authn_request_is_what_pysaml2_expects(saml):
    browser = requests.Session()
    request, relay = start_sign_in(saml, browser)
    assert request.assertion_consumer_service_url == saml["acs"]
    assert request.issuer.text == saml["sp"]
    assert request.id.startswith("_") and len(request.id) == 37
    assert relay


@pytest.mark.parametrize("signed", ["assertion", "response"])
def test_a_signed_sp_initiated_response_signs_the_user_in(saml, signed):
    browser = requests.Session()
    request, relay = start_sign_in(saml, browser)
    user = f"carlos-{signed}"
    xml = saml["idp"].response(
        user=user, attributes={"email": f"{user}@example.com", "given_name": "Carlos"}, acs_url=saml["acs"],
        sp_entity=saml["sp"], in_response_to=request.id,
        sign_assertion=signed == "assertion", sign_response=signed == "response",
    )
    r = post_response(saml, browser, b64(xml), relay)
    assert r.status_code == 302
    assert param(r.headers["location"], "state") == "st"
    code = param(r.headers["location"], "code")
    assert code, r.headers["location"]
    id_token = claims(redeem(saml, code)["id_token"])
    assert id_token["cognito:username"] == f"Corp_{user}"
    assert id_token["email"] == f"{user}@example.com"
    assert id_token["nonce"] == "n"
    assert id_token["identities"][0]["providerType"] == "SAML"
    assert id_token["identities"][0]["issuer"] == "http://127.0.0.1:8088/metadata"
    assert id_token["cognito:groups"] == [f"{saml['pool']}_Corp"]
    user_out = saml["cognito"].admin_get_user(UserPoolId=saml["pool"], Username=f"Corp_{user}")
    assert user_out["UserStatus"] == "EXTERNAL_PROVIDER"


@pytest.mark.parametrize("case", ["unsigned", "wrong audience", "wrong recipient", "tampered"])
def test_bad_responses_are_refused(saml, case):
    browser = requests.Session()
    request, relay = start_sign_in(saml, browser)
    kwargs = dict(user="mallory", attributes={"email": "mallory@example.com"}, acs_url=saml["acs"],
                  sp_entity=saml["sp"], in_response_to=request.id)
    if case == "unsigned":
        kwargs["sign_assertion"] = False
    if case == "wrong audience":
        kwargs["sp_entity"] = "urn:amazon:cognito:sp:us-east-1_Other"
    if case == "wrong recipient":
        kwargs["acs_url"] = "https://elsewhere.example/saml2/idpresponse"
    xml = saml["idp"].response(**kwargs)
    if case == "tampered":
        xml = xml.replace("mallory@example.com", "admin@example.com")
    r = post_response(saml, browser, b64(xml), relay)
    assert r.status_code == 302
    location = r.headers["location"]
    assert location.startswith(CALLBACK)
    assert param(location, "error") == "server_error", location
    assert param(location, "error_description").startswith("Invalid SAML response received: ")
    if case == "tampered":
        assert param(location, "error_description") == \
            "Invalid SAML response received: SAML Assertion signature is invalid."
    with pytest.raises(saml["cognito"].exceptions.UserNotFoundException):
        saml["cognito"].admin_get_user(UserPoolId=saml["pool"], Username="Corp_mallory")


def test_idp_initiated_sign_in_and_replay(saml):
    browser = requests.Session()
    relay = urllib.parse.urlencode({
        "identity_provider": "Corp", "client_id": saml["client"], "redirect_uri": CALLBACK,
        "response_type": "code", "scope": "openid email",
    })
    xml = saml["idp"].response(user="dana", attributes={"email": "dana@example.com"}, acs_url=saml["acs"],
                               sp_entity=saml["sp"], in_response_to=None)
    r = post_response(saml, browser, b64(xml), relay)
    code = param(r.headers["location"], "code")
    assert code, r.headers["location"]
    assert claims(redeem(saml, code)["id_token"])["cognito:username"] == "Corp_dana"
    again = post_response(saml, requests.Session(), b64(xml), relay)
    assert param(again.headers["location"], "error_description") == \
        "Invalid SAML response received: The SAML response has already been used."


def test_an_expired_response_is_refused(start_emulator):
    """Its own emulator: the clock moves past the assertion's time (pysaml2 told: one minute; with the
    emulator's minute of clock skew), not past the sign-in's five minutes."""
    emu = start_emulator()
    cognito = emu.client()
    pool = cognito.create_user_pool(PoolName="late")["UserPool"]["Id"]
    idp = Idp("http://127.0.0.1:8088", [requests.get(f"{emu.url}/{pool}/saml2/metadata", timeout=10).text],
              lifetime_minutes=1)
    cognito.create_identity_provider(UserPoolId=pool, ProviderName="Corp", ProviderType="SAML",
                                     ProviderDetails={"MetadataFile": idp.metadata()})
    client = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="web", AllowedOAuthFlows=["code"], AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=["openid", "email"], CallbackURLs=[CALLBACK], SupportedIdentityProviders=["Corp"],
    )["UserPoolClient"]["ClientId"]
    s = {"emu": emu, "client": client, "idp": idp}
    browser = requests.Session()
    request, relay = start_sign_in(s, browser)
    acs = f"{emu.url}/saml2/idpresponse"
    xml = idp.response(user="late", attributes={}, acs_url=acs, sp_entity=f"urn:amazon:cognito:sp:{pool}",
                       in_response_to=request.id)
    emu.advance_clock(150)
    r = post_response(s, browser, b64(xml), relay)
    assert r.status_code == 302, r.text
    location = r.headers["location"]
    assert param(location, "error") == "server_error", location
    assert param(location, "error_description") == "Invalid SAML response received: The assertion has expired."


def test_single_sign_out_goes_through_the_idp(saml):
    browser = requests.Session()
    request, relay = start_sign_in(saml, browser)
    xml = saml["idp"].response(user="erin", attributes={"email": "erin@example.com"}, acs_url=saml["acs"],
                               sp_entity=saml["sp"], in_response_to=request.id)
    r = post_response(saml, browser, b64(xml), relay)
    assert param(r.headers["location"], "code")
    assert browser.cookies.get("cognito")
    out = browser.get(f"{saml['emu'].url}/logout", params={"client_id": saml["client"], "logout_uri": CALLBACK},
                      allow_redirects=False, timeout=10)
    assert out.status_code == 302
    to_idp = out.headers["location"]
    assert to_idp.startswith("http://127.0.0.1:8088/slo/redirect?")
    assert param(to_idp, "SigAlg") == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    logout_request = saml["idp"].read_logout_request(param(to_idp, "SAMLRequest"))
    assert logout_request.name_id.text == "erin"
    answer = saml["idp"].logout_response(logout_request)
    assert f'Destination="{saml["emu"].url}/saml2/logout"' in answer
    back = browser.post(f"{saml['emu'].url}/saml2/logout",
                        data={"SAMLResponse": b64(answer), "RelayState": param(to_idp, "RelayState")},
                        allow_redirects=False, timeout=10)
    assert back.status_code == 302 and back.headers["location"] == CALLBACK, back.text


def test_unknown_relay_state_is_cognitos_error_page(saml):
    r = post_response(saml, requests.Session(), base64.b64encode(b"<x/>").decode(), f"junk-{uuid.uuid4()}")
    assert r.status_code == 400
    assert "Invalid relayState from identity provider" in r.text


def test_deflate_is_readable_by_zlib(saml):
    # The HTTP-Redirect binding's raw DEFLATE as every SAML library inflates it.
    browser = requests.Session()
    query = urllib.parse.urlencode({"client_id": saml["client"], "response_type": "code", "redirect_uri": CALLBACK,
                                    "identity_provider": "Corp", "prompt": "login"})
    r = browser.get(f"{saml['emu'].url}/oauth2/authorize?{query}", allow_redirects=False, timeout=10)
    raw = base64.b64decode(param(r.headers["location"], "SAMLRequest"))
    assert zlib.decompress(raw, -15).startswith(b"<samlp:AuthnRequest")
