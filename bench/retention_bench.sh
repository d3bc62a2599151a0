#!/usr/bin/env bash
# Retention sweep under load (issue 24; docs/BENCHMARKS.md "Retention sweep"): bulk-loads N old
# messages into one group conversation straight into the store (SQL, as bench/search_bench.sh
# loads its corpus: seconds, not hours through the broker), then measures send-to-ack latency
# with mqchat-bench (10 pairs at --rate msg/s in their own direct conversations) twice on the
# same broker: first with nothing expired (the conversation keeps its messages), then right
# after the conversation is given a retention of 1 day, so the broker's retention sweeper removes
# all N (every one is from 1970) in batches of --batch while the pairs send. Prints both p99s,
# how many of the N the sweep removed during the second run, and how long the whole sweep took.
# usage: bench/retention_bench.sh [--messages N] [--stores "sqlite postgres"] [--duration S]
#                                 [--rate R] [--batch B] [--batch-us U] [--max-per-s M] [--quick]
#                                 [--build-dir DIR]
#                                 [--bench PATH --plugin PATH]
#   N 1,000,000 by default; S 30 s per measured run (each run's send phase); R 500 msg/s over
#   the 10 pairs; B plugin_opt_retention_batch (500, the default); U plugin_opt_retention_batch_us
#   (SQLite: each batch sized to take about U µs, at most B entries; 0: B every batch; unset:
#   the plugin's default, 1000); M plugin_opt_retention_max_per_s (the sweep's ceiling in entries
#   a second; 0: none; unset: the plugin's default, 10,000); --quick: 20,000 messages,
#   2 s runs, SQLite only (bench/smoke_test.sh runs it: the tool works, no figures).
#   Search indexing is off (plugin_opt_search_index false) so the indexer does not read the
#   corpus meanwhile; the sweeper runs every 200 ms (plugin_opt_retention_sweep_ms).
# Exit status 1 if a run lost, duplicated or failed anything, or the sweep did not remove exactly
# the N old messages (and nothing the pairs sent) within 30 minutes. Timing is never asserted.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
source "$HERE/lib.sh"

MESSAGES=1000000 STORES="sqlite postgres" DURATION=30 RATE=500 BATCH=500 BATCH_US="" MAX_PER_S=""
BUILD_DIR="$REPO/build-bench" BENCH="" PLUGIN=""
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) MESSAGES=$2; shift 2 ;;
    --stores) STORES=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --batch) BATCH=$2; shift 2 ;;
    --batch-us) BATCH_US=$2; shift 2 ;;
    --max-per-s) MAX_PER_S=$2; shift 2 ;;
    --quick) MESSAGES=20000 DURATION=2 STORES=sqlite; shift ;;
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --bench) BENCH=$2; shift 2 ;;
    --plugin) PLUGIN=$2; shift 2 ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done
[[ "$MESSAGES$BATCH$BATCH_US$MAX_PER_S" =~ ^[0-9]+$ ]] ||
  bench_die "--messages, --batch, --batch-us and --max-per-s are whole numbers"
bench_tools "$BUILD_DIR" "$REPO"
command -v jq >/dev/null || bench_die "jq is required"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
bench_init_tmp

CONV=1  # the old conversation; the pairs' conversations get ids from the broker (far above)

# The old conversation as SQL for store $1: group 1 of r0 (owner) and r1, and N messages of
# r0 sent at 1970-01-01T00:00:01Z + seq ms, so any retention expires them all.
corpus_sql() {
  local store=$1
  if [ "$store" = postgres ]; then
    cat <<SQL
BEGIN;
INSERT INTO conversations (conversation_id, kind, name, last_seq, member_count, last_activity_ms, created_by, created_at_ms)
  VALUES ($CONV, 2, 'old', $MESSAGES, 2, 1000 + $MESSAGES, 'r0', 1000);
INSERT INTO members (conversation_id, username, role, read_seq, joined_at_ms)
  VALUES ($CONV, 'r0', 2, $MESSAGES, 1000), ($CONV, 'r1', 0, 0, 1000);
INSERT INTO messages (conversation_id, seq, message_id, sender, client_msg_id, body, created_at_ms)
  SELECT $CONV, g, g, 'r0', 'old-' || g, 'an old message number ' || g, 1000 + g
  FROM generate_series(1, $MESSAGES) g;
COMMIT;
ANALYZE;
SQL
  else
    cat <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
INSERT INTO conversations (conversation_id, kind, name, last_seq, member_count, last_activity_ms, created_by, created_at_ms)
  VALUES ($CONV, 2, 'old', $MESSAGES, 2, 1000 + $MESSAGES, 'r0', 1000);
INSERT INTO members (conversation_id, username, role, read_seq, joined_at_ms)
  VALUES ($CONV, 'r0', 2, $MESSAGES, 1000), ($CONV, 'r1', 0, 0, 1000);
WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < $MESSAGES)
INSERT INTO messages (conversation_id, seq, message_id, sender, client_msg_id, body, created_at_ms)
  SELECT $CONV, g, g, 'r0', 'old-' || g, 'an old message number ' || g, 1000 + g FROM s;
COMMIT;
ANALYZE;
SQL
  fi
}

expired_through() {
  echo "SELECT expired_through_seq FROM conversations WHERE conversation_id = $CONV;" | bench_sql "$1"
}
now_s() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.1f", b - a }'; }

# measure STORE LABEL PORT: one mqchat-bench run; prints its JSON; fails the script if it did not
# end OK.
measure() {
  local store=$1 label=$2 port=$3 out="$BENCH_TMP/$1-$2.json"
  if ! timeout $((DURATION + 120)) "$BENCH" --scenario rate --pairs 10 --rate "$RATE" \
       --duration "$DURATION" --drain 30 --port "$port" --jwt-secret "$BENCH_JWT_SECRET" \
       --prefix "ret${label}$$" --json >"$out"; then
    bench_log "$store $label: mqchat-bench failed: $(jq -c '.error_samples // empty' "$out" 2>/dev/null)"
    STATUS=1
  fi
  cat "$out"
}

STATUS=0 ROWS=""
for store in $STORES; do
  bench_store_lines "$PLUGIN" "$store"
  extra=$'plugin_opt_search_index false\nplugin_opt_retention_sweep_ms 200\n'"plugin_opt_retention_batch $BATCH"
  [ -z "$BATCH_US" ] || extra+=$'\n'"plugin_opt_retention_batch_us $BATCH_US"
  [ -z "$MAX_PER_S" ] || extra+=$'\n'"plugin_opt_retention_max_per_s $MAX_PER_S"
  # A broker creates the schema; the old messages go in while no broker runs.
  bench_start_mosquitto "$store-schema" "$STORE_LINES" "$extra"
  bench_stop_pid "$BROKER_PID"
  bench_log "$store: loading $MESSAGES old messages into conversation $CONV"
  t0=$(now_s)
  corpus_sql "$store" | bench_sql "$store" >/dev/null
  load_s=$(elapsed "$t0")
  bench_log "$store: loaded in $load_s s"

  bench_start_mosquitto "$store" "$STORE_LINES" "$extra"
  pid=$BROKER_PID port=$BROKER_PORT
  bench_log "$store: pairs alone (nothing expired), ${DURATION} s at $RATE msg/s"
  alone=$(measure "$store" alone "$port")
  [ "$(expired_through "$store")" = 0 ] || { bench_log "$store: expired with no retention set"; STATUS=1; }

  # The operator's change, as mqchatctl conversation retention makes it (minus the audit row).
  echo "UPDATE conversations SET retention_days = 1 WHERE conversation_id = $CONV;" | bench_sql "$store"
  t0=$(now_s)
  bench_log "$store: pairs while the sweeper removes the $MESSAGES messages"
  sweep=$(measure "$store" sweep "$port")
  during=$(expired_through "$store")
  deadline=$(( $(date +%s) + 1800 ))
  while [ "$(expired_through "$store")" -lt "$MESSAGES" ]; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      bench_log "$store: the sweep did not finish in 30 minutes"; STATUS=1; break
    fi
    kill -0 "$pid" 2>/dev/null || { bench_log "$store: the broker stopped"; STATUS=1; break; }
    sleep 0.5
  done
  sweep_s=$(elapsed "$t0")
  left=$(echo "SELECT count(*) FROM messages WHERE conversation_id = $CONV;" | bench_sql "$store")
  others=$(echo "SELECT count(*) FROM messages WHERE conversation_id <> $CONV;" | bench_sql "$store")
  acked=$(( $(jq '.acked' <<<"$alone") + $(jq '.acked' <<<"$sweep") ))
  if [ "$left" != 0 ] || [ "$others" != "$acked" ]; then
    bench_log "$store: after the sweep $left old messages are left and $others of the pairs' $acked stored"
    STATUS=1
  fi
  bench_log "$store: the sweep took $sweep_s s ($during removed by the end of the second run)"
  ROWS+="| $store | $MESSAGES | $BATCH${BATCH_US:+ / ${BATCH_US} µs} | $(bench_p50_p99 "$alone") | $(bench_p50_p99 "$sweep") | $during | $sweep_s |"$'\n'
  bench_stop_pid "$pid"
done

echo
echo "Retention sweep, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ); 10 pairs at $RATE msg/s for ${DURATION} s per run"
echo
echo "| store | expired messages | batch | send->ack p50 / p99 ms, alone | p50 / p99 ms, during the sweep | removed during that run | whole sweep s |"
echo "|---|---|---|---|---|---|---|"
printf '%s' "$ROWS"
exit $STATUS
