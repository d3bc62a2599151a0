#!/usr/bin/env bash
# Flood protection under load (issue 24; docs/BENCHMARKS.md "Flood"): one authenticated user
# floods a group of 100 as fast as the broker answers while five quiet pairs chat, on a broker
# with the plugin's default send limits (5 messages/s and 20 at once per user, a fan-out budget
# of 2,000 deliveries/s; BENCH_SEND_LIMITS=on). Two mqchat-bench runs of the quiet pairs
# (--scenario rate --pairs 5 --rate QUIET: QUIET msg/s over the five senders) on one broker:
# alone, then while the flooder (--scenario group --group-size 100 --senders 1 --window 64: 64
# sends in flight, each refusal resent 10 ms later, as a client that ignores retry_after_ms) runs
# its send phase around them. Prints the quiet pairs' send->ack p50 / p99 alone and under flood,
# and the flooder's sends, refusals (RATE_LIMITED, retryable), acks and stored messages: each
# message it sent is stored once (checked in the store: one row per client_msg_id) once it has
# been let through; the order in which an in-order client's refused messages are stored is
# tests/integration/flood_test.cpp's (SDK outbox), since mqchat-bench resends out of order.
# usage: bench/flood_bench.sh [--stores "sqlite postgres"] [--duration S] [--quiet-rate R]
#                             [--flooder-nice N] [--quick] [--build-dir DIR]
#                             [--bench PATH --plugin PATH]
#   S 12 s (the quiet pairs' send phase; the flooder's is S + 10, started first); R 10 msg/s;
#   --flooder-nice N: the flooder runs at nice N (default 0): on a 2-core machine its own CPU
#   (a remote attacker's, in a deployment) then comes only from what the server leaves;
#   --quick: 1 s, SQLite only, a flooder's window of 8 and 4 s margin (bench/smoke_test.sh runs
#   it: the tool works, no figures).
# Exit status 1 if a quiet run lost, duplicated or failed anything, the flooder was never refused
# or lost or duplicated a message, or the store holds a flooder's message twice or other than
# the ones acked. Timing is never
# asserted.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
source "$HERE/lib.sh"

STORES="sqlite postgres" DURATION=12 QUIET_RATE=10 FLOOD_WINDOW=64 MARGIN=10
BUILD_DIR="$REPO/build-bench" BENCH="" PLUGIN="" FLOODER_NICE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --stores) STORES=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --quiet-rate) QUIET_RATE=$2; shift 2 ;;
    --flooder-nice) FLOODER_NICE=$2; shift 2 ;;
    --quick) DURATION=1 STORES=sqlite FLOOD_WINDOW=8 MARGIN=4; shift ;;
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --bench) BENCH=$2; shift 2 ;;
    --plugin) PLUGIN=$2; shift 2 ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done
bench_tools "$BUILD_DIR" "$REPO"
command -v jq >/dev/null || bench_die "jq is required"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
bench_init_tmp
export BENCH_SEND_LIMITS=on  # bench_plugin_lines keeps the plugin's default send limits

# quiet STORE LABEL PORT: the five pairs; prints the JSON; a failed run fails the script.
quiet() {
  local out="$BENCH_TMP/$1-quiet-$2.json"
  if ! timeout $((DURATION + 120)) "$BENCH" --scenario rate --pairs 5 --rate "$QUIET_RATE" \
       --duration "$DURATION" --port "$3" --jwt-secret "$BENCH_JWT_SECRET" \
       --prefix "q$2$$" --json >"$out"; then
    bench_log "$1 quiet $2: mqchat-bench failed: $(jq -c '.error_samples // empty' "$out" 2>/dev/null)"
    STATUS=1
  fi
  cat "$out"
}

STATUS=0 ROWS=""
for store in $STORES; do
  bench_store_lines "$PLUGIN" "$store"
  bench_start_mosquitto "$store" "$STORE_LINES"
  pid=$BROKER_PID port=$BROKER_PORT

  bench_log "$store: quiet pairs alone, ${DURATION} s at $QUIET_RATE msg/s"
  alone=$(quiet "$store" alone "$port")

  # The flooder: its send phase (DURATION + MARGIN s) covers the quiet run, which starts at the
  # same time and whose setup (10 connections) is shorter than the flooder's (100 connections
  # and the group), well within the margin.
  flood_prefix="f$$"
  flood_out="$BENCH_TMP/$store-flood.json"
  bench_log "$store: flooder (group of 100, window $FLOOD_WINDOW, nice $FLOODER_NICE) and the quiet pairs"
  timeout $((DURATION + 200)) nice -n "$FLOODER_NICE" "$BENCH" --scenario group --group-size 100 --senders 1 \
    --window "$FLOOD_WINDOW" --duration $((DURATION + MARGIN)) --drain 120 --port "$port" --jwt-secret "$BENCH_JWT_SECRET" \
    --prefix "$flood_prefix" --json >"$flood_out" &
  flooder=$!
  under=$(quiet "$store" flood "$port")
  flood_rc=0
  wait "$flooder" || flood_rc=$?
  flood=$(cat "$flood_out")
  if [ "$flood_rc" != 0 ]; then
    bench_log "$store: the flooder's run failed (exit $flood_rc): $(jq -c '.error_samples // empty' <<<"$flood" 2>/dev/null)"
    STATUS=1
  fi
  refused=$(jq '.retryable_errors // 0' <<<"$flood")
  [ "$refused" -gt 0 ] || { bench_log "$store: the flooder was never refused"; STATUS=1; }
  # Every stored message of the flooder once: one row per client_msg_id.
  twice=$(echo "SELECT count(*) - count(DISTINCT client_msg_id) FROM messages WHERE sender = '${flood_prefix}g0';" |
    bench_sql "$store")
  stored=$(echo "SELECT count(*) FROM messages WHERE sender = '${flood_prefix}g0';" | bench_sql "$store")
  [ "$twice" = 0 ] || { bench_log "$store: $twice of the flooder's messages are stored twice"; STATUS=1; }
  if [ "$stored" != "$(jq -r '.acked' <<<"$flood")" ]; then
    bench_log "$store: the flooder has $stored messages stored but $(jq -r '.acked' <<<"$flood") acked"
    STATUS=1
  fi
  ROWS+="| $store | $(bench_p50_p99 "$alone") | $(bench_p50_p99 "$under") | $(jq -r '.sent' <<<"$flood") | $refused | $(jq -r '.acked' <<<"$flood") | $stored |"$'\n'
  bench_stop_pid "$pid"
done

echo
echo "Flood, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ); quiet: 5 pairs at $QUIET_RATE msg/s for ${DURATION} s; flooder at nice $FLOODER_NICE; default send limits"
echo
echo "| store | quiet send->ack p50 / p99 ms, alone | under flood | flooder sent | refused (RATE_LIMITED) | acked | stored |"
echo "|---|---|---|---|---|---|---|"
printf '%s' "$ROWS"
exit $STATUS
