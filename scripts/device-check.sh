#!/usr/bin/env bash
# One-shot GPU check for a lent NVIDIA machine: adapter probe, every WGSL kernel against its CPU
# twin, the CPU-vs-WebGPU benchmark (LDE + Merkle commit up to 2^20 x 64, LDE resident), and whole
# proofs on the device-resident backend (Fibonacci 2^16 and 2^20, Poseidon2 AIR 2^12 and 2^16 rows,
# c100) with identical bytes, verification and the transfer ledger (`gpu-ledger:` lines), printed as
# JSON plus a Markdown ratio table. The GPU machine has no Node: `pack` (here) bundles
# test/gpu/device-check.ts with esbuild (webgpu external) and packs node + Dawn + the Vulkan loader
# into .device-carry/ with the device pack script; `run` (there) unpacks and runs it.
#
# Usage:
#   scripts/device-check.sh bundle             # here: build .tmp/device/device-check.mjs only
#   scripts/device-check.sh local              # here: run that bundle on the local adapter (lavapipe)
#   scripts/device-check.sh pack PACK_SH       # here: bundle + pack with the lent machine's pack script
#   scripts/device-check.sh run                # on the GPU machine, repo root, with .device-carry carried
# Env: PLONKY3_GPU_BENCH_SIZES (default 16x64,20x64: log2 rows x columns), PLONKY3_GPU_PROOF_SIZES
# (Fibonacci log2 rows, default 16,20), PLONKY3_GPU_P2_SIZES (Poseidon2 AIR log2 rows, default
# 12,16); OUT (JSON copy). Everything runs in one process within the 600 s of one device call.
# The device call: command "bash scripts/device-check.sh run", carry [".device-carry"], timeout_s 600.
set -euo pipefail
root=$(git rev-parse --show-toplevel 2>/dev/null || pwd)
cd "$root"
bundle=.tmp/device/device-check.mjs

build() {
  mkdir -p .tmp/device
  npx esbuild test/gpu/device-check.ts --bundle --platform=node --format=esm --target=node20 \
    --external:webgpu --log-level=warning --outfile="$bundle" \
    "--banner:js=import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"
  echo "device-check: built $bundle ($(du -h "$bundle" | cut -f1))" >&2
}

case "${1:-}" in
  bundle) build ;;
  local)
    [ -f "$bundle" ] || build
    XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp} node "$bundle"
    ;;
  pack)
    build
    bash "${2:-${PACK_SH:?usage: scripts/device-check.sh pack PACK_SH (the device pack script)}}" "$bundle"
    ;;
  run)
    [ -f .device-carry/run.sh ] || { echo "device-check: .device-carry/ missing; run 'scripts/device-check.sh pack' here and carry it" >&2; exit 2; }
    bash .device-carry/run.sh probe || true
    export PLONKY3_GPU_BENCH_SIZES=${PLONKY3_GPU_BENCH_SIZES:-16x64,20x64}
    export PLONKY3_GPU_PROOF_SIZES=${PLONKY3_GPU_PROOF_SIZES:-16,20}
    export PLONKY3_GPU_P2_SIZES=${PLONKY3_GPU_P2_SIZES:-12,16}
    bash .device-carry/run.sh node .device-carry/device-check.mjs
    ;;
  *)
    sed -n '2,21p' "$0" >&2
    exit 2
    ;;
esac
