#!/usr/bin/env bash
# Make sure nginx is installed, for `samsnakk dev --workers` and the worker-stack test, which
# run their own nginx (from a config in the data directory, never the system's).
#
#   scripts/ensure-nginx.sh
#
# Installs Debian's nginx-light when nginx is missing (needs root), without letting the
# package start the system's nginx on port 80. Prints the path of the nginx binary on stdout.
set -euo pipefail

log() { echo "ensure-nginx: $*" >&2; }

find_nginx() {
    command -v nginx || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || true
}

NGINX=$(find_nginx)
if [[ -z "$NGINX" ]]; then
    if [[ $EUID -ne 0 ]]; then
        log "nginx is not installed; run as root or: apt-get install nginx-light"
        exit 1
    fi
    log "installing nginx-light from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    policy=/usr/sbin/policy-rc.d made_policy=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
    fi
    status=0
    apt-get -o DPkg::Lock::Timeout=600 update >&2 &&
        apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends nginx-light >&2 ||
        status=$?
    [[ $made_policy == 1 ]] && rm -f "$policy"
    [[ $status == 0 ]] || { log "apt-get install nginx-light failed"; exit 1; }
    NGINX=$(find_nginx)
fi
echo "$NGINX"
