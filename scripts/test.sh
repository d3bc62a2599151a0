#!/usr/bin/env bash
# README's test command: installs what is missing, builds, runs every unit and integration test.
# Integration tests start their own mosquitto, PostgreSQL and Redis on free loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
BUILD_DIR=${BUILD_DIR:-build} scripts/build.sh
# Missing servers fail the run instead of skipping tests.
export MQCHAT_REQUIRE_INTEGRATION=1
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j2 "$@"
