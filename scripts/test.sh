#!/usr/bin/env bash
# README's test command: installs what is missing, builds, checks the thread-safety annotations
# with Clang, fuzzes the protocol parsers briefly, runs every unit and integration test.
# Integration tests start their own mosquitto, PostgreSQL and Redis on free loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The tested plugin aborts if a BrokerApi call leaves the broker thread (util/thread_checker.h).
CMAKE_ARGS="${CMAKE_ARGS:-} -DMQCHAT_CHECK_THREADS=ON" BUILD_DIR=${BUILD_DIR:-build} scripts/build.sh
# GUARDED_BY/REQUIRES checked by Clang, in its own build dir (build-threads), libraries only.
scripts/check-threads.sh
# libFuzzer + ASan/UBSan on the request parser and the SDK decoders, 15 s each (build-fuzz).
scripts/fuzz.sh
# Missing servers fail the run instead of skipping tests.
export MQCHAT_REQUIRE_INTEGRATION=1
cd "${BUILD_DIR:-build}"
status=0
ctest --output-on-failure -j2 "$@" || status=$?
if [ "$status" -ne 0 ]; then
  # The failures again, last, so a log cut to its head and tail still names them.
  echo "==== what failed (from $PWD/Testing/Temporary/LastTest.log) ===="
  grep -a -B3 -A10 -E ': Failure$|^\[  FAILED  \]|^not ok |^# fail [1-9]|Test #[0-9]+: .*Failed' \
    Testing/Temporary/LastTest.log | tail -200 || true
fi
exit "$status"
