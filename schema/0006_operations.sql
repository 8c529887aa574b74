-- 0006: what the pool-management operations store beside pools and clients: configuration documents,
-- rotating client secrets, terms, managed-login branding, auth events, user import jobs.

-- Configuration documents set by one operation and read back by another (UI customization, risk
-- configuration, log delivery, session configuration, the SAML signing certificate...). `scope` is ''
-- for the pool itself, else the app client id; a client's documents go with the client (trigger below).
CREATE TABLE pool_documents (
    pool_id    TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    scope      TEXT NOT NULL,
    body       TEXT NOT NULL,            -- JSON
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (pool_id, kind, scope)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER pool_documents_of_deleted_client AFTER DELETE ON clients BEGIN
    DELETE FROM pool_documents WHERE pool_id = OLD.pool_id AND scope = OLD.id;
END;

-- Every current secret of an app client (AddUserPoolClientSecret rotation: up to two at once). The
-- `clients.secret` column keeps the secret DescribeUserPoolClient shows (the oldest current one).
CREATE TABLE client_secrets (
    id         TEXT PRIMARY KEY,         -- <client id>--<creation time in epoch milliseconds>
    client_id  TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    secret     TEXT NOT NULL,
    generated  INTEGER NOT NULL,         -- 1 when Cognito made it (its value may be shown once)
    created_at REAL NOT NULL
) STRICT;
CREATE INDEX client_secrets_by_client ON client_secrets(client_id, created_at);
INSERT INTO client_secrets (id, client_id, secret, generated, created_at)
    SELECT id || '--' || CAST(created_at * 1000 AS INTEGER), id, secret, 1, created_at
    FROM clients WHERE secret IS NOT NULL;

-- Terms documents (CreateTerms): one per app client and terms name.
CREATE TABLE terms (
    id          TEXT PRIMARY KEY,
    pool_id     TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    client_id   TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    source      TEXT NOT NULL,
    enforcement TEXT NOT NULL,
    links       TEXT NOT NULL,           -- JSON object: language -> URL
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL,
    UNIQUE (client_id, name)
) STRICT;
CREATE INDEX terms_by_pool ON terms(pool_id, created_at);

-- Managed login branding styles: one per app client.
CREATE TABLE branding (
    id                  TEXT PRIMARY KEY,
    pool_id             TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    client_id           TEXT NOT NULL UNIQUE REFERENCES clients(id) ON DELETE CASCADE,
    use_cognito_values  INTEGER NOT NULL,
    settings            TEXT,            -- JSON document
    assets              TEXT NOT NULL,   -- JSON array of AssetType
    created_at          REAL NOT NULL,
    updated_at          REAL NOT NULL
) STRICT;

-- Sign-in and password events of users (AdminListUserAuthEvents), recorded while threat protection is
-- on. The feedback token is what a risk notification email would carry (the control API shows it).
CREATE TABLE auth_events (
    id              TEXT PRIMARY KEY,
    user_pk         INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    event_type      TEXT NOT NULL,       -- SignIn, SignUp, ForgotPassword, PasswordChange, ResendCode
    response        TEXT NOT NULL,       -- Pass, Fail, InProgress
    challenges      TEXT NOT NULL,       -- JSON array of ChallengeResponseType
    context         TEXT NOT NULL,       -- JSON EventContextDataType
    feedback        TEXT,                -- JSON EventFeedbackType
    feedback_token  TEXT NOT NULL,
    created_at      REAL NOT NULL
) STRICT;
CREATE INDEX auth_events_by_user ON auth_events(user_pk);

-- User import jobs and their uploaded CSV.
CREATE TABLE import_jobs (
    id               TEXT PRIMARY KEY,   -- import-<10 alphanumerics>
    pool_id          TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    role_arn         TEXT NOT NULL,
    status           TEXT NOT NULL,
    upload_token     BLOB NOT NULL,      -- SHA-256 of the pre-signed URL's signature
    csv              BLOB,
    created_at       REAL NOT NULL,
    started_at       REAL,
    completed_at     REAL,
    imported         INTEGER NOT NULL DEFAULT 0,
    skipped          INTEGER NOT NULL DEFAULT 0,
    failed           INTEGER NOT NULL DEFAULT 0,
    message          TEXT
) STRICT;
CREATE INDEX import_jobs_by_pool ON import_jobs(pool_id, created_at);

-- Account-level settings that belong to no pool (UpdateProvisionedLimit).
CREATE TABLE account_documents (
    kind       TEXT NOT NULL,
    key        TEXT NOT NULL,
    body       TEXT NOT NULL,            -- JSON
    updated_at REAL NOT NULL,
    PRIMARY KEY (kind, key)
) STRICT, WITHOUT ROWID;
