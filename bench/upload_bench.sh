#!/usr/bin/env bash
# Attachment upload and download of a 25 MiB file (issue 16) through the SDK's ApiClient
# (mqchat-upload-bench) against mqchat-api on SQLite and on PostgreSQL (a throwaway cluster),
# both on loopback; the blob store is the API's local directory. Prints one JSON line per run
# and the medians.
# usage: bench/upload_bench.sh [--mb N (25)] [--runs N (3)] [--stores "sqlite postgres"]
#                              [--build-dir DIR (build-bench)]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
source "$HERE/lib.sh"
MB=25 RUNS=3 STORES="sqlite postgres" BUILD_DIR="$REPO/build-bench"
while [ $# -gt 0 ]; do
  case "$1" in
    --mb) MB=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --stores) STORES=$2; shift 2 ;;
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S "$REPO" -B "$BUILD_DIR" -DMQCHAT_BUILD_TESTS=OFF >&2 || bench_die "cmake failed"
fi
cmake --build "$BUILD_DIR" -j2 --target mqchat-upload-bench mqchat-api mqchatctl >&2 ||
  bench_die "build failed"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
bench_init_tmp
for store in $STORES; do
  case "$store" in
    sqlite) bench_start_api "$BUILD_DIR" --sqlite "$BENCH_TMP/upload.db" ;;  # blobs beside it
    postgres)
      bench_start_postgres
      BENCH_API_ARGS="--blob_dir $BENCH_TMP/blobs" bench_start_api "$BUILD_DIR" --pg "$PG_CONNINFO"
      ;;
    *) bench_die "unknown store $store" ;;
  esac
  bench_log "$store: $RUNS uploads of $MB MiB"
  sync
  "$BUILD_DIR/bench/mqchat-upload-bench" --api "http://127.0.0.1:$API_PORT" --mb "$MB" \
    --runs "$RUNS" --prefix "up$store" | sed "s/^/$store: /"
  bench_stop_pid "$API_PID"
done
