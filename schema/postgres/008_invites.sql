-- 008_invites (PostgreSQL): invite codes for `signup invite` (mqchat-api; created with
-- `mqchatctl invite create`). A code is shown once and stored only as its SHA-256 (hex). A
-- sign-up consumes one use with a single conditional UPDATE (uses < max_uses, not expired),
-- so concurrent sign-ups never exceed the limit.
CREATE TABLE invites (
  code_hash TEXT PRIMARY KEY,
  created_at_ms BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  max_uses INTEGER NOT NULL,
  uses INTEGER NOT NULL DEFAULT 0
);
