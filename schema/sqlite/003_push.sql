-- 003_push (SQLite): push notification targets, per-user settings, conversation mutes, and the
-- durable queue of push jobs (docs/PROTOCOL.md section 7, docs/ARCHITECTURE.md "Push").
-- Jobs are written by AppendBatch in the same transaction as the messages they announce, so a
-- crash cannot lose a notification for a committed message.

-- One push target per device of a user; re-registering a device replaces its row. A token
-- belongs to one device at a time (registering it elsewhere moves it).
CREATE TABLE push_targets (
  username      TEXT   NOT NULL,
  device_id     TEXT   NOT NULL,
  platform      TEXT   NOT NULL CHECK (platform IN ('fcm', 'apns', 'webpush', 'webhook')),
  token         TEXT   NOT NULL,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  PRIMARY KEY (username, device_id)
);
CREATE UNIQUE INDEX push_targets_token_idx ON push_targets (platform, token);

-- Absent row: preview on.
CREATE TABLE push_settings (
  username      TEXT     PRIMARY KEY,
  preview       SMALLINT NOT NULL CHECK (preview IN (0, 1)),
  updated_at_ms BIGINT   NOT NULL
);

-- muted_until_ms: -1 forever, else muted while now < muted_until_ms. Unmuting deletes the row.
CREATE TABLE mutes (
  conversation_id BIGINT NOT NULL,
  username        TEXT   NOT NULL,
  muted_until_ms  BIGINT NOT NULL,
  PRIMARY KEY (conversation_id, username)
);

-- One notification to deliver: messages first_seq..last_seq (message_count of them) of one
-- conversation for one user. A burst collapses: while a job is pending, later messages of the
-- same conversation update it (at most one pending job per user and conversation).
CREATE TABLE push_jobs (
  job_id          INTEGER PRIMARY KEY,
  username        TEXT    NOT NULL,
  conversation_id BIGINT  NOT NULL,
  first_seq       BIGINT  NOT NULL,
  last_seq        BIGINT  NOT NULL,
  message_count   BIGINT  NOT NULL,
  sender          TEXT    NOT NULL,  -- sender of the newest message
  preview_text    TEXT,              -- newest message's text, only if the user allows previews
  created_at_ms   BIGINT  NOT NULL,
  next_attempt_ms BIGINT  NOT NULL,  -- due time; also a lease while a worker delivers it
  attempts        INTEGER NOT NULL DEFAULT 0,
  state           TEXT    NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'delivered', 'dead')),
  last_error      TEXT,              -- why the last attempt failed (or why it was skipped)
  finished_at_ms  BIGINT
);
CREATE UNIQUE INDEX push_jobs_pending_idx ON push_jobs (username, conversation_id)
  WHERE state = 'pending';
CREATE INDEX push_jobs_due_idx ON push_jobs (next_attempt_ms) WHERE state = 'pending';
CREATE INDEX push_jobs_user_idx ON push_jobs (username, job_id);
CREATE INDEX push_jobs_finished_idx ON push_jobs (finished_at_ms) WHERE state <> 'pending';
