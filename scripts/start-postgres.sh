#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on loopback for the store tests and CI.
#
#   eval "$(scripts/start-postgres.sh [DATA_DIR])"     # DATA_DIR defaults to ./.pg
#
# Installs Debian's postgresql package when no server binaries are found (needs root).
# Listens on 127.0.0.1:${PGPORT:-55432} only, with its unix socket inside DATA_DIR.
# Idempotent: when the cluster already runs, it only prints the URL.
# Progress goes to stderr; the last line on stdout is the `export SAMSNAKK_TEST_PG_URL=...`.
set -euo pipefail

DATA_DIR=$(realpath -m "${1:-./.pg}")
PORT=${PGPORT:-55432}
APP_USER=samsnakk
APP_PASSWORD=samsnakk
APP_DB=samsnakk

log() { echo "start-postgres: $*" >&2; }
die() { log "error: $*"; exit 1; }

find_bindir() {
    # Debian keeps the server binaries out of PATH, under /usr/lib/postgresql/<major>/bin.
    local dir
    dir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -type d -name bin 2>/dev/null \
        | sort -V | tail -n 1)
    if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
        echo "$dir"
    elif command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        dirname "$(command -v pg_ctl)"
    fi
}

install_postgres() {
    [[ $EUID -eq 0 ]] || die "PostgreSQL is not installed; run as root or: apt-get install postgresql"
    log "installing PostgreSQL from Debian's packages"
    # We run our own cluster; don't let the package create and start a 'main' one on :5432.
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/samsnakk.conf
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y --no-install-recommends postgresql >&2
}

BINDIR=$(find_bindir)
if [[ -z "$BINDIR" ]]; then
    install_postgres
    BINDIR=$(find_bindir)
    [[ -n "$BINDIR" ]] || die "postgresql installed, but initdb/pg_ctl not found"
fi

# PostgreSQL refuses to run as root, so root hands the cluster to the 'postgres' user.
if [[ $EUID -eq 0 ]]; then
    OS_USER=postgres
    if ! id -u "$OS_USER" >/dev/null 2>&1; then
        log "creating system user $OS_USER"
        useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash "$OS_USER"
    fi
    as_owner() { runuser -u "$OS_USER" -- "$@"; }
else
    OS_USER=$(id -un)
    as_owner() { "$@"; }
fi

psql_admin() {
    as_owner "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$DATA_DIR" -p "$PORT" -U "$OS_USER" \
        -d postgres "$@"
}

if [[ ! -f "$DATA_DIR/PG_VERSION" ]]; then
    log "creating cluster in $DATA_DIR"
    mkdir -p "$DATA_DIR"
    if [[ $EUID -eq 0 ]]; then
        chown "$OS_USER:" "$DATA_DIR"
    fi
    chmod 700 "$DATA_DIR"
    as_owner test -w "$DATA_DIR" -a -x "$DATA_DIR" \
        || die "$OS_USER cannot reach $DATA_DIR; choose a directory whose parents it may enter"
    as_owner "$BINDIR/initdb" -D "$DATA_DIR" -U "$OS_USER" --encoding=UTF8 --locale=C.UTF-8 \
        --auth-local=peer --auth-host=scram-sha-256 >&2
    cat >>"$DATA_DIR/postgresql.conf" <<CONF

# Added by scripts/start-postgres.sh: loopback only, socket inside the data directory.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DATA_DIR'
CONF
fi

if as_owner "$BINDIR/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1; then
    # Report the port it really runs on (line 4 of postmaster.pid), whatever PGPORT says now.
    PORT=$(sed -n 4p "$DATA_DIR/postmaster.pid")
    log "already running on 127.0.0.1:$PORT"
else
    log "starting on 127.0.0.1:$PORT"
    as_owner "$BINDIR/pg_ctl" -D "$DATA_DIR" -l "$DATA_DIR/logfile" -w \
        -o "-p $PORT" start >&2 || die "start failed; see $DATA_DIR/logfile"
fi

if [[ $(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$APP_USER'") != 1 ]]; then
    log "creating role $APP_USER"
    psql_admin -c "CREATE ROLE $APP_USER LOGIN CREATEDB PASSWORD '$APP_PASSWORD'"
fi
# DROP DATABASE ... WITH (FORCE) must also end an autovacuum worker that happens to be in the
# test database; without this membership PostgreSQL refuses that to a non-superuser.
if [[ $(psql_admin -tAc "SELECT pg_has_role('$APP_USER', 'pg_signal_backend', 'MEMBER')") != t ]]; then
    psql_admin -c "GRANT pg_signal_backend TO $APP_USER"
fi
if [[ $(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$APP_DB'") != 1 ]]; then
    log "creating database $APP_DB"
    psql_admin -c "CREATE DATABASE $APP_DB OWNER $APP_USER"
fi

echo "export SAMSNAKK_TEST_PG_URL=postgresql+asyncpg://$APP_USER:$APP_PASSWORD@127.0.0.1:$PORT/$APP_DB"
