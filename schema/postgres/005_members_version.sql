-- 005_members_version (PostgreSQL): a counter of each conversation's membership changes. Every
-- add or removal raises it in the transaction that changes `members`, under the conversation
-- row lock; AppendBatch returns the value its messages committed with. A broker's membership
-- cache keeps the version it loaded, so it can tell whether a cached member list is at least
-- as new as a commit made through any broker (docs/ARCHITECTURE.md, "Membership cache").
-- A constant default: PostgreSQL adds the column without rewriting the table.
ALTER TABLE conversations ADD COLUMN members_version BIGINT NOT NULL DEFAULT 0;
