-- 0001: pools, app clients, users with their aliases, codes, refresh tokens, the outbox.
-- Uniqueness is enforced here, not by scans; every look-up the API makes is indexed.

CREATE TABLE pools (
    pk         INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    settings   TEXT NOT NULL,            -- JSON: the UserPoolType members the API stores
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
) STRICT;

CREATE TABLE clients (
    pk         INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    pool_id    TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    secret     TEXT,
    settings   TEXT NOT NULL,            -- JSON: the UserPoolClientType members the API stores
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
) STRICT;
CREATE INDEX clients_by_pool ON clients(pool_id, pk);

CREATE TABLE users (
    pk              INTEGER PRIMARY KEY,
    pool_id         TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    username        TEXT NOT NULL,       -- internal username, as created (a UUID = sub with UsernameAttributes)
    username_key    TEXT NOT NULL,       -- look-up form: lower-cased when the pool is case-insensitive
    sub             TEXT NOT NULL,
    status          TEXT NOT NULL,       -- UserStatusType
    enabled         INTEGER NOT NULL DEFAULT 1,
    attributes      TEXT NOT NULL,       -- JSON object: name -> string value, in display order
    password_hash   TEXT,                -- argon2id PHC string
    srp_salt        BLOB,                -- SRP-6a salt for USER_SRP_AUTH
    srp_verifier    BLOB,                -- g^x mod N over the internal username
    password_set_at REAL,
    created_at      REAL NOT NULL,
    updated_at      REAL NOT NULL,
    UNIQUE (pool_id, username_key),
    UNIQUE (pool_id, sub)
) STRICT;

-- Sign-in identifiers other than the username: email / phone_number used as username (always unique),
-- verified email / phone_number aliases, preferred_username aliases.
CREATE TABLE aliases (
    pool_id   TEXT NOT NULL,
    kind      TEXT NOT NULL,             -- email | phone_number | preferred_username
    value_key TEXT NOT NULL,             -- look-up form of the value
    user_pk   INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    PRIMARY KEY (pool_id, kind, value_key)
) STRICT, WITHOUT ROWID;
CREATE INDEX aliases_by_user ON aliases(user_pk);

-- One pending code per user and purpose (sign_up, forgot_password, verify_email, ...).
CREATE TABLE codes (
    user_pk         INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    purpose         TEXT NOT NULL,
    code            TEXT NOT NULL,
    attribute       TEXT,                -- the attribute the code was delivered to (email, phone_number)
    created_at      REAL NOT NULL,
    expires_at      REAL NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_pk, purpose)
) STRICT, WITHOUT ROWID;

-- Per-user hourly counters behind AWS's "Attempt limit exceeded" limits.
CREATE TABLE rate_counters (
    user_pk      INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    action       TEXT NOT NULL,
    window_start REAL NOT NULL,
    count        INTEGER NOT NULL,
    PRIMARY KEY (user_pk, action)
) STRICT, WITHOUT ROWID;

-- Refresh tokens are opaque to clients; only their SHA-256 is stored.
CREATE TABLE refresh_tokens (
    token_hash BLOB PRIMARY KEY,
    client_id  TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    user_pk    INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    origin_jti TEXT NOT NULL,            -- ties refreshed tokens to the original authentication
    auth_time  INTEGER NOT NULL,
    device_key TEXT,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    revoked_at REAL
) STRICT, WITHOUT ROWID;
CREATE INDEX refresh_tokens_by_user ON refresh_tokens(user_pk);
CREATE INDEX refresh_tokens_by_client ON refresh_tokens(client_id);

-- Every message the pools send. Kept after the pool or user is gone: it is a log as well as a queue.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    pool_id         TEXT NOT NULL,
    username        TEXT NOT NULL,
    kind            TEXT NOT NULL,       -- sign_up, resend, forgot_password, invitation, mfa, ...
    medium          TEXT NOT NULL,       -- EMAIL | SMS
    destination     TEXT NOT NULL,
    subject         TEXT,
    body            TEXT NOT NULL,
    code            TEXT,
    created_at      REAL NOT NULL,
    sent_at         REAL,                -- relayed to SMTP
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    next_attempt_at REAL
) STRICT;
CREATE INDEX outbox_pending ON outbox(next_attempt_at) WHERE sent_at IS NULL AND medium = 'EMAIL';
CREATE INDEX outbox_by_pool_user ON outbox(pool_id, username);
CREATE INDEX outbox_by_destination ON outbox(destination);
