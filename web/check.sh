#!/usr/bin/env bash
# The web client's checks that need no browser and no broker: installs web/node_modules from the
# lockfile (npm ci) when missing or stale, then prettier --check, tsc (app and tests), and the
# unit tests of state/ and the api decoders (node --test). CTest runs it as web_unit.
set -euo pipefail
cd "$(dirname "$0")"
command -v npm >/dev/null || { echo "web: npm not found (scripts/install-deps.sh installs it)" >&2; exit 1; }
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "web: npm ci"
  npm ci --prefer-offline --no-audit --no-fund --loglevel=error
fi
npm run --silent format:check
npm run --silent typecheck
npm test --silent
