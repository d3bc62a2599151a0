#!/usr/bin/env bash
# Smoke test of mqchat-bench against a fresh mosquitto + mqchat plugin (SQLite store, presence
# grace and coalescing off) and a plain mosquitto: 2 pairs x 200 messages (sent at QoS 1, and
# again at QoS 0), a group of 10 x 50 messages, 50 idle connections, a reconnect storm of 20
# devices x 3 missed messages (and its plain baseline), presence churn with 5 watchers x 10
# transitions, 2 pairs x 100 requests of the mixed workload (edits and reactions), and a channel
# of a 200-member server with 10 members online (added by bench/channel_members.sh); then the
# flood, retention sweep, search and tail tools in their --quick modes (bench/flood_bench.sh,
# bench/retention_bench.sh, bench/search_bench.sh, bench/tail_bench.sh: brokers of their own; the
# search one also checks that its bulk-built index is the one the broker's indexer builds; the
# tail one preloads in bulk and sweeps in the background), and bench/run.sh --quick on a store of
# 2 PostgreSQL shards (pairs: every run OK, each shard got some of the conversations, and the
# directory agrees with the shards). Each must lose, duplicate and fail nothing
# (mqchat-bench's and the tools' exit codes); timing is never asserted.
# usage: bench/smoke_test.sh [--bench PATH] [--plugin PATH] [--build-dir DIR]
# Without --bench/--plugin it builds them in --build-dir (default <repo>/build-bench).
# Bounded to ~420 s (~130 s here on a loaded machine); kills everything it started on exit.
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
bench_tools "$BUILD_DIR" "$REPO"

trap bench_cleanup EXIT
trap 'exit 1' INT TERM
bench_init_tmp
MAIN_PID=$$
(
  exec >/dev/null 2>&1
  sleep 420 & sleeper=$!
  trap 'kill $sleeper; exit 0' TERM
  wait $sleeper && kill -TERM "$MAIN_PID"
) &
BENCH_PIDS+=("$!")

bench_start_mosquitto chat "$(bench_plugin_lines "$PLUGIN" sqlite)" \
  $'plugin_opt_presence_grace_ms 0\nplugin_opt_presence_min_interval_ms 0'
CHAT_PID=$BROKER_PID
common=(--port "$BROKER_PORT" --jwt-secret "$BENCH_JWT_SECRET" --drain 10)
bench_start_mosquitto plain ""
plain=(--port "$BROKER_PORT" --broker-pid "$BROKER_PID" --drain 10)
status=0
run() {  # NAME ARGS...: one mqchat-bench run; a failure fails the smoke test
  local name=$1; shift
  if timeout 25 "$BENCH" "$@"; then
    bench_log "$name: OK"
  else
    bench_log "$name: FAILED"
    status=1
  fi
}
run pairs --scenario pairs --pairs 2 --messages 200 "${common[@]}"
run pairs-q0 --scenario pairs --pairs 2 --messages 200 --send-qos 0 "${common[@]}"
run group --scenario group --group-size 10 --messages 50 "${common[@]}"
run idle --scenario idle --connections 50 --duration 0.5 --broker-pid "$CHAT_PID" "${common[@]}"
run storm --scenario reconnect-storm --devices 20 --missed 3 --broker-pid "$CHAT_PID" "${common[@]}"
run baseline-storm --scenario baseline-reconnect-storm --devices 20 --missed 3 "${plain[@]}"
run presence --scenario presence --watchers 5 --transitions 10 --broker-pid "$CHAT_PID" \
  "${common[@]}"
run mixed --scenario pairs --pairs 2 --messages 100 --mixed "${common[@]}"
BENCH_SQLITE_PATH=$(awk '$1 == "plugin_opt_sqlite_path" { print $2 }' "$BENCH_TMP/chat.conf") \
  run channel --scenario channel --members 200 --online 10 --rate 50 --duration 0.5 \
  --bulk-members "$HERE/channel_members.sh" --broker-pid "$CHAT_PID" "${common[@]}"
tool() {  # NAME SCRIPT [LIMIT_S]: a bench tool's --quick run (its own brokers); a failure fails the test
  local name=$1 script=$2 limit=${3:-60}
  if timeout "$limit" "$HERE/$script" --quick --bench "$BENCH" --plugin "$PLUGIN" >/dev/null; then
    bench_log "$name: OK"
  else
    bench_log "$name: FAILED"
    status=1
  fi
}
tool flood flood_bench.sh
tool retention retention_bench.sh
tool search search_bench.sh
tool tail tail_bench.sh 150  # ~30 s here: initdb, a preload, a bulk index, 5,000 old messages swept
# 1:1 on 2 shards: the pairs' names are fixed, so their conversations' shards are too (3 and 7).
shards_out=$(timeout 240 "$HERE/run.sh" --quick --stores postgres-shards2 --scenarios pairs \
  --bench "$BENCH" --plugin "$PLUGIN" 2>"$BENCH_TMP/shards.err") || true
spread_re='^- postgres-shards2: shard 0: ([0-9]+) in the directory, ([0-9]+) conversations; shard 1: ([0-9]+) in the directory, ([0-9]+) conversations;'
spread=$(grep -E "$spread_re" <<<"$shards_out" || true)
if grep -q '^Totals: 0 failed run(s) of 2\.$' <<<"$shards_out" && [[ "$spread" =~ $spread_re ]] &&
   [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] && [ "${BASH_REMATCH[3]}" = "${BASH_REMATCH[4]}" ] &&
   [ "${BASH_REMATCH[1]}" -gt 0 ] && [ "${BASH_REMATCH[3]}" -gt 0 ] &&
   [ $((BASH_REMATCH[1] + BASH_REMATCH[3])) = 10 ]; then
  bench_log "shards: OK ($spread)"
else
  bench_log "shards: FAILED"; printf '%s\n' "$shards_out" >&2; tail -20 "$BENCH_TMP/shards.err" >&2
  status=1
fi
if [ $status -ne 0 ]; then
  bench_log "smoke test FAILED; broker logs:"
  tail -30 "$BENCH_TMP/chat.log" "$BENCH_TMP/plain.log" >&2
fi
exit $status
