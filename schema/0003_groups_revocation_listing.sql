-- 0003: groups, token revocation, password history, indexes behind ListUsers filters.

CREATE TABLE groups (
    pk          INTEGER PRIMARY KEY,
    pool_id     TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT,
    role_arn    TEXT,
    precedence  INTEGER,
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL,
    UNIQUE (pool_id, name)
) STRICT;

CREATE TABLE group_members (
    group_pk INTEGER NOT NULL REFERENCES groups(pk) ON DELETE CASCADE,
    user_pk  INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    added_at REAL NOT NULL,
    PRIMARY KEY (group_pk, user_pk)
) STRICT, WITHOUT ROWID;
CREATE INDEX group_members_by_user ON group_members(user_pk);

-- Previous password hashes, newest first (JSON array), for PasswordHistorySize.
ALTER TABLE users ADD COLUMN password_history TEXT NOT NULL DEFAULT '[]';

-- RevokeToken and GlobalSignOut: every token of a revoked authentication (origin_jti) is refused.
CREATE TABLE revoked_origins (
    origin_jti TEXT PRIMARY KEY,
    revoked_at REAL NOT NULL
) STRICT, WITHOUT ROWID;

-- ListUsers: `=` and `^=` filters on these attributes use an index, never a scan of the pool.
CREATE INDEX users_by_pool ON users(pool_id, pk);
CREATE INDEX users_by_status ON users(pool_id, status, pk);
CREATE INDEX users_by_enabled ON users(pool_id, enabled, pk);
CREATE INDEX users_by_username ON users(pool_id, username, pk);
CREATE INDEX users_by_email ON users(pool_id, json_extract(attributes, '$.email'));
CREATE INDEX users_by_phone ON users(pool_id, json_extract(attributes, '$.phone_number'));
CREATE INDEX users_by_name ON users(pool_id, json_extract(attributes, '$.name'));
CREATE INDEX users_by_given_name ON users(pool_id, json_extract(attributes, '$.given_name'));
CREATE INDEX users_by_family_name ON users(pool_id, json_extract(attributes, '$.family_name'));
CREATE INDEX users_by_preferred_username ON users(pool_id, json_extract(attributes, '$.preferred_username'));

-- An attribute change waiting for verification (AttributesRequireVerificationBeforeUpdate): the new value.
ALTER TABLE codes ADD COLUMN value TEXT;
