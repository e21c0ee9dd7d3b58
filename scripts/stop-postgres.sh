#!/usr/bin/env bash
# Stop the PostgreSQL server started by scripts/start-postgres.sh DIR (no-op if not running).
#   scripts/stop-postgres.sh DIR
set -euo pipefail

DIR=${1:?usage: $0 DIR}
[ -d "$DIR/data" ] || exit 0
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$BIN" ] || exit 0
DIR=$(cd "$DIR" && pwd)

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        su postgres -s /bin/sh -c "$1"
    else
        sh -c "$1"
    fi
}
if as_owner "'$BIN/pg_ctl' -D '$DIR/data' status" >/dev/null 2>&1; then
    as_owner "'$BIN/pg_ctl' -D '$DIR/data' -m fast -w -t 60 stop" >/dev/null
fi
