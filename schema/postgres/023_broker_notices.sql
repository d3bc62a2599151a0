-- 023_broker_notices (PostgreSQL): what a process other than a broker (mqchatctl, mqchat-api)
-- changed that connected clients must see at once (docs/ARCHITECTURE.md "Broker notices").
-- Written in the change's own transaction, under LOCK TABLE broker_notices IN SHARE ROW
-- EXCLUSIVE MODE (so ids become visible in increasing order, as users.rev); every broker's
-- directory refresher reads the rows after the last id it saw (its own connection, never the
-- broker thread) and applies them. Applying one twice changes nothing more. Pruned after a day
-- (store/broker_notices.h kNoticeKeepMs).
--   kind 1 entry:              conversation_id, seq: a stored entry to deliver live
--   kind 2 device_signed_out:  username, device_id: end that device's session, refuse its
--                              tokens issued before created_at_ms
--   kind 3 members:            conversation_id: the members changed
CREATE TABLE broker_notices (
  notice_id       BIGSERIAL PRIMARY KEY,
  kind            SMALLINT  NOT NULL,
  conversation_id BIGINT    NOT NULL DEFAULT 0,
  seq             BIGINT    NOT NULL DEFAULT 0,
  username        TEXT      COLLATE "C" NOT NULL DEFAULT '',
  device_id       TEXT      COLLATE "C" NOT NULL DEFAULT '',
  created_at_ms   BIGINT    NOT NULL
);
CREATE INDEX broker_notices_created_idx ON broker_notices (created_at_ms);
