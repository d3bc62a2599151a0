-- 030_audit_origin (SQLite): nothing. Shards are PostgreSQL only (plugin_opt_pg_shards); this
-- number keeps the two migration lists the same length (the PostgreSQL file records where an
-- audit row moved from a shard came from).
SELECT 1;
