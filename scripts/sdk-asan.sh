#!/usr/bin/env bash
# The C API under AddressSanitizer (with its leak check at exit): builds the SDK alone with
# -DMQCHAT_SDK_ASAN=ON in its own build dir (ASAN_BUILD_DIR, default build-asan; ccache if
# present), then runs SdkCApiTest (both stores, real brokers) with those builds of
# client-sdk/tests/c_api_test.c (10,000 messages, C_API_MESSAGES), c_api_app_test.c,
# c_api_search_test.c and c_api_free_test.c (freed while messages arrive, its handler using the
# handle meanwhile): every
# handle freed, no leak, no callback after mqchat_client_free (bob's user memory is freed right
# after it, so a late callback is a heap-use-after-free report). Needs the full build first
# (BUILD_DIR, default build: scripts/build.sh) for the test driver, the broker plugin and the
# fixtures. Exits non-zero on any failure or sanitizer report.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ASAN_DIR=${ASAN_BUILD_DIR:-build-asan}
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$ASAN_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMQCHAT_SDK_ONLY=ON \
  -DMQCHAT_SDK_ASAN=ON -DMQCHAT_SDK_EXAMPLES=OFF -DMQCHAT_SDK_JAVA=OFF "${launcher[@]}" >/dev/null
cmake --build "$ASAN_DIR" -j"$JOBS" --target mqchat_c_api_test mqchat_c_api_app_test \
  mqchat_c_api_free_test mqchat_c_api_search_test
if [ ! -x "$BUILD_DIR/tests/mqchat_integration_tests" ]; then
  echo "sdk-asan: $BUILD_DIR/tests/mqchat_integration_tests missing: run scripts/build.sh first" >&2
  exit 1
fi
export MQCHAT_C_API_TEST=$ROOT/$ASAN_DIR/client-sdk/mqchat_c_api_test
export MQCHAT_C_API_APP_TEST=$ROOT/$ASAN_DIR/client-sdk/mqchat_c_api_app_test
export MQCHAT_C_API_FREE_TEST=$ROOT/$ASAN_DIR/client-sdk/mqchat_c_api_free_test
export MQCHAT_C_API_SEARCH_TEST=$ROOT/$ASAN_DIR/client-sdk/mqchat_c_api_search_test
export MQCHAT_C_API_MESSAGES=${C_API_MESSAGES:-10000}
export MQCHAT_REQUIRE_INTEGRATION=1
# detect_leaks is on by default on Linux x86_64; said here so a changed default cannot hide one.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
"$BUILD_DIR/tests/mqchat_integration_tests" --gtest_color=no --gtest_filter='*SdkCApiTest*'
echo "sdk-asan: ok ($MQCHAT_C_API_MESSAGES messages)"
