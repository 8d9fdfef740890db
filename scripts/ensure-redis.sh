#!/usr/bin/env bash
# Make sure redis-server is installed, for Synapse's workers (`samsnakk dev --workers`, the
# worker-stack test). scripts/start-redis.sh runs it; scripts/test runs it ahead of the tests.
#
#   scripts/ensure-redis.sh
#
# Installs Debian's redis-server when it is missing (needs root), without letting the package
# start a system-wide Redis on port 6379. Prints the path of redis-server on stdout.
set -euo pipefail

log() { echo "ensure-redis: $*" >&2; }

find_redis() {
    command -v redis-server || { [[ -x /usr/bin/redis-server ]] && echo /usr/bin/redis-server; } || true
}

REDIS=$(find_redis)
if [[ -z "$REDIS" ]]; then
    if [[ $EUID -ne 0 ]]; then
        log "Redis is not installed; run as root or: apt-get install redis-server"
        exit 1
    fi
    log "installing redis-server from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    # We run our own Redis; invoke-rc.d asks policy-rc.d, and 101 means "don't start it".
    policy=/usr/sbin/policy-rc.d made_policy=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
    fi
    status=0
    apt-get -o DPkg::Lock::Timeout=600 update >&2 &&
        apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends redis-server >&2 ||
        status=$?
    [[ $made_policy == 1 ]] && rm -f "$policy"
    [[ $status == 0 ]] || { log "apt-get install redis-server failed"; exit 1; }
    REDIS=$(find_redis)
fi
echo "$REDIS"
