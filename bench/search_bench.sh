#!/usr/bin/env bash
# Search at scale (issue 17; docs/BENCHMARKS.md "Search"): bulk-loads a corpus straight into the
# store (SQL, not through the broker: minutes, not hours), lets a broker's indexer index it (the
# sweep at start finds every conversation with last_seq > indexed_seq), and measures query
# latency with mqchat-search-bench through the SDK: common and rare words, English and Korean,
# in one conversation and across the searching user's 200 conversations.
# usage: bench/search_bench.sh [--messages N] [--conversations M] [--stores "sqlite postgres"]
#                              [--repeat R] [--build-dir DIR] [--no-build]
#   N messages (default 1,000,000) spread evenly over M group conversations (default 10,000),
#   3 members each of M/2 users; user "searcher" is also in the first 200. Each message is 6
#   words drawn uniformly from 40 common words (20 English, 20 Korean), plus "zeppelin" and
#   "비빔밥" each with probability 1/50,000 (rare). Times are the message's index in ms.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
source "$HERE/lib.sh"

MESSAGES=1000000 CONVERSATIONS=10000 STORES="sqlite postgres" REPEAT=50
BUILD_DIR="$REPO/build-bench" BUILD=true
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) MESSAGES=$2; shift 2 ;;
    --conversations) CONVERSATIONS=$2; shift 2 ;;
    --stores) STORES=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --no-build) BUILD=false; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done
[ "$CONVERSATIONS" -ge 200 ] || bench_die "--conversations must be at least 200"
if $BUILD; then
  bench_build "$BUILD_DIR" "$REPO"
  cmake --build "$BUILD_DIR" -j2 --target mqchat-search-bench >&2 || bench_die "build failed"
fi
QUERY_BENCH=$BUILD_DIR/bench/mqchat-search-bench
PLUGIN=$BUILD_DIR/plugin/mqchat_plugin.so
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
bench_init_tmp

USERS=$((CONVERSATIONS / 2))
PER=$((MESSAGES / CONVERSATIONS))
MESSAGES=$((PER * CONVERSATIONS))
COMMON_EN="meeting report lunch project team review schedule update plan deadline client budget design launch today tomorrow coffee morning weekly notes"
COMMON_KO="회의 점심 보고서 일정 프로젝트 검토 내일 오늘 고객 예산 디자인 출시 확인 부탁 주간 오전 오후 커피 자료 공유"
QUERIES=(meeting 점심 zeppelin 비빔밥)

# The corpus as SQL for store $1: the word table, conversations, members, messages.
corpus_sql() {
  local store=$1 i=0 words=""
  for w in $COMMON_EN $COMMON_KO; do words+="${words:+,}($i,'$w')"; i=$((i + 1)); done
  local k=$i pick
  if [ "$store" = postgres ]; then
    pick="(SELECT w FROM bench_words WHERE id = floor(random() * $k)::int + 0 * g)"
    cat <<SQL
CREATE TEMP TABLE bench_words (id int PRIMARY KEY, w text);
INSERT INTO bench_words VALUES $words;
INSERT INTO conversations (conversation_id, kind, name, last_seq, member_count, last_activity_ms, created_by, created_at_ms)
  SELECT c, 2, 'c' || c, $PER, CASE WHEN c <= 200 THEN 3 ELSE 2 END, $MESSAGES, 'u' || (c % $USERS), 0
  FROM generate_series(1, $CONVERSATIONS) c;
INSERT INTO members (conversation_id, username, role, read_seq, joined_at_ms)
  SELECT c, 'u' || (c % $USERS), 2, 0, 0 FROM generate_series(1, $CONVERSATIONS) c
  UNION ALL SELECT c, 'u' || ((c * 7 + 1) % $USERS), 0, 0, 0 FROM generate_series(1, $CONVERSATIONS) c
    WHERE (c * 7 + 1) % $USERS <> c % $USERS
  UNION ALL SELECT c, 'searcher', 0, 0, 0 FROM generate_series(1, 200) c;
INSERT INTO messages (conversation_id, seq, message_id, sender, client_msg_id, body, created_at_ms)
  SELECT 1 + (g - 1) % $CONVERSATIONS, 1 + (g - 1) / $CONVERSATIONS, g,
         'u' || ((1 + (g - 1) % $CONVERSATIONS) % $USERS), 'b' || g,
         $pick || ' ' || $pick || ' ' || $pick || ' ' || $pick || ' ' || $pick || ' ' || $pick
           || CASE WHEN random() < 0.00002 THEN ' zeppelin' ELSE '' END
           || CASE WHEN random() < 0.00002 THEN ' 비빔밥' ELSE '' END,
         g
  FROM generate_series(1, $MESSAGES) g;
ANALYZE;
SQL
  else
    pick="(SELECT w FROM bench_words WHERE id = abs(random() + 0 * g) % $k)"
    cat <<SQL
PRAGMA journal_mode = WAL;
CREATE TEMP TABLE bench_words (id INTEGER PRIMARY KEY, w TEXT);
INSERT INTO bench_words VALUES $words;
BEGIN;
WITH RECURSIVE s(c) AS (SELECT 1 UNION ALL SELECT c + 1 FROM s WHERE c < $CONVERSATIONS)
INSERT INTO conversations (conversation_id, kind, name, last_seq, member_count, last_activity_ms, created_by, created_at_ms)
  SELECT c, 2, 'c' || c, $PER, CASE WHEN c <= 200 THEN 3 ELSE 2 END, $MESSAGES, 'u' || (c % $USERS), 0 FROM s;
WITH RECURSIVE s(c) AS (SELECT 1 UNION ALL SELECT c + 1 FROM s WHERE c < $CONVERSATIONS)
INSERT INTO members (conversation_id, username, role, read_seq, joined_at_ms)
  SELECT c, 'u' || (c % $USERS), 2, 0, 0 FROM s
  UNION ALL SELECT c, 'u' || ((c * 7 + 1) % $USERS), 0, 0, 0 FROM s WHERE (c * 7 + 1) % $USERS <> c % $USERS
  UNION ALL SELECT c, 'searcher', 0, 0, 0 FROM s WHERE c <= 200;
WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < $MESSAGES)
INSERT INTO messages (conversation_id, seq, message_id, sender, client_msg_id, body, created_at_ms)
  SELECT 1 + (g - 1) % $CONVERSATIONS, 1 + (g - 1) / $CONVERSATIONS, g,
         'u' || ((1 + (g - 1) % $CONVERSATIONS) % $USERS), 'b' || g,
         $pick || ' ' || $pick || ' ' || $pick || ' ' || $pick || ' ' || $pick || ' ' || $pick
           || CASE WHEN abs(random()) % 50000 = 0 THEN ' zeppelin' ELSE '' END
           || CASE WHEN abs(random()) % 50000 = 0 THEN ' 비빔밥' ELSE '' END,
         g
  FROM s;
COMMIT;
ANALYZE;
SQL
  fi
}

# Runs SQL (stdin) against the store; prints the output.
run_sql() {
  if [ "$1" = postgres ]; then
    psql -X -q -v ON_ERROR_STOP=1 -At "$PG_CONNINFO"
  else
    sqlite3 -bail "$SQLITE_DB"
  fi
}

# Search index bytes (postings and per-message term lists, with their indexes).
index_bytes() {
  if [ "$1" = postgres ]; then
    echo "SELECT pg_total_relation_size('search_postings') + pg_total_relation_size('search_docs');" | run_sql postgres
  else
    echo "SELECT sum(pgsize) FROM dbstat WHERE name IN ('search_postings', 'search_docs') OR name IN (SELECT name FROM sqlite_schema WHERE tbl_name IN ('search_postings', 'search_docs'));" |
      run_sql sqlite
  fi
}

indexed_count() { echo "SELECT coalesce(sum(indexed_seq), 0) FROM search_progress;" | run_sql "$1"; }

now_s() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.1f", b - a }'; }

ROWS=""
for store in $STORES; do
  if [ "$store" = postgres ]; then
    [ -n "${PG_CONNINFO:-}" ] || bench_start_postgres
    lines=$(bench_plugin_lines "$PLUGIN" postgres)
  else
    lines=$(bench_plugin_lines "$PLUGIN" sqlite)
    SQLITE_DB=$(sed -n 's/^plugin_opt_sqlite_path //p' <<<"$lines")
  fi
  # A broker without indexing creates the schema; the corpus goes in while no broker runs.
  bench_start_mosquitto "$store-schema" "$lines" "plugin_opt_search_index false"
  bench_stop_pid "$BROKER_PID"
  bench_log "$store: loading $MESSAGES messages in $CONVERSATIONS conversations"
  t0=$(now_s)
  corpus_sql "$store" | run_sql "$store" >/dev/null
  load_s=$(elapsed "$t0")
  bench_log "$store: loaded in $load_s s; indexing"
  t0=$(now_s)
  bench_start_mosquitto "$store" "$lines"
  pid=$BROKER_PID port=$BROKER_PORT
  deadline=$(( $(date +%s) + 7200 ))
  while [ "$(indexed_count "$store")" -lt "$MESSAGES" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || bench_die "$store: indexing did not finish in 2 hours"
    kill -0 "$pid" 2>/dev/null || bench_die "$store: the broker stopped"
    sleep 2
  done
  index_s=$(elapsed "$t0")
  [ "$store" = postgres ] && echo "ANALYZE;" | run_sql postgres
  bytes=$(index_bytes "$store")
  bench_log "$store: indexed in $index_s s; index $((bytes / 1024 / 1024)) MB"
  [ -x "$QUERY_BENCH" ] || bench_die "$QUERY_BENCH is not built"
  json=$("$QUERY_BENCH" --port "$port" --jwt-secret "$BENCH_JWT_SECRET" --user searcher \
           --conversation 1 --repeat "$REPEAT" "${QUERIES[@]}")
  while read -r line; do
    ROWS+=$(jq -r --arg store "$store" \
      '"| \($store) | \(.query) | \(.scope) | \(.results)\(if .has_more then "+" else "" end) | \(.p50_ms * 10 | round / 10) | \(.p99_ms * 10 | round / 10) | \(.max_ms * 10 | round / 10) |"' <<<"$line")$'\n'
  done <<<"$json"
  SUMMARY+="| $store | $MESSAGES | $CONVERSATIONS | $load_s | $index_s | $(awk -v m="$MESSAGES" -v s="$index_s" 'BEGIN { printf "%d", m / s }') | $((bytes / MESSAGES)) |"$'\n'
  bench_stop_pid "$pid"
done

echo
echo "Search corpus, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ); $MESSAGES messages, $CONVERSATIONS conversations"
echo
echo "| store | messages | conversations | load s | index s | indexed msgs/s | index bytes/message |"
echo "|---|---|---|---|---|---|---|"
printf '%s' "$SUMMARY"
echo
echo "Query latency (user 'searcher': 200 conversations; one conversation = conversation 1; $REPEAT runs each, one at a time; first page of 20):"
echo
echo "| store | query | scope | results | p50 ms | p99 ms | max ms |"
echo "|---|---|---|---|---|---|---|"
printf '%s' "$ROWS"
