#!/usr/bin/env bash
# The SDK on a phone, measured at rest (docs/BENCHMARKS.md, "The SDK on a phone"): the size of
# libmqchat_sdk_shared.so (and of the JNI library), and for one mqchat-sdk-idle client (the C
# API over the shared library) connected to a broker with the plugin (SQLite store), then again
# after EnterBackground: its threads (/proc/PID/task), its memory (VmRSS, RssAnon) and its
# wakeups (context switches, voluntary + involuntary, summed over its threads) over IDLE_S
# seconds (default 60) with nothing happening.
# Usage: bench/sdk_idle_bench.sh [BUILD_DIR]   (default build; builds the targets it needs)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
BUILD=${1:-build}
IDLE_S=${IDLE_S:-60}
trap bench_cleanup EXIT
cmake --build "$BUILD" -j"${JOBS:-1}" --target mqchat_plugin mqchat-sdk-idle mqchat_sdk_shared >&2
bench_init_tmp

lib=$(readlink -f "$BUILD/client-sdk/libmqchat_sdk_shared.so")
strip --strip-unneeded -o "$BENCH_TMP/sdk.so" "$lib"
echo "libmqchat_sdk_shared.so: $(stat -c %s "$lib") bytes as built (RelWithDebInfo), $(stat -c %s "$BENCH_TMP/sdk.so") stripped"
jni=$(ls "$BUILD"/client-sdk/bindings/java/libmqchat_jni.so 2>/dev/null || true)
if [ -n "$jni" ]; then
  strip --strip-unneeded -o "$BENCH_TMP/jni.so" "$jni"
  echo "libmqchat_jni.so: $(stat -c %s "$BENCH_TMP/jni.so") bytes stripped"
fi

bench_start_mosquitto idle "$(bench_plugin_lines "$BUILD/plugin/mqchat_plugin.so" sqlite)"

# An HS256 login token for user "idle" (the plugin creates the user on first login).
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
head=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
body=$(printf '{"sub":"idle","iat":%d,"exp":%d}' "$now" $((now + 3600)) | b64url)
sig=$(printf '%s.%s' "$head" "$body" | openssl dgst -sha256 -hmac "$BENCH_JWT_SECRET" -binary | b64url)
token="$head.$body.$sig"

# PID: one line per thread, "TID NAME SWITCHES" (voluntary + involuntary context switches so far).
per_thread() {
  local t
  for t in /proc/"$1"/task/*; do
    printf '%s %s %s\n' "${t##*/}" "$(cat "$t/comm")" \
      "$(awk '/^(non)?voluntary_ctxt_switches/ { n += $2 } END { print n }' "$t/status")"
  done
}

measure() {  # MODE ("" or background)
  local mode=$1 log="$BENCH_TMP/idle-$1.log" pid
  "$BUILD/bench/mqchat-sdk-idle" "tcp://127.0.0.1:$BROKER_PORT" idle "$token" \
    "$BENCH_TMP/idle-$mode.db" $mode >"$log" 2>&1 &
  pid=$!
  BENCH_PIDS+=("$pid")
  for _ in $(seq 200); do grep -q "idle: connected" "$log" && break; sleep 0.05; done
  grep -q "idle: connected" "$log" || bench_die "mqchat-sdk-idle did not connect: $(cat "$log")"
  sleep 5  # let the connection's start-up work (sync, privacy) finish before the window
  per_thread "$pid" >"$BENCH_TMP/before"
  sleep "$IDLE_S"
  per_thread "$pid" >"$BENCH_TMP/after"
  echo "${mode:-foreground}: $(wc -l <"$BENCH_TMP/after") threads," \
    "VmRSS $(bench_rss_kb "$pid" VmRSS) kB, RssAnon $(bench_rss_kb "$pid" RssAnon) kB; per minute:"
  # Threads that started or ended in the window count from 0 / are left out.
  awk -v s="$IDLE_S" 'NR == FNR { b[$1] = $3; next }
    { d = ($3 - b[$1]) * 60 / s; t += d; printf "  %-16s %6.1f wakeups/min\n", $2, d }
    END { printf "  %-16s %6.1f wakeups/min\n", "total", t }' "$BENCH_TMP/before" "$BENCH_TMP/after"
  bench_stop_pid "$pid"
}

measure ""
measure background
