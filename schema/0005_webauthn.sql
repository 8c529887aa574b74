-- 0008: passkeys (WebAuthn credentials). A credential id is unique in its pool (WebAuthn §7.1 step 26: a
-- credential registered to one user is refused for another); the public key is the COSE_Key as the
-- authenticator sent it. Registration challenges live in auth_sessions (challenge
-- 'WEB_AUTHN_REGISTRATION', keyed by the SHA-256 of the challenge bytes).
CREATE TABLE webauthn_credentials (
    pk            INTEGER PRIMARY KEY,
    pool_id       TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    user_pk       INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    credential_id BLOB NOT NULL,
    rp_id         TEXT NOT NULL,
    public_key    BLOB NOT NULL,
    sign_count    INTEGER NOT NULL,
    transports    TEXT NOT NULL,        -- JSON array of AuthenticatorTransport strings
    attachment    TEXT,                 -- platform | cross-platform, as the client reported
    name          TEXT NOT NULL,        -- FriendlyCredentialName
    created_at    REAL NOT NULL,
    UNIQUE (pool_id, credential_id)
) STRICT;
CREATE INDEX webauthn_credentials_by_user ON webauthn_credentials(user_pk, pk);
