#!/usr/bin/env bash
# Point-in-time recovery for Admit's PostgreSQL with pgBackRest (Debian's `pgbackrest`), run on
# the database machine as root or as the postgres user:
#
#   admit-pitr.sh setup           WAL archiving on (archive_mode, archive_command through
#                                 pgBackRest, a segment at least every minute); when PostgreSQL
#                                 must restart for it, says so and exits 3: restart, run it again.
#                                 Then creates the stanza and checks that WAL reaches the repository.
#   admit-pitr.sh full            a full backup into the repository
#   admit-pitr.sh incr            an incremental one (changes since the last backup of any type)
#   admit-pitr.sh info            the backups and the WAL range the repository holds
#   admit-pitr.sh restore TIME    with PostgreSQL stopped: the data directory as it was at TIME
#                                 ("2026-12-01 14:05:00+00"), from the newest backup before it
#                                 and the archived WAL; PostgreSQL replays to TIME when started,
#                                 then promotes (a new timeline) and takes writes again.
#
# ADMIT_PGBACKREST_CONFIG: the configuration (default /etc/pgbackrest/pgbackrest.conf, made from
# deploy/pgbackrest/pgbackrest.conf); ADMIT_PGBACKREST_STANZA: its stanza (default admit).
# PostgreSQL is reached on the configuration's pg1-socket-path and pg1-port as user postgres.
set -euo pipefail

conf=${ADMIT_PGBACKREST_CONFIG:-/etc/pgbackrest/pgbackrest.conf}
stanza=${ADMIT_PGBACKREST_STANZA:-admit}
[ -r "$conf" ] || { echo "admit-pitr: cannot read $conf (ADMIT_PGBACKREST_CONFIG)" >&2; exit 2; }

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}
setting() { sed -n "s/^$1=//p" "$conf" | tail -1; }
pgbr() { as_postgres pgbackrest --config="$conf" --stanza="$stanza" "$@"; }
sql() {
  as_postgres psql -X -qtA -v ON_ERROR_STOP=1 -h "$(setting pg1-socket-path)" -p "$(setting pg1-port)" \
    -U postgres -d postgres -c "$1"
}

case "${1:-}" in
  setup)
    # archive-push stores each finished WAL segment in the repository, compressed and checked;
    # a failing push makes PostgreSQL retry the segment (and keep it) until it succeeds.
    sql "ALTER SYSTEM SET wal_level = 'replica'"
    sql "ALTER SYSTEM SET archive_mode = 'on'"
    sql "ALTER SYSTEM SET archive_command = 'pgbackrest --config=$conf --stanza=$stanza archive-push %p'"
    # A quiet database still archives its last writes within a minute: the most a restore loses.
    sql "ALTER SYSTEM SET archive_timeout = '60s'"
    sql "SELECT pg_reload_conf()" >/dev/null
    if [ "$(sql 'SHOW archive_mode')" != on ] || [ "$(sql 'SHOW wal_level')" = minimal ]; then
      echo "admit-pitr: restart PostgreSQL for archive_mode (systemctl restart postgresql@15-main), then run '$0 setup' again" >&2
      exit 3
    fi
    pgbr stanza-create
    pgbr check
    ;;
  full | incr | diff)
    pgbr backup --type="$1"
    ;;
  info)
    pgbr info
    ;;
  restore)
    target=${2:?usage: $0 restore TIME (e.g. "2026-12-01 14:05:00+00")}
    # --delta reuses the files that did not change; the newest backup before TIME is chosen.
    pgbr restore --delta --type=time --target="$target" --target-action=promote
    echo "admit-pitr: restored; start PostgreSQL: it replays the WAL up to $target, then promotes" >&2
    ;;
  *)
    echo "usage: $0 setup | full | incr | diff | info | restore TIME" >&2
    exit 2
    ;;
esac
