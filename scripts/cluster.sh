#!/usr/bin/env bash
# A complete local Admit cluster on this machine, everything on 127.0.0.1 and free ports:
# one PostgreSQL server (scripts/pg-server.sh, in DIR/pg), N stateless `admit serve` nodes
# sharing its database, and HAProxy in front of them on one port.
#
#   scripts/cluster.sh start DIR [--nodes N] [--port PORT] [--database URL]
#        N defaults to 3 (2..9 make sense). PORT is the balancer's (default: a free one).
#        --database uses an existing PostgreSQL database instead of starting a server.
#        Prints KEY=VALUE lines: balancer=http://127.0.0.1:PORT, database=…, node1=… .
#   scripts/cluster.sh stop DIR                 HAProxy, the nodes (SIGTERM, they drain), PostgreSQL
#   scripts/cluster.sh status DIR               what runs, by PID
#   scripts/cluster.sh kill-node DIR I [SIG]    signal node I (default KILL, as a crash would)
#   scripts/cluster.sh start-node DIR I         (re)start node I on its port
#   scripts/cluster.sh stop-node DIR I          stop node I gracefully
#
# Everything is stopped by the PIDs recorded in DIR, never by name. The nodes inherit
# ADMIT_* settings from the environment (ADMIT_RATE_LIMIT, ADMIT_ARGON2_MEMORY_KIB, …);
# the script sets ADMIT_LISTEN, ADMIT_DATA_DIR, ADMIT_DATABASE_URL, ADMIT_PUBLIC_URL (the
# balancer's URL on every node, so tokens' issuer and links are the same everywhere),
# ADMIT_TRUSTED_PROXIES=127.0.0.1 (HAProxy's X-Forwarded-For names the client) and one
# ADMIT_STRIPE_WEBHOOK_SECRET shared by all nodes (kept in DIR/webhook-secret unless given).
# ADMIT_BIN names the binary (default build/release/src/admit).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ADMIT_BIN=${ADMIT_BIN:-$repo/build/release/src/admit}

die() { echo "cluster: $*" >&2; exit 1; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# alive PID NAME: the PID runs and its command line mentions NAME (guards against PID reuse).
alive() {
  local pid=$1 name=$2
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$name"
}

# running PID: the process exists and is not a zombie (right after the fork its command line is
# still the shell's, so `alive` cannot be used yet).
running() {
  local state
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# stop_pid PID NAME SECONDS: SIGTERM, wait, then SIGKILL.
stop_pid() {
  local pid=$1 name=$2 seconds=$3
  alive "$pid" "$name" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 $((seconds * 10))); do
    alive "$pid" "$name" || return 0
    sleep 0.1
  done
  echo "cluster: $name (pid $pid) did not stop within $seconds s; killing it" >&2
  kill -KILL "$pid" 2>/dev/null || true
}

node_pid() { cat "$dir/node-$1.pid" 2>/dev/null || true; }

# start_node I: starts node I (on its recorded port, or a free one the first time), waits for its
# ready line. Sets node_url.
start_node() {
  local i=$1
  local log="$dir/node-$i.log"
  local pid
  pid=$(node_pid "$i")
  if alive "$pid" "admit"; then die "node $i already runs (pid $pid)"; fi
  local port
  port=$(cat "$dir/node-$i.port" 2>/dev/null || echo 0)
  mkdir -p "$dir/node-$i"
  : >"$log"
  env ADMIT_LISTEN="127.0.0.1:$port" \
    ADMIT_DATA_DIR="$dir/node-$i" \
    ADMIT_DATABASE_URL="$(cat "$dir/database-url")" \
    ADMIT_PUBLIC_URL="$(cat "$dir/balancer-url")" \
    ADMIT_TRUSTED_PROXIES=127.0.0.1 \
    ADMIT_STRIPE_WEBHOOK_SECRET="$(cat "$dir/webhook-secret")" \
    ADMIT_LOG_LEVEL="${ADMIT_LOG_LEVEL:-warn}" \
    "$ADMIT_BIN" serve </dev/null >>"$log" 2>&1 &
  pid=$!
  echo "$pid" >"$dir/node-$i.pid"
  local url=
  for _ in $(seq 1 300); do
    url=$(grep -o 'listening on https\?://127\.0\.0\.1:[0-9]*' "$log" 2>/dev/null | head -1 | sed 's/listening on //') || true
    [ -n "$url" ] && break
    running "$pid" || { cat "$log" >&2; die "node $i exited before it was ready"; }
    sleep 0.1
  done
  [ -n "$url" ] || { cat "$log" >&2; die "node $i was not ready within 30 s"; }
  echo "${url##*:}" >"$dir/node-$i.port"
  node_url=$url
}

# stop_all: HAProxy first (no new requests), then every node (they drain), then PostgreSQL.
stop_all() {
  stop_pid "$(cat "$dir/haproxy.pid" 2>/dev/null || true)" haproxy 10
  local f
  for f in "$dir"/node-*.pid; do
    [ -e "$f" ] || continue
    stop_pid "$(cat "$f")" admit 35 &
  done
  wait
  if [ -f "$dir/pg-owned" ]; then bash "$repo/scripts/pg-server.sh" stop "$dir/pg"; fi
}

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { sed -n '2,/^set /p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ "$cmd" = start ] && mkdir -p "$dir"
[ -d "$dir" ] || die "$dir is not a cluster directory"
dir=$(cd "$dir" && pwd)
shift 2

case "$cmd" in
  start)
    nodes=3 port= database=
    while [ $# -gt 0 ]; do
      case "$1" in
        --nodes) nodes=$2; shift 2 ;;
        --port) port=$2; shift 2 ;;
        --database) database=$2; shift 2 ;;
        *) die "unknown option $1" ;;
      esac
    done
    [[ "$nodes" =~ ^[1-9]$ ]] || die "--nodes must be 1..9"
    [ -x "$ADMIT_BIN" ] || die "$ADMIT_BIN is not an executable (build it, or set ADMIT_BIN)"
    command -v haproxy >/dev/null || die "haproxy is not installed (scripts/install-deps.sh)"
    if alive "$(cat "$dir/haproxy.pid" 2>/dev/null || true)" haproxy; then die "a cluster already runs in $dir"; fi

    # A start that fails half-way stops what it started.
    trap 'if [ -z "${started_ok:-}" ]; then echo "cluster: start failed; stopping what was started" >&2; stop_all; fi' EXIT
    if [ -z "$database" ]; then
      chmod o+x "$dir"  # PostgreSQL runs as `postgres` and must reach DIR/pg
      database=$(bash "$repo/scripts/pg-server.sh" start "$dir/pg")
      echo started >"$dir/pg-owned"
    else
      rm -f "$dir/pg-owned"
    fi
    echo "$database" >"$dir/database-url"
    [ -n "$port" ] || port=$(cat "$dir/balancer-port" 2>/dev/null || free_port)
    echo "$port" >"$dir/balancer-port"
    echo "http://127.0.0.1:$port" >"$dir/balancer-url"
    if [ -n "${ADMIT_STRIPE_WEBHOOK_SECRET:-}" ]; then
      echo "$ADMIT_STRIPE_WEBHOOK_SECRET" >"$dir/webhook-secret"
    elif [ ! -s "$dir/webhook-secret" ]; then
      echo "whsec_$(head -c 24 /dev/urandom | base64 | tr -d '/+=')" >"$dir/webhook-secret"
    fi
    chmod 600 "$dir/webhook-secret"

    # The schema once, before the nodes, so they do not all migrate at the same moment.
    ADMIT_DATA_DIR="$dir/migrate" ADMIT_DATABASE_URL="$database" "$ADMIT_BIN" migrate >"$dir/migrate.log" 2>&1 ||
      { cat "$dir/migrate.log" >&2; die "admit migrate failed"; }

    servers=
    for i in $(seq 1 "$nodes"); do
      start_node "$i"
      servers+="    server node$i 127.0.0.1:$(cat "$dir/node-$i.port")"$'\n'
      echo "node$i=$node_url"
    done
    echo "$nodes" >"$dir/nodes"
    awk -v listen="127.0.0.1:$port" -v servers="$servers" '
      { gsub(/@BALANCER_LISTEN@/, listen) }
      /^@SERVERS@$/ { printf "%s", servers; next }
      { print }' "$repo/scripts/cluster/haproxy.cfg.in" >"$dir/haproxy.cfg"
    haproxy -c -q -f "$dir/haproxy.cfg" || die "HAProxy rejects $dir/haproxy.cfg"
    haproxy -db -f "$dir/haproxy.cfg" </dev/null >"$dir/haproxy.log" 2>&1 &
    echo $! >"$dir/haproxy.pid"
    # Ready when the balancer answers and has seen every node pass its health check.
    ready=
    for _ in $(seq 1 200); do
      if curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; then ready=1; break; fi
      running "$(cat "$dir/haproxy.pid")" || { cat "$dir/haproxy.log" >&2; die "HAProxy exited"; }
      sleep 0.1
    done
    [ -n "$ready" ] || { cat "$dir/haproxy.log" >&2; die "the balancer did not become ready within 20 s"; }
    sleep 1.2  # rise 2 × inter 500 ms: every node is in rotation
    started_ok=1
    echo "database=$database"
    echo "balancer=http://127.0.0.1:$port"
    ;;

  stop)
    stop_all
    ;;

  status)
    printf 'balancer %s: ' "$(cat "$dir/balancer-url" 2>/dev/null)"
    pid=$(cat "$dir/haproxy.pid" 2>/dev/null || true)
    if alive "$pid" haproxy; then echo "haproxy pid $pid"; else echo "down"; fi
    for f in "$dir"/node-*.pid; do
      [ -e "$f" ] || continue
      i=${f##*/node-}; i=${i%.pid}
      pid=$(cat "$f")
      printf 'node%s 127.0.0.1:%s: ' "$i" "$(cat "$dir/node-$i.port" 2>/dev/null || echo '?')"
      if alive "$pid" admit; then echo "pid $pid"; else echo "down"; fi
    done
    printf 'database %s: ' "$(cat "$dir/database-url" 2>/dev/null)"
    if pg_isready -q -d "$(cat "$dir/database-url")" 2>/dev/null; then echo up; else echo down; fi
    ;;

  kill-node)
    i=${1:?node number}
    sig=${2:-KILL}
    pid=$(node_pid "$i")
    alive "$pid" admit || die "node $i does not run"
    kill -"$sig" "$pid"
    if [ "$sig" = KILL ] || [ "$sig" = 9 ]; then
      for _ in $(seq 1 50); do alive "$pid" admit || break; sleep 0.1; done
    fi
    ;;

  start-node)
    i=${1:?node number}
    [ -f "$dir/node-$i.port" ] || die "node $i is not part of this cluster"
    start_node "$i"
    echo "node$i=$node_url"
    ;;

  stop-node)
    i=${1:?node number}
    stop_pid "$(node_pid "$i")" admit 35
    ;;

  *)
    die "unknown command $cmd (start, stop, status, kill-node, start-node, stop-node)"
    ;;
esac
