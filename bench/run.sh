#!/usr/bin/env bash
# Benchmarks mqchat against plain Mosquitto on 127.0.0.1 and prints a markdown table of medians.
# usage: bench/run.sh [--quick] [--runs N] [--duration S] [--stores "sqlite postgres"]
#                     [--build-dir DIR] [--raw FILE]
#   --quick      1 run of 3 s per scenario (a few minutes in all)
#   --runs N     runs per scenario and target (default 3); the table shows medians
#   --duration S send phase of each throughput/latency run (default 10)
#   --raw FILE   also keep every run's JSON result (one line each) in FILE
# For each store it starts a fresh mosquitto with the plugin (PostgreSQL: a throwaway initdb
# cluster run as user postgres), plus one plain anonymous mosquitto for the baselines; samples
# the brokers' CPU (/proc/<pid>/stat) and peak RSS (VmRSS polled, VmHWM at the end). Runs are
# interleaved (run i of every target before run i+1) so background load hits all alike.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
source "$HERE/lib.sh"

RUNS=3 DURATION=10 STORES="sqlite postgres" BUILD_DIR="$REPO/build-bench" RAW=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) RUNS=1 DURATION=3; shift ;;
    --runs) RUNS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --stores) STORES=$2; shift 2 ;;
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --raw) RAW=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done
command -v jq >/dev/null || bench_die "jq is required"
[ -x "$MOSQUITTO_BIN" ] || bench_die "$MOSQUITTO_BIN is not installed"
bench_build "$BUILD_DIR" "$REPO"
BENCH=$BUILD_DIR/bench/mqchat-bench
PLUGIN=$BUILD_DIR/plugin/mqchat_plugin.so

trap bench_cleanup EXIT
trap 'exit 130' INT TERM
bench_init_tmp
RESULTS=$BENCH_TMP/results.jsonl
: >"$RESULTS"
CLK_TCK=$(getconf CLK_TCK)

# name|description|chat arguments|baseline arguments
SCENARIOS=(
  "pairs|10 pairs, window 64/sender|--scenario pairs --pairs 10 --window 64|--scenario baseline-pairs --pairs 10 --window 64"
  "rate|10 pairs, 1000 msg/s offered|--scenario rate --pairs 10 --rate 1000|--scenario baseline-pairs --pairs 10 --rate 1000"
  "group|group of 100, 1 sender, window 64|--scenario group --group-size 100 --senders 1 --window 64|--scenario baseline-group --group-size 100 --senders 1 --window 64"
  "group-rate|group of 100, 100 msg/s offered|--scenario group --group-size 100 --senders 1 --rate 100|--scenario baseline-group --group-size 100 --senders 1 --rate 100"
)

declare -A TARGET_PORT TARGET_PID
bench_start_mosquitto plain ""
TARGET_PORT[plain]=$BROKER_PORT TARGET_PID[plain]=$BROKER_PID
TARGETS=(plain)
for store in $STORES; do
  case "$store" in
    sqlite) ;;
    postgres) bench_start_postgres ;;
    *) bench_die "unknown store $store" ;;
  esac
  bench_start_mosquitto "$store" "$(bench_plugin_lines "$PLUGIN" "$store")"
  TARGET_PORT[$store]=$BROKER_PORT TARGET_PID[$store]=$BROKER_PID
  TARGETS+=("$store")
done
bench_log "brokers: $(for t in "${TARGETS[@]}"; do printf '%s=:%s ' "$t" "${TARGET_PORT[$t]}"; done)"

# run_one TARGET NAME RUN ARGS...: one mqchat-bench run, its JSON plus broker figures appended
# to $RESULTS.
run_one() {
  local target=$1 name=$2 run=$3; shift 3
  local pid=${TARGET_PID[$target]} out="$BENCH_TMP/run.json" rss_file="$BENCH_TMP/rss"
  local pg_pids=() ticks0 ticks1 pg0=0 pg1=0 t0 t1 rc=0 sampler busy0 busy1 load0
  [ "$target" = postgres ] && mapfile -t pg_pids < <(bench_pg_pids)
  echo 0 >"$rss_file"
  # Peak VmRSS during this run, polled every 100 ms.
  ( max=0; while kill -0 "$pid" 2>/dev/null; do
      v=$(bench_rss_kb "$pid" VmRSS); v=${v:-0}
      if [ "$v" -gt "$max" ]; then max=$v; echo "$max" >"$rss_file"; fi
      sleep 0.1
    done ) &
  sampler=$!
  ticks0=$(bench_cpu_ticks "$pid")
  [ ${#pg_pids[@]} -gt 0 ] && pg0=$(bench_cpu_ticks "${pg_pids[@]}")
  load0=$(cut -d' ' -f1 /proc/loadavg)
  busy0=$(bench_busy_ticks)
  t0=$(date +%s.%N)
  timeout $((${DURATION%.*} + 90)) "$BENCH" "$@" --port "${TARGET_PORT[$target]}" \
    --jwt-secret "$BENCH_JWT_SECRET" --duration "$DURATION" --json \
    --prefix "$target-$name-$run-" >"$out" 2>"$BENCH_TMP/run.err" || rc=$?
  t1=$(date +%s.%N)
  busy1=$(bench_busy_ticks)
  ticks1=$(bench_cpu_ticks "$pid")
  if [ ${#pg_pids[@]} -gt 0 ]; then mapfile -t pg_pids < <(bench_pg_pids); pg1=$(bench_cpu_ticks "${pg_pids[@]}"); fi
  kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
  if ! jq -e . "$out" >/dev/null 2>&1; then
    bench_log "$target $name run $run: no result (exit $rc)"; cat "$BENCH_TMP/run.err" >&2
    echo '{}' >"$out"
  fi
  jq -c --arg target "$target" --arg name "$name" --argjson run "$run" --argjson rc "$rc" \
     --argjson wall "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" --argjson tck "$CLK_TCK" \
     --argjson bt "$((ticks1 - ticks0))" --argjson pt "$((pg1 - pg0))" \
     --argjson rss "$(cat "$rss_file")" --argjson busy "$((busy1 - busy0))" \
     --argjson load "$load0" \
     '. + {target: $target, name: $name, run: $run, exit_code: $rc,
           broker_cpu_pct: (100 * $bt / $tck / $wall), pg_cpu_pct: (100 * $pt / $tck / $wall),
           broker_peak_rss_kb: $rss, loadavg_before: $load,
           other_cpu_pct: (100 * ($busy - $bt - $pt) / $tck / $wall
                           - 100 * ((.cpu.user_s // 0) + (.cpu.sys_s // 0)) / $wall)}' \
     "$out" >>"$RESULTS"
  bench_log "$(jq -r '"\(.target) \(.name) run \(.run): exit \(.exit_code), acked/s \(.acked_per_s // 0 | floor), delivered/s \(.delivered_per_s // 0 | floor), deliver p50 \(.delivery_latency_ms.p50 // 0) ms, lost \(.lost), dup \(.duplicated), broker cpu \(.broker_cpu_pct | floor)%"' <<<"$(tail -1 "$RESULTS")")"
}

for run in $(seq "$RUNS"); do
  for spec in "${SCENARIOS[@]}"; do
    IFS='|' read -r name _desc chat_args base_args <<<"$spec"
    for target in "${TARGETS[@]}"; do
      if [ "$target" = plain ]; then args=$base_args; else args=$chat_args; fi
      # shellcheck disable=SC2086
      run_one "$target" "$name" "$run" $args
    done
  done
done

HWM=""
for target in "${TARGETS[@]}"; do
  HWM+="$target $(( $(bench_rss_kb "${TARGET_PID[$target]}" VmHWM) / 1024 )) MB; "
done
[ -n "$RAW" ] && cp "$RESULTS" "$RAW"

DESCS=$(for spec in "${SCENARIOS[@]}"; do IFS='|' read -r n d _ _ <<<"$spec"; printf '%s\t%s\n' "$n" "$d"; done |
        jq -R -s 'split("\n") | map(select(length > 0) | split("\t") | {(.[0]): .[1]}) | add')

echo
echo "mqchat-bench, $RUNS run(s) of ${DURATION} s per row, medians; text 100 B; $(nproc) cores;" \
     "$(date -u +%Y-%m-%dT%H:%MZ)"
echo
jq -r -s --argjson descs "$DESCS" --arg order "$(printf '%s ' "${TARGETS[@]}")" -f "$HERE/summarize.jq" "$RESULTS"
echo
echo "Broker peak RSS over all runs (VmHWM): $HWM"
echo "CPU taken by other processes during the runs (all cores, % of one core): median" \
     "$(jq -s 'map(.other_cpu_pct) | sort | .[length / 2 | floor] | round' "$RESULTS")," \
     "max $(jq -s 'map(.other_cpu_pct) | max | round' "$RESULTS"); 1-min load average before runs: median" \
     "$(jq -s 'map(.loadavg_before) | sort | .[length / 2 | floor]' "$RESULTS")."
echo "Totals: $(jq -s '[.[] | select(.ok != true)] | length' "$RESULTS") failed run(s) of $(wc -l <"$RESULTS")."
