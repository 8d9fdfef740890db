#!/usr/bin/env bash
# Start a Redis for Synapse's workers (`samsnakk dev --workers`, the worker-stack test).
#
#   eval "$(scripts/start-redis.sh [DATA_DIR])"     # DATA_DIR defaults to ./.redis
#
# Installs Debian's redis-server package when it is missing (scripts/ensure-redis.sh, needs
# root), without letting the package start a system-wide Redis. Listens on 127.0.0.1:${REDIS_PORT:-56379}
# only, with no unix socket, no persistence, and its pid file and log inside DATA_DIR.
# Idempotent: when it already runs there, it only prints the port.
# Progress goes to stderr; the last line on stdout is `export SAMSNAKK_REDIS_PORT=...`.
set -euo pipefail

DATA_DIR=$(realpath -m "${1:-./.redis}")
PORT=${REDIS_PORT:-56379}

log() { echo "start-redis: $*" >&2; }
die() { log "error: $*"; exit 1; }

REDIS=$("$(dirname "$0")/ensure-redis.sh" | tail -n 1) || die "redis-server is not installed"

mkdir -p "$DATA_DIR"
chmod 700 "$DATA_DIR"
PIDFILE="$DATA_DIR/redis.pid"
if [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null &&
    grep -q redis-server "/proc/$(cat "$PIDFILE")/cmdline" 2>/dev/null; then
    PORT=$(sed -n 's/^port //p' "$DATA_DIR/redis.conf")
    log "already running on 127.0.0.1:$PORT"
else
    cat >"$DATA_DIR/redis.conf" <<CONF
# Written by scripts/start-redis.sh: loopback only, no persistence (Synapse keeps nothing here).
bind 127.0.0.1
protected-mode yes
port $PORT
unixsocket ""
daemonize yes
pidfile $PIDFILE
logfile $DATA_DIR/redis.log
dir $DATA_DIR
save ""
appendonly no
CONF
    log "starting on 127.0.0.1:$PORT"
    "$REDIS" "$DATA_DIR/redis.conf" >&2 || die "start failed; see $DATA_DIR/redis.log"
    for _ in $(seq 100); do
        [[ -s "$PIDFILE" ]] && break
        sleep 0.05
    done
    [[ -s "$PIDFILE" ]] || die "no pid file after start; see $DATA_DIR/redis.log"
fi

echo "export SAMSNAKK_REDIS_PORT=$PORT"
