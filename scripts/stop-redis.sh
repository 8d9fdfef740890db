#!/usr/bin/env bash
# Stop the Redis that scripts/start-redis.sh started:  scripts/stop-redis.sh [DATA_DIR]
# By the PID in its pid file, and only if that process is a redis-server.
set -euo pipefail

DATA_DIR=$(realpath -m "${1:-./.redis}")
PIDFILE="$DATA_DIR/redis.pid"

log() { echo "stop-redis: $*" >&2; }

[[ -f "$PIDFILE" ]] || { log "no pid file in $DATA_DIR"; exit 0; }
PID=$(cat "$PIDFILE")
if ! grep -q redis-server "/proc/$PID/cmdline" 2>/dev/null; then
    log "not running"
    exit 0
fi
kill -TERM "$PID"
for _ in $(seq 100); do
    kill -0 "$PID" 2>/dev/null || exit 0
    sleep 0.1
done
log "PID $PID did not stop within 10 s"
exit 1
