-- 0010: the web console lists a pool's messages newest first (GET /_emulator/ui/outbox?pool=...): an
-- index on (pool_id, id) answers that from the index instead of sorting every message of the pool.
CREATE INDEX outbox_by_pool ON outbox(pool_id, id);
