#!/usr/bin/env bash
# Stop the cluster that scripts/start-postgres.sh started:  scripts/stop-postgres.sh [DATA_DIR]
set -euo pipefail

DATA_DIR=$(realpath -m "${1:-./.pg}")

log() { echo "stop-postgres: $*" >&2; }

[[ -f "$DATA_DIR/PG_VERSION" ]] || { log "no cluster in $DATA_DIR"; exit 1; }

BINDIR=/usr/lib/postgresql/$(cat "$DATA_DIR/PG_VERSION")/bin
if [[ ! -x "$BINDIR/pg_ctl" ]]; then
    BINDIR=$(dirname "$(command -v pg_ctl)")
fi

# pg_ctl must run as the cluster's owner, never as root.
OWNER=$(stat -c %U "$DATA_DIR")
if [[ $EUID -eq 0 ]]; then
    as_owner() { runuser -u "$OWNER" -- "$@"; }
else
    as_owner() { "$@"; }
fi

if as_owner "$BINDIR/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1; then
    as_owner "$BINDIR/pg_ctl" -D "$DATA_DIR" -m fast -w stop >&2
else
    log "not running"
fi
