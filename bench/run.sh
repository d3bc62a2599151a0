#!/usr/bin/env bash
# Benchmarks mqchat against plain Mosquitto on 127.0.0.1 and prints markdown tables of medians.
# usage: bench/run.sh [--quick] [--runs N] [--duration S] [--stores "sqlite postgres"]
#   (--stores may add sqlite-noindex and postgres-noindex: plugin_opt_search_index false, for the
#   message rows; and postgres-shardsN, N = 1..64: a global database and N shards, each shard a
#   PostgreSQL cluster of its own (bench/lib.sh bench_shard_lines), for the message rows; after
#   the runs it prints how many conversations each shard got, per run and in all)
#                     [--scenarios "pairs pairs-q0 rate mixed mixed-rate group group-rate big idle storm
#                                  presence channel pairs-wide"]
#                     [--build-dir DIR | --bench PATH --plugin PATH] [--raw FILE]
#   --quick      1 run of 3 s per scenario
#   --runs N     runs per scenario and target (default 3); the tables show medians
#   --duration S send phase of each message row, and how long idle holds its connections (10)
#   --scenarios  the rows to run (default: all but pairs-wide): pairs, pairs-wide (100 pairs,
#                window 8: about as many messages in flight as pairs (800, 640), over ten times the
#                conversations, so they spread evenly over shards), pairs-q0 (sends at QoS 0 against
#                plain QoS 1), rate, mixed and mixed-rate (pairs and rate with 1 request in 10
#                an edit and 1 a reaction; mqchat only), group, group-rate, big
#                (100,000-character texts), idle (10,000 connections), storm (10,000 devices
#                reconnect, 10 missed messages each), presence (churn, 99 watchers; mqchat only),
#                channel (a 100,000-member server, 2,000 members online, 100 msg/s into one
#                channel, then two role edits; mqchat only; members added in bulk by
#                bench/channel_members.sh)
#   --raw FILE   also keep every run's JSON result (one line each) in FILE
# The message rows share one broker per target: a mosquitto with the plugin per store
# (PostgreSQL: a throwaway initdb cluster run as user postgres) and a plain anonymous one. The
# idle, storm, presence and channel rows start a fresh broker for every run (PostgreSQL: a fresh database)
# so earlier runs' memory and data do not count, and give mqchat-bench its PID (--broker-pid)
# for per-phase memory and CPU; presence runs with presence_grace_ms 0 and
# presence_min_interval_ms 0. run.sh samples each broker's CPU (/proc/<pid>/stat) and peak RSS
# over every run, and runs sync(1) before each run so no run pays for the previous one's disk
# write-back. Runs are interleaved (run i of every row and target before run i+1).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
source "$HERE/lib.sh"

DEFAULT_SCENARIOS="pairs pairs-q0 rate mixed mixed-rate group group-rate big idle storm presence channel"
ALL_SCENARIOS="$DEFAULT_SCENARIOS pairs-wide"
RUNS=3 DURATION=10 STORES="sqlite postgres" BUILD_DIR="$REPO/build-bench" RAW="" BENCH="" PLUGIN=""
SELECTED=$DEFAULT_SCENARIOS
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) RUNS=1 DURATION=3; shift ;;
    --runs) RUNS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --stores) STORES=$2; shift 2 ;;
    --scenarios) SELECTED=$2; shift 2 ;;
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --bench) BENCH=$2; shift 2 ;;
    --plugin) PLUGIN=$2; shift 2 ;;
    --raw) RAW=$2; shift 2 ;;
    -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done
for name in $SELECTED; do
  case " $ALL_SCENARIOS " in
    *" $name "*) ;;
    *) echo "unknown scenario: $name (choose from: $ALL_SCENARIOS)" >&2; exit 2 ;;
  esac
done
command -v jq >/dev/null || bench_die "jq is required"
bench_tools "$BUILD_DIR" "$REPO"  # builds them unless --bench and --plugin name them

trap bench_cleanup EXIT
trap 'exit 130' INT TERM
bench_init_tmp
RESULTS=$BENCH_TMP/results.jsonl
: >"$RESULTS"
CLK_TCK=$(getconf CLK_TCK)

# name|description|chat arguments|baseline arguments (empty: none)
ROWS=(
  "pairs|10 pairs, window 64/sender|--scenario pairs --pairs 10 --window 64|--scenario baseline-pairs --pairs 10 --window 64"
  "pairs-wide|100 pairs, window 8/sender|--scenario pairs --pairs 100 --window 8|--scenario baseline-pairs --pairs 100 --window 8"
  "pairs-q0|10 pairs, window 64/sender, send requests at QoS 0 (plain: QoS 1)|--scenario pairs --pairs 10 --window 64 --send-qos 0|--scenario baseline-pairs --pairs 10 --window 64"
  "rate|10 pairs, 1000 msg/s offered|--scenario rate --pairs 10 --rate 1000|--scenario baseline-pairs --pairs 10 --rate 1000"
  "group|group of 100, 1 sender, window 64|--scenario group --group-size 100 --senders 1 --window 64|--scenario baseline-group --group-size 100 --senders 1 --window 64"
  "group-rate|group of 100, 100 msg/s offered|--scenario group --group-size 100 --senders 1 --rate 100|--scenario baseline-group --group-size 100 --senders 1 --rate 100"
  "mixed|10 pairs, window 64/sender, mixed: of 10 requests 8 messages, 1 edit, 1 reaction (compare with pairs)|--scenario pairs --pairs 10 --window 64 --mixed|"
  "mixed-rate|10 pairs, 1000 requests/s offered, mixed as above (compare with rate)|--scenario rate --pairs 10 --rate 1000 --mixed|"
  "big|1:1 (10 pairs), 100,000-character messages, window 4|--scenario pairs --pairs 10 --window 4 --payload-bytes 100000|--scenario baseline-pairs --pairs 10 --window 4 --payload-bytes 100000"
  "idle|10,000 idle connections|--scenario idle --connections 10000|--scenario baseline-idle --connections 10000"
  "storm|reconnect storm, 10,000 devices × 10 missed|--scenario reconnect-storm --devices 10000 --missed 10|--scenario baseline-reconnect-storm --devices 10000 --missed 10"
  "presence|presence churn, 99 watchers|--scenario presence --watchers 99 --transitions 2000|"
  "channel|one channel of a 100,000-member server, 2,000 online, 100 msg/s|--scenario channel --members 100000 --online 2000 --rate 100 --drain 60 --bulk-members $HERE/channel_members.sh|"
)
FRESH_BROKER_ROWS=" idle storm presence channel "
SCENARIOS=()
for spec in "${ROWS[@]}"; do
  case " $SELECTED " in *" ${spec%%|*} "*) SCENARIOS+=("$spec") ;; esac
done
SHARED=false  # does any selected row use the shared brokers?
for spec in "${SCENARIOS[@]}"; do
  case "$FRESH_BROKER_ROWS" in *" ${spec%%|*} "*) ;; *) SHARED=true ;; esac
done

declare -A TARGET_PORT TARGET_PID
TARGETS=(plain)
$SHARED && bench_start_mosquitto plain ""
TARGET_PORT[plain]=${BROKER_PORT:-0} TARGET_PID[plain]=${BROKER_PID:-0}
for store in $STORES; do
  # sqlite-noindex, postgres-noindex: the same store with plugin_opt_search_index false (issue
  # 17: sends/s with and without search indexing in one run); shared-broker rows only, and on
  # PostgreSQL a database of its own (an indexing broker's sweep would index its messages).
  base=${store%-noindex} no_index=""
  if [ "$base" != "$store" ]; then
    no_index="plugin_opt_search_index false"
  fi
  shards=$(bench_shard_count "$base")
  case "$base" in
    sqlite) ;;
    postgres) [ -n "${PG_CONNINFO:-}" ] || bench_start_postgres ;;
    *) [ "$shards" -gt 0 ] || bench_die "unknown store $store" ;;
  esac
  if $SHARED; then
    saved_conninfo=${PG_CONNINFO:-}
    [ "$base" = postgres ] && [ -n "$no_index" ] && PG_CONNINFO=$(bench_create_pg_db mqchat_noindex)
    if [ "$shards" -gt 0 ]; then
      # A global database and N shard databases of this target's own (bench/lib.sh).
      bench_shard_lines "$PLUGIN" "$store" "$shards" "mqchat_${store//-/_}"
      bench_start_mosquitto "$store" "$STORE_LINES" "$no_index"
    else
      bench_start_mosquitto "$store" "$(bench_plugin_lines "$PLUGIN" "$base")" "$no_index"
    fi
    PG_CONNINFO=$saved_conninfo
    TARGET_PORT[$store]=$BROKER_PORT TARGET_PID[$store]=$BROKER_PID
  fi
  TARGETS+=("$store")
done
$SHARED && bench_log "shared brokers: $(for t in "${TARGETS[@]}"; do printf '%s=:%s ' "$t" "${TARGET_PORT[$t]}"; done)"

# run_one TARGET NAME RUN PID PORT TIMEOUT ARGS...: one mqchat-bench run against the broker
# PID listening on PORT, its JSON plus broker figures appended to $RESULTS.
run_one() {
  local target=$1 name=$2 run=$3 pid=$4 port=$5 limit=$6; shift 6
  local out="$BENCH_TMP/run.json" rss_file="$BENCH_TMP/rss"
  local pg_pids=() ticks0 ticks1 pg0=0 pg1=0 t0 t1 rc=0 sampler busy0 busy1 load0
  local clusters0="" clusters1="" by_cluster="null"
  case "$target" in postgres*) mapfile -t pg_pids < <(bench_pg_pids) ;; esac
  # Write out what earlier runs left dirty in the page cache first: the kernel's write-back of
  # a throughput run's ~40 MB, landing in the next run, stalled its commits' fsyncs for up to
  # 80 ms (seen as p99 at 1000 msg/s jumping from ~3 to ~30 ms, with Dirty in /proc/meminfo
  # falling from 37 MB to 0 at that moment).
  sync
  # Every broker and the PostgreSQL cluster quiet first (see bench_wait_idle).
  local idle_s all_pids=("${TARGET_PID[@]}" "$pid")
  mapfile -t -O "${#all_pids[@]}" all_pids < <(bench_pg_pids)
  idle_s=$(bench_wait_idle 180 "${all_pids[@]}")
  awk -v s="$idle_s" 'BEGIN { exit !(s > 1) }' && bench_log "waited ${idle_s} s for the brokers and PostgreSQL to go quiet"
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
  [ ${#pg_pids[@]} -gt 0 ] && clusters0=$(bench_pg_cluster_ticks)
  load0=$(cut -d' ' -f1 /proc/loadavg)
  busy0=$(bench_busy_ticks)
  t0=$(date +%s.%N)
  timeout "$limit" "$BENCH" "$@" --port "$port" \
    --jwt-secret "$BENCH_JWT_SECRET" --duration "$DURATION" --json \
    --prefix "$target-$name-$run-" >"$out" 2>"$BENCH_TMP/run.err" || rc=$?
  t1=$(date +%s.%N)
  busy1=$(bench_busy_ticks)
  ticks1=$(bench_cpu_ticks "$pid")
  if [ ${#pg_pids[@]} -gt 0 ]; then mapfile -t pg_pids < <(bench_pg_pids); pg1=$(bench_cpu_ticks "${pg_pids[@]}"); fi
  if [ -n "$clusters0" ]; then
    # Each cluster's share (main: the bench's, with the postgres target's database and the
    # sharded targets' global ones; shardI: shard I of every sharded target), % of one core.
    clusters1=$(bench_pg_cluster_ticks)
    by_cluster=$(join <(sort <<<"$clusters0") <(sort <<<"$clusters1") |
      awk -v tck="$CLK_TCK" -v a="$t0" -v b="$t1" '{ printf "%s\"%s\":%.1f", (NR > 1 ? "," : "{"), $1, 100 * ($3 - $2) / tck / (b - a) }
        END { print (NR > 0 ? "}" : "null") }')
  fi
  kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
  if ! jq -e . "$out" >/dev/null 2>&1; then
    bench_log "$target $name run $run: no result (exit $rc)"; cat "$BENCH_TMP/run.err" >&2
    echo '{}' >"$out"
  fi
  # A sharded target: how many of this run's direct conversations each shard got.
  local spread="null"
  if [ -n "${BENCH_SHARD_LIST[$target]:-}" ]; then
    spread=$(bench_shard_spread "$target" "$target-$name-$run-" | awk '{ print $3 }' | jq -s -c .) ||
      spread="null"
  fi
  jq -c --arg target "$target" --arg name "$name" --argjson run "$run" --argjson rc "$rc" \
     --argjson spread "$spread" \
     --argjson by_cluster "$by_cluster" \
     --argjson wall "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" --argjson tck "$CLK_TCK" \
     --argjson bt "$((ticks1 - ticks0))" --argjson pt "$((pg1 - pg0))" \
     --argjson rss "$(cat "$rss_file")" --argjson busy "$((busy1 - busy0))" \
     --argjson load "$load0" \
     '. + {target: $target, name: $name, run: $run, exit_code: $rc, shard_conversations: $spread,
           pg_cpu_pct_by_cluster: $by_cluster,
           broker_cpu_pct: (100 * $bt / $tck / $wall), pg_cpu_pct: (100 * $pt / $tck / $wall),
           broker_peak_rss_kb: $rss, loadavg_before: $load,
           other_cpu_pct: (100 * ($busy - $bt - $pt) / $tck / $wall
                           - 100 * ((.process_cpu // .cpu // {}) | (.user_s // 0) + (.sys_s // 0)) / $wall)}' \
     "$out" >>"$RESULTS"
  bench_log "$(jq -r '"\(.target) \(.name) run \(.run): exit \(.exit_code), " +
    (if .name == "idle" then "connected \(.connected // 0), broker RSS per connection \(.broker_rss_per_connection_bytes // 0 | floor) B"
     elif .name == "storm" then "storm \(.storm_s // 0) s, caught-up msgs/s \(.synced_messages_per_s // 0 | floor), missing \(.missing), dup \(.duplicated), errors \(.errors)"
     elif .name == "presence" then "transitions/s \(.transitions_per_s // 0 | floor), deliveries/s \(.deliveries_per_s // 0 | floor), p50 \(.latency_ms.p50 // 0) ms, missed \(.missed), dup \(.duplicated)"
     elif .name == "channel" then "deliveries/s \(.deliveries_per_s // 0 | floor), deliver p99 \(.deliver_latency_ms.p99 // 0) ms, missed \(.missed), dup \(.duplicated), role edit->all \(.role_to_all_ms.max // 0) ms"
     else "acked/s \(.acked_per_s // 0 | floor), delivered/s \(.delivered_per_s // 0 | floor), deliver p50 \(.delivery_latency_ms.p50 // 0) ms, lost \(.lost), dup \(.duplicated)" end) +
    ", broker cpu \(.broker_cpu_pct | floor)%" +
    (if .shard_conversations then ", conversations per shard \(.shard_conversations | map(tostring) | join("/"))" +
      ", PG CPU by cluster \(.pg_cpu_pct_by_cluster // {} | to_entries | map("\(.key) \(.value | floor)%") | join(", "))"
     else "" end)' \
    <<<"$(tail -1 "$RESULTS")")"
}

# run_fresh TARGET NAME RUN ARGS...: run_one against a broker started for this run alone.
run_fresh() {
  local target=$1 name=$2 run=$3 extra=""; shift 3
  if [ "$name" = presence ]; then
    extra=$'plugin_opt_presence_grace_ms 0\nplugin_opt_presence_min_interval_ms 0'
  fi
  if [ "$target" = plain ]; then
    bench_start_mosquitto "plain-$name-$run" ""
  else
    [ "$target" = postgres ] && PG_CONNINFO=$(bench_create_pg_db "mqchat_${name}_$run")
    bench_start_mosquitto "$target-$name-$run" "$(bench_plugin_lines "$PLUGIN" "$target")" "$extra"
  fi
  local pid=$BROKER_PID
  # The channel row's --bulk-members command writes to this broker's store.
  export BENCH_SQLITE_PATH="" BENCH_PG_CONNINFO=""
  if [ "$name" = channel ]; then
    if [ "$target" = postgres ]; then
      BENCH_PG_CONNINFO=$PG_CONNINFO
    else
      BENCH_SQLITE_PATH=$(awk '$1 == "plugin_opt_sqlite_path" { print $2 }' \
        "$BENCH_TMP/$target-$name-$run.conf")
    fi
  fi
  run_one "$target" "$name" "$run" "$pid" "$BROKER_PORT" 900 "$@" --broker-pid "$pid"
  bench_stop_pid "$pid"
}

for run in $(seq "$RUNS"); do
  for spec in "${SCENARIOS[@]}"; do
    IFS='|' read -r name _desc chat_args base_args <<<"$spec"
    for target in "${TARGETS[@]}"; do
      if [ "$target" = plain ]; then args=$base_args; else args=$chat_args; fi
      [ -z "$args" ] && continue
      # -noindex and sharded targets are for the shared-broker (message) rows only.
      case "$target:$FRESH_BROKER_ROWS" in *-noindex:*" $name "* | postgres-shards*:*" $name "*) continue ;; esac
      # shellcheck disable=SC2086
      case "$FRESH_BROKER_ROWS" in
        *" $name "*) run_fresh "$target" "$name" "$run" $args ;;
        *) run_one "$target" "$name" "$run" "${TARGET_PID[$target]}" "${TARGET_PORT[$target]}" \
             $((${DURATION%.*} + 90)) $args ;;
      esac
    done
  done
done

[ -n "$RAW" ] && cp "$RESULTS" "$RAW"
order=$(printf '%s ' "${TARGETS[@]}")
has_rows() { jq -e -s --arg n "$1" 'any(.[]; .name == $n)' "$RESULTS" >/dev/null; }

echo
echo "mqchat-bench, $RUNS run(s) per row, medians; $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
if $SHARED; then
  DESCS=$(for spec in "${SCENARIOS[@]}"; do
             IFS='|' read -r n d _ _ <<<"$spec"
             case "$FRESH_BROKER_ROWS" in *" $n "*) ;; *) printf '%s\t%s\n' "$n" "$d" ;; esac
           done |
          jq -R -s 'split("\n") | map(select(length > 0) | split("\t") | {(.[0]): .[1]}) | add')
  echo
  echo "Messages (send phase ${DURATION} s; text 100 B unless the row says otherwise):"
  echo
  jq -r -s -L "$HERE" --argjson descs "$DESCS" --arg order "$order" -f "$HERE/summarize.jq" "$RESULTS"
  HWM=""
  for target in "${TARGETS[@]}"; do
    HWM+="$target $(( $(bench_rss_kb "${TARGET_PID[$target]}" VmHWM) / 1024 )) MB; "
  done
  echo
  echo "Shared brokers' peak RSS over their runs (VmHWM): $HWM"
fi
if has_rows idle; then
  echo
  echo "Idle connections (fresh broker per run; held ${DURATION} s; RSS per connection = (VmRSS after the hold - VmRSS before connecting) / connections):"
  echo
  jq -r -s -L "$HERE" --arg order "$order" -f "$HERE/summarize_idle.jq" "$RESULTS"
fi
if has_rows storm; then
  echo
  echo "Reconnect storm (fresh broker per run; storm = first CONNECT to the last device caught up):"
  echo
  jq -r -s -L "$HERE" --arg order "$order" -f "$HERE/summarize_storm.jq" "$RESULTS"
fi
if has_rows presence; then
  echo
  echo "Presence churn (fresh broker per run, presence_grace_ms 0, presence_min_interval_ms 0; no plain baseline):"
  echo
  jq -r -s -L "$HERE" --arg order "$order" -f "$HERE/summarize_presence.jq" "$RESULTS"
fi
if has_rows channel; then
  echo
  echo "One channel of a large server (fresh broker per run, members added in bulk; no plain baseline):"
  echo
  jq -r -s -L "$HERE" --arg order "$order" -f "$HERE/summarize_channel.jq" "$RESULTS"
fi
SHARD_TARGETS=()
for t in "${TARGETS[@]}"; do [ -n "${BENCH_SHARD_LIST[$t]:-}" ] && SHARD_TARGETS+=("$t"); done
if $SHARED && [ ${#SHARD_TARGETS[@]} -gt 0 ]; then
  echo
  echo "Conversations per shard (the global database's directory, and each shard's conversations" \
       "table; each shard a PostgreSQL cluster of its own, the global database on the bench's):"
  echo
  for t in "${SHARD_TARGETS[@]}"; do
    echo "- $t: $(bench_shard_spread "$t" | paste -sd ';' | sed 's/;/; /g'); fewest of one run's on a shard:" \
         "$(jq -s -r --arg t "$t" '[.[] | select(.target == $t and .shard_conversations != null)
            | .shard_conversations | min] | min // "-"' "$RESULTS");" \
         "PG CPU by cluster, median of its runs (% of one core; main: the global database's):" \
         "$(jq -s -r -L "$HERE" --arg t "$t" 'include "summarize_common";
            [.[] | select(.target == $t) | .pg_cpu_pct_by_cluster // empty] as $r
            | ($r | map(keys) | add // [] | unique)
            | map("\(.) \(. as $k | $r | map(.[$k]) | median | round)") | join(", ")' "$RESULTS")"
  done
fi
echo
echo "CPU taken by other processes during the runs (all cores, % of one core): median" \
     "$(jq -s 'map(.other_cpu_pct) | sort | .[length / 2 | floor] | round' "$RESULTS")," \
     "max $(jq -s 'map(.other_cpu_pct) | max | round' "$RESULTS"); 1-min load average before runs: median" \
     "$(jq -s 'map(.loadavg_before) | sort | .[length / 2 | floor]' "$RESULTS")."
echo "Totals: $(jq -s '[.[] | select(.ok != true)] | length' "$RESULTS") failed run(s) of $(wc -l <"$RESULTS")."
