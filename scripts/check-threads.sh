#!/usr/bin/env bash
# The Clang thread-safety check: builds the plugin core, the client SDK and the test fixtures
# with Clang and -Werror=thread-safety, so a member declared GUARDED_BY(mu_) (client-sdk/threads/)
# touched without mu_ held fails the build. A separate build dir (THREADS_BUILD_DIR, default
# build-threads), unoptimised and compile-only (static libraries, no tests): it checks, the main
# GCC build (scripts/build.sh) is what runs. Extra args go to cmake --build.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${THREADS_BUILD_DIR:-build-threads}
JOBS=${JOBS:-$(nproc)}
if ! command -v clang++ >/dev/null 2>&1; then
  echo "check-threads: clang++ not found (scripts/install-deps.sh installs clang)" >&2
  exit 1
fi
# Other Clang warnings stay warnings; only the thread-safety group is an error.
cmake -S . -B "$BUILD_DIR" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG=-O0 -DCMAKE_CXX_FLAGS_DEBUG=-O0 \
  -DCMAKE_CXX_FLAGS="-Wthread-safety -Werror=thread-safety" \
  -DMQCHAT_SDK_EXAMPLES=OFF ${CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD_DIR" -j"$JOBS" --target mqchat_core mqchat_sdk mqchat_test_support "$@"
echo "check-threads: thread-safety analysis passed"
