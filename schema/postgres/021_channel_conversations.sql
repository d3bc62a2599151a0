-- 021_channel_conversations (PostgreSQL): every text channel is a conversation (issue 18,
-- channel delivery; docs/ARCHITECTURE.md "Channel delivery"). Its conversations row has the
-- channel's id as conversation_id (channel ids come from the database and stay far below the
-- brokers' Snowflake ids, which are >= 2^22 times the milliseconds since 2024-01-01), so sends,
-- history, sync and message events name a channel by its id. The row has no `members` rows:
-- who may read and send is the resolved permission (view_channel, send_messages), checked by
-- the broker's channel access cache and by the writer, never by `members`. Its kind is stored
-- as 2, as on SQLite (where a third kind would need a rebuild of `conversations`); a
-- conversation is a channel because a `channels` row has its id.
INSERT INTO conversations (conversation_id, kind, name, created_at_ms)
  SELECT channel_id, 2, '', created_at_ms FROM channels
  WHERE type = 'text'
  ON CONFLICT (conversation_id) DO NOTHING;

CREATE OR REPLACE FUNCTION mqchat_channel_conversation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.type = 'text' THEN
    INSERT INTO conversations (conversation_id, kind, name, created_at_ms)
      VALUES (NEW.channel_id, 2, '', NEW.created_at_ms);
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER channels_text_conversation AFTER INSERT ON channels
  FOR EACH ROW EXECUTE FUNCTION mqchat_channel_conversation();
