#!/usr/bin/env bash
# Installs a build into a temporary prefix (cmake --install BUILD_DIR --prefix TMP) and checks
# that every path the conf/*.example files name under /usr/local exists there: the plugin
# (stripped, loading no MQTT client library: neither Paho nor libmosquitto), the tools in bin/,
# and the web app where http_dir points if web/dist was built.
#   usage: tests/install/check_install.sh BUILD_DIR [SOURCE_DIR]
set -euo pipefail
BUILD=$1
SRC=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
PREFIX=$(mktemp -d)
trap 'rm -rf "$PREFIX"' EXIT
cmake --install "$BUILD" --prefix "$PREFIX" >/dev/null

fail=0
problem() { echo "check_install: $*" >&2; fail=1; }

for conf in "$SRC"/conf/*.example; do
  while read -r key path _; do
    case $path in
      /usr/local/*) ;;
      *) problem "$(basename "$conf"): $key $path is not under /usr/local"; continue ;;
    esac
    if [ "$key" = http_dir ] && [ ! -f "$SRC/web/dist/index.html" ]; then
      continue  # the web app was not built; the install rule skips it
    fi
    [ -e "$PREFIX/${path#/usr/local/}" ] ||
      problem "$(basename "$conf") names $path, but cmake --install did not put it there"
  done < <(grep -E '^(plugin|http_dir)[[:space:]]' "$conf")
done

for tool in mqchatctl mqchat mqchat-api; do
  [ -x "$PREFIX/bin/$tool" ] || problem "bin/$tool is not installed"
done

plugin="$PREFIX/lib/mqchat/mqchat_plugin.so"
if [ -f "$plugin" ]; then
  if readelf -S "$plugin" | grep -q '\.debug_info'; then
    problem "$plugin still carries debug information (not stripped)"
  fi
  if readelf -d "$plugin" | grep -E 'NEEDED.*paho' >/dev/null; then
    problem "$plugin links Paho, the SDK's MQTT client, into the broker"
  fi
  if ! grep -q '^MQCHAT_LINK_LIBMOSQUITTO:BOOL=ON' "$BUILD/CMakeCache.txt" &&
    readelf -d "$plugin" | grep -E 'NEEDED.*libmosquitto' >/dev/null; then
    problem "$plugin loads libmosquitto, the MQTT client library, into the broker"
  fi
else
  problem "$plugin is not installed"
fi
exit $fail
