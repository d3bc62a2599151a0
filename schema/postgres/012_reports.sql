-- 012_reports (PostgreSQL): the moderation queue (issue 24; docs/OPERATIONS.md "Reports"). A
-- user reports another user, optionally one of their messages; the message's text is copied
-- into the report when it is filed, so a later edit or deletion does not remove the evidence.
-- An operator lists and resolves reports with mqchatctl. One report per (reporter,
-- client_msg_id): a resend is answered with the report already filed.
CREATE TABLE reports (
  report_id       BIGSERIAL PRIMARY KEY,
  reporter        TEXT      COLLATE "C" NOT NULL,
  client_msg_id   TEXT      COLLATE "C" NOT NULL,
  reported_user   TEXT      COLLATE "C" NOT NULL,
  conversation_id BIGINT,             -- with message_seq: the reported message; else NULL
  message_seq     BIGINT,
  message_text    TEXT,               -- the message's text when the report was filed
  reason          TEXT      NOT NULL, -- one of a fixed list (docs/PROTOCOL.md)
  details         TEXT      NOT NULL DEFAULT '',
  created_at_ms   BIGINT    NOT NULL,
  resolved_at_ms  BIGINT,             -- NULL while open
  resolution      TEXT      NOT NULL DEFAULT '',
  UNIQUE (reporter, client_msg_id)
);
-- The open queue, oldest first.
CREATE INDEX reports_open_idx ON reports (report_id) WHERE resolved_at_ms IS NULL;
