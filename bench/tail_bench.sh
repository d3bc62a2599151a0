#!/usr/bin/env bash
# The tail after throughput bursts (issue 26; docs/BENCHMARKS.md "A flat tail"): on one broker
# and one throwaway PostgreSQL (logging every checkpoint and autovacuum), CYCLES times: a burst
# (10 pairs, window 64, BURST_S seconds), then the rate row (PAIRS pairs = 2*PAIRS connections,
# RATE msg/s, RATE_S seconds). Prints one JSON line per rate run: its ack p50/p99/p99.9/max,
# and what the server did in the background meanwhile (checkpoints started or finished,
# autovacuums and autoanalyzes by table, with their durations, from the server log; backends
# waiting on a lock or I/O, sampled every 100 ms from pg_stat_activity; WAL records, full-page
# images, bytes, fsyncs and the time spent in them (track_wal_io_timing) from pg_stat_wal;
# statements of 50 ms or more, from the server log; with
# --sweep, the retention sweep's progress), and the
# machine's load; first a "setup" line saying what was on (preload, sweep) and the store's size.
#   bench/tail_bench.sh [--build-dir DIR | --bench PATH --plugin PATH] [--cycles N] [--burst-s S]
#                       [--rate-s S] [--pairs P] [--rate R]
#                       [--sql "SQL run once after the broker migrated the store"]
#                       [--preload N] [--preload-conversations M] [--sweep] [--sweep-messages K]
#                       [--sweep-max-per-s R] [--quick]
#   --preload N: before the broker starts, N messages in M conversations (default N / 100)
#     loaded in bulk and indexed for search in bulk by bench/search's mqchat-search-corpus (the
#     search benchmark's corpus and loader: COPY, then the index built from the messages; 10M
#     messages take minutes), so the runs are on a store of that size.
#   --sweep: a retention sweep in the background of every rate run: CYCLES group conversations
#     of K old messages each (from 1970; default K = 1.2 x R x RATE_S, more than the sweeper
#     removes in a run at its ceiling R, plugin_opt_retention_max_per_s: the plugin's default,
#     10,000/s, unless --sweep-max-per-s sets it; with 0, no ceiling, K = 60,000 x RATE_S, more
#     than the unpaced PostgreSQL sweep removes, ~60,000/s) are loaded by SQL (and indexed) before
#     the broker starts; right before cycle c's rate run, conversation c gets a retention of 1
#     day (as mqchatctl conversation retention sets it), so the broker's sweeper
#     (plugin_opt_retention_sweep_ms 200, batches of plugin_opt_retention_batch, default 500)
#     removes its K messages while the rate run sends. Each line says how many it removed during
#     the run and how many were left at its end (0: the sweep ended before the run did; raise
#     --sweep-messages).
#   --quick: 1 cycle of a 1 s burst and 2 s at 100 msg/s over 10 pairs, with --preload 20000
#     (200 conversations) and --sweep --sweep-messages 5000 (bench/smoke_test.sh: the tool
#     works, no figures); options after it override.
# The build dir needs mqchat-bench, mqchat-search-corpus (for --preload and --sweep) and the
# plugin (cmake --build build --target mqchat-bench mqchat-search-corpus mqchat_plugin).
# Exit status 1 if a run failed, lost or duplicated anything, or the store does not end with
# exactly the preloaded messages plus every acked one (and, with --sweep, none of the old ones).
# Timing is never asserted.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
. "$SRC/bench/lib.sh"

BUILD=$SRC/build BENCH="" PLUGIN=""
CYCLES=6 BURST_S=5 RATE_S=10 PAIRS=1000 RATE=1000 EXTRA_SQL=""
PRELOAD=0 PRELOAD_CONVS="" SWEEP=false SWEEP_MSGS="" SWEEP_RATE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) BUILD=$2; shift 2 ;;
    --bench) BENCH=$2; shift 2 ;;
    --plugin) PLUGIN=$2; shift 2 ;;
    --cycles) CYCLES=$2; shift 2 ;;
    --burst-s) BURST_S=$2; shift 2 ;;
    --rate-s) RATE_S=$2; shift 2 ;;
    --pairs) PAIRS=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --sql) EXTRA_SQL=$2; shift 2 ;;
    --preload) PRELOAD=$2; shift 2 ;;
    --preload-conversations) PRELOAD_CONVS=$2; shift 2 ;;
    --sweep) SWEEP=true; shift ;;
    --sweep-messages) SWEEP_MSGS=$2; shift 2 ;;
    --sweep-max-per-s) SWEEP_RATE=$2; shift 2 ;;
    --quick) CYCLES=1 BURST_S=1 RATE_S=2 PAIRS=10 RATE=100 PRELOAD=20000 PRELOAD_CONVS=200
             SWEEP=true SWEEP_MSGS=5000; shift ;;
    -h|--help) sed -n '2,39p' "$0"; exit 0 ;;
    *) bench_die "unknown argument $1 (try --help)" ;;
  esac
done
[ -n "$PRELOAD_CONVS" ] || PRELOAD_CONVS=$(( PRELOAD / 100 > 0 ? PRELOAD / 100 : 1 ))
[[ "$SWEEP_RATE" =~ ^[0-9]*$ ]] || bench_die "--sweep-max-per-s is a whole number"
SWEEP_PACE=${SWEEP_RATE:-10000}
if [ -z "$SWEEP_MSGS" ]; then
  if [ "$SWEEP_PACE" = 0 ]; then SWEEP_MSGS=$(( 60000 * ${RATE_S%.*} ))
  else SWEEP_MSGS=$(( SWEEP_PACE * ${RATE_S%.*} * 6 / 5 )); fi
fi
[[ "$CYCLES$PRELOAD$PRELOAD_CONVS$SWEEP_MSGS" =~ ^[0-9]+$ ]] ||
  bench_die "--cycles, --preload, --preload-conversations and --sweep-messages are whole numbers"
[ "$PRELOAD" = 0 ] || [ "$PRELOAD" -ge "$PRELOAD_CONVS" ] ||
  bench_die "--preload needs at least one message per conversation"
BENCH=${BENCH:-$BUILD/bench/mqchat-bench}
PLUGIN=${PLUGIN:-$BUILD/plugin/mqchat_plugin.so}
CORPUS=$(dirname "$BENCH")/mqchat-search-corpus
[ -x "$BENCH" ] && [ -f "$PLUGIN" ] || bench_die "build mqchat-bench and mqchat_plugin in $BUILD"
if [ "$PRELOAD" -gt 0 ] || $SWEEP; then
  [ -x "$CORPUS" ] || bench_die "--preload and --sweep need $CORPUS (build mqchat-search-corpus)"
fi
command -v jq >/dev/null || bench_die "jq is required"

bench_init_tmp
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
bench_start_postgres
PG_LOG=$BENCH_TMP/pg/postgres.log
psql -X -q -v ON_ERROR_STOP=1 "$PG_CONNINFO" >/dev/null <<'SQL'
ALTER SYSTEM SET log_checkpoints = on;
ALTER SYSTEM SET log_autovacuum_min_duration = 0;
ALTER SYSTEM SET log_min_duration_statement = 50;
ALTER SYSTEM SET track_wal_io_timing = on;
SELECT pg_reload_conf();
SQL
bench_store_lines "$PLUGIN" postgres
EXTRA_LINES=""
$SWEEP && EXTRA_LINES="plugin_opt_retention_sweep_ms 200"
$SWEEP && [ -n "$SWEEP_RATE" ] && EXTRA_LINES+=$'\n'"plugin_opt_retention_max_per_s $SWEEP_RATE"
sql() { psql -X -q -At -v ON_ERROR_STOP=1 "$PG_CONNINFO" "$@"; }

# The old conversations of --sweep: ids after the preload's conversations, message ids after its
# messages (a broker issues ids above both when it starts). Conversation c (1..CYCLES) is
# OLD_BASE + c.
OLD_BASE=$PRELOAD_CONVS
[ "$PRELOAD" -gt 0 ] || OLD_BASE=0
old_sql() {
  local c conv mid
  echo "BEGIN;"
  for c in $(seq "$CYCLES"); do
    conv=$((OLD_BASE + c)) mid=$((PRELOAD + (c - 1) * SWEEP_MSGS))
    cat <<SQL
INSERT INTO conversations (conversation_id, kind, name, last_seq, member_count, last_activity_ms, created_by, created_at_ms)
  VALUES ($conv, 2, 'old $c', $SWEEP_MSGS, 2, 1000 + $SWEEP_MSGS, 'old0', 1000);
INSERT INTO members (conversation_id, username, role, read_seq, joined_at_ms)
  VALUES ($conv, 'old0', 2, $SWEEP_MSGS, 1000), ($conv, 'old1', 0, 0, 1000);
INSERT INTO messages (conversation_id, seq, message_id, sender, client_msg_id, body, created_at_ms)
  SELECT $conv, g, $mid + g, 'old0', 'old-' || g, 'an old message number ' || g || ' about the meeting', 1000 + g
  FROM generate_series(1, $SWEEP_MSGS) g;
SQL
  done
  echo "COMMIT;"
  echo "VACUUM ANALYZE conversations, members, messages;"
}

LOAD_S=0 INDEX_S=0
if [ "$PRELOAD" -gt 0 ] || $SWEEP; then
  # A broker creates the schema; the bulk data goes in while no broker runs.
  bench_start_mosquitto tail-schema "$STORE_LINES" "$EXTRA_LINES"
  bench_stop_pid "$BROKER_PID"
  t0=$(date +%s.%N)
  if [ "$PRELOAD" -gt 0 ]; then
    bench_log "preloading $PRELOAD messages in $PRELOAD_CONVS conversations (mqchat-search-corpus load)"
    "$CORPUS" load --postgres "$PG_CONNINFO" --messages "$PRELOAD" \
      --conversations "$PRELOAD_CONVS" >/dev/null || bench_die "the preload failed"
    PRELOAD=$(sql -c "SELECT count(*) FROM messages")  # whole conversations: N rounded down
  fi
  if $SWEEP; then
    bench_log "loading $CYCLES old conversations of $SWEEP_MSGS messages each for the sweep"
    old_sql | sql >/dev/null || bench_die "loading the old conversations failed"
  fi
  LOAD_S=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  bench_log "loaded in $LOAD_S s; building the search index in bulk (mqchat-search-corpus index)"
  t0=$(date +%s.%N)
  "$CORPUS" index --postgres "$PG_CONNINFO" >/dev/null || bench_die "the bulk index failed"
  sql -c "CHECKPOINT" >/dev/null
  INDEX_S=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
fi
bench_start_mosquitto tail "$STORE_LINES" "$EXTRA_LINES"
if [ -n "$EXTRA_SQL" ]; then
  sql -c "$EXTRA_SQL" >/dev/null
fi
jq -n -c --argjson preload "$PRELOAD" --argjson convs "$PRELOAD_CONVS" --argjson sweep "$SWEEP" \
  --argjson sweep_msgs "$SWEEP_MSGS" --argjson load_s "$LOAD_S" --argjson index_s "$INDEX_S" \
  --argjson bytes "$(sql -c "SELECT pg_database_size(current_database())")" \
  --arg sql "$EXTRA_SQL" --argjson cycles "$CYCLES" --argjson pairs "$PAIRS" --argjson rate "$RATE" \
  '{setup: {preload_messages: $preload, preload_conversations: (if $preload > 0 then $convs else 0 end),
            sweep: $sweep, sweep_messages_per_run: (if $sweep then $sweep_msgs else 0 end),
            load_s: $load_s, index_s: $index_s, store_bytes: $bytes, sql: $sql,
            cycles: $cycles, pairs: $pairs, rate: $rate}}'

# sample_activity OUT: every 100 ms, the store's backends waiting (wait_event_type Lock, IO or
# LWLock) and the autovacuum workers at work, one line per sample, until killed.
sample_activity() {
  psql -X -At -F' ' "$PG_CONNINFO" >"$1" 2>/dev/null <<'SQL' || true
SELECT 'sample', count(*) FILTER (WHERE wait_event_type = 'Lock'),
  count(*) FILTER (WHERE wait_event_type = 'IO'), count(*) FILTER (WHERE wait_event_type = 'LWLock'),
  count(*) FILTER (WHERE backend_type = 'autovacuum worker')
  FROM pg_stat_activity WHERE datname = current_database() OR backend_type = 'autovacuum worker'
\watch 0.1
SQL
}

# wal_counters: WAL records, full-page images, bytes, fsyncs and µs spent in them so far
# (pg_stat_wal), one line.
wal_counters() {
  psql -X -At -F' ' "$PG_CONNINFO" -c \
    "SELECT wal_records, wal_fpi, wal_bytes, wal_sync, (wal_sync_time * 1000)::bigint FROM pg_stat_wal"
}
old_left() { sql -c "SELECT count(*) FROM messages WHERE conversation_id = $((OLD_BASE + $1))"; }

STATUS=0 ACKED=0
# bench_run LABEL OUT ARGS...: one mqchat-bench run, its JSON in OUT; a failure (exit status,
# lost, duplicated) is logged and fails the tool.
bench_run() {
  local label=$1 out=$2 rc=0; shift 2
  timeout 900 "$BENCH" "$@" --port "$BROKER_PORT" --jwt-secret "$BENCH_JWT_SECRET" --json \
    >"$out" 2>"$BENCH_TMP/bench.err" || rc=$?
  if ! jq -e . "$out" >/dev/null 2>&1; then
    bench_log "$label: no result (exit $rc)"; tail -5 "$BENCH_TMP/bench.err" >&2
    echo '{}' >"$out"; STATUS=1; return 0
  fi
  ACKED=$((ACKED + $(jq '.acked // 0' "$out")))
  if [ "$rc" != 0 ] || ! jq -e '.ok == true and .lost == 0 and .duplicated == 0' "$out" >/dev/null; then
    bench_log "$label: FAILED (exit $rc): $(jq -c '{ok, lost, duplicated, errors, error_samples}' "$out")"
    STATUS=1
  fi
}

for cycle in $(seq "$CYCLES"); do
  bench_run "burst $cycle" "$BENCH_TMP/burst.json" --scenario pairs --pairs 10 --window 64 \
    --duration "$BURST_S" --prefix "b$cycle-"
  from=$(wc -l <"$PG_LOG")
  read -r rec0 fpi0 bytes0 sync0 sync_us0 <<<"$(wal_counters)"
  read -r load1 _ </proc/loadavg
  sweep="null"
  if $SWEEP; then
    # The operator's change, as mqchatctl conversation retention makes it (minus the audit row).
    sql -c "UPDATE conversations SET retention_days = 1 WHERE conversation_id = $((OLD_BASE + cycle))" >/dev/null
  fi
  sample_activity "$BENCH_TMP/activity.txt" &
  sampler=$!
  start=$(date +%s.%N)
  bench_run "rate $cycle" "$BENCH_TMP/rate.json" --scenario rate --pairs "$PAIRS" --rate "$RATE" \
    --duration "$RATE_S" --prefix "r$cycle-"
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  if $SWEEP; then
    left=$(old_left "$cycle")
    sweep="{\"removed\":$((SWEEP_MSGS - left)),\"left_at_end\":$left}"
    [ "$left" -gt 0 ] || bench_log "rate $cycle: the sweep ended before the run did (raise --sweep-messages)"
  fi
  read -r rec1 fpi1 bytes1 sync1 sync_us1 <<<"$(wal_counters)"
  syncs=$((sync1 - sync0)) sync_us=$((sync_us1 - sync_us0))
  wal="{\"records\":$((rec1 - rec0)),\"fpi\":$((fpi1 - fpi0)),\"bytes\":$((bytes1 - bytes0)),"
  wal+="\"fsyncs\":$syncs,\"fsync_ms\":$((sync_us / 1000)),\"fsync_mean_us\":$((syncs > 0 ? sync_us / syncs : 0))}"
  # Background work logged during the rate run: "automatic vacuum of table "mqchat.public.x"",
  # "automatic analyze of table ...", "checkpoint starting/complete", each with its elapsed.
  events=$(tail -n +"$((from + 1))" "$PG_LOG" |
    sed -n -e 's/.*automatic \(vacuum\|analyze\) of table "[^.]*\.[^.]*\.\([^"]*\)".*/\1:\2/p' \
           -e 's/.*checkpoint starting: \(.*\)/checkpoint starting (\1)/p' \
           -e 's/.*\(checkpoint complete\).*/\1/p' | sort | uniq -c |
    awk '{ $1 = $1 "x"; print }' | paste -sd, -)
  # Statements that took 50 ms or more on the server during the rate run (log_min_duration_statement):
  # how many, the longest, and what it was (a stall inside PostgreSQL shows here; one outside it,
  # in the client or the network, does not).
  read -r slow_n slow_ms slow_what <<<"$(tail -n +"$((from + 1))" "$PG_LOG" | awk '
    match($0, /duration: [0-9.]+ ms/) {
      d = substr($0, RSTART + 10, RLENGTH - 13) + 0; n++
      if (d > m) { m = d; w = substr($0, RSTART + RLENGTH); sub(/^ +/, "", w); w = substr(w, 1, 60) }
    }
    END { printf "%d %.1f %s\n", n, m, (w == "" ? "-" : w) }')"
  slow=$(jq -cn --argjson n "$slow_n" --argjson ms "$slow_ms" --arg what "$slow_what" \
    '{count: $n, max_ms: $ms, slowest: $what}')
  waits=$(awk '$1 == "sample" { n++; if ($2 > 0) l++; if ($3 > 0) io++; if ($4 > 0) lw++; if ($5 > 0) av++ }
    END { printf "{\"samples\":%d,\"lock\":%d,\"io\":%d,\"lwlock\":%d,\"autovacuum\":%d}", n, l, io, lw, av }' \
    "$BENCH_TMP/activity.txt")
  jq -c --arg cycle "$cycle" --arg events "$events" --argjson waits "$waits" --argjson wal "$wal" --argjson slow "$slow" --arg load "$load1" \
    --arg start "$start" --slurpfile burst "$BENCH_TMP/burst.json" --argjson sweep "$sweep" \
    --argjson preload "$PRELOAD" \
    '{cycle: ($cycle | tonumber), start: ($start | tonumber | floor), load1: ($load | tonumber),
      preload: $preload, sweep: $sweep,
      burst_acked_per_s: $burst[0].acked_per_s, acked_per_s, ack_ms: .ack_latency_ms,
      lost, duplicated, ok, background: $events, wal: $wal, waits_sampled: $waits,
      slow_statements: $slow}' "$BENCH_TMP/rate.json"
done

# The store at the end: the preload and every acked message, and (--sweep) none of the old ones
# once the sweeper is done with them.
old_n=0
$SWEEP && old_n=$CYCLES
old_range="conversation_id > $OLD_BASE AND conversation_id <= $((OLD_BASE + old_n))"
if $SWEEP; then
  deadline=$(( $(date +%s) + 1800 ))
  while [ "$(sql -c "SELECT count(*) FROM messages WHERE $old_range")" -gt 0 ]; do
    if [ "$(date +%s)" -ge "$deadline" ]; then bench_log "the sweep did not finish in 30 minutes"; STATUS=1; break; fi
    kill -0 "$BROKER_PID" 2>/dev/null || { bench_log "the broker stopped"; STATUS=1; break; }
    sleep 0.5  # polling the sweep's progress, bounded by the deadline
  done
fi
stored=$(sql -c "SELECT count(*) FROM messages WHERE NOT ($old_range)")
if [ "$stored" != $((PRELOAD + ACKED)) ]; then
  bench_log "the store holds $stored messages outside the sweep's, not the $PRELOAD preloaded + $ACKED acked"
  STATUS=1
else
  bench_log "the store holds the $PRELOAD preloaded and $ACKED acked messages$($SWEEP && echo ", none of the swept ones")"
fi
[ "$STATUS" = 0 ] || bench_log "tail_bench FAILED"
exit $STATUS
