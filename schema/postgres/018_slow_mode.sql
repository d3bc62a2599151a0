-- 018_slow_mode (PostgreSQL): per-conversation slow mode (issue 24; docs/PROTOCOL.md
-- "set_slow_mode"). slow_mode_s: the least number of seconds between two messages of one member
-- of the conversation (its owners and admins exempt); 0 is off. Set by a group's owner or admin
-- (set_slow_mode), who also raises members_version in the same transaction so every broker's
-- cached copy (chat/membership_cache.h) is reloaded at its next fan-out in the conversation.
-- Bounded by the callers (protocol/slow_mode.h), no CHECK, so tests may step back past it.
ALTER TABLE conversations ADD COLUMN slow_mode_s INTEGER NOT NULL DEFAULT 0;
