#!/usr/bin/env bash
# Presence churn with watchers: one user ("target") connects and disconnects CHURN times while
# WATCHERS contacts are subscribed to its presence. Reports presence changes, deliveries to
# watchers, and the broker's CPU time (utime+stime of the broker process, /proc/<pid>/stat).
# usage: bench/presence_bench.sh [BUILD_DIR]  (env WATCHERS=20 CHURN=50). Loopback only.
#
# Superseded by `mqchat-bench --scenario presence` (bench/run.sh --scenarios presence); kept
# until docs/BENCHMARKS.md points there. Why it seems to hang with many watchers: every watcher
# is a mosquitto_sub that subscribes to the target's presence right after its CONNACK, while the
# plugin loads the watcher's contacts asynchronously at login (store reader, applied on a later
# broker tick). docs/PROTOCOL.md section 6 only promises contacts once the device's first request
# is answered, so such a SUBSCRIBE is often refused (SUBACK 0x87); mosquitto_sub then prints "All
# subscription requests were denied." and exits, its output stays empty, and the wait loop below
# gives each empty watcher 10 s (36 of 99 watchers refused in one try: 6 minutes).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$REPO/build}
PLUGIN=$BUILD/plugin/mqchat_plugin.so
WATCHERS=${WATCHERS:-20}  # at most 99: with the target a full group
CHURN=${CHURN:-50}
SECRET=presence-bench-secret-0123456789abcdef0123
[ -f "$PLUGIN" ] || { echo "build first: $PLUGIN" >&2; exit 2; }
TMP=$(mktemp -d)
chmod 755 "$TMP"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
token() {  # HS256 JWT for $1, valid one hour
  python3 - "$1" "$SECRET" <<'PY'
import base64, hashlib, hmac, json, sys, time
b = lambda d: base64.urlsafe_b64encode(d).rstrip(b"=").decode()
h = b(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
p = b(json.dumps({"sub": sys.argv[1], "exp": int(time.time()) + 3600}).encode())
s = b(hmac.new(sys.argv[2].encode(), f"{h}.{p}".encode(), hashlib.sha256).digest())
print(f"{h}.{p}.{s}")
PY
}
cat > "$TMP/m.conf" <<CONF
user root
listener $PORT 127.0.0.1
allow_anonymous false
max_queued_messages 100000
plugin $PLUGIN
plugin_opt_store sqlite
plugin_opt_sqlite_path $TMP/db.sqlite
plugin_opt_jwt_hs256_secret $SECRET
plugin_opt_presence_grace_ms 0
plugin_opt_presence_min_interval_ms 0
CONF
mosquitto -c "$TMP/m.conf" >"$TMP/broker.log" 2>&1 &
BROKER=$!
PIDS+=("$BROKER")
for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break; sleep 0.05; done
pub() { mosquitto_pub -h 127.0.0.1 -p "$PORT" -V mqttv5 -q 1 "$@"; }
# Users exist after their first login; then the target makes every watcher a contact.
TT=$(token target)
pub -i target/setup -u target -P "$TT" -t mqchat/v1/u/target/will/setup -n
members=()
for i in $(seq "$WATCHERS"); do
  pub -i "w$i/setup" -u "w$i" -P "$(token "w$i")" -t "mqchat/v1/u/w$i/will/setup" -n
  members+=("\"w$i\"")
done
pub -i target/setup -u target -P "$TT" -t mqchat/v1/req/create_group \
  -m "{\"name\":\"watchers\",\"members\":[$(IFS=,; echo "${members[*]}")]}"
for i in $(seq "$WATCHERS"); do
  mosquitto_sub -h 127.0.0.1 -p "$PORT" -V mqttv5 -i "w$i/watch" -u "w$i" -P "$(token "w$i")" \
    -t mqchat/v1/u/target/presence >"$TMP/w$i.out" 2>/dev/null &
  PIDS+=("$!")
done
# Every watcher has the retained state before the churn starts.
for i in $(seq "$WATCHERS"); do
  for _ in $(seq 200); do [ -s "$TMP/w$i.out" ] && break; sleep 0.05; done
done
before=$(awk '{print $14+$15}' "/proc/$BROKER/stat")
t0=$(date +%s.%N)
for i in $(seq "$CHURN"); do pub -i target/churn -u target -P "$TT" -t mqchat/v1/u/target/will/churn -n; done
t1=$(date +%s.%N)
after=$(awk '{print $14+$15}' "/proc/$BROKER/stat")
# Wait until deliveries stop growing (bounded).
last=-1
for _ in $(seq 100); do
  total=$(cat "$TMP"/w*.out | wc -l)
  [ "$total" -eq "$last" ] && break
  last=$total
  sleep 0.2
done
hz=$(getconf CLK_TCK)
awk -v w="$WATCHERS" -v c="$CHURN" -v d="$total" -v cpu="$((after - before))" -v hz="$hz" \
    -v t0="$t0" -v t1="$t1" 'BEGIN {
  changes = 2 * c; s = cpu / hz; wall = t1 - t0
  printf "| watchers | transitions offered | transitions/s offered | deliveries to watchers | broker CPU s | broker CPU µs per change | broker CPU µs per delivery |\n"
  printf "|---|---|---|---|---|---|---|\n"
  printf "| %d | %d | %.0f | %d | %.2f | %.0f | %.1f |\n", w, changes, changes / wall, d - w, s, s * 1e6 / changes, s * 1e6 / (d - w)
}'
