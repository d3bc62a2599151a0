#!/usr/bin/env bash
# mqchat-bench's --bulk-members command for the channel row (bench/run.sh): adds members
# $MQCHAT_BENCH_PREFIX m0 .. m<MQCHAT_BENCH_MEMBERS - 1> to server $MQCHAT_BENCH_SERVER_ID in one
# transaction, straight into the store, as an operator's bulk import would (the row measures
# delivery in a large server, not 100,000 invite joins). The store: $BENCH_SQLITE_PATH (sqlite3)
# or $BENCH_PG_CONNINFO (psql). Raises member_count and perm_version as a join does.
set -euo pipefail
: "${MQCHAT_BENCH_SERVER_ID:?}" "${MQCHAT_BENCH_PREFIX:?}" "${MQCHAT_BENCH_MEMBERS:?}"
sid=$MQCHAT_BENCH_SERVER_ID n=$MQCHAT_BENCH_MEMBERS
# The prefix is [A-Za-z0-9_.-] (mqchat-bench checks it), so it needs no quoting inside SQL.
prefix=$MQCHAT_BENCH_PREFIX
[[ "$prefix" =~ ^[A-Za-z0-9_.-]+$ ]] || { echo "bad prefix" >&2; exit 2; }
[[ "$sid$n" =~ ^[0-9]+$ ]] || { echo "bad server id or count" >&2; exit 2; }
now=$(($(date +%s) * 1000))
if [ -n "${BENCH_SQLITE_PATH:-}" ]; then
  sqlite3 "$BENCH_SQLITE_PATH" <<SQL
.timeout 30000
BEGIN IMMEDIATE;
WITH RECURSIVE i(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM i WHERE k + 1 < $n)
INSERT INTO server_members (server_id, username, joined_at_ms)
  SELECT $sid, '${prefix}m' || k, $now FROM i;
UPDATE servers SET member_count = member_count + $n, perm_version = perm_version + 1
  WHERE server_id = $sid;
COMMIT;
SQL
elif [ -n "${BENCH_PG_CONNINFO:-}" ]; then
  psql -q -v ON_ERROR_STOP=1 "$BENCH_PG_CONNINFO" <<SQL
BEGIN;
INSERT INTO server_members (server_id, username, joined_at_ms)
  SELECT $sid, '${prefix}m' || k, $now FROM generate_series(0, $n - 1) AS k;
UPDATE servers SET member_count = member_count + $n, perm_version = perm_version + 1
  WHERE server_id = $sid;
COMMIT;
SQL
else
  echo "set BENCH_SQLITE_PATH or BENCH_PG_CONNINFO" >&2
  exit 2
fi
