"""A broken SMTP relay never fails the API call and never loses the message (design: Messages)."""

from __future__ import annotations

import time

from conftest import free_port
from helpers import unique_email

PASSWORD = "Corr3ct-Horse!"


def test_sign_up_succeeds_and_keeps_the_code_when_the_relay_is_down(start_emulator):
    # free_port() binds, learns the port and closes: nothing listens there, so connecting is refused.
    emu = start_emulator(smtp_url=f"smtp://127.0.0.1:{free_port()}")
    cognito = emu.client()
    pool_id = cognito.create_user_pool(
        PoolName="relay-down", UsernameAttributes=["email"], AutoVerifiedAttributes=["email"]
    )["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )["UserPoolClient"]["ClientId"]

    email = unique_email("relaydown")
    resp = cognito.sign_up(
        ClientId=client_id, Username=email, Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": email}]
    )
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert resp["UserConfirmed"] is False
    assert resp["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"

    # The relay tries in the background; wait (bounded) until the failure is recorded.
    deadline = time.monotonic() + 20
    while True:
        msgs = emu.messages(email)
        if msgs and msgs[0].get("lastError"):
            break
        assert time.monotonic() < deadline, f"no relay error recorded within 20s: {msgs}"
        time.sleep(0.2)

    assert len(msgs) == 1
    m = msgs[0]
    assert m["destination"] == email
    assert m["sentAt"] is None
    code = m["code"]
    assert code and code.isdigit() and len(code) == 6
    assert code in m["body"]

    # The kept code is the real one.
    cognito.confirm_sign_up(ClientId=client_id, Username=email, ConfirmationCode=code)
    user = cognito.admin_get_user(UserPoolId=pool_id, Username=email)
    assert user["UserStatus"] == "CONFIRMED"
