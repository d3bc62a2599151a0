# Sourced by scripts/run.sh (and tests/web/api_web_dir.test.mjs, which checks a page works with
# exactly these): where the page served by mqchat-api (--web_dir) finds the API and the broker
# (config.json), and the page origins the API lets call it (--cors_origin, one per line).
#   web_config API_PORT WS_PORT
#   web_cors_origins API_PORT WS_PORT

web_config() {
  printf '{"api": "http://127.0.0.1:%s", "broker_ws": "ws://127.0.0.1:%s/"}\n' "$1" "$2"
}

# Both names of this machine: the page opened at http://localhost:API_PORT/ is another origin
# for the browser than at 127.0.0.1, and calls the API from there.
web_cors_origins() {
  local host
  for host in 127.0.0.1 localhost; do
    printf '%s\n' "http://$host:$1" "http://$host:$2"
  done
}
