-- 027_call_entries (PostgreSQL): a call's outcome becomes an entry of its conversation's log
-- (issue 27; docs/PROTOCOL.md 8.5): kind 5 beside 010's kinds 0..4. It takes the next seq in
-- AppendBatch like a message; its sender is the caller, its client_msg_id "call/<call_id>" (one
-- entry per call, however often the broker that ended it submits it), its body the call's
-- record (protocol/call.h, EncodeCallRecord: outcome, duration, participants), target_seq 0.
-- It is in `history` and unread like a message (not pushed; no search postings).
-- 010's CHECK was inline on its column, so PostgreSQL named it messages_kind_check. NOT VALID
-- then VALIDATE: the scan of existing rows holds no lock that stops writers.
ALTER TABLE messages DROP CONSTRAINT messages_kind_check;
ALTER TABLE messages ADD CONSTRAINT messages_kind_check CHECK (kind BETWEEN 0 AND 5) NOT VALID;
ALTER TABLE messages VALIDATE CONSTRAINT messages_kind_check;
