#!/usr/bin/env bash
set -euo pipefail

# ---- chromium (browser verifier test, test/browser/chromium.test.ts; owner: browser/workers) ----
# Debian's chromium for playwright-core (executablePath /usr/bin/chromium). Idempotent.
if [ ! -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium
fi
/usr/bin/chromium --version 2>/dev/null || true
# The verifier bundle must build, stay free of node: imports and within its 150 kB budget.
node scripts/build.mjs --only=browser
# ---- end chromium ----
