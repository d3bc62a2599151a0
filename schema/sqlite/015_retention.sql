-- 015_retention (SQLite): retention, erasure and export (issue 24; docs/OPERATIONS.md
-- "Retention", "Erasure and export").
-- retention_days: a conversation's own retention, set by a group's owner or admin
-- (set_retention) or the operator (mqchatctl conversation retention); NULL follows the server's
-- default (plugin_opt_retention_days), 0 keeps forever.
-- expired_through_seq: every message with seq <= it expired and was removed by the sweeper (in
-- the same transaction that raised it); history and sync report it, so the gap is marked.
ALTER TABLE conversations ADD COLUMN retention_days INTEGER;  -- 0..36500, checked by the callers
ALTER TABLE conversations ADD COLUMN expired_through_seq BIGINT NOT NULL DEFAULT 0;

-- What operators (and group owners setting retention) did to users' data, for audit: one row
-- per retention change, erasure and export, written in the same transaction as the change.
CREATE TABLE audit_log (
  audit_id INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms    BIGINT  NOT NULL,
  actor    TEXT    NOT NULL,  -- a username, or "operator" for mqchatctl
  action   TEXT    NOT NULL,  -- "retention", "erase", "export"
  subject  TEXT    NOT NULL,  -- the conversation id or the username acted on
  detail   TEXT    NOT NULL DEFAULT ''
);
