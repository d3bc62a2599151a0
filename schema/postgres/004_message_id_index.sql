-- 004_message_id_index (PostgreSQL): the largest message id in one index probe. A broker seeds
-- its id generator with it at start (ChatStore::MaxIssuedId), so a wall clock that stepped back
-- across a restart cannot make it issue an id again. Not unique, so messages can still be
-- hash-partitioned by conversation_id ((conversation_id, message_id) stays the unique key).
-- Built in this migration's transaction: writes to messages wait until it is done.
CREATE INDEX messages_message_id_idx ON messages (message_id);
