-- 027_call_entries (SQLite): a call's outcome becomes an entry of its conversation's log
-- (issue 27; docs/PROTOCOL.md 8.5): kind 5 beside 010's kinds 0..4. It takes the next seq in
-- AppendBatch like a message; its sender is the caller, its client_msg_id "call/<call_id>" (one
-- entry per call, however often the broker that ended it submits it), its body the call's
-- record (protocol/call.h, EncodeCallRecord: outcome, duration, participants), target_seq 0.
-- It is in `history` and unread like a message (not pushed; no search postings).
-- SQLite cannot change a CHECK in place: `messages` is rebuilt (SQLite's documented procedure:
-- a new table, the rows copied, the old one dropped, the new one renamed, its indexes made
-- again). No table references messages, no trigger or view names it; the copy keeps rowids.
CREATE TABLE messages_027 (
  conversation_id BIGINT NOT NULL,
  seq             BIGINT NOT NULL,
  message_id      BIGINT NOT NULL,
  sender          TEXT   NOT NULL,
  client_msg_id   TEXT   NOT NULL,
  body            TEXT   NOT NULL,
  created_at_ms   BIGINT NOT NULL,
  kind            SMALLINT NOT NULL DEFAULT 0 CHECK (kind BETWEEN 0 AND 5),
  target_seq      BIGINT NOT NULL DEFAULT 0,
  edited_at_ms    BIGINT NOT NULL DEFAULT 0,
  deleted_at_ms   BIGINT NOT NULL DEFAULT 0,
  mentions        TEXT NOT NULL DEFAULT '',
  attachments     TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (conversation_id, seq),
  UNIQUE (conversation_id, sender, client_msg_id),  -- idempotent resend
  UNIQUE (conversation_id, message_id)
);
INSERT INTO messages_027 (rowid, conversation_id, seq, message_id, sender, client_msg_id, body,
                          created_at_ms, kind, target_seq, edited_at_ms, deleted_at_ms, mentions,
                          attachments)
  SELECT rowid, conversation_id, seq, message_id, sender, client_msg_id, body, created_at_ms,
         kind, target_seq, edited_at_ms, deleted_at_ms, mentions, attachments
  FROM messages;
DROP TABLE messages;
ALTER TABLE messages_027 RENAME TO messages;
CREATE INDEX messages_message_id_idx ON messages (message_id);
CREATE INDEX messages_edits_idx ON messages (conversation_id, target_seq) WHERE kind = 1;
CREATE INDEX messages_sender_seq_idx ON messages (conversation_id, sender, seq) WHERE kind = 0;
