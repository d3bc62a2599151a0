-- 029_conversation_shards (SQLite): nothing. Shards are PostgreSQL only (plugin_opt_pg_shards);
-- this number keeps the two migration lists the same length (the PostgreSQL file makes the
-- conversation -> shard directory).
SELECT 1;
