#!/usr/bin/env bash
# Issue 26's tail cycle without PostgreSQL (docs/BENCHMARKS.md "A flat tail after bursts"): the
# cycle of bench/tail_bench.sh (a burst of 10 pairs at window 64, then PAIRS pairs at RATE msg/s)
# against plain Mosquitto (publish->PUBACK) and against the plugin on SQLite (send->ack), CYCLES
# times each on one broker per target, to tell a stall of PostgreSQL's from one of the machine,
# the load generator or the broker. One line per rate run: p50 / p99 / p99.9 / max.
#   bench/tail_compare.sh [--build-dir DIR] [--cycles N] [--burst-s S] [--rate-s S]
#                         [--pairs P] [--rate R]
# Exit status 1 if a run failed, lost or duplicated anything. Timing is never asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
BUILD=build CYCLES=6 BURST_S=5 RATE_S=10 PAIRS=1000 RATE=1000
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) BUILD=$2; shift 2 ;;
    --cycles) CYCLES=$2; shift 2 ;;
    --burst-s) BURST_S=$2; shift 2 ;;
    --rate-s) RATE_S=$2; shift 2 ;;
    --pairs) PAIRS=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    *) bench_die "unknown option $1" ;;
  esac
done
BENCH=$BUILD/bench/mqchat-bench PLUGIN=$BUILD/plugin/mqchat_plugin.so
[ -x "$BENCH" ] && [ -f "$PLUGIN" ] || bench_die "build mqchat-bench and mqchat_plugin in $BUILD"
MOSQUITTO_BIN=${MOSQUITTO_BIN:-$(command -v mosquitto || echo /usr/sbin/mosquitto)}
BENCH_JWT_SECRET=${BENCH_JWT_SECRET:-tail-compare-secret-0123456789abcdef}
bench_init_tmp
trap bench_cleanup EXIT
status=0
for target in plain sqlite; do
  if [ "$target" = plain ]; then
    bench_start_mosquitto plain ""
    burst=(--scenario baseline-pairs) rate=(--scenario baseline-pairs)
  else
    bench_start_mosquitto sqlite "$(bench_plugin_lines "$PLUGIN" sqlite)"
    burst=(--scenario pairs) rate=(--scenario rate)
  fi
  for c in $(seq "$CYCLES"); do
    for phase in burst rate; do
      if [ "$phase" = burst ]; then
        args=("${burst[@]}" --pairs 10 --window 64 --duration "$BURST_S")
      else
        args=("${rate[@]}" --pairs "$PAIRS" --rate "$RATE" --duration "$RATE_S")
      fi
      out=$BENCH_TMP/$phase.json
      timeout 900 "$BENCH" "${args[@]}" --prefix "$phase$c-" --port "$BROKER_PORT" \
        --jwt-secret "$BENCH_JWT_SECRET" --json >"$out" || status=1
      jq -e '.ok == true and .lost == 0 and .duplicated == 0' "$out" >/dev/null || status=1
    done
    jq -c --arg t "$target" --argjson c "$c" '{target: $t, cycle: $c, ok, lost, duplicated,
      acked_per_s, ack_ms: (.ack_latency_ms | {p50, p99, p999, max})}' "$BENCH_TMP/rate.json"
  done
  bench_stop_pid "$BROKER_PID"
done
exit "$status"
