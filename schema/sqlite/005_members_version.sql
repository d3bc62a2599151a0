-- 005_members_version (SQLite): a counter of each conversation's membership changes. Every add
-- or removal raises it in the transaction that changes `members`; AppendBatch returns the value
-- its messages committed with. The membership cache keeps the version it loaded, so it can tell
-- whether a cached member list is at least as new as a commit (docs/ARCHITECTURE.md,
-- "Membership cache").
ALTER TABLE conversations ADD COLUMN members_version BIGINT NOT NULL DEFAULT 0;
