"""A small app backend that protects POST /notes the way an API Gateway Cognito authorizer does.

- 401 without a token, or with one that does not verify: RS256 signature against the emulator's JWKS,
  expiry, issuer, audience (the app client id) and token_use = "id";
- 200 with a valid ID token, answering with the caller's email taken from the verified claims.

Configuration (environment): JWKS_URL, ISSUER, CLIENT_ID, PORT (default 8080), HOST (default 0.0.0.0).
Runs with the standard library and PyJWT[crypto] only.
"""

import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

JWKS_URL = os.environ["JWKS_URL"]
ISSUER = os.environ["ISSUER"]
CLIENT_ID = os.environ["CLIENT_ID"]
# Keys are fetched from the emulator once and re-fetched when a token names an unknown kid.
jwks = jwt.PyJWKClient(JWKS_URL, cache_keys=True)


def verified_claims(header):
    """The claims of a valid ID token in the Authorization header, or None."""
    if not header:
        return None
    token = header[7:] if header.lower().startswith("bearer ") else header
    try:
        key = jwks.get_signing_key_from_jwt(token)
        claims = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            audience=CLIENT_ID,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "iss", "aud", "token_use"]},
        )
    except (jwt.PyJWTError, jwt.PyJWKClientError):
        return None
    return claims if claims.get("token_use") == "id" else None


class Handler(BaseHTTPRequestHandler):
    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/health":
            self.answer(200, {"status": "ok"})
        else:
            self.answer(404, {"message": "Not Found"})

    def do_POST(self):
        if self.path != "/notes":
            return self.answer(404, {"message": "Not Found"})
        claims = verified_claims(self.headers.get("Authorization"))
        if claims is None:
            return self.answer(401, {"message": "Unauthorized"})
        length = int(self.headers.get("Content-Length") or 0)
        note = json.loads(self.rfile.read(length) or b"{}")
        self.answer(200, {"email": claims.get("email"), "sub": claims["sub"], "note": note.get("text")})

    def log_message(self, fmt, *args):
        print("backend:", fmt % args, flush=True)


if __name__ == "__main__":
    server = ThreadingHTTPServer((os.environ.get("HOST", "0.0.0.0"), int(os.environ.get("PORT", "8080"))), Handler)
    print(f"backend listening on http://{server.server_address[0]}:{server.server_address[1]}", flush=True)
    server.serve_forever()
