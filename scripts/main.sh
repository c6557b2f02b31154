#!/usr/bin/env bash
# Duet's main job, from a fresh Debian machine as root: set-up, build, then `duet demo` — the
# sandbox of real servers (Prosody, Kamailio), three endpoints as `duet daemon` processes and the
# use cases end to end with real signalling and audio, a live transcript and a JSON report.
# The demo stops everything it started, also on Ctrl-C; its exit code (0: every step passed) is
# this script's. Extra arguments go to the demo, e.g. `bash scripts/main.sh --keep`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
bash scripts/install-npm-deps.sh
echo "== build"
npx tsc -p tsconfig.json
echo "== node bin/duet.js demo $*"
exec node bin/duet.js demo "$@"
