#!/usr/bin/env bash
# Smoke test of mqchat-bench against a fresh mosquitto + mqchat plugin (SQLite store):
# 2 pairs x 200 messages and a group of 10 x 50 messages, both must lose and duplicate nothing.
# usage: bench/smoke_test.sh [--bench PATH] [--plugin PATH] [--build-dir DIR]
# Without --bench/--plugin it builds them in --build-dir (default <repo>/build-bench).
# Bounded to ~60 s; kills everything it started on exit.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
source "$HERE/lib.sh"

BENCH="" PLUGIN="" BUILD_DIR="$REPO/build-bench"
while [ $# -gt 0 ]; do
  case "$1" in
    --bench) BENCH=$2; shift 2 ;;
    --plugin) PLUGIN=$2; shift 2 ;;
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
if [ -z "$BENCH" ] || [ -z "$PLUGIN" ]; then
  bench_build "$BUILD_DIR" "$REPO"
  BENCH=${BENCH:-$BUILD_DIR/bench/mqchat-bench}
  PLUGIN=${PLUGIN:-$BUILD_DIR/plugin/mqchat_plugin.so}
fi
[ -x "$MOSQUITTO_BIN" ] || bench_die "$MOSQUITTO_BIN is not installed"

trap bench_cleanup EXIT
trap 'exit 1' INT TERM
bench_init_tmp
MAIN_PID=$$
(
  exec >/dev/null 2>&1
  sleep 60 & sleeper=$!
  trap 'kill $sleeper; exit 0' TERM
  wait $sleeper && kill -TERM "$MAIN_PID"
) &
BENCH_PIDS+=("$!")

bench_start_mosquitto chat "$(bench_plugin_lines "$PLUGIN" sqlite)"
common=(--port "$BROKER_PORT" --jwt-secret "$BENCH_JWT_SECRET" --drain 10)
status=0
timeout 25 "$BENCH" --scenario pairs --pairs 2 --messages 200 "${common[@]}" || status=1
timeout 25 "$BENCH" --scenario group --group-size 10 --messages 50 "${common[@]}" || status=1
if [ $status -ne 0 ]; then
  bench_log "smoke test FAILED; broker log:"
  tail -30 "$BENCH_TMP/chat.log" >&2
fi
exit $status
