#!/usr/bin/env bash
# Extra CI checks, run by .ci/run after `npm ci` and scripts/ci-deps.sh (which installs the programs).
# Layout: one section per concern, each idempotent and fast when already done. Add new sections
# at the end; do not change the existing ones.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[ci-extra] %s\n' "$*"; }

# --- section: promtool checks (installed by scripts/ci-deps.sh) ---
log "promtool check rules + test rules"
promtool check rules docs/alerts/plonky3.rules.yml
promtool test rules docs/alerts/plonky3.rules.test.yml
