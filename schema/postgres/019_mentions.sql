-- 019_mentions (PostgreSQL): mentions (docs/PROTOCOL.md, "Mentions"). messages.mentions: the
-- users a message mentions now, space-separated (usernames have no spaces; '' none); on an edit
-- row the list the edit gave its message. A deletion empties both, as it does the text.
ALTER TABLE messages ADD COLUMN mentions TEXT NOT NULL DEFAULT '';

-- One row per (mentioned user, conversation, message) while the message mentions them. `seq` is
-- where the mention became unread: the message's seq, or the seq of the edit that added it, so
-- a user's unread mentions of a conversation are the rows of (username, conversation_id) with
-- seq > their read_seq (one index range, usually a few rows).
CREATE TABLE mentions (
  username        TEXT   COLLATE "C" NOT NULL,
  conversation_id BIGINT NOT NULL,
  message_seq     BIGINT NOT NULL,
  seq             BIGINT NOT NULL,
  PRIMARY KEY (username, conversation_id, message_seq)
);
-- An edit or a deletion of a message finds its rows.
CREATE INDEX mentions_message_idx ON mentions (conversation_id, message_seq);

-- A pending push job that stands for at least one mention of its user: recorded (and
-- delivered) even when the conversation is muted, unless the user's mention_push is off.
ALTER TABLE push_jobs ADD COLUMN mention BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE push_settings ADD COLUMN mention_push BOOLEAN NOT NULL DEFAULT TRUE;
