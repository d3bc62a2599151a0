-- 029_conversation_shards (PostgreSQL): the conversation -> shard directory of a sharded store
-- (issue 26; plugin_opt_pg_shards, docs/ARCHITECTURE.md "Sharding by conversation"). Used only
-- in the global database (pg_conninfo's) of a store with shards; empty elsewhere. A conversation
-- without a row lives in the global database itself (every conversation made before shards were
-- configured, and the text channels of communities). shard: the shard's place in
-- plugin_opt_pg_shards (0-based). direct_key: a direct conversation's (store/chat_rules.h), so
-- the pair's one conversation is found whichever shard it went to; NULL for groups. A row is
-- written before its conversation, and never removed; resharding rewrites `shard`.
CREATE TABLE conversation_shards (
  conversation_id BIGINT  PRIMARY KEY,
  shard           INTEGER NOT NULL CHECK (shard >= 0),
  direct_key      TEXT    UNIQUE
);
