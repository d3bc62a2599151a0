#!/usr/bin/env bash
# Builds the Debian packages (packaging/build-debs.sh), checks what each holds, unpacks them into
# a throw-away root, runs their maintainer scripts there (paths moved into the root), and chats
# through the packaged pieces: Debian's mosquitto reading the packaged conf.d file (as
# /etc/mosquitto/mosquitto.conf includes it) and loading the packaged plugin, the packaged API
# service with its packaged config and generated key pair, and the packaged terminal client
# signing up, logging in and sending; then the packaged web app is served. Ports are free
# loopback ones; every wait has a deadline.
#   usage: tests/install/check_debs.sh BUILD_DIR [SOURCE_DIR]
set -euo pipefail
BUILD=$(cd "$1" && pwd)
SRC=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
  echo "check_debs: $*" >&2
  for log in "$WORK"/*.log; do [ -f "$log" ] && { echo "--- $log" >&2; tail -30 "$log" >&2; }; done
  exit 1
}

"$SRC/packaging/build-debs.sh" "$BUILD" "$WORK/debs" --web >/dev/null
for pkg in mqchat-plugin mqchat-api mqchat-tools mqchat-web; do
  ls "$WORK/debs/${pkg}_"*.deb >/dev/null 2>&1 || fail "no $pkg package was built"
done

# What each package holds and declares.
contents() { dpkg-deb -c "$WORK/debs/$1_"*.deb | awk '{print $6}' | sed 's|^\./|/|'; }
expect_file() { contents "$1" | grep -qx "$2" || fail "$1 does not hold $2"; }
expect_file mqchat-plugin /usr/lib/mqchat/mqchat_plugin.so
expect_file mqchat-plugin /etc/mosquitto/conf.d/mqchat.conf
expect_file mqchat-api /usr/bin/mqchat-api
expect_file mqchat-api /etc/mqchat/api.conf
expect_file mqchat-api /lib/systemd/system/mqchat-api.service
expect_file mqchat-tools /usr/bin/mqchatctl
expect_file mqchat-tools /usr/bin/mqchat
expect_file mqchat-web /usr/share/mqchat/www/index.html
field() { dpkg-deb -f "$WORK/debs/$1_"*.deb "$2"; }
field mqchat-plugin Depends | grep -q 'mosquitto (>= 2.0.11)' || fail "mqchat-plugin must depend on mosquitto"
field mqchat-plugin Depends | grep -q 'libpq5' || fail "mqchat-plugin's Depends lack its libraries"
dpkg-deb -I "$WORK/debs/mqchat-plugin_"*.deb conffiles | grep -qx /etc/mosquitto/conf.d/mqchat.conf ||
  fail "mqchat.conf is not a conffile (an upgrade would overwrite the operator's edits)"
dpkg-deb -I "$WORK/debs/mqchat-api_"*.deb conffiles | grep -qx /etc/mqchat/api.conf ||
  fail "api.conf is not a conffile"

# Unpack into the root and run the maintainer scripts with their paths moved into it.
ROOT="$WORK/root"
mkdir -p "$ROOT"
for deb in "$WORK"/debs/*.deb; do dpkg-deb -x "$deb" "$ROOT"; done
for binary in usr/lib/mqchat/mqchat_plugin.so usr/bin/mqchat-api usr/bin/mqchatctl usr/bin/mqchat; do
  [ -f "$ROOT/$binary" ] || fail "no /$binary"
  if readelf -S "$ROOT/$binary" | grep -q '\.debug_info'; then fail "/$binary is not stripped"; fi
done
relocate() {
  sed -e "s|/etc/mqchat|$ROOT/etc/mqchat|g" -e "s|/var/lib/mqchat|$ROOT/var/lib/mqchat|g" \
    -e "s|/usr/share/mqchat|$ROOT/usr/share/mqchat|g" -e "s|/usr/lib/mqchat|$ROOT/usr/lib/mqchat|g" \
    -e "s|/run/systemd/system|$ROOT/run/systemd/system|g" "$1"
}
for pkg in mqchat-api mqchat-plugin; do
  dpkg-deb --ctrl-tarfile "$WORK/debs/${pkg}_"*.deb | tar -xO ./postinst > "$WORK/$pkg.postinst"
  relocate "$WORK/$pkg.postinst" > "$WORK/$pkg.postinst.root"
  sh "$WORK/$pkg.postinst.root" configure >"$WORK/$pkg-postinst.log" 2>&1 ||
    fail "$pkg's postinst failed"
done
[ -s "$ROOT/etc/mqchat/jwt-private.pem" ] && [ -s "$ROOT/etc/mqchat/jwt-public.pem" ] ||
  fail "mqchat-api's postinst made no key pair"
[ "$(stat -c %a "$ROOT/etc/mqchat/jwt-private.pem")" = 640 ] || fail "the private key is not 0640"
[ -d "$ROOT/var/lib/mqchat" ] || fail "no /var/lib/mqchat"
before=$(sha256sum "$ROOT/etc/mqchat/jwt-private.pem")
sh "$WORK/mqchat-api.postinst.root" configure >/dev/null 2>&1
[ "$before" = "$(sha256sum "$ROOT/etc/mqchat/jwt-private.pem")" ] ||
  fail "reconfiguring mqchat-api replaced the key pair (every login would end)"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
PORT=$(free_port)
WS_PORT=$(free_port)
API_PORT=$(free_port)

# Debian's mosquitto.conf is `include_dir /etc/mosquitto/conf.d` plus its own log and
# persistence lines; this one includes the packaged directory the same way. The packaged file's
# paths and listeners move into the root and onto free loopback ports.
mkdir -p "$WORK/conf.d"
relocate "$ROOT/etc/mosquitto/conf.d/mqchat.conf" |
  sed -e "s|^listener 1883$|listener $PORT 127.0.0.1|" -e "s|^listener 8083$|listener $WS_PORT 127.0.0.1|" \
    > "$WORK/conf.d/mqchat.conf"
grep -q "^listener $PORT 127.0.0.1" "$WORK/conf.d/mqchat.conf" || fail "mqchat.conf has no listener 1883"
cat > "$WORK/mosquitto.conf" <<CONF
user root
log_dest stderr
include_dir $WORK/conf.d
CONF
relocate "$ROOT/etc/mqchat/api.conf" |
  sed -e "s|^port 8080$|port $API_PORT|" -e "s|^listen 0.0.0.0$|listen 127.0.0.1|" > "$WORK/api.conf"

/usr/sbin/mosquitto -c "$WORK/mosquitto.conf" >"$WORK/mosquitto.log" 2>&1 &
PIDS+=($!)
"$ROOT/usr/bin/mqchat-api" --config "$WORK/api.conf" >"$WORK/api.log" 2>&1 &
PIDS+=($!)
wait_port() {
  local deadline=$((SECONDS + 30))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || fail "nothing listens on 127.0.0.1:$1 after 30 s"
    sleep 0.1
  done
}
wait_port "$PORT"
wait_port "$WS_PORT"
wait_port "$API_PORT"

# Sign up and log in with the packaged terminal client (only tokens are kept), then chat.
export MQCHAT_CONFIG_DIR="$WORK/mqchat-config"
CLI="$ROOT/usr/bin/mqchat"
API="http://127.0.0.1:$API_PORT"
for user in alice bob; do
  MQCHAT_PASSWORD="packaged-$user-password" "$CLI" --api "$API" -u "$user" signup >>"$WORK/cli.log" 2>&1 ||
    fail "signup of $user failed"
  MQCHAT_PASSWORD="packaged-$user-password" "$CLI" --api "$API" -u "$user" login >>"$WORK/cli.log" 2>&1 ||
    fail "login of $user failed"
done
"$CLI" -p "$PORT" -u alice --timeout 10 send @bob "hello from the packages" >>"$WORK/cli.log" 2>&1 ||
  fail "alice could not send through the packaged broker"
"$CLI" -p "$PORT" -u bob --timeout 10 history @alice -n 5 >"$WORK/history.log" 2>&1 ||
  fail "bob could not read his history"
grep -q "hello from the packages" "$WORK/history.log" || fail "bob's history lacks alice's message"
# The broker takes tokens only (the packaged config): alice's password, sent to the broker
# itself (no kept login, no API), is refused: exit 4.
set +e
MQCHAT_CONFIG_DIR="$WORK/no-login" "$CLI" -p "$PORT" -u alice --password "packaged-alice-password" \
  --timeout 5 groups >>"$WORK/cli.log" 2>&1
refused=$?
set -e
[ "$refused" = 4 ] || fail "a password over MQTT to the packaged broker gave exit $refused, not 4"
# The packaged web app.
code=$(curl -s -o "$WORK/index.html" -w '%{http_code}' "http://127.0.0.1:$WS_PORT/")
[ "$code" = 200 ] && grep -qi "<html" "$WORK/index.html" || fail "the web app is not served (HTTP $code)"
[ "$(readlink "$ROOT/usr/share/mqchat/www/config.json")" = /etc/mqchat/web-config.json ] ||
  fail "the web app's config.json does not point at /etc/mqchat/web-config.json"
echo "check_debs: packages built, installed into a throw-away root, and chatted through"
