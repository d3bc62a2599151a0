-- 030_audit_origin (PostgreSQL): where an audit row came from, for a store with shards (issue 26,
-- docs/ARCHITECTURE.md "Sharding by conversation"). A change made on a shard (a group's
-- retention or slow mode, an operator's role change) writes its audit row on that shard, in the
-- change's transaction; the rows are then moved to the global database, the one audit log
-- operators read (`mqchatctl audit list`), each with origin "shard N:ID:AT_MS" (its shard, its
-- id and time there). The unique index makes the move exactly once: a move interrupted after the
-- global insert and before the shard's delete inserts nothing the second time. NULL: written in
-- this database.
ALTER TABLE audit_log ADD COLUMN origin TEXT;
CREATE UNIQUE INDEX audit_log_origin_idx ON audit_log (origin);
