-- 0007: OAuth 2.0 and the hosted pages: pool domains, resource servers, authorization codes, the hosted
-- sign-in session behind the `cognito` cookie, and the OAuth scopes a refresh token keeps.

-- CreateUserPoolDomain: a prefix domain and/or a custom domain per pool; a name belongs to one pool
-- in the whole emulator (AWS: unique in the region).
CREATE TABLE domains (
    domain     TEXT PRIMARY KEY,
    pool_id    TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    custom     INTEGER NOT NULL,         -- 1 for a custom domain (CustomDomainConfig given)
    settings   TEXT NOT NULL,            -- JSON: CustomDomainConfig, ManagedLoginVersion, CloudFront name
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    UNIQUE (pool_id, custom)
) STRICT, WITHOUT ROWID;

CREATE TABLE resource_servers (
    pk         INTEGER PRIMARY KEY,
    pool_id    TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    identifier TEXT NOT NULL,
    name       TEXT NOT NULL,
    scopes     TEXT NOT NULL,            -- JSON array of {ScopeName, ScopeDescription}
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    UNIQUE (pool_id, identifier)
) STRICT;

-- Authorization codes: single use, five minutes. Only the SHA-256 of a code is kept. The tokens were
-- signed at sign-in (so trigger failures reach the page); the refresh token is made at the exchange.
CREATE TABLE oauth_codes (
    code_hash      BLOB PRIMARY KEY,
    client_id      TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    user_pk        INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    redirect_uri   TEXT NOT NULL,
    code_challenge TEXT,                 -- PKCE S256 challenge
    grant          TEXT NOT NULL,        -- JSON: scopes, tokens, origin_jti, auth_time
    created_at     REAL NOT NULL,
    expires_at     REAL NOT NULL,
    used_at        REAL
) STRICT, WITHOUT ROWID;
CREATE INDEX oauth_codes_by_expiry ON oauth_codes(expires_at);

-- The hosted-UI session (cookie `cognito`): one hour from the interactive sign-in, not extended by use.
CREATE TABLE hosted_sessions (
    key        BLOB PRIMARY KEY,         -- SHA-256 of the cookie value
    pool_id    TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    user_pk    INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    auth_time  INTEGER NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX hosted_sessions_by_expiry ON hosted_sessions(expires_at);

-- Space-separated OAuth scopes of a refresh token from the OAuth endpoints (NULL: an API sign-in, whose
-- tokens carry aws.cognito.signin.user.admin only). Refreshing keeps them.
ALTER TABLE refresh_tokens ADD COLUMN scopes TEXT;
