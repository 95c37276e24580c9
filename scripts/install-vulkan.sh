#!/usr/bin/env bash
# Installs a software Vulkan driver (Mesa lavapipe, "llvmpipe" adapter) for Dawn on Debian bookworm.
#
# Dawn (npm `webgpu`) rejects bookworm's Mesa 22 lavapipe, so mesa-vulkan-drivers comes from
# bookworm-backports (Mesa 25), plus the Vulkan loader libvulkan1. Run as root. Idempotent: when
# the backports suite is configured and mesa-vulkan-drivers >= 25 is installed it exits at once.
#
# Usage: sudo bash scripts/install-vulkan.sh
# Then:  XDG_RUNTIME_DIR=/tmp npx vitest run --project gpu
set -euo pipefail

MIN_MESA_MAJOR=25
SOURCE_FILE=/etc/apt/sources.list.d/bookworm-backports.sources

mesa_major() {
  local v
  v=$(dpkg-query -W -f='${Status} ${Version}' mesa-vulkan-drivers 2>/dev/null || true)
  case "$v" in
    'install ok installed '*) v=${v##* }; v=${v#*:}; echo "${v%%.*}" ;;
    *) echo 0 ;;
  esac
}

have_loader() {
  dpkg-query -W -f='${Status}' libvulkan1 2>/dev/null | grep -q 'install ok installed'
}

if [ "$(mesa_major)" -ge "$MIN_MESA_MAJOR" ] && have_loader; then
  echo "install-vulkan: mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers) and libvulkan1 already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-vulkan: run as root" >&2
  exit 1
fi

if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  cat > "$SOURCE_FILE" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  echo "install-vulkan: added $SOURCE_FILE"
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null

if [ "$(mesa_major)" -lt "$MIN_MESA_MAJOR" ]; then
  echo "install-vulkan: mesa-vulkan-drivers is $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers), need >= $MIN_MESA_MAJOR" >&2
  exit 1
fi
echo "install-vulkan: installed mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers), libvulkan1 $(dpkg-query -W -f='${Version}' libvulkan1)"
