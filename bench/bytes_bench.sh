#!/usr/bin/env bash
# Bytes per message (issue 26; docs/BENCHMARKS.md "Bytes per message"): the same messages loaded
# into a store at two schema versions, the store's size per message and per index compared.
# Needs no build: the schema files are applied with psql / sqlite3, and the messages are made
# by SQL (~100-character bodies, SDK-like client_msg_ids and snowflake-like message ids), so
# the figures are the schema's, not a load path's.
#   bench/bytes_bench.sh [--messages N] [--conversations M] [--before V] [--after V]
#                        [--store postgres|sqlite|both]
# --before/--after: the newest migration applied (default 26 and every file there is). With
# the newer schema, the last --window messages' keys also go into recent_sends (migration 028),
# reported per row: the window's cost, which does not grow with the store.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
. "$SRC/bench/lib.sh"

MESSAGES=1000000
CONVERSATIONS=200000
BEFORE=26
AFTER=999
WINDOW=100000
STORE=both
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) MESSAGES=$2; shift 2 ;;
    --conversations) CONVERSATIONS=$2; shift 2 ;;
    --before) BEFORE=$2; shift 2 ;;
    --after) AFTER=$2; shift 2 ;;
    --window) WINDOW=$2; shift 2 ;;
    --store) STORE=$2; shift 2 ;;
    *) bench_die "unknown argument $1" ;;
  esac
done

bench_init_tmp
trap bench_cleanup EXIT

# migrations DIR UPTO: the migration files of DIR numbered UPTO or lower, in order.
migrations() {
  local f n
  for f in "$1"/[0-9][0-9][0-9]_*.sql; do
    n=$((10#$(basename "$f" | cut -c1-3)))
    [ "$n" -le "$2" ] && echo "$f"
  done
}

# rows_sql PAD16: the rows, as one SELECT over i = 0..MESSAGES-1 (SQL common to both stores): conversation
# i % M + 1, seq i / M + 1, 400,000 senders, a 30-character client_msg_id like the SDK's, a
# 100-character body.
# PAD16 is the store's way to write i in 16 digits.
rows_sql() {
  echo "SELECT i % $CONVERSATIONS + 1, i / $CONVERSATIONS + 1, 7170000000000000000 + i,
  'user' || ((i * 7919) % 400000), 'm18c1e2f3a4b5' || $1,
  substr('the quick brown fox jumps over the lazy dog, message number ' || i ||
         ' of the bytes benchmark, padded to one hundred characters exactly........', 1, 100),
  1700000000000 + i"
}

pg_load() {
  local conninfo=$1 upto=$2 f
  for f in $(migrations "$SRC/schema/postgres" "$upto"); do
    psql -q -v ON_ERROR_STOP=1 -1 "$conninfo" -f "$f" >/dev/null
  done
  psql -q -v ON_ERROR_STOP=1 "$conninfo" >/dev/null <<SQL
SET synchronous_commit = off;
INSERT INTO messages (conversation_id, seq, message_id, sender, client_msg_id, body, created_at_ms)
  $(rows_sql "right('0000000000000000' || i, 16)") FROM generate_series(0::bigint, $MESSAGES - 1) AS g(i);
DO \$\$ BEGIN
  IF to_regclass('recent_sends') IS NOT NULL THEN
    INSERT INTO recent_sends SELECT conversation_id, sender, client_msg_id, seq, created_at_ms,
      kind FROM messages WHERE created_at_ms >= 1700000000000 + $MESSAGES - $WINDOW;
  END IF;
END \$\$;
VACUUM ANALYZE;
SQL
  psql -At -F' ' "$conninfo" <<SQL
SELECT 'table', c.relname, pg_relation_size(c.oid), (SELECT count(*) FROM messages)
  FROM pg_class c WHERE c.relname IN ('messages', 'recent_sends')
UNION ALL
SELECT 'index', i.indexrelid::regclass::text, pg_relation_size(i.indexrelid), 0
  FROM pg_index i WHERE i.indrelid::regclass::text IN ('messages', 'recent_sends')
UNION ALL
SELECT 'body', 'avg_chars', (SELECT avg(length(body))::bigint FROM messages), 0;
SQL
}

sqlite_load() {
  local db=$1 upto=$2 f
  for f in $(migrations "$SRC/schema/sqlite" "$upto"); do
    sqlite3 -bail "$db" <"$f"
  done
  sqlite3 -bail "$db" >/dev/null <<SQL
BEGIN;
WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i + 1 < $MESSAGES)
INSERT INTO messages (conversation_id, seq, message_id, sender, client_msg_id, body, created_at_ms)
  $(rows_sql "substr('0000000000000000' || i, -16)") FROM g;
COMMIT;
SQL
  if sqlite3 "$db" "SELECT 1 FROM sqlite_master WHERE name = 'recent_sends'" | grep -q 1; then
    sqlite3 -bail "$db" "INSERT INTO recent_sends SELECT conversation_id, sender, client_msg_id, \
      seq, created_at_ms, kind FROM messages WHERE created_at_ms >= 1700000000000 + $MESSAGES - $WINDOW"
  fi
  sqlite3 -bail "$db" "VACUUM"
  sqlite3 "$db" "SELECT CASE WHEN s.name = m.tbl_name THEN 'table' ELSE 'index' END, s.name,
      sum(s.pgsize), (SELECT count(*) FROM messages)
    FROM dbstat s JOIN sqlite_master m ON m.name = s.name
    WHERE m.tbl_name IN ('messages', 'recent_sends') GROUP BY s.name" | tr '|' ' '
}

# report STORE SCHEMA: the rows of *_load on stdin as JSON lines, bytes per message (per key
# row for recent_sends, whose rows are the window's).
report() {
  local store=$1 schema=$2
  awk -v store="$store" -v schema="$schema" -v window="$WINDOW" '
    $1 == "table" && $2 == "messages" { n = $4 }
    { rows[NR] = $0 }
    END {
      for (i = 1; i <= NR; i++) {
        split(rows[i], f, " ")
        if (f[1] == "body") { printf "{\"store\":\"%s\",\"schema\":\"%s\",\"avg_body_chars\":%d}\n", store, schema, f[3]; continue }
        per = (f[2] ~ /recent_sends/) ? window : n
        printf "{\"store\":\"%s\",\"schema\":\"%s\",\"kind\":\"%s\",\"name\":\"%s\",\"bytes\":%.0f,\"per_row\":%.1f,\"rows\":%d}\n",
          store, schema, f[1], f[2], f[3], f[3] / per, per
      }
    }'
}

if [ "$STORE" != sqlite ]; then
  bench_start_postgres
  for which in before after; do
    upto=$BEFORE
    [ "$which" = after ] && upto=$AFTER
    conninfo=$(bench_create_pg_db "bytes_$which")
    bench_log "postgres, migrations <= $upto: loading $MESSAGES messages"
    pg_load "$conninfo" "$upto" | report postgres "$which"
  done
fi
if [ "$STORE" != postgres ]; then
  for which in before after; do
    upto=$BEFORE
    [ "$which" = after ] && upto=$AFTER
    bench_log "sqlite, migrations <= $upto: loading $MESSAGES messages"
    sqlite_load "$BENCH_TMP/bytes_$which.db" "$upto" | report sqlite "$which"
  done
fi
