-- 023_broker_notices (SQLite): what a process other than a broker (mqchatctl, mqchat-api)
-- changed that connected clients must see at once (docs/ARCHITECTURE.md "Broker notices").
-- Written in the change's own transaction; every broker's directory refresher reads the rows
-- after the last id it saw (its own connection, never the broker thread) and applies them.
-- Notices are facts, not commands to run once: applying one twice changes nothing more.
-- Pruned after a day (store/broker_notices.h kNoticeKeepMs).
--   kind 1 entry:              conversation_id, seq: a stored entry to deliver live
--   kind 2 device_signed_out:  username, device_id: end that device's session, refuse its
--                              tokens issued before created_at_ms
--   kind 3 members:            conversation_id: the members changed
CREATE TABLE broker_notices (
  notice_id       INTEGER PRIMARY KEY AUTOINCREMENT,
  kind            INTEGER NOT NULL,
  conversation_id INTEGER NOT NULL DEFAULT 0,
  seq             INTEGER NOT NULL DEFAULT 0,
  username        TEXT    NOT NULL DEFAULT '',
  device_id       TEXT    NOT NULL DEFAULT '',
  created_at_ms   INTEGER NOT NULL
);
CREATE INDEX broker_notices_created_idx ON broker_notices (created_at_ms);
