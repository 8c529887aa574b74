-- 0009: federation (issue 16): a pool's identity providers (OIDC, SAML, social), their identifiers,
-- the sign-ins waiting for an IdP to answer, the SAML assertions already used, and the external
-- identities of users (their own, for federated users; linked ones from AdminLinkProviderForUser).

-- CreateIdentityProvider. `details` is ProviderDetails as Describe returns it (defaults filled in);
-- `metadata` what the emulator read from a SAML IdP's metadata (entity id, signing certificates,
-- the HTTP-Redirect SSO and SLO locations), NULL for the other types.
CREATE TABLE identity_providers (
    pk                INTEGER PRIMARY KEY,  -- listing order
    pool_id           TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    type              TEXT NOT NULL,
    details           TEXT NOT NULL,     -- JSON object of strings
    attribute_mapping TEXT NOT NULL,     -- JSON object: pool attribute -> IdP attribute
    idp_identifiers   TEXT NOT NULL,     -- JSON array, in request order
    acr_mapping       TEXT,              -- JSON object (AcrMapping), when given
    metadata          TEXT,              -- JSON (SAML only)
    created_at        REAL NOT NULL,
    updated_at        REAL NOT NULL,
    UNIQUE (pool_id, name)
) STRICT;

-- "Identifiers must be unique across the identity providers" of a pool.
CREATE TABLE idp_identifiers (
    pool_id    TEXT NOT NULL,
    identifier TEXT NOT NULL,
    provider   TEXT NOT NULL,
    PRIMARY KEY (pool_id, identifier),
    FOREIGN KEY (pool_id, provider) REFERENCES identity_providers(pool_id, name) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- A sign-in sent to an IdP (state / RelayState), or a sign-out sent to a SAML IdP: one use, five
-- minutes. Only the SHA-256 of the state is kept.
CREATE TABLE federation_states (
    state_hash  BLOB PRIMARY KEY,
    pool_id     TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    provider    TEXT NOT NULL,
    body        TEXT NOT NULL,           -- JSON: the authorize query, nonce, redirect_uri, request id...
    created_at  REAL NOT NULL,
    expires_at  REAL NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX federation_states_by_expiry ON federation_states(expires_at);

-- SAML Response and Assertion IDs already used, kept until they would have expired anyway.
CREATE TABLE saml_replay (
    pool_id    TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    id         TEXT NOT NULL,
    expires_at REAL NOT NULL,
    PRIMARY KEY (pool_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX saml_replay_by_expiry ON saml_replay(expires_at);

-- External identities of users. A federated user has its own (`attribute` Cognito_Subject, primary);
-- AdminLinkProviderForUser adds one to the destination user, by Cognito_Subject or by a mapped pool
-- attribute (`email`...) that is matched at sign-in and then replaced by the subject.
CREATE TABLE user_identities (
    pk         INTEGER PRIMARY KEY,
    pool_id    TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    provider   TEXT NOT NULL,
    attribute  TEXT NOT NULL,
    value      TEXT NOT NULL,
    user_pk    INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    is_primary INTEGER NOT NULL,
    created_at REAL NOT NULL,
    UNIQUE (pool_id, provider, attribute, value)
) STRICT;
CREATE INDEX user_identities_by_user ON user_identities(user_pk);

-- The IdP a hosted session signed in through, and for SAML what single sign-out needs.
ALTER TABLE hosted_sessions ADD COLUMN idp TEXT;
ALTER TABLE hosted_sessions ADD COLUMN saml_name_id TEXT;
ALTER TABLE hosted_sessions ADD COLUMN saml_session_index TEXT;
