-- 009_blocks (SQLite): who blocked whom, and who may write to a user directly (docs/PROTOCOL.md
-- "Blocking and who may message me"). Both are read inside the writer's transactions that
-- open a direct conversation or append to one, so a block or a policy change applies to the
-- next such write on every broker sharing the store, with no cache to invalidate.
CREATE TABLE blocks (
  blocker       TEXT    NOT NULL,
  blocked       TEXT    NOT NULL,
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (blocker, blocked),
  CHECK (blocker <> blocked)
);
-- "Who blocked this user?" (the contacts and presence of the blocked user).
CREATE INDEX blocks_blocked_idx ON blocks (blocked, blocker);

-- A user without a row accepts direct messages from everyone (policy 0).
-- policy: 0 everyone, 1 people sharing a group, 2 only existing conversations.
CREATE TABLE dm_policies (
  username TEXT    PRIMARY KEY,
  policy   INTEGER NOT NULL CHECK (policy IN (0, 1, 2))
);
