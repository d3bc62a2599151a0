#!/usr/bin/env bash
# End-to-end tests of the web client in headless Chromium against a real broker with the plugin.
#   tests/web/run.sh BUILD_DIR
# BUILD_DIR holds plugin/mqchat_plugin.so and tools/mqchatctl/mqchatctl (override with
# MQCHAT_PLUGIN_PATH / MQCHATCTL_PATH). Installs the npm packages of web/ and tests/web/ when
# missing or stale (npm ci), builds web/dist, runs the tests; exits non-zero on failure.
# Screenshots go to $MQCHAT_ARTIFACTS_DIR (default BUILD_DIR/web-artifacts).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
if [ $# -lt 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
BUILD=$(cd "$1" && pwd)

export MQCHAT_BUILD_DIR="$BUILD"
export MQCHAT_PLUGIN_PATH=${MQCHAT_PLUGIN_PATH:-$BUILD/plugin/mqchat_plugin.so}
export MQCHATCTL_PATH=${MQCHATCTL_PATH:-$BUILD/tools/mqchatctl/mqchatctl}
export MQCHAT_ARTIFACTS_DIR=${MQCHAT_ARTIFACTS_DIR:-$BUILD/web-artifacts}

for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "web e2e: $tool not found (scripts/install-deps.sh installs it)" >&2; exit 1; }
done
[ -x "${MQCHAT_CHROMIUM:-/usr/bin/chromium}" ] || { echo "web e2e: chromium not found (scripts/install-deps.sh installs it)" >&2; exit 1; }

# node_modules is never committed: npm ci installs exactly the lockfile's packages when
# node_modules is missing or older than the lockfile (--prefer-offline: from npm's cache when it
# has them).
npm_ci() {
  local dir=$1
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "web e2e: npm ci in ${dir#$ROOT/}"
    (cd "$dir" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error)
  fi
}
npm_ci "$ROOT/web"
npm_ci "$HERE"
(cd "$ROOT/web" && npm run --silent build)

mkdir -p "$MQCHAT_ARTIFACTS_DIR"
cd "$HERE"
exec node --test --test-concurrency=1 --test-reporter=spec e2e.test.mjs everyday.test.mjs signup.test.mjs message_events.test.mjs privacy.test.mjs a11y.test.mjs i18n.test.mjs notify.test.mjs search.test.mjs mentions.test.mjs profiles.test.mjs attachments.test.mjs no_config.test.mjs communities.test.mjs channels.test.mjs offline.test.mjs webpush.test.mjs api_web_dir.test.mjs calls.test.mjs calls_turn.test.mjs
