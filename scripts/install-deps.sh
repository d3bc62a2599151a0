#!/usr/bin/env bash
# Installs the Debian packages mqchat needs to build, run and test. Idempotent: installs only what is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config
  clang libclang-rt-dev
  mosquitto mosquitto-dev libmosquitto-dev mosquitto-clients
  libpaho-mqtt-dev libpaho-mqttpp-dev
  libsqlite3-dev sqlite3
  libpq-dev postgresql
  libhiredis-dev redis-server
  redis-sentinel
  postgresql-15-auto-failover pg-auto-failover-cli
  libssl-dev libcurl4-openssl-dev
  libcpp-httplib-dev
  libjpeg62-turbo-dev libpng-dev
  nlohmann-json3-dev
  libcli11-dev libedit-dev tmux
  googletest libgtest-dev libgmock-dev
  openssl procps jq
  curl python3 dpkg-dev
  prometheus
  chromium
  coturn
)
# Node.js and npm build the web client (web/) and run its browser tests (tests/web/). A Node that
# is already there is kept (e.g. NodeSource's nodejs, which bundles npm and conflicts with
# Debian's npm package); Debian's own are installed only when there is none.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi

# A JDK builds the SDK's Java binding (client-sdk/bindings/java) and runs its test on the JVM.
# One already there (javac on PATH, e.g. openjdk-17-jdk-headless) is kept.
if ! command -v javac >/dev/null 2>&1; then
  PACKAGES+=(default-jdk-headless)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# policy-rc.d keeps the packaged services (system mosquitto/postgres/redis) from auto-starting;
# mqchat starts its own instances.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
