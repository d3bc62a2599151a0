#!/usr/bin/env bash
# Broker CPU cost of logins: 10,000 reconnects of an already-verified user (credential cache),
# 1,000 failed logins (same wrong password: negative cache; distinct wrong passwords: throttle),
# against plain Mosquitto's cost for 10,000 anonymous connects. Measures the broker process's
# CPU time (utime+stime from /proc/<pid>/stat) before and after each phase; the broker runs
# everything on its one main thread, so that is broker-thread time.
# usage: bench/auth_bench.sh [BUILD_DIR]   (default: build). Loopback only; cleans up on exit.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$REPO/build}
PLUGIN=$BUILD/plugin/mqchat_plugin.so
CTL=$BUILD/tools/mqchatctl/mqchatctl
N_OK=${N_OK:-10000}
N_FAIL=${N_FAIL:-1000}
[ -f "$PLUGIN" ] && [ -x "$CTL" ] || { echo "build first: $PLUGIN, $CTL" >&2; exit 2; }
TMP=$(mktemp -d)
chmod 755 "$TMP"
BROKER_PID=""
cleanup() { [ -n "$BROKER_PID" ] && kill "$BROKER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
start_broker() {  # $1: conf
  mosquitto -c "$1" >"$TMP/broker.log" 2>&1 &
  BROKER_PID=$!
  for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && return 0; sleep 0.05; done
  echo "broker did not start" >&2; cat "$TMP/broker.log" >&2; exit 1
}
stop_broker() { kill "$BROKER_PID"; wait "$BROKER_PID" 2>/dev/null || true; BROKER_PID=""; }
# Runs $2 connects, 2 at a time; $1 is a function printing one mosquitto_pub argument line.
connects() {
  local gen=$1 n=$2
  for i in $(seq "$n"); do "$gen" "$i"; done | xargs -P 2 -L 1 mosquitto_pub -h 127.0.0.1 -p "$PORT" -n -q 0 \
    >/dev/null 2>&1 || true
}
phase() {  # $1 name, $2 generator, $3 count
  local before after
  before=$(cpu_ticks "$BROKER_PID")
  local t0=$(date +%s.%N)
  connects "$2" "$3"
  local t1=$(date +%s.%N)
  after=$(cpu_ticks "$BROKER_PID")
  local hz=$(getconf CLK_TCK)
  awk -v name="$1" -v n="$3" -v d="$((after - before))" -v hz="$hz" -v t0="$t0" -v t1="$t1" \
    'BEGIN { s = d / hz; printf "| %s | %d | %.2f | %.1f | %.1f |\n", name, n, s, s * 1e6 / n, t1 - t0 }'
}

PORT=$(free_port)
cat > "$TMP/plain.conf" <<CONF
user root
listener $PORT 127.0.0.1
allow_anonymous true
CONF
anon() { echo "-i anon/d$1 -t bench/x"; }
echo "| phase | connects | broker CPU s | broker CPU µs per connect | wall s |"
echo "|---|---|---|---|---|"
start_broker "$TMP/plain.conf"
phase "plain Mosquitto, anonymous (baseline)" anon "$N_OK"
stop_broker

echo "bench-password" | "$CTL" --sqlite "$TMP/db.sqlite" user add alice >/dev/null
cat > "$TMP/mqchat.conf" <<CONF
user root
listener $PORT 127.0.0.1
allow_anonymous false
plugin $PLUGIN
plugin_opt_store sqlite
plugin_opt_sqlite_path $TMP/db.sqlite
# The CPU cost per login is measured here, not the connection rates (all from 127.0.0.1).
plugin_opt_connect_per_address_per_s 0
plugin_opt_connect_per_s 0
CONF
ok_login() { echo "-i alice/d$(( $1 % 16 )) -u alice -P bench-password -t mqchat/v1/u/alice/will/d$(( $1 % 16 ))"; }
same_wrong() { echo "-i alice/x$(( $1 % 16 )) -u alice -P wrong-password -t t"; }
distinct_wrong() { echo "-i alice/y$(( $1 % 16 )) -u alice -P wrong-$1 -t t"; }
start_broker "$TMP/mqchat.conf"
phase "mqchat, first login (one PBKDF2)" ok_login 1
phase "mqchat, verified user reconnecting (cache)" ok_login "$N_OK"
phase "mqchat, failed logins, same wrong password" same_wrong "$N_FAIL"
stop_broker
start_broker "$TMP/mqchat.conf"
phase "mqchat, failed logins, distinct wrong passwords (throttled after 10)" distinct_wrong "$N_FAIL"
stop_broker
