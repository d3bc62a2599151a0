-- 024_channel_reads (SQLite): each reader's read position in a text channel (issue 18; docs/
-- PROTOCOL.md "Channel read markers"). A channel's conversation has no `members` rows (migration
-- 021), so its read state cannot live in members.read_seq; a row here is made the first time a
-- user marks the channel read or sends into it, never for a whole server at once: a server of
-- 100,000 members has rows only for those who read, and a role change writes none. No row means
-- read_seq 0. Unread messages and mentions are counted from it as for conversations (the
-- messages and mentions tables). No foreign key: a send's transaction must not fail on a channel
-- deleted meanwhile; a deleted channel's rows are left (channel ids are never reused).
CREATE TABLE channel_reads (
  username   TEXT    NOT NULL,
  channel_id BIGINT  NOT NULL,
  read_seq   BIGINT  NOT NULL DEFAULT 0,
  PRIMARY KEY (username, channel_id)
);
