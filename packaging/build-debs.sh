#!/usr/bin/env bash
# Builds mqchat's Debian packages from a build directory (issue 19):
#   mqchat-plugin  the broker plugin and its /etc/mosquitto/conf.d/mqchat.conf
#   mqchat-api     the API service, /etc/mqchat/api.conf, a systemd unit, the token key pair
#   mqchat-tools   mqchatctl (operators) and mqchat (the terminal client)
#   mqchat-web     the web app, served by mosquitto's http_dir (needs web/dist, built by
#                  `npm run build` in web/ or by this script with --web)
# Installed beside Debian's own mosquitto: `apt install ./mqchat-*.deb`, then
# `systemctl restart mosquitto` gives a working chat server on the embedded SQLite store.
#   usage: packaging/build-debs.sh BUILD_DIR OUT_DIR [--web]
set -euo pipefail
BUILD=$(cd "$1" && pwd)
mkdir -p "$2"
OUT=$(cd "$2" && pwd)
BUILD_WEB=${3:-}
SRC=$(cd "$(dirname "$0")/.." && pwd)
FILES="$SRC/packaging/files"
VERSION=$(sed -n 's/^project(mqchat VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
ARCH=$(dpkg --print-architecture)
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT

if [ "$BUILD_WEB" = --web ] && [ ! -f "$SRC/web/dist/index.html" ]; then
  (cd "$SRC/web" && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)
fi

# Installs the build under STAGE/all/usr once (the plugin comes out stripped; the programs are
# stripped here: packages carry no debug information).
cmake --install "$BUILD" --prefix "$STAGE/all/usr" >/dev/null
for program in "$STAGE"/all/usr/bin/*; do strip --strip-unneeded "$program"; done

# The shared libraries a package's ELF files need, as a Depends line (dpkg-shlibdeps reads
# debian/control from the current directory, so it runs in a scratch one).
shlib_depends() {
  local scratch="$STAGE/shlibs"
  mkdir -p "$scratch/debian"
  printf 'Source: mqchat\n\nPackage: x\nArchitecture: any\n' > "$scratch/debian/control"
  (cd "$scratch" && dpkg-shlibdeps -O "$@" 2>/dev/null) | sed -n 's/^shlibs:Depends=//p'
}

# make_deb NAME DEPENDS DESCRIPTION: STAGE/NAME is the package's root.
make_deb() {
  local name=$1 depends=$2 description=$3 root="$STAGE/$1"
  mkdir -p "$root/DEBIAN" "$root/usr/share/doc/$name"
  install -m 0644 "$FILES/copyright" "$root/usr/share/doc/$name/copyright"
  local size
  size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
  {
    echo "Package: $name"
    echo "Version: $VERSION"
    echo "Architecture: $ARCH"
    echo "Maintainer: mqchat developers <mqchat@localhost>"
    echo "Installed-Size: $size"
    [ -n "$depends" ] && echo "Depends: $depends"
    echo "Section: net"
    echo "Priority: optional"
    echo "Description: $description"
  } > "$root/DEBIAN/control"
  for script in postinst postrm; do
    if [ -f "$FILES/$name.$script" ]; then
      install -m 0755 "$FILES/$name.$script" "$root/DEBIAN/$script"
    fi
  done
  (cd "$root" && find etc -type f 2>/dev/null | sed 's|^|/|' > DEBIAN/conffiles) || true
  [ -s "$root/DEBIAN/conffiles" ] || rm -f "$root/DEBIAN/conffiles"
  dpkg-deb --root-owner-group -Zxz --build "$root" "$OUT/${name}_${VERSION}_${ARCH}.deb" >/dev/null
}

# --- mqchat-plugin ---
P="$STAGE/mqchat-plugin"
install -D -m 0644 "$STAGE/all/usr/lib/mqchat/mqchat_plugin.so" "$P/usr/lib/mqchat/mqchat_plugin.so"
install -D -m 0644 "$FILES/mqchat.conf" "$P/etc/mosquitto/conf.d/mqchat.conf"
install -D -m 0644 "$SRC/conf/README.md" "$P/usr/share/doc/mqchat-plugin/README.conf.md"
for example in "$SRC"/conf/*.example; do
  install -D -m 0644 "$example" "$P/usr/share/doc/mqchat-plugin/examples/$(basename "$example")"
done
install -D -m 0644 "$SRC/conf/grafana/mqchat-brokers.json" \
  "$P/usr/share/doc/mqchat-plugin/examples/grafana/mqchat-brokers.json"
make_deb mqchat-plugin "mosquitto (>= 2.0.11), $(shlib_depends "$P/usr/lib/mqchat/mqchat_plugin.so")" \
  "chat server plugin for the Mosquitto MQTT broker
 mqchat turns mosquitto into a chat server: users, devices, conversations and channels on MQTT
 topics, durable messages with gapless per-conversation sequence numbers, history, multi-device
 sync, presence and push notifications."

# --- mqchat-tools ---
T="$STAGE/mqchat-tools"
install -D -m 0755 "$STAGE/all/usr/bin/mqchatctl" "$T/usr/bin/mqchatctl"
install -D -m 0755 "$STAGE/all/usr/bin/mqchat" "$T/usr/bin/mqchat"
make_deb mqchat-tools "$(shlib_depends "$T/usr/bin/mqchatctl" "$T/usr/bin/mqchat")" \
  "mqchat operator CLI and terminal chat client
 mqchatctl manages users, tokens, moderation, retention, backups and migrations of an mqchat
 store; mqchat is a terminal chat client."

# --- mqchat-api ---
A="$STAGE/mqchat-api"
install -D -m 0755 "$STAGE/all/usr/bin/mqchat-api" "$A/usr/bin/mqchat-api"
install -D -m 0640 "$FILES/api.conf" "$A/etc/mqchat/api.conf"
install -D -m 0644 "$FILES/mqchat-api.service" "$A/lib/systemd/system/mqchat-api.service"
install -D -m 0644 "$SRC/docs/openapi.yaml" "$A/usr/share/doc/mqchat-api/openapi.yaml"
make_deb mqchat-api "openssl, $(shlib_depends "$A/usr/bin/mqchat-api")" \
  "mqchat API service
 The stateless HTTP tier of mqchat: sign-up, login (access tokens the brokers verify), profiles,
 devices, attachments and broker discovery."

# --- mqchat-web ---
if [ -f "$STAGE/all/usr/share/mqchat/www/index.html" ]; then
  W="$STAGE/mqchat-web"
  mkdir -p "$W/usr/share/mqchat"
  cp -r "$STAGE/all/usr/share/mqchat/www" "$W/usr/share/mqchat/www"
  rm -f "$W/usr/share/mqchat/www/config.json"  # run.sh's, for its own ports
  install -D -m 0644 "$FILES/web-config.json" "$W/etc/mqchat/web-config.json"
  ln -s /etc/mqchat/web-config.json "$W/usr/share/mqchat/www/config.json"
  make_deb mqchat-web "" "mqchat web app
 The browser client of mqchat (MQTT over WebSocket), served by mosquitto's http_dir."
else
  echo "build-debs: web/dist was not built; no mqchat-web package (pass --web)" >&2
fi
ls "$OUT"
