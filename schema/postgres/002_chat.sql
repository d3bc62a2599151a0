-- 002_chat (PostgreSQL): conversations, their members and their messages.
-- Conversation ids come from the broker (time-sortable 64-bit ids), not from the database.
-- Seqs are per conversation, 1, 2, 3, ... with no gaps: a writer allocates them by raising
-- conversations.last_seq while it holds that row's lock, so they are also in commit order
-- when several brokers write through this database.
-- conversation_id leads every key and unique constraint of members and messages, so these
-- tables can later be hash-partitioned by conversation_id without changing a constraint.
-- Usernames and client ids compare byte-wise (COLLATE "C"), like users.username in 001.

CREATE TABLE conversations (
  conversation_id  BIGINT   PRIMARY KEY,
  kind             SMALLINT NOT NULL CHECK (kind IN (1, 2)),  -- 1 direct, 2 group
  name             TEXT     NOT NULL DEFAULT '',
  -- Direct conversations only: both usernames sorted byte-wise and joined by '\n', so a pair
  -- has one conversation whoever opens it. NULL for groups (NULLs never collide).
  direct_key       TEXT     COLLATE "C" UNIQUE,
  last_seq         BIGINT   NOT NULL DEFAULT 0,
  member_count     INTEGER  NOT NULL DEFAULT 0,
  last_activity_ms BIGINT,  -- newest message's time; NULL until the first message
  created_by       TEXT     COLLATE "C",
  created_at_ms    BIGINT   NOT NULL
);

CREATE TABLE members (
  conversation_id BIGINT   NOT NULL REFERENCES conversations (conversation_id),
  username        TEXT     COLLATE "C" NOT NULL,
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
  sender          TEXT   COLLATE "C" NOT NULL,
  client_msg_id   TEXT   COLLATE "C" NOT NULL,
  body            TEXT   NOT NULL,
  created_at_ms   BIGINT NOT NULL,
  PRIMARY KEY (conversation_id, seq),
  UNIQUE (conversation_id, sender, client_msg_id),  -- idempotent resend
  UNIQUE (conversation_id, message_id)
);
