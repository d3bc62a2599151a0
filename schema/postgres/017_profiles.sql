-- 017_profiles (PostgreSQL): what the API service keeps about a user beyond the account
-- (api/src/profile_store.h). A user without a profiles row has the defaults: no display name,
-- no status, no avatar, not discoverable. avatar_id names a blob in the API's blob store
-- (api/src/blob_store.h; '' for none), avatar_type its image type as sniffed at upload.
-- discoverable: 1 lets other users find this one by name or name prefix (GET /v1/users).
CREATE TABLE profiles (
  username      TEXT     COLLATE "C" PRIMARY KEY,
  display_name  TEXT     NOT NULL DEFAULT '',
  status_text   TEXT     NOT NULL DEFAULT '',
  avatar_id     TEXT     NOT NULL DEFAULT '',
  avatar_type   TEXT     NOT NULL DEFAULT '',
  discoverable  SMALLINT NOT NULL DEFAULT 0 CHECK (discoverable IN (0, 1)),
  updated_at_ms BIGINT   NOT NULL
);
CREATE INDEX profiles_discoverable_idx ON profiles (discoverable);

-- The devices a user logged in from through the API (POST /v1/login with a device_id):
-- platform as the client named it, last_seen_ms the newest login or refresh of the device.
-- Signing a device out deletes its row, revokes its refresh tokens and drops its push target.
CREATE TABLE devices (
  username      TEXT   COLLATE "C" NOT NULL,
  device_id     TEXT   COLLATE "C" NOT NULL,
  platform      TEXT   NOT NULL DEFAULT '',
  created_at_ms BIGINT NOT NULL,
  last_seen_ms  BIGINT NOT NULL,
  PRIMARY KEY (username, device_id)
);

-- The device a refresh-token family was started for ('' when the login named none).
ALTER TABLE refresh_tokens ADD COLUMN device_id TEXT COLLATE "C" NOT NULL DEFAULT '';
CREATE INDEX refresh_tokens_device_idx ON refresh_tokens (username, device_id);
