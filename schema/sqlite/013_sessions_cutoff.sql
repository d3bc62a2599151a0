-- 013_sessions_cutoff (SQLite): sessions_valid_after_ms ends every login made before it. A
-- password change (API or mqchatctl) and "log out everywhere" set it to the time of the change;
-- brokers then refuse access tokens issued (iat) before that second and end the user's MQTT
-- sessions. 0: no cut-off (every user before this migration).
ALTER TABLE users ADD COLUMN sessions_valid_after_ms BIGINT NOT NULL DEFAULT 0;
