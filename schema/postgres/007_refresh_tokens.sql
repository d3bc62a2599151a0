-- 007_refresh_tokens (PostgreSQL): the API service's refresh tokens (api/src/session_store.h).
-- A token is opaque to clients and stored only as its SHA-256 (hex), so a copy of the database
-- holds no usable token. Every login starts a family; each refresh marks the presented token
-- used (state 1) and adds its successor to the family; presenting a used token again revokes
-- the whole family (state 2), as does logout.
CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  family_id TEXT NOT NULL,
  username TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  state SMALLINT NOT NULL DEFAULT 0
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_username_idx ON refresh_tokens (username);
