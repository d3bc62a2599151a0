-- 028_recent_sends (SQLite): fewer bytes per message (issue 26; the PostgreSQL twin says why).
-- A message is recognised as a resend only within a window (plugin_opt_resend_window_s, default
-- 24 h): its key (conversation, sender, client_msg_id) and seq are kept in recent_sends, purged
-- of keys older than the window by the retention sweeper in small batches, instead of a unique
-- index over every message ever stored. SQLite drops no constraint in place: messages is made
-- again without its two unique keys, and WITHOUT ROWID, so the table is its primary key
-- (conversation_id, seq) and the separate primary key index goes too. Slow mode reads a
-- sender's newest message time from recent_sends as well, so 025's index is not made again;
-- 010's is, and 004's, unique. Still the one file, in the migration's transaction.
CREATE TABLE recent_sends (
  conversation_id BIGINT NOT NULL,
  sender          TEXT   NOT NULL,
  client_msg_id   TEXT   NOT NULL,
  seq             BIGINT NOT NULL,
  created_at_ms   BIGINT NOT NULL,
  kind            SMALLINT NOT NULL,
  PRIMARY KEY (conversation_id, sender, client_msg_id)
) WITHOUT ROWID;
CREATE INDEX recent_sends_created_idx ON recent_sends (created_at_ms);
CREATE INDEX recent_sends_sender_idx ON recent_sends (conversation_id, sender, created_at_ms)
  WHERE kind = 0;
INSERT INTO recent_sends (conversation_id, sender, client_msg_id, seq, created_at_ms, kind)
  SELECT conversation_id, sender, client_msg_id, seq, created_at_ms, kind FROM messages
  WHERE created_at_ms >= CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) - 86400000;

CREATE TABLE messages_028 (
  conversation_id BIGINT NOT NULL,
  seq             BIGINT NOT NULL,
  message_id      BIGINT NOT NULL,
  sender          TEXT   NOT NULL,
  client_msg_id   TEXT   NOT NULL,
  body            TEXT   NOT NULL,
  created_at_ms   BIGINT NOT NULL,
  kind            SMALLINT NOT NULL DEFAULT 0 CHECK (kind BETWEEN 0 AND 5),  -- 027: 5 is a call
  target_seq      BIGINT NOT NULL DEFAULT 0,
  edited_at_ms    BIGINT NOT NULL DEFAULT 0,
  deleted_at_ms   BIGINT NOT NULL DEFAULT 0,
  mentions        TEXT   NOT NULL DEFAULT '',
  attachments     TEXT   NOT NULL DEFAULT '',
  PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;
INSERT INTO messages_028 (conversation_id, seq, message_id, sender, client_msg_id, body,
  created_at_ms, kind, target_seq, edited_at_ms, deleted_at_ms, mentions, attachments)
  SELECT conversation_id, seq, message_id, sender, client_msg_id, body, created_at_ms, kind,
  target_seq, edited_at_ms, deleted_at_ms, mentions, attachments FROM messages;
DROP TABLE messages;
ALTER TABLE messages_028 RENAME TO messages;
-- Unique now, in place of the (conversation_id, message_id) key: a batch that reuses an id
-- still fails whole.
CREATE UNIQUE INDEX messages_message_id_idx ON messages (message_id);
CREATE INDEX messages_edits_idx ON messages (conversation_id, target_seq) WHERE kind = 1;
