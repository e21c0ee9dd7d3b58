#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on loopback for tests and local use (no systemd needed).
#   scripts/start-postgres.sh DIR [PORT]     (default port 5433)
# Idempotent: a server already running in DIR is reused. Installs nothing: Debian's `postgresql`
# package must be there (.ci/run installs it). Trust authentication on 127.0.0.1 only.
# Prints the SQLAlchemy URL of the server's `postgres` database on the last line.
set -euo pipefail

DIR=${1:?usage: $0 DIR [PORT]}
PORT=${2:-5433}

BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
    echo "start-postgres: PostgreSQL binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)" >&2
    exit 3
fi

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)

# initdb and postgres refuse to run as root: run them as the postgres user then.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        su postgres -s /bin/sh -c "$1"
    else
        sh -c "$1"
    fi
}
if [ "$(id -u)" = 0 ]; then
    chown postgres: "$DIR"
    [ -d "$DIR/data" ] && chown -R postgres: "$DIR/data"
fi

if [ ! -s "$DIR/data/PG_VERSION" ]; then
    as_owner "'$BIN/initdb' -D '$DIR/data' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >"$DIR/initdb.log" 2>&1 || {
        echo "start-postgres: initdb failed, see $DIR/initdb.log" >&2
        tail -n 20 "$DIR/initdb.log" >&2
        exit 1
    }
fi

if as_owner "'$BIN/pg_ctl' -D '$DIR/data' status" >/dev/null 2>&1; then
    RUNNING_PORT=$(sed -n '4p' "$DIR/data/postmaster.pid" 2>/dev/null || echo "$PORT")
    PORT=${RUNNING_PORT:-$PORT}
else
    as_owner "'$BIN/pg_ctl' -D '$DIR/data' -l '$DIR/pg.log' -o \"-p $PORT -k '$DIR' -c listen_addresses=127.0.0.1 -c fsync=off\" -w -t 60 start" >/dev/null || {
        echo "start-postgres: the server did not start (port $PORT in use?), see $DIR/pg.log" >&2
        tail -n 20 "$DIR/pg.log" >&2 || true
        exit 1
    }
fi

echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
