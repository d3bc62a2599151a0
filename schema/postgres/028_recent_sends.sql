-- 028_recent_sends (PostgreSQL): fewer bytes per message (issue 26; docs/PROTOCOL.md "Resends";
-- docs/BENCHMARKS.md "Bytes per message"). A message is recognised as a resend only within a
-- window (plugin_opt_resend_window_s, default 24 h): its key (conversation, sender,
-- client_msg_id) and seq are kept in recent_sends, which the retention sweeper purges of keys
-- older than the window in small batches (retention/retention_sweeper.h), instead of a unique
-- index over every message ever stored. The append path looks a key up here and joins the
-- message by its primary key; the key is written in the message's transaction, under the
-- conversation's lock, so a resend racing through another broker still finds it.
-- Slow mode (025) reads the time of a sender's newest message here too (kind 0 only; a window
-- is at least the longest slow mode, six hours), so 025's index over every message goes.
-- messages keeps its primary key (conversation_id, seq), one message_id index and the edits'
-- partial index (010): its (conversation_id, message_id) unique key goes, and 004's message_id
-- index is made unique in its place, so a batch that reuses an id still fails whole (ids are
-- issued unique by the brokers' generators). Hash-partitioning messages by conversation would
-- need it non-unique again; sharding by conversation (separate databases) does not.
CREATE TABLE recent_sends (
  conversation_id BIGINT NOT NULL,
  sender          TEXT   COLLATE "C" NOT NULL,
  client_msg_id   TEXT   COLLATE "C" NOT NULL,
  seq             BIGINT NOT NULL,
  created_at_ms   BIGINT NOT NULL,
  kind            SMALLINT NOT NULL,
  PRIMARY KEY (conversation_id, sender, client_msg_id)
) WITH (
  -- Inserted at the send rate and deleted as fast by the purge: vacuumed after every 10,000
  -- dead rows, not after 20% of the table (at 1,000 msg/s a 24 h window is 86M rows), so each
  -- vacuum is short and the freed space is reused before the table grows.
  autovacuum_vacuum_scale_factor = 0,
  autovacuum_vacuum_threshold = 10000,
  autovacuum_vacuum_insert_scale_factor = 0,
  autovacuum_vacuum_insert_threshold = 100000,
  autovacuum_analyze_scale_factor = 0.02
);
-- The purge's walk: the oldest keys first.
CREATE INDEX recent_sends_created_idx ON recent_sends (created_at_ms);
-- Slow mode's probe: a sender's newest message in a conversation.
CREATE INDEX recent_sends_sender_idx ON recent_sends (conversation_id, sender, created_at_ms)
  WHERE kind = 0;
-- The last 24 hours (the default window) of keys are carried over, so a resend across the
-- upgrade is still recognised.
INSERT INTO recent_sends (conversation_id, sender, client_msg_id, seq, created_at_ms, kind)
  SELECT conversation_id, sender, client_msg_id, seq, created_at_ms, kind FROM messages
  WHERE created_at_ms >= (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT - 86400000;
ALTER TABLE messages DROP CONSTRAINT messages_conversation_id_sender_client_msg_id_key;
ALTER TABLE messages DROP CONSTRAINT messages_conversation_id_message_id_key;
DROP INDEX messages_sender_seq_idx;
DROP INDEX messages_message_id_idx;
CREATE UNIQUE INDEX messages_message_id_idx ON messages (message_id);
