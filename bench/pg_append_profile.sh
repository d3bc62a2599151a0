#!/usr/bin/env bash
# Where a PostgreSQL send batch's time goes (issue 20): runs one mqchat-bench row against a
# broker on a throwaway cluster with pg_stat_statements and WAL timing on, and prints
#  - the writer's statements per batch and each one's mean server time (pg_stat_statements;
#    a batch = one call of the conversation-lock statement, mqchat_chat_lock_for_append),
#  - its round trips per batch: the writes (sendto) of the writer's server process, counted
#    with strace over most of the send phase (a round trip is one answer the server writes
#    back: one per statement without pipelining, one per flush/sync point with it),
#  - the commits' WAL flush (pg_stat_wal: syncs and mean sync time).
# usage: bench/pg_append_profile.sh [--build-dir DIR] [--duration S] [ARGS for mqchat-bench]
#   default row: --scenario rate --pairs 10 --rate 1000 (send phase --duration, default 10 s)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
source "$HERE/lib.sh"

BUILD_DIR="$REPO/build-bench" DURATION=10
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) break ;;
  esac
done
ROW=("$@")
[ ${#ROW[@]} -gt 0 ] || ROW=(--scenario rate --pairs 10 --rate 1000)
command -v strace >/dev/null || bench_die "strace is required"
bench_build "$BUILD_DIR" "$REPO"
BENCH=$BUILD_DIR/bench/mqchat-bench
PLUGIN=$BUILD_DIR/plugin/mqchat_plugin.so

trap bench_cleanup EXIT
trap 'exit 130' INT TERM
bench_init_tmp
bench_start_postgres
psql_q() { "$PG_BIN/psql" -X -q -A -t -h 127.0.0.1 -p "$PG_PORT" -U postgres -d mqchat "$@"; }
psql_q -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" \
  -c "ALTER SYSTEM SET track_wal_io_timing = on" -c "ALTER SYSTEM SET track_io_timing = on"
as_postgres "$PG_BIN/pg_ctl" -D "$BENCH_PG_DATA" -w -t 60 restart >/dev/null
psql_q -c "CREATE EXTENSION pg_stat_statements"
bench_start_mosquitto postgres "$(bench_plugin_lines "$PLUGIN" postgres)"

psql_q -c "SELECT pg_stat_statements_reset()" -c "SELECT pg_stat_reset_shared('wal')" >/dev/null
"$BENCH" "${ROW[@]}" --port "$BROKER_PORT" --jwt-secret "$BENCH_JWT_SECRET" \
  --duration "$DURATION" --json --prefix profile- >"$BENCH_TMP/run.json" 2>"$BENCH_TMP/run.err" &
bench=$!
# The send phase starts after the bench's setup: trace the server processes from when the
# writer has locked its first batch, for the send phase.
for _ in $(seq 600); do
  n=$(psql_q -c "SELECT COALESCE(sum(calls), 0) FROM pg_stat_statements WHERE query LIKE
                 'SELECT conversation_id, last_seq, slow_mode_s FROM conversations%'")
  [ "$n" -gt 0 ] && break
  sleep 0.1
done
# The writer's server process: the one seen running an append statement (the lookup or the
# write take longest); other processes (readers, the search indexer) are not counted.
writer=""
for _ in $(seq 200); do
  writer=$(psql_q -c "SELECT pid FROM pg_stat_activity WHERE datname = 'mqchat' AND
                      (query LIKE 'SELECT k.ord, (SELECT mb.role%' OR query LIKE 'WITH alloc AS%')
                      AND state = 'active' LIMIT 1")
  [ -n "$writer" ] && break
  sleep 0.02
done
[ -n "$writer" ] || bench_die "the writer's server process was not seen"
calls0=$(psql_q -c "SELECT COALESCE(sum(calls), 0) FROM pg_stat_statements WHERE query LIKE
                    'SELECT conversation_id, last_seq, slow_mode_s FROM conversations%'")
timeout -s INT "$((DURATION * 6 / 10))" strace -e trace=sendto -o "$BENCH_TMP/st" -p "$writer" \
  2>/dev/null || true
calls1=$(psql_q -c "SELECT COALESCE(sum(calls), 0) FROM pg_stat_statements WHERE query LIKE
                    'SELECT conversation_id, last_seq, slow_mode_s FROM conversations%'")
wait "$bench" || bench_log "mqchat-bench exited with $?"

busiest=$(grep -c '^sendto' "$BENCH_TMP/st" || true)
batches=$(psql_q -c "SELECT calls FROM pg_stat_statements WHERE query LIKE
                     'SELECT conversation_id, last_seq, slow_mode_s FROM conversations%'")
echo "row: ${ROW[*]} (${DURATION} s); $(jq -r '"acked/s \(.acked_per_s | floor), send->deliver p50 \(.delivery_latency_ms.p50) ms, p99 \(.delivery_latency_ms.p99) ms, lost \(.lost), dup \(.duplicated)"' "$BENCH_TMP/run.json")"
echo "batches (conversation-lock calls): $batches; acked messages per batch:" \
  "$(jq -r --argjson b "$batches" 'if $b > 0 then (.acked // 0) / $b * 100 | round / 100 else 0 end' "$BENCH_TMP/run.json")"
echo "round trips per batch (the writer's server process: its writes / batches while traced):" \
  "$(awk -v s="$busiest" -v b="$((calls1 - calls0))" 'BEGIN { if (b > 0) printf "%.2f (%d / %d)", s / b, s, b }')"
echo
echo "Statements per batch and mean server time (pg_stat_statements, whole run):"
echo
echo "| statement | calls per batch | mean ms | total ms per batch |"
echo "|---|---|---|---|"
psql_q -F ' | ' -c "SELECT '\`' || left(regexp_replace(query, '\s+', ' ', 'g'), 60) || '\`',
                     round(calls::numeric / $batches, 2), round(mean_exec_time::numeric, 3),
                     round((total_exec_time / $batches)::numeric, 3)
                     FROM pg_stat_statements WHERE calls >= $batches / 2
                     ORDER BY total_exec_time DESC" | sed 's/^/| /; s/$/ |/'
echo
psql_q -F ' ' -c "SELECT 'WAL: ' || wal_sync || ' syncs (' || round(wal_sync::numeric / $batches, 2)
                  || ' per batch), mean sync ' || round((wal_sync_time / NULLIF(wal_sync, 0))::numeric, 3)
                  || ' ms, ' || wal_write || ' writes' FROM pg_stat_wal"
