-- 026_channel_slow_mode (PostgreSQL): slow mode of a text channel (issues 18 and 24; docs/PROTOCOL.md
-- "set_slow_mode"). slow_mode_s: the least number of seconds between two messages of one reader
-- of the channel who holds neither manage_messages nor manage_channels there (Discord's rule);
-- 0 is off. Set with set_slow_mode by a member with manage_channels in the channel, who also
-- raises the server's perm_version in the same transaction, so every broker's channel access
-- cache (community/channel_access_cache.h), which carries the interval, is loaded again. On the
-- channels row, not the channel's conversations row (018's column): the channel access cache
-- reads channels rows, and a setting of a channel lives with its name and topic.
ALTER TABLE channels ADD COLUMN slow_mode_s INTEGER NOT NULL DEFAULT 0;
