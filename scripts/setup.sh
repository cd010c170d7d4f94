#!/usr/bin/env bash
# Sets up a fresh machine (Node 20 + npm only) to build, test and run ws2spi:
#   - pnpm 12 (corepack does not work on these machines, so npm installs it globally);
#   - tshark, the independent decoder the OSI and TCP capture tests check our bytes against
#     (Debian package; installed only when we are root and apt-get exists — otherwise those tests
#     skip and say so);
#   - iproute2 and python3, for the two-host test in network namespaces (same conditions);
#   - the workspace's dependencies, exactly as locked.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version | cut -d. -f1)" != "12" ]; then
  echo "setup: installing pnpm 12"
  npm install -g pnpm@12 >/dev/null
fi

if ! command -v tshark >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing tshark (Debian package)"
    export DEBIAN_FRONTEND=noninteractive
    # wireshark-common asks whether non-root users may capture; answer for it.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends tshark >/dev/null
  else
    echo "setup: tshark not installed and cannot install it here (need root and apt-get); capture tests will skip"
  fi
fi

# iproute2 (ip netns, veth, tc) for the two-host test in network namespaces, and python3 for its
# packet-impairment relay on kernels without tc netem; installed when missing, as tshark is.
missing=()
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${missing[*]} (Debian packages)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: ${missing[*]} not installed and cannot install it here (need root and apt-get); the two-host test will skip"
  fi
fi

echo "setup: installing workspace dependencies"
pnpm install --frozen-lockfile
