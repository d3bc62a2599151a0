-- 002_chat (SQLite): conversations, their members and their messages.
-- Conversation ids come from the broker (time-sortable 64-bit ids), not from the database.
-- Seqs are per conversation, 1, 2, 3, ... with no gaps: a writer allocates them by raising
-- conversations.last_seq inside its (BEGIN IMMEDIATE) transaction. Keys lead with
-- conversation_id everywhere, so the PostgreSQL twin of this file can be hash-partitioned by it.

-- INTEGER PRIMARY KEY (not BIGINT) makes the id SQLite's 64-bit rowid: no separate index.
CREATE TABLE conversations (
  conversation_id  INTEGER  PRIMARY KEY,
  kind             SMALLINT NOT NULL CHECK (kind IN (1, 2)),  -- 1 direct, 2 group
  name             TEXT     NOT NULL DEFAULT '',
  -- Direct conversations only: both usernames sorted byte-wise and joined by '\n', so a pair
  -- has one conversation whoever opens it. NULL for groups (NULLs never collide).
  direct_key       TEXT     UNIQUE,
  last_seq         BIGINT   NOT NULL DEFAULT 0,
  member_count     INTEGER  NOT NULL DEFAULT 0,
  last_activity_ms BIGINT,  -- newest message's time; NULL until the first message
  created_by       TEXT,
  created_at_ms    BIGINT   NOT NULL
);

CREATE TABLE members (
  conversation_id BIGINT   NOT NULL REFERENCES conversations (conversation_id),
  username        TEXT     NOT NULL,
  role            SMALLINT NOT NULL DEFAULT 0 CHECK (role IN (0, 1, 2)),  -- 0 member, 1 admin, 2 owner
  read_seq        BIGINT   NOT NULL DEFAULT 0,
  joined_at_ms    BIGINT   NOT NULL,
  PRIMARY KEY (conversation_id, username)
);

-- "Which conversations is this user in?" (ListConversations).
CREATE INDEX members_username_idx ON members (username, conversation_id);

CREATE TABLE messages (
  conversation_id BIGINT NOT NULL,
  seq             BIGINT NOT NULL,
  message_id      BIGINT NOT NULL,
  sender          TEXT   NOT NULL,
  client_msg_id   TEXT   NOT NULL,
  body            TEXT   NOT NULL,
  created_at_ms   BIGINT NOT NULL,
  PRIMARY KEY (conversation_id, seq),
  UNIQUE (conversation_id, sender, client_msg_id),  -- idempotent resend
  UNIQUE (conversation_id, message_id)
);
