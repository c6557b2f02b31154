#!/usr/bin/env bash
# Installs the npm packages from package-lock.json when node_modules is missing or stale.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund --ignore-scripts
fi
