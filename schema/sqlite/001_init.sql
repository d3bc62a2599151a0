-- 001_init (SQLite): user accounts. The migrator records this file in schema_migrations.
-- rev is a store-wide change counter: every insert/update sets it to MAX(rev)+1 inside the
-- writer's BEGIN IMMEDIATE transaction. Rows are never physically deleted (state 2 = deleted),
-- so MAX(rev) never goes back and user_id (AUTOINCREMENT) is never reused.
CREATE TABLE users (
  user_id       INTEGER PRIMARY KEY AUTOINCREMENT,
  username      TEXT     NOT NULL UNIQUE,
  password_hash TEXT     NOT NULL DEFAULT '',
  state         SMALLINT NOT NULL DEFAULT 0 CHECK (state IN (0, 1, 2)),  -- 0 active, 1 disabled, 2 deleted
  rev           BIGINT   NOT NULL,
  created_at_ms BIGINT   NOT NULL,
  updated_at_ms BIGINT   NOT NULL
);

CREATE UNIQUE INDEX users_rev_idx ON users (rev);
