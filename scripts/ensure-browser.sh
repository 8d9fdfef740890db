#!/usr/bin/env bash
# Make sure headless Chromium and zbarimg (a QR code reader) are installed, for the test that
# renders the /velkommen page like a browser does and reads its QR code from a screenshot.
#
#   scripts/ensure-browser.sh
#
# Installs Debian's chromium and zbar-tools packages when either command is missing (needs
# root); does nothing when both are there. Progress goes to stderr.
set -euo pipefail

log() { echo "ensure-browser: $*" >&2; }

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v zbarimg >/dev/null || missing+=(zbar-tools)
if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi
if [[ $EUID -ne 0 ]]; then
    log "not installed: ${missing[*]}; run as root or: apt-get install ${missing[*]}"
    log "the /velkommen browser test is skipped without them"
    exit 0
fi
log "installing ${missing[*]} from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
# Other jobs may hold the dpkg lock for a while (e.g. start-postgres.sh installing PostgreSQL).
apt-get -o DPkg::Lock::Timeout=600 update >&2
apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}" >&2
