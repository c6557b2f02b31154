#!/usr/bin/env bash
# All of Duet's tests, from a fresh Debian machine as root: system packages, npm packages,
# type-check, lint, then the unit and integration tests against real servers and peers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
bash scripts/install-npm-deps.sh
echo "== type-check and build (tsc, strict)"
npx tsc -p tsconfig.json
echo "== lint and format check (biome)"
npx biome ci --colors=off .
echo "== unit and integration tests (node --test)"
node scripts/run-tests.mjs "$@"
