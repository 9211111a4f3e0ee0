#!/usr/bin/env bash
# A throwaway PostgreSQL server from Debian's packages, for tests, benchmarks and the local
# cluster: its own data directory, loopback only, on a free port, durable commits (fsync on).
#
#   scripts/pg-server.sh start DIR [PORT]   initdb (first time) and start; prints the admin URL
#   scripts/pg-server.sh stop DIR           fast shutdown by the postmaster's PID
#   scripts/pg-server.sh url DIR            the URL of a running server (role admit, db admit)
#
# The server runs as the `postgres` user (initdb refuses root). It creates a role `admit`
# (password `admit`) that owns a database `admit` and may create more (tests make one per
# server they start). Printed URL: postgresql://admit:admit@127.0.0.1:PORT/admit
set -euo pipefail

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$pg_bin" ] || { echo "pg-server: PostgreSQL is not installed (scripts/install-deps.sh)" >&2; exit 2; }

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

free_port() {
  python3 - <<'EOF' 2>/dev/null || shuf -i 20000-60000 -n 1
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
EOF
}

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop|url DIR [PORT]" >&2; exit 2; }
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data="$dir/data"

case "$cmd" in
  start)
    if [ ! -f "$data/PG_VERSION" ]; then
      chown postgres: "$dir"
      as_postgres "$pg_bin/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
        -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    port=${3:-$(cat "$dir/port" 2>/dev/null || free_port)}
    echo "$port" >"$dir/port"
    chown postgres: "$dir/port"
    # fsync and synchronous_commit stay on: an acknowledged registration is on disk.
    if ! as_postgres "$pg_bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_postgres "$pg_bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start -o \
      "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir \
       -c max_connections=300 -c shared_buffers=256MB -c wal_buffers=16MB \
       -c max_wal_size=2GB -c checkpoint_timeout=15min -c log_min_messages=warning" >/dev/null
    fi
    as_postgres "$pg_bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -qtA -v ON_ERROR_STOP=1 <<'EOF' >/dev/null
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'admit') AS missing \gset
\if :missing
CREATE ROLE admit LOGIN CREATEDB PASSWORD 'admit';
CREATE DATABASE admit OWNER admit;
\endif
EOF
    echo "postgresql://admit:admit@127.0.0.1:$port/admit"
    ;;
  stop)
    if [ -f "$data/postmaster.pid" ]; then
      as_postgres "$pg_bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null || true
    fi
    ;;
  url)
    echo "postgresql://admit:admit@127.0.0.1:$(cat "$dir/port")/admit"
    ;;
  *)
    echo "usage: $0 start|stop|url DIR [PORT]" >&2
    exit 2
    ;;
esac
