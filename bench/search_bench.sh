#!/usr/bin/env bash
# Search at scale (issue 17; docs/BENCHMARKS.md "Search"): generates a corpus and loads it
# straight into a store in bulk (mqchat-search-corpus load: COPY on PostgreSQL, one transaction
# of prepared inserts on SQLite), builds the search index in bulk from the stored messages with
# the plugin's own tokenizer (mqchat-search-corpus index: postings COPYed with the primary key
# built after on PostgreSQL, sorted and appended in one transaction on SQLite; every
# conversation's indexed_seq set to its last_seq), then starts a broker on the store and
# measures query latency through the SDK (mqchat-search-bench): common and rare words, English
# and Korean two-syllable, in one conversation and across the searching user's 200
# conversations. Optionally (--sends) the send rows with and without indexing (bench/run.sh
# --scenarios pairs, stores sqlite sqlite-noindex postgres postgres-noindex, interleaved).
# Prints markdown tables ready for docs/BENCHMARKS.md.
# usage: bench/search_bench.sh [--stores "postgres sqlite"] [--messages N] [--conversations M]
#                              [--repeat R] [--index bulk|broker] [--sends] [--sends-runs R]
#                              [--verify] [--quick] [--first-sync R] [--build-dir DIR] [--no-build]
#                              [--bench PATH --plugin PATH]
#   sizes (the issue's): PostgreSQL 10,000,000 messages in 100,000 conversations, SQLite
#   1,000,000 in 10,000 (100 messages per conversation both); --messages and --conversations set
#   both stores' size. The corpus (bench/search/corpus.h): conversations of two members of M/2
#   users, "searcher" also in the first 200; each message 6 words of 40 common ones (20 English,
#   20 Korean, each in ~15% of messages), plus "zeppelin" and "김밥" each with probability
#   1/50,000 (rare). --index broker leaves the index to the broker's indexer, message by
#   message (the old way, for comparison at small sizes). --repeat: runs of each query (50).
#   --verify: after the queries, the index is emptied and built again by the broker's indexer,
#   which must give the same postings as the bulk build (a check, for small sizes). --quick:
#   SQLite, 5,000 messages in 200 conversations, 3 runs, --verify (bench/smoke_test.sh).
#   --first-sync R: also R passes of searches made one after the other from Connect on, during
#   the client's first sync of the searcher's 200 conversations (mqchat-search-bench --first-sync; docs/
#   BENCHMARKS.md "The outlier, explained").
#   --bench/--plugin: built tools (mqchat-bench's folder holds the search tools); no build.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
source "$HERE/lib.sh"

STORES="postgres sqlite" MESSAGES="" CONVERSATIONS="" REPEAT=50 INDEX=bulk SENDS=false
SENDS_RUNS=3 FIRST_SYNC=0 BUILD_DIR="$REPO/build-bench" BUILD=true VERIFY=false BENCH="" PLUGIN=""
while [ $# -gt 0 ]; do
  case "$1" in
    --stores) STORES=$2; shift 2 ;;
    --messages) MESSAGES=$2; shift 2 ;;
    --conversations) CONVERSATIONS=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --index) INDEX=$2; shift 2 ;;
    --sends) SENDS=true; shift ;;
    --sends-runs) SENDS_RUNS=$2; shift 2 ;;
    --verify) VERIFY=true; shift ;;
    --first-sync) FIRST_SYNC=$2; shift 2 ;;
    --quick) STORES=sqlite MESSAGES=5000 CONVERSATIONS=200 REPEAT=3 VERIFY=true; shift ;;
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --no-build) BUILD=false; shift ;;
    --bench) BENCH=$2 BUILD=false; shift 2 ;;
    --plugin) PLUGIN=$2 BUILD=false; shift 2 ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done
case "$INDEX" in bulk|broker) ;; *) bench_die "--index is bulk or broker" ;; esac
command -v jq >/dev/null || bench_die "jq is required"
if $BUILD; then
  bench_build "$BUILD_DIR" "$REPO"
  cmake --build "$BUILD_DIR" -j2 --target mqchat-search-bench mqchat-search-corpus >&2 ||
    bench_die "build failed"
fi
TOOLS=$BUILD_DIR/bench
[ -n "$BENCH" ] && TOOLS=$(dirname "$BENCH")
QUERY_BENCH=$TOOLS/mqchat-search-bench
CORPUS=$TOOLS/mqchat-search-corpus
PLUGIN=${PLUGIN:-$BUILD_DIR/plugin/mqchat_plugin.so}
for tool in "$QUERY_BENCH" "$CORPUS"; do [ -x "$tool" ] || bench_die "$tool is not built"; done
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
bench_init_tmp

# Query, kind and language, in the order of the table.
QUERIES=(meeting 점심 zeppelin 김밥)
declare -A KIND=([meeting]=common [점심]=common [zeppelin]=rare [김밥]=rare)
declare -A LANG=([meeting]=English [점심]="Korean, 2 syllables" [zeppelin]=English [김밥]="Korean, 2 syllables")

size_of() {  # store -> "messages conversations"
  if [ -n "$MESSAGES" ] || [ -n "$CONVERSATIONS" ]; then
    echo "${MESSAGES:-1000000} ${CONVERSATIONS:-10000}"
  elif [ "$1" = postgres ]; then
    echo "10000000 100000"
  else
    echo "1000000 10000"
  fi
}

# Search index bytes (postings and per-message term lists, with their indexes). SQLite's index is
# in a file of its own beside the database ($SQLITE_DB.search).
index_bytes() {
  if [ "$1" = postgres ]; then
    psql -X -q -At "$PG_CONNINFO" -c \
      "SELECT pg_total_relation_size('search_postings') + pg_total_relation_size('search_docs')"
  else
    sqlite3 "$SQLITE_DB.search" "SELECT sum(pgsize) FROM dbstat WHERE name IN ('search_postings', 'search_docs') OR name IN (SELECT name FROM sqlite_schema WHERE tbl_name IN ('search_postings', 'search_docs'));"
  fi
}
indexed_count() {
  local sql="SELECT coalesce(sum(indexed_seq), 0) FROM search_progress;"
  if [ "$1" = postgres ]; then psql -X -q -At "$PG_CONNINFO" -c "$sql"; else sqlite3 "$SQLITE_DB.search" "$sql"; fi
}
# What the postings are, in a few numbers (the same rows give the same line).
fingerprint() {
  local sql="SELECT count(*), sum(term % 1000003), sum(message_id % 1000003), sum(seq), (SELECT count(*) FROM search_docs) FROM search_postings;"
  if [ "$1" = postgres ]; then psql -X -q -At -F '|' "$PG_CONNINFO" -c "$sql"; else sqlite3 "$SQLITE_DB.search" "$sql"; fi
}
wait_indexed() {  # store n: until search_progress covers n messages (the broker's indexer)
  local deadline=$(( $(date +%s) + 7200 ))
  while [ "$(indexed_count "$1")" -lt "$2" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || bench_die "$1: indexing did not finish in 2 hours"
    kill -0 "$BROKER_PID" 2>/dev/null || bench_die "$1: the broker stopped"
    sleep 1  # polling the store's progress, bounded by the deadline
  done
}
clear_index() {
  local sql="DELETE FROM search_postings; DELETE FROM search_docs; DELETE FROM search_progress;"
  if [ "$1" = postgres ]; then psql -X -q "$PG_CONNINFO" -c "$sql"; else sqlite3 "$SQLITE_DB.search" "$sql"; fi
}
now_s() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.1f", b - a }'; }
fmt() { printf "%'d" "$1"; }

LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
SUMMARY="" ROWS="" FIRST_ROWS=""
for store in $STORES; do
  read -r n m <<<"$(size_of "$store")"
  [ "$m" -ge 200 ] || bench_die "at least 200 conversations (the searcher's)"
  n=$(( n / m * m ))
  if [ "$store" = postgres ]; then
    [ -n "${PG_CONNINFO:-}" ] || bench_start_postgres
    lines=$(bench_plugin_lines "$PLUGIN" postgres)
    target=(--postgres "$PG_CONNINFO")
  else
    lines=$(bench_plugin_lines "$PLUGIN" sqlite)
    SQLITE_DB=$(sed -n 's/^plugin_opt_sqlite_path //p' <<<"$lines")
    target=(--sqlite "$SQLITE_DB")
  fi
  # A broker without indexing creates the schema; the corpus goes in while no broker runs.
  bench_start_mosquitto "$store-schema" "$lines" "plugin_opt_search_index false"
  bench_stop_pid "$BROKER_PID"
  bench_log "$store: loading $(fmt "$n") messages in $(fmt "$m") conversations"
  load=$("$CORPUS" load "${target[@]}" --messages "$n" --conversations "$m") ||
    bench_die "$store: load failed"
  load_s=$(jq -r '.seconds * 10 | round / 10' <<<"$load")
  if [ "$INDEX" = bulk ]; then
    bench_log "$store: loaded in $load_s s; indexing in bulk"
    built=$("$CORPUS" index "${target[@]}") || bench_die "$store: bulk index failed"
    index_s=$(jq -r '.seconds * 10 | round / 10' <<<"$built")
    postings=$(jq -r '.postings' <<<"$built")
    bench_start_mosquitto "$store" "$lines"
  else
    bench_log "$store: loaded in $load_s s; the broker's indexer indexes"
    t0=$(now_s)
    bench_start_mosquitto "$store" "$lines"
    wait_indexed "$store" "$n"
    index_s=$(elapsed "$t0")
    postings=""
  fi
  pid=$BROKER_PID port=$BROKER_PORT
  [ "$(indexed_count "$store")" -ge "$n" ] || bench_die "$store: the index does not cover the corpus"
  bytes=$(index_bytes "$store")
  bench_log "$store: indexed in $index_s s; index $((bytes / 1024 / 1024)) MB; querying"
  json=$("$QUERY_BENCH" --port "$port" --jwt-secret "$BENCH_JWT_SECRET" --user searcher \
           --conversation 1 --repeat "$REPEAT" "${QUERIES[@]}") || bench_die "$store: queries failed"
  while read -r line; do
    q=$(jq -r .query <<<"$line")
    ROWS+=$(jq -r --arg store "$store" --arg n "$(fmt "$n")" --arg kind "${KIND[$q]}" --arg lang "${LANG[$q]}" \
      '"| \($store) | \($n) | \(.query) | \($kind) | \($lang) | \(.scope) | \(.results)\(if .has_more then "+" else "" end) | \(.p50_ms * 10 | round / 10) | \(.p99_ms * 10 | round / 10) | \(.max_ms * 10 | round / 10) (run \(.max_run + 1)) |"' <<<"$line")$'\n'
  done <<<"$json"
  if [ "$FIRST_SYNC" -gt 0 ]; then
    bench_log "$store: $FIRST_SYNC first syncs, each with searches from Connect on"
    json=$("$QUERY_BENCH" --port "$port" --jwt-secret "$BENCH_JWT_SECRET" --user searcher \
             --first-sync "$FIRST_SYNC" meeting) || bench_die "$store: first-sync passes failed"
    printf '%s\n' "$json" >&2
    FIRST_ROWS+=$(tail -n 1 <<<"$json" | jq -r --arg store "$store" --arg n "$(fmt "$n")" \
      '"| \($store) | \($n) | \(.passes) | \(.first_sync_p50_ms * 10 | round / 10) | \(.first_sync_max_ms * 10 | round / 10) | \(.slowest_search_while_syncing_p50_ms * 10 | round / 10) | \(.slowest_search_while_syncing_max_ms * 10 | round / 10) | \(.search_when_online_p50_ms * 10 | round / 10) |"')$'\n'
  fi
  if $VERIFY; then
    bench_stop_pid "$pid"
    before=$(fingerprint "$store")
    clear_index "$store"
    bench_start_mosquitto "$store-verify" "$lines"
    pid=$BROKER_PID
    wait_indexed "$store" "$n"
    after=$(fingerprint "$store")
    [ "$before" = "$after" ] ||
      bench_die "$store: the $INDEX index ($before) differs from the broker indexer's ($after)"
    bench_log "$store: verified: the broker's indexer built the same postings ($after)"
  fi
  rate=$(awk -v m="$n" -v s="$index_s" 'BEGIN { printf "%d", (s > 0 ? m / s : 0) }')
  SUMMARY+="| $store | $(fmt "$n") | $(fmt "$m") | $load_s | $INDEX | $index_s | $(fmt "$rate") | ${postings:+$(fmt "$postings")} | $((bytes / 1024 / 1024)) | $((bytes / n)) |"$'\n'
  bench_stop_pid "$pid"
  if [ "$store" = postgres ]; then bench_cleanup; bench_init_tmp; unset PG_CONNINFO; fi
done

SENDS_TABLE=""
if $SENDS; then
  send_stores=""
  for store in $STORES; do send_stores+="$store $store-noindex "; done
  bench_log "sends with and without indexing: bench/run.sh --stores \"$send_stores\" --scenarios pairs --runs $SENDS_RUNS"
  SENDS_TABLE=$("$HERE/run.sh" --stores "$send_stores" --scenarios pairs --runs "$SENDS_RUNS" \
                  --build-dir "$BUILD_DIR") || bench_die "bench/run.sh failed"
fi

echo
echo "Search benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average at start $LOAD_AT_START"
echo "(bench/search_bench.sh --stores \"$STORES\"${MESSAGES:+ --messages $MESSAGES}${CONVERSATIONS:+ --conversations $CONVERSATIONS} --index $INDEX --repeat $REPEAT$($SENDS && echo " --sends"))"
echo
echo "| store | messages | conversations | load s | index | index s | indexed msgs/s | postings | index MB | index bytes/message |"
echo "|---|---|---|---|---|---|---|---|---|---|"
printf '%s' "$SUMMARY"
echo
echo "Query latency: user 'searcher' (200 conversations); one conversation = conversation 1; $REPEAT runs of each, one at a time, through the SDK; first page of 20 (results: on that page, + when more follow):"
echo
echo "| store | messages | query | word | language | scope | results | p50 ms | p99 ms | max ms (which run) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
printf '%s' "$ROWS"
if [ "$FIRST_SYNC" -gt 0 ]; then
  echo
  echo "The first sync of the searcher's 200 conversations (a new client and cache file each pass; from Connect's return to kOnline), and searches ('meeting', all conversations) one after the other from Connect's return until kOnline (another client), ms:"
  echo
  echo "| store | messages | passes | first sync p50 | max | slowest search while syncing p50 | max | the search once online p50 |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s' "$FIRST_ROWS"
fi
if $SENDS; then
  echo
  echo "Sends with (sqlite, postgres) and without (-noindex: plugin_opt_search_index false) indexing, bench/run.sh --scenarios pairs --runs $SENDS_RUNS:"
  echo
  echo "$SENDS_TABLE"
fi
