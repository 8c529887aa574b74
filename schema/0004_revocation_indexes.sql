-- 0004: indexes for RevokeToken (all refresh tokens of one authentication) and for deleting a client
-- (its auth sessions go by cascade).

CREATE INDEX refresh_tokens_by_origin ON refresh_tokens(origin_jti);
CREATE INDEX auth_sessions_by_client ON auth_sessions(client_id);
