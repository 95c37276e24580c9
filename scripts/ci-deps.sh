#!/usr/bin/env bash
# Installs every external program the test suites need, then checks that each one is present.
#
# This is the one place that names them. test/ci/deps.test.ts asserts that every absolute program
# path and every external command used under test/ appears in the PROGRAMS table below, so a lost
# install section is caught in review, not on a fresh machine.
#
# Usage (as root, or with sudo available): bash scripts/ci-deps.sh
#   --check   only check, install nothing (exit 1 with the list of what is missing)
set -uo pipefail
cd "$(dirname "$0")/.."
log() { printf '[ci-deps] %s\n' "$*"; }
SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

# program | how to check it | Debian package (installed from bookworm unless noted)
# Keep one line per program; the test reads the first column.
PROGRAMS=(
  "lavapipe|vulkan_ok|mesa-vulkan-drivers (bookworm-backports, via scripts/install-vulkan.sh)"
  "chromium|/usr/bin/chromium|chromium"
  "promtool|promtool|prometheus"
  "redis-server|redis-server|redis-server"
)

vulkan_ok() {
  dpkg-query -W -f='${Status}' libvulkan1 2>/dev/null | grep -q 'install ok installed' || return 1
  local v
  v=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null) || return 1
  v=${v#*:}
  [ "${v%%.*}" -ge 25 ] 2>/dev/null
}

present() {
  case "$1" in
    vulkan_ok) vulkan_ok ;;
    /*) [ -x "$1" ] ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

apt_updated=0
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ $apt_updated = 0 ]; then $SUDO apt-get update -qq >/dev/null && apt_updated=1; fi
  $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ "${1:-}" != "--check" ]; then
  for entry in "${PROGRAMS[@]}"; do
    IFS='|' read -r name check pkg <<<"$entry"
    present "$check" && continue
    log "installing $name ($pkg)"
    case "$name" in
      lavapipe) $SUDO bash scripts/install-vulkan.sh ;;
      *) apt_install "${pkg%% *}" ;;
    esac || log "install of $name failed"
  done
  # The Debian prometheus and redis-server packages start system services; the tests start their
  # own processes, so stop the system ones where a service manager runs them.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-system-running >/dev/null 2>&1; then
    $SUDO systemctl stop prometheus redis-server >/dev/null 2>&1 || true
  fi
fi

missing=()
for entry in "${PROGRAMS[@]}"; do
  IFS='|' read -r name check pkg <<<"$entry"
  if present "$check"; then log "ok: $name"; else missing+=("$name ($pkg)"); fi
done
if [ ${#missing[@]} -gt 0 ]; then
  log "missing programs the tests need:"
  for m in "${missing[@]}"; do log "  - $m"; done
  exit 1
fi
log "all ${#PROGRAMS[@]} external programs present"
