#!/usr/bin/env bash
# The API service's throughput (issues 15 and 29): logins/s and refreshes/s with p50/p99 on
# SQLite and on PostgreSQL, the cost one PBKDF2 hash sets, and an HTTP login flood (wrong
# passwords from 200 loopback addresses) with the latency of a real user's logins meanwhile.
# Starts mqchat-api itself (and a throwaway PostgreSQL cluster), runs mqchat-api-bench, prints a
# markdown table.
# usage: bench/api_bench.sh [--quick] [BUILD_DIR]   (default: build; --quick: 2 s runs, fewer
# users, to check that everything works; the figures then mean little). Loopback only.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/bench/lib.sh"
QUICK=0
if [ "${1:-}" = "--quick" ]; then QUICK=1; shift; fi
BUILD=${1:-$REPO/build}
API=$BUILD/api/mqchat-api
TOOL=$BUILD/bench/mqchat-api-bench
[ -x "$API" ] && [ -x "$TOOL" ] || bench_die "build first: cmake --build $BUILD --target mqchat-api mqchat-api-bench"
if [ "$QUICK" = 1 ]; then SECONDS_EACH=2; USERS=8; else SECONDS_EACH=${SECONDS_EACH:-20}; USERS=${USERS:-64}; fi
THREADS=${THREADS:-8}
FLOOD_THREADS=${FLOOD_THREADS:-20}
HASH_WORKERS=${HASH_WORKERS:-2}

bench_init_tmp
trap bench_cleanup EXIT
API_PID=""
# start_api STORE_FLAG STORE_VALUE [FLAGS...]: mqchat-api on a free port (bench_start_api) with
# sign-up and login throttles out of the way (one client address), except for the flood, which
# runs with the defaults. GATE_OFF: the front gate's per-address limits and the per-network hash
# budget off too, for the throughput runs from one address (the flood keeps the defaults).
GATE_OFF="--request_rate_per_address 0 --request_rate_per_prefix 0 --max_connections_per_address 0 \
--hash_rate_per_prefix 0 --hash_concurrent_per_prefix 0"
start_api() {
  BENCH_API_ARGS="--hash_workers $HASH_WORKERS --hash_queue 64 --http_threads 64 \
--signup_max_per_address 1000000 --signup_max_per_prefix 1000000 ${*:3}" \
    bench_start_api "$BUILD" "$1" "$2"
}
stop_api() { bench_stop_pid "$API_PID"; API_PID=""; }
tool() { "$TOOL" "$1" --url "http://127.0.0.1:$API_PORT" --users "$USERS" "${@:2}"; }
row() {  # $1 store, $2 what, $3 JSON of login/refresh
  jq -r --arg s "$1" --arg w "$2" \
    '"| \($s) | \($w) | \(.per_s | floor) | \(.p50_ms * 10 | round / 10) | \(.p99_ms * 10 | round / 10) | \(.requests) |"' <<<"$3"
}

PBKDF2=$("$TOOL" pbkdf2 --seconds "$SECONDS_EACH")
echo "| store | operation | per s | p50 ms | p99 ms | requests |"
echo "|---|---|---|---|---|---|"
for store in sqlite postgres; do
  if [ "$store" = sqlite ]; then
    start_api --sqlite "$BENCH_TMP/mqchat.db" $GATE_OFF
  else
    bench_start_postgres
    start_api --pg "$PG_CONNINFO" $GATE_OFF
  fi
  bench_log "$store: signing up $USERS users"
  tool setup >/dev/null || bench_die "sign-up failed (see $BENCH_TMP/api.log)"
  bench_log "$store: logins for ${SECONDS_EACH}s, $THREADS threads"
  row "$store" "login ($THREADS threads, $HASH_WORKERS hash workers)" \
    "$(tool login --threads "$THREADS" --seconds "$SECONDS_EACH")"
  bench_log "$store: refreshes for ${SECONDS_EACH}s, $THREADS threads"
  row "$store" "refresh ($THREADS threads)" "$(tool refresh --threads "$THREADS" --seconds "$SECONDS_EACH")"
  stop_api
done

# The flood: default throttles and hash budget (but one hash worker per --hash_workers above).
start_api --sqlite "$BENCH_TMP/mqchat.db" --login_fail_max 10
bench_log "flood: $FLOOD_THREADS attackers for ${SECONDS_EACH}s"
FLOOD=$(tool flood --threads "$FLOOD_THREADS" --seconds "$SECONDS_EACH" --addresses 200)
stop_api
echo
echo "PBKDF2-HMAC-SHA256, $(jq .iterations <<<"$PBKDF2") iterations, one core: $(jq '.ms_per_hash * 10 | round / 10' <<<"$PBKDF2") ms per hash ($(jq '.hashes_per_s * 10 | round / 10' <<<"$PBKDF2")/s); OpenSSL's PKCS5_PBKDF2_HMAC $(jq '.openssl_ms_per_hash * 10 | round / 10' <<<"$PBKDF2") ms ($(jq '.openssl_hashes_per_s * 10 | round / 10' <<<"$PBKDF2")/s): $(jq '.speedup * 100 | round / 100' <<<"$PBKDF2")x"
echo
echo "| HTTP login flood (sqlite, $FLOOD_THREADS threads, 200 addresses) | attempts/s | 401 | 429 | 503 | real user's logins | p50 ms | p99 ms |"
echo "|---|---|---|---|---|---|---|---|"
jq -r '"| wrong passwords for real usernames | \(.attack.per_s | floor) | \(.attack.statuses["401"] // 0) | \(.attack.statuses["429"] // 0) | \(.attack.statuses["503"] // 0) | \(.legit.ok)/\(.legit.requests) ok | \(.legit.p50_ms | floor) | \(.legit.p99_ms | floor) |"' <<<"$FLOOD"
