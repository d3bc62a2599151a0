# Shared helpers for bench/run.sh, bench/smoke_test.sh and the bench tools (bench/*_bench.sh):
# build, free ports, throwaway mosquitto (plain or with the plugin) and PostgreSQL servers on
# 127.0.0.1, SQL on their store, /proc sampling and cleanup. Source it; call bench_cleanup from an EXIT trap. Everything lives under $BENCH_TMP.

MOSQUITTO_BIN=${MOSQUITTO_BIN:-/usr/sbin/mosquitto}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
BENCH_JWT_SECRET=${BENCH_JWT_SECRET:-mqchat-bench-hs256-secret-0123456789abcdef}
BENCH_TMP=""
BENCH_PIDS=()      # background processes we started (brokers, samplers)
BENCH_PG_DATA=""   # a running throwaway cluster, stopped by bench_cleanup
BENCH_PG_SHARD_DATA=()  # the shards' clusters (bench_start_pg_shards), stopped by bench_cleanup
BENCH_PG_SHARD_PORT=()
declare -gA BENCH_SHARD_GLOBAL=() BENCH_SHARD_LIST=()  # per sharded store: its global conninfo, pg_shards

bench_log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
bench_die() { bench_log "error: $*"; exit 1; }

bench_init_tmp() {
  BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/mqchat-bench.XXXXXX")
  chmod 755 "$BENCH_TMP"
}

# as_postgres CMD...: initdb and pg_ctl refuse to run as root.
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${BENCH_PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  BENCH_PIDS=()
  local data
  for data in "$BENCH_PG_DATA" "${BENCH_PG_SHARD_DATA[@]}"; do
    [ -n "$data" ] || continue
    as_postgres "$PG_BIN/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  done
  BENCH_PG_DATA="" BENCH_PG_SHARD_DATA=() BENCH_PG_SHARD_PORT=()
  BENCH_SHARD_GLOBAL=() BENCH_SHARD_LIST=()
  if [ -n "$BENCH_TMP" ] && [ -d "$BENCH_TMP" ]; then rm -rf "$BENCH_TMP"; fi
}

# bench_build BUILD_DIR SOURCE_DIR: configures and builds mqchat-bench and the plugin if needed.
bench_build() {
  local build=$1 src=$2
  if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$src" -B "$build" -DMQCHAT_BUILD_TESTS=OFF >&2 || bench_die "cmake configure failed"
  fi
  cmake --build "$build" -j2 --target mqchat-bench mqchat_plugin >&2 || bench_die "build failed"
}

# bench_tools BUILD_DIR SOURCE_DIR: the programs a bench tool runs: unless BENCH and PLUGIN are
# both given (--bench, --plugin), builds mqchat-bench and the plugin into BUILD_DIR and fills in
# the one missing; fails if mosquitto is not installed.
bench_tools() {
  local build=$1 src=$2
  if [ -z "${BENCH:-}" ] || [ -z "${PLUGIN:-}" ]; then
    bench_build "$build" "$src"
    BENCH=${BENCH:-$build/bench/mqchat-bench}
    PLUGIN=${PLUGIN:-$build/plugin/mqchat_plugin.so}
  fi
  [ -x "$MOSQUITTO_BIN" ] || bench_die "$MOSQUITTO_BIN is not installed"
}

# bench_store_lines PLUGIN_SO STORE: the plugin lines (bench_plugin_lines) for "sqlite",
# "postgres" or "postgres-shardsN" (N = 1..64: a global database and N shards,
# plugin_opt_pg_shards; see bench_shard_lines) in STORE_LINES, starting the throwaway PostgreSQL
# cluster(s) on first use; for SQLite, the database file in SQLITE_DB (for bench_sql).
bench_store_lines() {
  local n
  if [ "$2" = postgres ]; then
    [ -n "${PG_CONNINFO:-}" ] || bench_start_postgres
    STORE_LINES=$(bench_plugin_lines "$1" postgres)
  elif n=$(bench_shard_count "$2") && [ "$n" -gt 0 ]; then
    bench_shard_lines "$1" "$2" "$n" "mqchat_shards$n"
  elif [ "$2" = sqlite ]; then
    STORE_LINES=$(bench_plugin_lines "$1" sqlite)
    SQLITE_DB=$(sed -n 's/^plugin_opt_sqlite_path //p' <<<"$STORE_LINES")
  else
    bench_die "unknown store $2 (sqlite, postgres or postgres-shardsN)"
  fi
}

# bench_shard_count STORE: N for "postgres-shardsN" (1..64), 0 for any other store.
bench_shard_count() {
  case "$1" in
    postgres-shards[1-9]|postgres-shards[1-5][0-9]|postgres-shards6[0-4]) echo "${1#postgres-shards}" ;;
    *) echo 0 ;;
  esac
}

# bench_shard_lines PLUGIN_SO STORE N DBNAME: a sharded store (issue 26; docs/OPERATIONS.md
# "Sharding the conversations over several PostgreSQL primaries"): the global database DBNAME on
# the bench's cluster (bench_start_postgres) and a database DBNAME on each of N shard clusters of
# their own (bench_start_pg_shards: one primary per shard, as deployed, each with its own WAL and
# fsyncs; databases of one cluster would share its one WAL writer and flush, the resource
# sharding splits). Sets STORE_LINES (bench_plugin_lines with plugin_opt_pg_conninfo the global
# database, and plugin_opt_pg_shards), BENCH_SHARD_GLOBAL[STORE] and BENCH_SHARD_LIST[STORE]
# (the option's value: conninfos separated by "; ", shard 0 first).
bench_shard_lines() {
  local so=$1 store=$2 n=$3 db=$4 i list="" global
  [ -n "${PG_CONNINFO:-}" ] || bench_start_postgres
  bench_start_pg_shards "$n"
  global=$(bench_create_pg_db "$db")
  for ((i = 0; i < n; i++)); do
    as_postgres "$PG_BIN/createdb" -h 127.0.0.1 -p "${BENCH_PG_SHARD_PORT[$i]}" -U postgres "$db" ||
      bench_die "createdb $db on shard $i failed"
    list+="${list:+; }host=127.0.0.1 port=${BENCH_PG_SHARD_PORT[$i]} user=postgres dbname=$db"
  done
  BENCH_SHARD_GLOBAL[$store]=$global BENCH_SHARD_LIST[$store]=$list
  STORE_LINES=$(PG_CONNINFO=$global bench_plugin_lines "$so" postgres)$'\n'"plugin_opt_pg_shards $list"
}

# bench_shard_spread STORE [PREFIX]: one line per shard of the sharded store STORE: "shard I:
# D in the directory, C conversations" (D: the global database's conversation_shards rows naming
# the shard; C: the shard's own conversations table). With PREFIX: only the direct
# conversations whose members' names start with PREFIX (the directory's direct_key; C is then
# omitted).
bench_shard_spread() {
  local store=$1 prefix=${2:-} i conninfo d c
  local -a shards
  IFS=';' read -ra shards <<<"${BENCH_SHARD_LIST[$store]}"
  for i in "${!shards[@]}"; do
    conninfo=${shards[$i]# }
    d=$(psql -X -q -At -v ON_ERROR_STOP=1 -v p="$prefix" "${BENCH_SHARD_GLOBAL[$store]}" <<SQL
SELECT count(*) FROM conversation_shards WHERE shard = $i
  AND (:'p' = '' OR starts_with(direct_key, :'p'));
SQL
) || return 1
    if [ -n "$prefix" ]; then
      echo "shard $i: $d"
    else
      c=$(psql -X -q -At -v ON_ERROR_STOP=1 "$conninfo" -c "SELECT count(*) FROM conversations") || return 1
      echo "shard $i: $d in the directory, $c conversations"
    fi
  done
}

# bench_sql STORE: runs the SQL on stdin against the store of bench_store_lines (psql on
# PG_CONNINFO, or on a sharded store's global database; sqlite3 on SQLITE_DB, waiting up to 30 s
# for a running broker's lock); prints the rows, one a line, unaligned. Stops at the first error.
bench_sql() {
  if [ "$1" = postgres ]; then
    psql -X -q -v ON_ERROR_STOP=1 -At "$PG_CONNINFO"
  elif [ -n "${BENCH_SHARD_GLOBAL[$1]:-}" ]; then
    psql -X -q -v ON_ERROR_STOP=1 -At "${BENCH_SHARD_GLOBAL[$1]}"
  else
    sqlite3 -bail -cmd ".timeout 30000" "$SQLITE_DB"
  fi
}

# bench_p50_p99 JSON: "P50 / P99" of an mqchat-bench --json result's send->ack latency, in ms
# to two decimals (a table cell).
bench_p50_p99() {
  jq -r '"\(.ack_latency_ms.p50 * 100 | round / 100) / \(.ack_latency_ms.p99 * 100 | round / 100)"' \
    <<<"$1"
}

# bench_start_api BUILD_DIR STORE_ARGS...: migrates the store (mqchatctl, STORE_ARGS: --sqlite
# PATH or --pg CONNINFO) and starts mqchat-api on a free port with a fresh RS256 key and open
# sign-up; sets API_PID and API_PORT. Extra mqchat-api flags come from $BENCH_API_ARGS.
bench_start_api() {
  local build=$1; shift
  local key="$BENCH_TMP/api.key.pem" log="$BENCH_TMP/api.log"
  [ -f "$key" ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$key" \
    2>/dev/null || bench_die "openssl genpkey failed"
  "$build/tools/mqchatctl/mqchatctl" "$@" migrate >/dev/null || bench_die "migrate failed"
  for _attempt in 1 2 3; do
    API_PORT=$(bench_free_port)
    # shellcheck disable=SC2086
    "$build/api/mqchat-api" "$@" --jwt_private_key_file "$key" --listen 127.0.0.1 \
      --port "$API_PORT" ${BENCH_API_ARGS:-} >>"$log" 2>&1 &
    API_PID=$!
    BENCH_PIDS+=("$API_PID")
    for _ in $(seq 200); do
      if ! kill -0 "$API_PID" 2>/dev/null; then break; fi
      if bench_can_connect "$API_PORT"; then return 0; fi
      sleep 0.05
    done
    bench_stop_pid "$API_PID"
  done
  tail -5 "$log" >&2
  bench_die "mqchat-api did not start"
}

# bench_can_connect PORT: true if something accepts TCP connections on 127.0.0.1:PORT.
bench_can_connect() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# bench_free_port: prints a port nobody listens on (racy, so starters retry on bind failure).
# It lies below the kernel's ephemeral range, which the 10,000-connection rows fill with client
# ports (some in TIME_WAIT, which a listener cannot bind either).
bench_free_port() {
  local p lo=20000 hi=32767 first
  if read -r first _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null && [ "$first" -gt 21000 ]; then
    hi=$((first - 1))
  fi
  for _ in $(seq 100); do
    p=$((lo + RANDOM % (hi - lo + 1)))
    if ! bench_can_connect "$p"; then echo "$p"; return 0; fi
  done
  bench_die "no free port found"
}

# bench_start_mosquitto NAME PLUGIN_LINES [EXTRA_LINES]: writes $BENCH_TMP/NAME.conf, starts
# mosquitto on a free port; sets BROKER_PID and BROKER_PORT. PLUGIN_LINES empty = plain,
# anonymous Mosquitto. EXTRA_LINES follow the plugin lines (e.g. more plugin_opt_*). The broker
# gets the hard RLIMIT_NOFILE as its soft limit (one descriptor per client; mosquitto's
# max_connections is unlimited by default, written out below), so 10,000+ clients fit.
bench_start_mosquitto() {
  local name=$1 plugin_lines=$2 extra_lines=${3:-} conf="$BENCH_TMP/$1.conf" log="$BENCH_TMP/$1.log"
  local anon=true
  [ -n "$plugin_lines" ] && anon=false
  for _attempt in 1 2 3 4 5; do
    BROKER_PORT=$(bench_free_port)
    cat > "$conf" <<CONF
user root
per_listener_settings false
allow_anonymous $anon
set_tcp_nodelay true
persistence false
max_connections -1
log_dest stderr
log_type error
log_type warning
log_type notice
$plugin_lines
$extra_lines
listener $BROKER_PORT 127.0.0.1
CONF
    # The subshell execs mosquitto, so $! is the broker's PID.
    ( ulimit -n "$(ulimit -Hn)" 2>/dev/null || true; exec "$MOSQUITTO_BIN" -c "$conf" ) >>"$log" 2>&1 &
    BROKER_PID=$!
    BENCH_PIDS+=("$BROKER_PID")
    for _ in $(seq 200); do
      if ! kill -0 "$BROKER_PID" 2>/dev/null; then break; fi
      if bench_can_connect "$BROKER_PORT"; then return 0; fi
      sleep 0.05
    done
    kill -KILL "$BROKER_PID" 2>/dev/null || true
    wait "$BROKER_PID" 2>/dev/null || true
    bench_log "mosquitto ($name) did not start on port $BROKER_PORT; log:"; tail -5 "$log" >&2
  done
  bench_die "cannot start mosquitto ($name)"
}

# bench_stop_pid PID: stops a process we started and forgets it (so bench_cleanup never signals
# a later process that got the same PID).
bench_stop_pid() {
  local pid=$1 p kept=()
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for p in "${BENCH_PIDS[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
  BENCH_PIDS=("${kept[@]}")
}

# bench_plugin_lines PLUGIN_SO STORE: the plugin_* config lines for "sqlite" or "postgres"
# (postgres needs PG_CONNINFO from bench_start_postgres).
bench_plugin_lines() {
  local so=$1 store=$2
  echo "plugin $so"
  if [ "$store" = sqlite ]; then
    echo "plugin_opt_store sqlite"
    echo "plugin_opt_sqlite_path $BENCH_TMP/mqchat-$RANDOM$RANDOM.db"
  else
    echo "plugin_opt_store postgres"
    echo "plugin_opt_pg_conninfo $PG_CONNINFO"
  fi
  echo "plugin_opt_jwt_hs256_secret $BENCH_JWT_SECRET"
  # Every bench client connects from 127.0.0.1, thousands a second in the storm rows: the
  # connection rates (issue 29, docs/OPERATIONS.md) would refuse them.
  echo "plugin_opt_connect_per_address_per_s 0"
  echo "plugin_opt_connect_per_s 0"
  # Bench senders send far faster than a person (and than the default send limits, 5 messages
  # a second): off, except where BENCH_SEND_LIMITS=on keeps the defaults (the flood rows).
  if [ "${BENCH_SEND_LIMITS:-off}" != on ]; then
    echo "plugin_opt_send_rate_per_s 0"
    echo "plugin_opt_fanout_per_s 0"
  fi
}

# bench_start_postgres: a throwaway cluster (initdb, default settings: fsync and synchronous
# commit on) on a free port, with database "mqchat"; sets PG_CONNINFO and PG_PORT.
bench_start_postgres() {
  bench_pg_cluster "$BENCH_TMP/pg"
  BENCH_PG_DATA="$BENCH_TMP/pg/data" PG_PORT=$PGC_PORT
  as_postgres "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres mqchat ||
    bench_die "createdb failed"
  PG_CONNINFO="host=127.0.0.1 port=$PG_PORT user=postgres dbname=mqchat"
}

# bench_start_pg_shards N: shard clusters 0..N-1 (BENCH_PG_SHARD_PORT), each a throwaway cluster
# of its own like bench_start_postgres's (none of them holds a database yet); starts only those
# not running yet, so stores of 2 and 3 shards share clusters 0 and 1 (their runs take turns).
bench_start_pg_shards() {
  local i
  for ((i = ${#BENCH_PG_SHARD_DATA[@]}; i < $1; i++)); do
    bench_log "starting PostgreSQL shard cluster $i"
    bench_pg_cluster "$BENCH_TMP/pg-shard$i"
    BENCH_PG_SHARD_DATA+=("$BENCH_TMP/pg-shard$i/data") BENCH_PG_SHARD_PORT+=("$PGC_PORT")
  done
}

# bench_pg_cluster DIR: initdb in DIR/data and start it on a free port (PGC_PORT), logging to
# DIR/postgres.log. The caller records DIR/data for bench_cleanup.
bench_pg_cluster() {
  [ -x "$PG_BIN/initdb" ] || bench_die "PostgreSQL not found in $PG_BIN"
  local dir=$1
  mkdir -p "$dir/data" "$dir/sock"
  chmod 700 "$dir/data"
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$dir"
  as_postgres "$PG_BIN/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; bench_die "initdb failed"; }
  for _attempt in 1 2 3; do
    PGC_PORT=$(bench_free_port)
    if as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -w -t 60 -l "$dir/postgres.log" \
         -o "-p $PGC_PORT -k $dir/sock -c listen_addresses=127.0.0.1" start >/dev/null 2>&1; then
      return 0
    fi
  done
  tail -20 "$dir/postgres.log" >&2
  bench_die "PostgreSQL did not start in $dir"
}

# bench_create_pg_db NAME: a new empty database in the running cluster; prints its conninfo
# (for a fresh broker whose figures must not depend on earlier runs' data).
bench_create_pg_db() {
  as_postgres "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$1" ||
    bench_die "createdb $1 failed"
  echo "host=127.0.0.1 port=$PG_PORT user=postgres dbname=$1"
}

# PIDs of the running throwaway clusters (postmasters and their children; the shards' too).
bench_pg_pids() {
  local data pm
  for data in "$BENCH_PG_DATA" "${BENCH_PG_SHARD_DATA[@]}"; do
    [ -n "$data" ] || continue
    pm=$(head -1 "$data/postmaster.pid" 2>/dev/null) || continue
    echo "$pm"
    pgrep -P "$pm" || true
  done
}

# bench_pg_cluster_ticks: "NAME TICKS" per running throwaway cluster (NAME: main for
# bench_start_postgres's, shardI for bench_start_pg_shards'): utime+stime of its postmaster and
# children now.
bench_pg_cluster_ticks() {
  local i pm
  local -a names=(main) dirs=("$BENCH_PG_DATA") pids
  for i in "${!BENCH_PG_SHARD_DATA[@]}"; do names+=("shard$i"); dirs+=("${BENCH_PG_SHARD_DATA[$i]}"); done
  for i in "${!dirs[@]}"; do
    [ -n "${dirs[$i]}" ] || continue
    pm=$(head -1 "${dirs[$i]}/postmaster.pid" 2>/dev/null) || continue
    mapfile -t pids < <(pgrep -P "$pm" || true)
    echo "${names[$i]} $(bench_cpu_ticks "$pm" "${pids[@]}")"
  done
}

# bench_cpu_ticks PID...: utime+stime (clock ticks) summed over the processes.
bench_cpu_ticks() {
  local total=0 pid f
  local -a a
  for pid in "$@"; do
    f=$(cut -d')' -f2- "/proc/$pid/stat" 2>/dev/null) || continue
    # After "pid (comm)" come state (field 3) ... utime (14) and stime (15).
    read -ra a <<<"$f"
    total=$((total + a[11] + a[12]))
  done
  echo "$total"
}

# bench_wait_idle LIMIT_S PID...: wait (polling every 0.5 s, at most LIMIT_S) until the processes
# together take under 10% of one core over a half second, so a run does not pay for work an
# earlier run left behind (PostgreSQL's search indexer catching up after a throughput run took
# most of a core for a minute, inside the next target's run). Prints how long it waited.
bench_wait_idle() {
  local limit=$1 start t0 t1 waited; shift
  start=$(date +%s.%N)
  while :; do
    t0=$(bench_cpu_ticks "$@"); sleep 0.5; t1=$(bench_cpu_ticks "$@")
    # 10% of a core over 0.5 s is CLK_TCK / 20 ticks.
    [ $(( (t1 - t0) * 20 )) -lt "$(getconf CLK_TCK)" ] && break
    waited=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%d", b - a }')
    [ "$waited" -ge "$limit" ] && break
  done
  awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'
}

# bench_busy_ticks: non-idle clock ticks of all CPUs together (/proc/stat), to tell how much
# CPU other processes took during a run.
bench_busy_ticks() {
  awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

# bench_rss_kb PID FIELD: VmRSS or VmHWM in kB.
bench_rss_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
