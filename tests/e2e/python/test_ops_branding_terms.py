"""Terms documents, managed login branding and classic hosted UI customization through boto3: stored,
returned, their documented errors, and the logo served at the ImageUrl."""

from __future__ import annotations

import base64
import urllib.request

import pytest

from helpers import raises, unique_username

# A 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture()
def app(cognito):
    pool_id = cognito.create_user_pool(PoolName=unique_username("brand"))["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="web")["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def test_terms_lifecycle(cognito, app):
    pool_id, client_id = app
    links = {"cognito:default": "https://example.com/terms", "cognito:spanish": "https://example.com/es/terms"}
    terms = cognito.create_terms(
        UserPoolId=pool_id, ClientId=client_id, TermsName="terms-of-use", TermsSource="LINK",
        Enforcement="NONE", Links=links,
    )["Terms"]
    assert terms["Links"] == links and terms["ClientId"] == client_id
    with raises(cognito, "TermsExistsException"):
        cognito.create_terms(
            UserPoolId=pool_id, ClientId=client_id, TermsName="terms-of-use", TermsSource="LINK",
            Enforcement="NONE", Links=links,
        )
    with raises(cognito, "InvalidParameterException"):
        cognito.create_terms(
            UserPoolId=pool_id, ClientId=client_id, TermsName="cookies", TermsSource="LINK",
            Enforcement="NONE", Links=links,
        )
    with raises(cognito, "InvalidParameterException"):
        cognito.create_terms(
            UserPoolId=pool_id, ClientId=client_id, TermsName="privacy-policy", TermsSource="LINK",
            Enforcement="NONE", Links={"cognito:klingon": "https://example.com"},
        )
    tid = terms["TermsId"]
    assert cognito.describe_terms(UserPoolId=pool_id, TermsId=tid)["Terms"] == terms
    by_client = cognito.describe_terms_by_client(UserPoolId=pool_id, ClientId=client_id, TermsName="terms-of-use")
    assert by_client["Terms"]["TermsId"] == tid
    updated = cognito.update_terms(UserPoolId=pool_id, TermsId=tid, Links={"cognito:default": "https://x.example"})
    assert updated["Terms"]["Links"] == {"cognito:default": "https://x.example"}
    assert updated["Terms"]["TermsName"] == "terms-of-use"
    cognito.create_terms(
        UserPoolId=pool_id, ClientId=client_id, TermsName="privacy-policy", TermsSource="LINK",
        Enforcement="NONE", Links=links,
    )
    first = cognito.list_terms(UserPoolId=pool_id, MaxResults=1)
    assert len(first["Terms"]) == 1
    rest = cognito.list_terms(UserPoolId=pool_id, MaxResults=1, NextToken=first["NextToken"])
    assert {first["Terms"][0]["TermsName"], rest["Terms"][0]["TermsName"]} == {"terms-of-use", "privacy-policy"}
    cognito.delete_terms(UserPoolId=pool_id, TermsId=tid)
    with raises(cognito, "ResourceNotFoundException"):
        cognito.describe_terms(UserPoolId=pool_id, TermsId=tid)
    with raises(cognito, "ResourceNotFoundException"):
        cognito.describe_terms_by_client(UserPoolId=pool_id, ClientId=client_id, TermsName="terms-of-use")


def test_managed_login_branding_lifecycle(cognito, app):
    pool_id, client_id = app
    settings = {"components": {"pageBackground": {"lightMode": {"color": "ffffffff"}}}}
    asset = {"Category": "PAGE_HEADER_LOGO", "ColorMode": "LIGHT", "Extension": "PNG", "Bytes": PNG}
    made = cognito.create_managed_login_branding(
        UserPoolId=pool_id, ClientId=client_id, Settings=settings, Assets=[asset]
    )["ManagedLoginBranding"]
    bid = made["ManagedLoginBrandingId"]
    assert made["Settings"] == settings and made["UseCognitoProvidedValues"] is False
    assert made["Assets"][0]["Bytes"] == PNG
    with raises(cognito, "ManagedLoginBrandingExistsException"):
        cognito.create_managed_login_branding(UserPoolId=pool_id, ClientId=client_id, UseCognitoProvidedValues=True)
    # Update keeps what it does not name.
    more = {"components": {"pageBackground": {"darkMode": {"color": "000000ff"}}}}
    updated = cognito.update_managed_login_branding(
        UserPoolId=pool_id, ManagedLoginBrandingId=bid, Settings=more
    )["ManagedLoginBranding"]
    background = updated["Settings"]["components"]["pageBackground"]
    assert background == {"lightMode": {"color": "ffffffff"}, "darkMode": {"color": "000000ff"}}
    assert len(updated["Assets"]) == 1
    by_client = cognito.describe_managed_login_branding_by_client(UserPoolId=pool_id, ClientId=client_id)
    assert by_client["ManagedLoginBranding"]["ManagedLoginBrandingId"] == bid
    with raises(cognito, "InvalidParameterException"):
        cognito.update_managed_login_branding(
            UserPoolId=pool_id, ManagedLoginBrandingId=bid, UseCognitoProvidedValues=True, Settings=more
        )
    reset = cognito.update_managed_login_branding(
        UserPoolId=pool_id, ManagedLoginBrandingId=bid, UseCognitoProvidedValues=True
    )["ManagedLoginBranding"]
    assert reset["UseCognitoProvidedValues"] is True and reset["Assets"] == [] and "Settings" not in reset
    cognito.delete_managed_login_branding(UserPoolId=pool_id, ManagedLoginBrandingId=bid)
    with raises(cognito, "ResourceNotFoundException"):
        cognito.describe_managed_login_branding(UserPoolId=pool_id, ManagedLoginBrandingId=bid)
    with raises(cognito, "ResourceNotFoundException"):
        cognito.describe_managed_login_branding_by_client(UserPoolId=pool_id, ClientId=client_id)
    with raises(cognito, "ResourceNotFoundException"):
        cognito.create_managed_login_branding(UserPoolId=pool_id, ClientId="nosuchclient000000000000000")


def test_ui_customization(cognito, emulator, app):
    pool_id, client_id = app
    assert cognito.get_ui_customization(UserPoolId=pool_id)["UICustomization"] == {}
    css = ".logo-customizable { max-width: 60%; }\n.submitButton-customizable:hover { color: #fff; }"
    pool_level = cognito.set_ui_customization(UserPoolId=pool_id, CSS=css, ImageFile=PNG)["UICustomization"]
    assert pool_level["ClientId"] == "ALL" and pool_level["CSS"] == css
    with urllib.request.urlopen(pool_level["ImageUrl"], timeout=10) as resp:
        assert resp.read() == PNG and resp.headers["Content-Type"] == "image/png"
    # A client without its own customization gets the pool's; once set, its own.
    assert cognito.get_ui_customization(UserPoolId=pool_id, ClientId=client_id)["UICustomization"]["ClientId"] == "ALL"
    own = ".banner-customizable { background-color: lightgray; }"
    cognito.set_ui_customization(UserPoolId=pool_id, ClientId=client_id, CSS=own)
    got = cognito.get_ui_customization(UserPoolId=pool_id, ClientId=client_id)["UICustomization"]
    assert got["ClientId"] == client_id and got["CSS"] == own and "ImageUrl" not in got
    with raises(cognito, "InvalidParameterException"):
        cognito.set_ui_customization(UserPoolId=pool_id, CSS="body { color: red; }")
    with raises(cognito, "InvalidParameterException"):
        cognito.set_ui_customization(UserPoolId=pool_id, ImageFile=b"GIF89a not a png")
    with raises(cognito, "ResourceNotFoundException"):
        cognito.set_ui_customization(UserPoolId=pool_id, ClientId="nosuchclient000000000000000", CSS=own)
    assert cognito.get_ui_customization(UserPoolId=pool_id)["UICustomization"]["CSS"] == css
