-- 025_slow_mode_index (PostgreSQL): slow mode decided by the store (issue 24; docs/PROTOCOL.md
-- "set_slow_mode"). AppendBatch, under the conversation's lock, reads the time of the sender's
-- newest message (kind 0) in a conversation in slow mode, so the interval holds whichever broker
-- each message came through. This index makes that one probe (newest seq of the sender); it
-- holds messages only, not edits, deletions or reactions, which slow mode does not pace.
CREATE INDEX messages_sender_seq_idx ON messages (conversation_id, sender, seq) WHERE kind = 0;
