#!/usr/bin/env bash
# Installs the Debian packages Duet's sandbox and tests use, only those missing.
# Run as root on Debian (CI and a fresh machine); prints the command to run otherwise.
set -euo pipefail

packages=(prosody lua-unbound kamailio kamailio-websocket-modules kamailio-tls-modules
  sip-tester baresip-core python3-slixmpp openssl iproute2 procps ejabberd dnsmasq-base)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Run as root: apt-get update && $cmd" >&2
  exit 1
fi
echo "system packages: installing ${missing[*]}"
# Keep package scripts from starting the distribution's own prosody/kamailio on 0.0.0.0.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -o DPkg::Lock::Timeout=300 >/dev/null
apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null
# Debian's packages may have left their own services running where an init system exists.
for svc in prosody kamailio ejabberd; do
  service "$svc" stop >/dev/null 2>&1 || true
done
# ejabberd's package scripts run ejabberdctl, which leaves Erlang's epmd listening on every
# interface (port 4369); the sandbox needs no epmd (src/sandbox/ejabberd.ts), so stop it.
if printf '%s\n' "${missing[@]}" | grep -qx ejabberd; then
  epmd -kill >/dev/null 2>&1 || pkill -x epmd >/dev/null 2>&1 || true
fi
echo "system packages: done"
