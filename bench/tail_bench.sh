#!/usr/bin/env bash
# The tail after throughput bursts (issue 26; docs/BENCHMARKS.md "A flat tail"): on one broker
# and one throwaway PostgreSQL (logging every checkpoint and autovacuum), CYCLES times: a burst
# (10 pairs, window 64, BURST_S seconds), then the rate row (PAIRS pairs = 2*PAIRS connections,
# RATE msg/s, RATE_S seconds). Prints one JSON line per rate run: its ack p50/p99/p99.9/max,
# and what the server did in the background meanwhile (checkpoints started or finished,
# autovacuums and autoanalyzes by table, with their durations, from the server log; backends
# waiting on a lock or I/O, sampled every 100 ms from pg_stat_activity; WAL records, full-page
# images and bytes from pg_stat_wal), and the machine's load.
#   bench/tail_bench.sh [--build-dir DIR] [--cycles N] [--burst-s S] [--rate-s S] [--pairs P]
#                       [--rate R] [--sql "SQL run once after the broker migrated the store"]
# The build dir needs mqchat-bench and the plugin (scripts/build.sh --target mqchat-bench
# --target mqchat_plugin).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
. "$SRC/bench/lib.sh"

BUILD=$SRC/build
CYCLES=6
BURST_S=5
RATE_S=10
PAIRS=1000
RATE=1000
EXTRA_SQL=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) BUILD=$2; shift 2 ;;
    --cycles) CYCLES=$2; shift 2 ;;
    --burst-s) BURST_S=$2; shift 2 ;;
    --rate-s) RATE_S=$2; shift 2 ;;
    --pairs) PAIRS=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --sql) EXTRA_SQL=$2; shift 2 ;;
    *) bench_die "unknown argument $1" ;;
  esac
done
BENCH=$BUILD/bench/mqchat-bench
PLUGIN=$BUILD/plugin/mqchat_plugin.so
[ -x "$BENCH" ] && [ -f "$PLUGIN" ] || bench_die "build mqchat-bench and mqchat_plugin in $BUILD"

bench_init_tmp
trap bench_cleanup EXIT
bench_start_postgres
PG_LOG=$BENCH_TMP/pg/postgres.log
psql -X -q -v ON_ERROR_STOP=1 "$PG_CONNINFO" >/dev/null <<'SQL'
ALTER SYSTEM SET log_checkpoints = on;
ALTER SYSTEM SET log_autovacuum_min_duration = 0;
SELECT pg_reload_conf();
SQL
bench_store_lines "$PLUGIN" postgres
bench_start_mosquitto tail "$STORE_LINES"
if [ -n "$EXTRA_SQL" ]; then
  psql -X -q -v ON_ERROR_STOP=1 "$PG_CONNINFO" -c "$EXTRA_SQL" >/dev/null
fi

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

# wal_counters: WAL records, full-page images and bytes so far (pg_stat_wal), one line.
wal_counters() {
  psql -X -At -F' ' "$PG_CONNINFO" -c "SELECT wal_records, wal_fpi, wal_bytes FROM pg_stat_wal"
}

for cycle in $(seq "$CYCLES"); do
  "$BENCH" --scenario pairs --pairs 10 --window 64 --duration "$BURST_S" --port "$BROKER_PORT" \
    --jwt-secret "$BENCH_JWT_SECRET" --json --prefix "b$cycle-" >"$BENCH_TMP/burst.json" 2>/dev/null
  from=$(wc -l <"$PG_LOG")
  read -r rec0 fpi0 bytes0 <<<"$(wal_counters)"
  read -r load1 _ </proc/loadavg
  sample_activity "$BENCH_TMP/activity.txt" &
  sampler=$!
  start=$(date +%s.%N)
  "$BENCH" --scenario rate --pairs "$PAIRS" --rate "$RATE" --duration "$RATE_S" \
    --port "$BROKER_PORT" --jwt-secret "$BENCH_JWT_SECRET" --json --prefix "r$cycle-" \
    >"$BENCH_TMP/rate.json" 2>/dev/null
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  read -r rec1 fpi1 bytes1 <<<"$(wal_counters)"
  wal="{\"records\":$((rec1 - rec0)),\"fpi\":$((fpi1 - fpi0)),\"bytes\":$((bytes1 - bytes0))}"
  # Background work logged during the rate run: "automatic vacuum of table "mqchat.public.x"",
  # "automatic analyze of table ...", "checkpoint starting/complete", each with its elapsed.
  events=$(tail -n +"$((from + 1))" "$PG_LOG" |
    sed -n -e 's/.*automatic \(vacuum\|analyze\) of table "[^.]*\.[^.]*\.\([^"]*\)".*/\1:\2/p' \
           -e 's/.*checkpoint starting: \(.*\)/checkpoint starting (\1)/p' \
           -e 's/.*\(checkpoint complete\).*/\1/p' | sort | uniq -c |
    awk '{ $1 = $1 "x"; print }' | paste -sd, -)
  waits=$(awk '$1 == "sample" { n++; if ($2 > 0) l++; if ($3 > 0) io++; if ($4 > 0) lw++; if ($5 > 0) av++ }
    END { printf "{\"samples\":%d,\"lock\":%d,\"io\":%d,\"lwlock\":%d,\"autovacuum\":%d}", n, l, io, lw, av }' \
    "$BENCH_TMP/activity.txt")
  jq -c --arg cycle "$cycle" --arg events "$events" --argjson waits "$waits" --argjson wal "$wal" --arg load "$load1" \
    --arg start "$start" --slurpfile burst "$BENCH_TMP/burst.json" \
    '{cycle: ($cycle | tonumber), start: ($start | tonumber | floor), load1: ($load | tonumber),
      burst_acked_per_s: $burst[0].acked_per_s, acked_per_s, ack_ms: .ack_latency_ms,
      lost, background: $events, wal: $wal, waits_sampled: $waits}' "$BENCH_TMP/rate.json"
done
