-- 010_message_events (PostgreSQL): a conversation's log becomes a sequence of events
-- (docs/PROTOCOL.md, "Event kinds"). Every event is a row of `messages` and takes the next seq in
-- AppendBatch, like a message: kind 0 message, 1 edit, 2 delete, 3 reaction added, 4 reaction
-- removed. target_seq: for a message, the seq it replies to (0: none); for the other kinds, the
-- message the event acts on. A message row holds its current state: its text as last edited
-- (edited_at_ms > 0), or no text at all once deleted (deleted_at_ms > 0; an edit row of a
-- deleted message loses its text too), so deleted text leaves no trace in this table.
ALTER TABLE messages ADD COLUMN kind SMALLINT NOT NULL DEFAULT 0 CHECK (kind BETWEEN 0 AND 4);
ALTER TABLE messages ADD COLUMN target_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN edited_at_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN deleted_at_ms BIGINT NOT NULL DEFAULT 0;

-- The current reactions: one row per (message, user, emoji). Reaction events add and remove rows.
CREATE TABLE reactions (
  conversation_id BIGINT NOT NULL,
  seq             BIGINT NOT NULL,
  username        TEXT   COLLATE "C" NOT NULL,
  emoji           TEXT   COLLATE "C" NOT NULL,
  created_at_ms   BIGINT NOT NULL,
  PRIMARY KEY (conversation_id, seq, username, emoji)
);

-- A deletion also empties the edit rows of its target (their text is the message's).
CREATE INDEX messages_edits_idx ON messages (conversation_id, target_seq) WHERE kind = 1;
-- A deletion also empties the preview of a push job whose newest message it was.
CREATE INDEX push_jobs_last_seq_idx ON push_jobs (conversation_id, last_seq);
