#!/usr/bin/env bash
# Duet's main job, from a fresh Debian machine as root. Until `duet demo` exists it starts the
# sandbox network of real servers, checks that both answer, and stops it again (also on Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
bash scripts/install-npm-deps.sh
echo "== build"
npx tsc -p tsconfig.json
dir=$(mktemp -d "${TMPDIR:-/tmp}/duet-main-XXXXXX")
cleanup() {
  if [ -f "$dir/servers.json" ]; then
    node bin/duet.js servers stop --dir "$dir" >/dev/null && echo "== sandbox stopped; no server left running"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
echo "== duet servers start --dir $dir"
node bin/duet.js servers start --dir "$dir"
echo "== duet servers status --dir $dir"
node bin/duet.js servers status --dir "$dir"
echo "== both servers answer (Prosody: XMPP stream; Kamailio: SIP OPTIONS 200)"
