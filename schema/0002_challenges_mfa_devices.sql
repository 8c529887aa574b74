-- 0002: challenge sessions, MFA settings, remembered devices.

-- One row per challenge step. The session string a client holds is random; only its SHA-256 is kept.
-- Rows outlive their use for a while so a reused session gets "can only be used once", not "invalid".
CREATE TABLE auth_sessions (
    key        BLOB PRIMARY KEY,
    client_id  TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    user_pk    INTEGER REFERENCES users(pk) ON DELETE CASCADE,
    challenge  TEXT NOT NULL,            -- the challenge this session answers
    state      TEXT NOT NULL,            -- JSON: what the step needs (SRP values, codes, device key...)
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    used_at    REAL
) STRICT, WITHOUT ROWID;
CREATE INDEX auth_sessions_by_expiry ON auth_sessions(expires_at);
CREATE INDEX auth_sessions_by_user ON auth_sessions(user_pk, challenge);

-- MFA settings and TOTP secrets of a user (JSON, see domain::mfa::UserMfa).
ALTER TABLE users ADD COLUMN mfa TEXT NOT NULL DEFAULT '{}';
-- Failed sign-ins for the lockout (AWS: 5 failures, then doubling delays up to ~15 minutes).
ALTER TABLE users ADD COLUMN failed_sign_ins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_failed_sign_in REAL;
ALTER TABLE users ADD COLUMN locked_until REAL;

-- Pool-level MFA settings set by SetUserPoolMfaConfig (JSON), beside the pool's UserPoolType settings.
ALTER TABLE pools ADD COLUMN mfa_settings TEXT NOT NULL DEFAULT '{}';

CREATE TABLE devices (
    device_key       TEXT PRIMARY KEY,
    user_pk          INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    group_key        TEXT NOT NULL,
    salt             BLOB,               -- SRP salt, set by ConfirmDevice
    verifier         BLOB,               -- SRP verifier, set by ConfirmDevice
    name             TEXT,
    remembered       INTEGER NOT NULL DEFAULT 0,
    created_at       REAL NOT NULL,
    updated_at       REAL NOT NULL,
    last_auth_at     REAL
) STRICT;
CREATE INDEX devices_by_user ON devices(user_pk, created_at);

-- Refresh-token rotation (GetTokensFromRefreshToken): when the token was replaced by a newer one.
ALTER TABLE refresh_tokens ADD COLUMN rotated_at REAL;
