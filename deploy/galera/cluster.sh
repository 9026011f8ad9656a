#!/usr/bin/env bash
# A MariaDB Galera cluster on loopback for development, tests and the operator walk-through in
# docs/OPERATIONS.md. Every node listens on 127.0.0.1 only and keeps its data under one directory.
#
#   cluster.sh start   [--dir DIR] [--nodes N] [--base-port PORT] [--timeout SECONDS]
#   cluster.sh status  [--dir DIR]
#   cluster.sh kill N  [--dir DIR]        SIGKILL node N (simulates a crashed node)
#   cluster.sh restart N [--dir DIR]      stop node N if running, start it, wait until it is Synced
#   cluster.sh sql N [--dir DIR] [-- mariadb client args]   e.g. sql 2 -- -e 'SHOW TABLES'
#   cluster.sh stop    [--dir DIR]        clean shutdown, last node first (node 1 can bootstrap next)
#   cluster.sh destroy [--dir DIR]        stop and remove DIR
#
# Ports of node i (1-based), from --base-port B (default 3311):
#   SQL B+i-1, gmcast (group communication) B+1260+i-1, IST B+1270+i-1, SST (rsync) B+1280+i-1,
#   i.e. 3311-3313, 4571-4573, 4581-4583, 4591-4593 for the default 3 nodes. Two clusters on one
#   machine need base ports at least 30 apart.
# GALERA_PROVIDER_OPTIONS (env) is appended to wsrep_provider_options, e.g. 'evs.suspect_timeout=PT2S'.
# The SQL user is root with no password, from 127.0.0.1 and over each node's socket.
# Run as root, mariadbd runs as the mysql user: the rsync state transfer run by a root mariadbd
# drops to nobody, which cannot write the joiner's data directory.
set -euo pipefail

readonly PROVIDER_CANDIDATES=(/usr/lib/galera/libgalera_smm.so /usr/lib/libgalera_smm.so
  /usr/lib64/galera-4/libgalera_smm.so /usr/lib64/galera/libgalera_smm.so)

die() { echo "cluster.sh: error: $*" >&2; exit 1; }
note() { echo "cluster.sh: $*" >&2; }

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

# ---------------------------------------------------------------- arguments and state
cmd=${1:-}
[[ -n $cmd ]] || { usage; exit 2; }
shift
node_arg=""
if [[ $cmd == kill || $cmd == restart || $cmd == sql ]]; then
  node_arg=${1:-}
  [[ $node_arg =~ ^[0-9]+$ ]] || die "'$cmd' needs a node number, e.g. '$cmd 2'"
  shift
fi
dir=${GALERA_DIR:-/tmp/renewal-galera}
nodes=""
base_port=""
timeout=180
sql_args=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --dir) dir=${2:?--dir needs a value}; shift 2 ;;
    --dir=*) dir=${1#*=}; shift ;;
    --nodes) nodes=${2:?--nodes needs a value}; shift 2 ;;
    --nodes=*) nodes=${1#*=}; shift ;;
    --base-port) base_port=${2:?--base-port needs a value}; shift 2 ;;
    --base-port=*) base_port=${1#*=}; shift ;;
    --timeout) timeout=${2:?--timeout needs a value}; shift 2 ;;
    --timeout=*) timeout=${1#*=}; shift ;;
    --) shift; sql_args=("$@"); break ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument '$1' (try --help)" ;;
  esac
done
[[ $dir == /* ]] || dir=$(pwd)/$dir
dir=${dir%/}
[[ -n $dir && $dir != / ]] || die "--dir must not be /"
state_file=$dir/cluster.env

# A started cluster remembers its shape, so later commands need only --dir.
if [[ -f $state_file ]]; then
  saved_nodes=$(sed -n 's/^nodes=//p' "$state_file")
  saved_base=$(sed -n 's/^base_port=//p' "$state_file")
  if [[ $cmd == start && ( ( -n $nodes && $nodes != "$saved_nodes" ) || ( -n $base_port && $base_port != "$saved_base" ) ) ]]; then
    die "$dir holds a cluster of $saved_nodes nodes from port $saved_base; 'destroy' it first or use another --dir"
  fi
  nodes=$saved_nodes
  base_port=$saved_base
fi
nodes=${nodes:-3}
base_port=${base_port:-3311}
[[ $nodes =~ ^[1-9]$ ]] || die "--nodes must be 1-9 (got '$nodes')"
[[ $base_port =~ ^[0-9]+$ ]] && ((base_port >= 1024 && base_port + 1280 + nodes <= 65535)) \
  || die "--base-port must be 1024-$((65535 - 1280 - nodes)) (got '$base_port')"
[[ $timeout =~ ^[0-9]+$ ]] || die "--timeout must be a number of seconds"
if [[ -n $node_arg ]] && ((node_arg < 1 || node_arg > nodes)); then
  die "node $node_arg does not exist (nodes are 1-$nodes)"
fi

sql_port() { echo $((base_port + $1 - 1)); }
gmcast_port() { echo $((base_port + 1260 + $1 - 1)); }
ist_port() { echo $((base_port + 1270 + $1 - 1)); }
sst_port() { echo $((base_port + 1280 + $1 - 1)); }
node_dir() { echo "$dir/node$1"; }
pid_of() { # prints the pid of a live mariadbd of node $1, or nothing
  local f pid
  f=$(node_dir "$1")/mariadbd.pid
  [[ -s $f ]] || return 0
  pid=$(<"$f")
  if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
    && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q -- "--defaults-file=$(node_dir "$1")/my.cnf"; then
    echo "$pid"
  fi
}
is_running() { [[ -n $(pid_of "$1") ]]; }
node_pids() { # pids of every mariadbd process of node $1 (also one that has not written its pid file yet)
  local pid cmdline want
  want="--defaults-file=$(node_dir "$1")/my.cnf"
  for pid in $(pgrep -x mariadbd || true); do
    cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || continue
    [[ $cmdline == mariadbd\ "$want"* || $cmdline == */mariadbd\ "$want"* ]] && echo "$pid"
  done
  return 0
}

# Runs a command as the user mariadbd runs as (mysql when we are root).
as_db_user() {
  if ((EUID == 0)); then
    if command -v runuser >/dev/null; then runuser -u mysql -- "$@"
    elif command -v setpriv >/dev/null; then
      setpriv --reuid=mysql --regid=mysql --init-groups -- "$@"
    else su -s /bin/bash mysql -c "$(printf '%q ' "$@")"; fi
  else
    "$@"
  fi
}

client() { # client N [mariadb args...]: SQL as root over node N's socket
  local n=$1; shift
  mariadb --no-defaults --protocol=socket -S "$(node_dir "$n")/mariadbd.sock" -uroot \
    --connect-timeout=5 "$@"
}

wsrep_status() { # prints "state size ready" of node $1, or nothing if it does not answer
  client "$1" -N -B -e "SELECT MAX(IF(VARIABLE_NAME='WSREP_LOCAL_STATE_COMMENT',VARIABLE_VALUE,NULL)),
      MAX(IF(VARIABLE_NAME='WSREP_CLUSTER_SIZE',VARIABLE_VALUE,NULL)),
      MAX(IF(VARIABLE_NAME='WSREP_READY',VARIABLE_VALUE,NULL))
    FROM information_schema.GLOBAL_STATUS
    WHERE VARIABLE_NAME IN ('WSREP_LOCAL_STATE_COMMENT','WSREP_CLUSTER_SIZE','WSREP_READY')" \
    2>/dev/null | tr '\t' ' ' || true
}

# ---------------------------------------------------------------- prerequisites
provider=""
find_provider() {
  local p
  for p in "${PROVIDER_CANDIDATES[@]}"; do [[ -f $p ]] && { provider=$p; return 0; }; done
  return 1
}

ensure_prerequisites() {
  if ! find_provider; then
    ((EUID == 0)) || die "the Galera provider (libgalera_smm.so) is missing; install it: sudo apt-get install -y galera-4"
    command -v apt-get >/dev/null || die "the Galera provider is missing and apt-get is not available; install galera-4"
    note "the Galera provider is missing: apt-get install -y galera-4"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q galera-4 >&2 \
      || { DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -q galera-4 >&2; } \
      || die "apt-get install galera-4 failed"
    find_provider || die "galera-4 installed but libgalera_smm.so not found in ${PROVIDER_CANDIDATES[*]}"
  fi
  local missing=()
  command -v mariadbd >/dev/null || [[ -x /usr/sbin/mariadbd ]] || missing+=(mariadb-server)
  command -v rsync >/dev/null || missing+=(rsync)
  command -v mariadb >/dev/null || missing+=(mariadb-client)
  if ((${#missing[@]})); then
    ((EUID == 0)) && command -v apt-get >/dev/null \
      || die "missing: ${missing[*]} (install them: apt-get install -y ${missing[*]})"
    note "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2 \
      || die "apt-get install ${missing[*]} failed"
  fi
  export PATH=$PATH:/usr/sbin:/sbin
  if ((EUID == 0)); then
    id mysql >/dev/null 2>&1 || die "user 'mysql' does not exist (it comes with mariadb-server)"
  fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------- node set-up
write_config() {
  local n=$1 nd peers="" i
  nd=$(node_dir "$n")
  for ((i = 1; i <= nodes; i++)); do peers+="${peers:+,}127.0.0.1:$(gmcast_port "$i")"; done
  cat >"$nd/my.cnf" <<EOF
# Generated by deploy/galera/cluster.sh; rewritten at every start.
[mysqld]
datadir=$nd/data
socket=$nd/mariadbd.sock
pid-file=$nd/mariadbd.pid
log-error=$nd/error.log
tmpdir=$nd/tmp
port=$(sql_port "$n")
bind-address=127.0.0.1
skip-name-resolve
# Like the single test server (a --no-defaults mariadbd would default to latin1).
character-set-server=utf8mb4
collation-server=utf8mb4_general_ci
# Settings Galera requires (see docs/OPERATIONS.md).
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
# A test cluster: durability comes from the other nodes, not from an fsync per commit.
innodb_flush_log_at_trx_commit=2
# Small footprint: several nodes share one machine.
innodb_buffer_pool_size=64M
innodb_log_file_size=32M
max_connections=300
wsrep_on=ON
wsrep_provider=$provider
wsrep_cluster_name=renewal-galera-$base_port
wsrep_cluster_address=gcomm://$peers
wsrep_node_name=node$n
wsrep_node_address=127.0.0.1
wsrep_node_incoming_address=127.0.0.1:$(sql_port "$n")
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:$(gmcast_port "$n");ist.recv_addr=127.0.0.1:$(ist_port "$n");gcache.size=64M${GALERA_PROVIDER_OPTIONS:+;$GALERA_PROVIDER_OPTIONS}"
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:$(sst_port "$n")
EOF
}

init_node() {
  local n=$1 nd
  nd=$(node_dir "$n")
  mkdir -p "$nd/tmp"
  write_config "$n"
  if [[ ! -d $nd/data/mysql ]]; then
    mkdir -p "$nd/data"
    ((EUID == 0)) && chown -R mysql:mysql "$nd"
    as_db_user mariadb-install-db --no-defaults --datadir="$nd/data" --auth-root-authentication-method=normal \
      --skip-test-db >"$nd/install.log" 2>&1 \
      || { tail -20 "$nd/install.log" >&2; die "mariadb-install-db failed for node $n (log: $nd/install.log)"; }
    # root from 127.0.0.1 over TCP, like the single test server (skip-name-resolve: no 'localhost' match).
    echo "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;" \
      >"$nd/init.sql"
  fi
  ((EUID == 0)) && chown -R mysql:mysql "$nd"
  return 0
}

# Writes the node's last committed position into its start options after a crash, so that it
# rejoins through IST (only the missing writesets) instead of a full SST, like galera_recovery.
recover_position() {
  local n=$1 nd out pos
  nd=$(node_dir "$n")
  start_position=""
  [[ -f $nd/data/grastate.dat ]] || return 0
  grep -q '^seqno: *-1' "$nd/data/grastate.dat" || return 0
  out=$nd/recover.log
  as_db_user mariadbd --defaults-file="$nd/my.cnf" --wsrep-recover --log-error="$out" >/dev/null 2>&1 || true
  pos=$(sed -n 's/.*WSREP: Recovered position: *\([^ ]*\).*/\1/p' "$out" 2>/dev/null | tail -1)
  if [[ -n $pos ]]; then
    start_position=$pos
    note "node $n: recovered position $pos"
  fi
}

check_ports() { # fails if a port of node $1 is taken (another cluster or server)
  local p
  for p in "$(sql_port "$1")" "$(gmcast_port "$1")" "$(ist_port "$1")" "$(sst_port "$1")"; do
    port_busy "$p" && die "node $1: port 127.0.0.1:$p is already in use (choose another --base-port)"
  done
  return 0
}

launch() { # launch N [extra mariadbd args]
  local n=$1 nd
  shift
  nd=$(node_dir "$n")
  check_ports "$n"
  local extra=("$@")
  [[ -f $nd/init.sql ]] && extra+=("--init-file=$nd/init.sql")
  [[ -n ${start_position:-} ]] && extra+=("--wsrep-start-position=$start_position")
  rm -f "$nd/mariadbd.pid"
  # More open files than a login's default 1024 (InnoDB tables, connections); best effort.
  ulimit -n 32768 2>/dev/null || true
  # setsid: the node outlives this script and does not receive the terminal's signals.
  as_db_user setsid mariadbd --defaults-file="$nd/my.cnf" "${extra[@]}" \
    >>"$nd/stdout.log" 2>&1 </dev/null &
  disown || true
  started_here+=("$n")
}

wait_synced() { # wait_synced SECONDS NODE...: every NODE Synced and in a cluster of all nodes
  local deadline=$((SECONDS + $1)) n st all
  shift
  while :; do
    all=1
    for n in "$@"; do
      st=$(wsrep_status "$n")
      [[ $st == "Synced $nodes ON" ]] || { all=0; break; }
    done
    ((all)) && return 0
    for n in "$@"; do
      if [[ -z $(node_pids "$n") ]]; then
        note "node $n exited; last lines of $(node_dir "$n")/error.log:"
        tail -25 "$(node_dir "$n")/error.log" >&2 2>/dev/null || true
        return 1
      fi
    done
    if ((SECONDS >= deadline)); then
      for n in "$@"; do note "node $n: $(wsrep_status "$n" || true)"; done
      note "timed out; see $dir/node*/error.log"
      return 1
    fi
    sleep 0.5
  done
}

wait_node_up() { # wait until node $1 answers SQL (any wsrep state)
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    [[ -n $(wsrep_status "$1") ]] && return 0
    if [[ -z $(node_pids "$1") ]]; then
      tail -25 "$(node_dir "$1")/error.log" >&2 2>/dev/null || true
      return 1
    fi
    sleep 0.3
  done
  return 1
}

started_here=()
# On any failure exit (die included) while starting, kill the nodes this run started: no leftovers.
on_exit() {
  local rc=$?
  ((rc != 0)) && cleanup_on_failure
  exit "$rc"
}
cleanup_on_failure() {
  local n pid
  for n in "${started_here[@]}"; do
    for pid in $(node_pids "$n"); do kill -9 "$pid" 2>/dev/null || true; done
  done
}

stop_node() { # graceful stop of node $1 (SIGTERM, SIGKILL after 60 s)
  local n=$1 pid i
  pid=$(pid_of "$n")
  [[ -n $pid ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 600; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  note "node $n did not stop within 60 s; SIGKILL"
  kill -9 "$pid" 2>/dev/null || true
}

print_endpoints() {
  local n hosts=""
  for ((n = 1; n <= nodes; n++)); do hosts+="${hosts:+,}127.0.0.1:$(sql_port "$n")"; done
  echo "nodes: $hosts"
  for ((n = 1; n <= nodes; n++)); do echo "node$n: jdbc:mysql://127.0.0.1:$(sql_port "$n")/renewal"; done
  # Connector/J failover form; without failOverReadOnly=false a failed-over connection is read-only.
  echo "all:   jdbc:mysql://$hosts/renewal?failOverReadOnly=false"
}

# ---------------------------------------------------------------- commands
cmd_start() {
  ensure_prerequisites
  local t0=$SECONDS n running=() bootstrap=""
  mkdir -p "$dir"
  if ((EUID == 0)); then
    chown mysql:mysql "$dir"
    runuser -u mysql -- test -w "$dir" \
      || die "user mysql cannot write $dir (a parent directory is not searchable by it?); use a --dir under /tmp"
  fi
  printf 'nodes=%s\nbase_port=%s\n' "$nodes" "$base_port" >"$state_file"
  for ((n = 1; n <= nodes; n++)); do
    if is_running "$n"; then running+=("$n"); else check_ports "$n"; fi
  done
  trap on_exit EXIT
  if ((${#running[@]} == 0)); then
    # Bootstrap from the node marked safe_to_bootstrap (the last to stop cleanly), else node 1.
    for ((n = 1; n <= nodes; n++)); do
      grep -qs '^safe_to_bootstrap: *1' "$(node_dir "$n")/data/grastate.dat" && { bootstrap=$n; break; }
    done
    if [[ -z $bootstrap ]]; then
      bootstrap=1
      if [[ -f $(node_dir 1)/data/grastate.dat ]]; then
        # All nodes crashed: bootstrap from the one with the highest recovered seqno.
        local best=-2 seqno
        for ((n = 1; n <= nodes; n++)); do
          [[ -f $(node_dir "$n")/data/grastate.dat ]] || continue
          init_node "$n"
          start_position=""
          recover_position "$n"
          seqno=${start_position##*:}
          [[ $seqno =~ ^-?[0-9]+$ ]] || seqno=$(sed -n 's/^seqno: *//p' "$(node_dir "$n")/data/grastate.dat")
          if [[ $seqno =~ ^-?[0-9]+$ ]] && ((seqno > best)); then best=$seqno; bootstrap=$n; fi
        done
        note "no node is marked safe_to_bootstrap (all crashed?): bootstrapping from node $bootstrap (seqno $best)"
        sed -i 's/^safe_to_bootstrap: *0/safe_to_bootstrap: 1/' "$(node_dir "$bootstrap")/data/grastate.dat"
      fi
    fi
    init_node "$bootstrap"
    start_position=""
    recover_position "$bootstrap"
    note "node $bootstrap: bootstrapping a new cluster on 127.0.0.1:$(sql_port "$bootstrap")"
    launch "$bootstrap" --wsrep-new-cluster
    wait_node_up "$bootstrap" "$timeout" || { cleanup_on_failure; die "node $bootstrap did not start"; }
    running+=("$bootstrap")
  fi
  for ((n = 1; n <= nodes; n++)); do
    is_running "$n" && continue
    init_node "$n"
    start_position=""
    recover_position "$n"
    note "node $n: joining on 127.0.0.1:$(sql_port "$n")"
    launch "$n"
  done
  local all=()
  for ((n = 1; n <= nodes; n++)); do all+=("$n"); done
  if ! wait_synced "$timeout" "${all[@]}"; then
    cleanup_on_failure
    die "the cluster did not reach Synced with $nodes nodes within ${timeout}s (nodes started by this run were killed; 'destroy' removes $dir)"
  fi
  trap - EXIT
  for ((n = 1; n <= nodes; n++)); do rm -f "$(node_dir "$n")/init.sql"; done
  print_endpoints
  echo "synced: $nodes nodes in $((SECONDS - t0)) s (dir $dir)"
}

cmd_status() {
  [[ -f $state_file ]] || { echo "no cluster in $dir"; exit 3; }
  local n pid st rc=0
  for ((n = 1; n <= nodes; n++)); do
    pid=$(pid_of "$n")
    if [[ -z $pid ]]; then
      echo "node$n 127.0.0.1:$(sql_port "$n") down"
      rc=3
      continue
    fi
    st=$(wsrep_status "$n")
    read -r state size ready <<<"${st:-? ? ?}"
    echo "node$n 127.0.0.1:$(sql_port "$n") pid=$pid state=$state cluster_size=$size ready=$ready"
    [[ $state == Synced && $size == "$nodes" ]] || rc=3
  done
  return $rc
}

cmd_stop() {
  [[ -f $state_file ]] || { note "no cluster in $dir"; return 0; }
  local n
  # Last node first: node 1 stops last, is marked safe_to_bootstrap, and bootstraps the next start.
  for ((n = nodes; n >= 1; n--)); do
    if is_running "$n"; then
      note "stopping node $n"
      stop_node "$n"
    fi
  done
  local pid
  for ((n = 1; n <= nodes; n++)); do
    for pid in $(node_pids "$n"); do kill -9 "$pid" 2>/dev/null || true; done
  done
  note "stopped"
}

cmd_kill() {
  [[ -f $state_file ]] || die "no cluster in $dir"
  local pid
  pid=$(pid_of "$node_arg")
  [[ -n $pid ]] || die "node $node_arg is not running"
  kill -9 "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  echo "node $node_arg (pid $pid) killed"
}

cmd_restart() {
  [[ -f $state_file ]] || die "no cluster in $dir; use 'start'"
  ensure_prerequisites
  local n=$node_arg others=0 i t0
  for ((i = 1; i <= nodes; i++)); do ((i != n)) && is_running "$i" && others=$((others + 1)); done
  ((others > 0)) || die "no other node is running for node $n to join; use 'start' (it bootstraps)"
  if is_running "$n"; then
    note "stopping node $n"
    stop_node "$n"
  fi
  check_ports "$n"
  t0=$SECONDS
  trap on_exit EXIT
  init_node "$n"
  start_position=""
  recover_position "$n"
  local log_lines
  log_lines=$(wc -l <"$(node_dir "$n")/error.log" 2>/dev/null || echo 0)
  note "node $n: rejoining"
  launch "$n"
  local all=()
  for ((i = 1; i <= nodes; i++)); do all+=("$i"); done
  if ! wait_synced "$timeout" "${all[@]}"; then
    cleanup_on_failure
    die "node $n did not rejoin within ${timeout}s (see $(node_dir "$n")/error.log)"
  fi
  trap - EXIT
  rm -f "$(node_dir "$n")/init.sql"
  # The rsync SST script ends with "rsync SST completed on joiner" for a full copy, "IST" otherwise.
  local how="IST (missing writesets only)"
  tail -n +"$((log_lines + 1))" "$(node_dir "$n")/error.log" 2>/dev/null | grep -q "SST completed on joiner" \
    && how="full SST (rsync)"
  echo "node $n synced in $((SECONDS - t0)) s by $how"
}

cmd_sql() {
  [[ -f $state_file ]] || die "no cluster in $dir"
  is_running "$node_arg" || die "node $node_arg is not running"
  client "$node_arg" "${sql_args[@]}"
}

cmd_destroy() {
  if [[ -f $state_file ]]; then
    cmd_stop
  elif [[ -d $dir ]]; then
    [[ -n $(ls -A "$dir" 2>/dev/null) ]] && die "$dir does not look like a cluster directory (no cluster.env); not removing it"
  fi
  rm -rf "$dir"
  note "removed $dir"
}

case $cmd in
  start) cmd_start ;;
  status) cmd_status ;;
  stop) cmd_stop ;;
  kill) cmd_kill ;;
  restart) cmd_restart ;;
  sql) cmd_sql ;;
  destroy) cmd_destroy ;;
  -h|--help|help) usage ;;
  *) usage >&2; die "unknown command '$cmd'" ;;
esac
