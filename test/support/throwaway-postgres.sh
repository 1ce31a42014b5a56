#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, from Debian's packages (apt-get install -y
# postgresql). Used by .ci/run, and by hand:
#
#   bash test/support/throwaway-postgres.sh start /tmp/pg 55433   # prints the URL to export
#   export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:55433/postgres
#   npm test
#   bash test/support/throwaway-postgres.sh stop /tmp/pg            # stops it and removes DIR
#
# The cluster listens on 127.0.0.1:PORT only, with its socket in DIR. The superuser
# `postgres` logs in without a password (the tests create and drop their databases with
# it); every other role must give its password (scram-sha-256), so the tests can check
# that a wrong one is refused. Run as root (the cluster then runs as user postgres) or as
# any other user (the cluster runs as that user).
set -euo pipefail

usage() {
  echo "usage: $0 start DIR PORT | stop DIR" >&2
  exit 2
}

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "PostgreSQL is not installed: apt-get install -y postgresql" >&2
  exit 1
fi

# Runs a command as the cluster's owner: user postgres when we are root.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    [ $# = 3 ] || usage
    dir=$2
    port=$3
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    printf '%s\n' \
      "local all all trust" \
      "host all postgres 127.0.0.1/32 trust" \
      "host all all 127.0.0.1/32 scram-sha-256" | as_owner tee "$dir/data/pg_hba.conf" >/dev/null
    as_owner "$bin/pg_ctl" -D "$dir/data" -o "-p $port -k $dir -c listen_addresses=127.0.0.1" -l "$dir/server.log" -w start >/dev/null ||
      { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    [ $# = 2 ] || usage
    as_owner "$bin/pg_ctl" -D "$2/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$2"
    ;;
  *)
    usage
    ;;
esac
