-- 004_message_id_index (SQLite): the largest message id in one index probe. A broker seeds its
-- id generator with it at start (ChatStore::MaxIssuedId), so a wall clock that stepped back
-- across a restart cannot make it issue an id again. The PostgreSQL twin keeps it non-unique.
CREATE INDEX messages_message_id_idx ON messages (message_id);
