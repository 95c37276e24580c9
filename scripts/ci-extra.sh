#!/usr/bin/env bash
# Extra CI dependencies and checks, run by .ci/run after `npm ci` and the Vulkan install.
# Layout: one section per concern, each idempotent and fast when already done. Add new sections
# at the end; do not change the existing ones.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[ci-extra] %s\n' "$*"; }
SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

# apt_install PKG...: installs the Debian packages, running `apt-get update` only if needed.
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 || {
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "$@"
  }
}

# --- section: promtool checks (installed by scripts/ci-deps.sh) ---
log "promtool check rules + test rules"
promtool check rules docs/alerts/plonky3.rules.yml
promtool test rules docs/alerts/plonky3.rules.test.yml
