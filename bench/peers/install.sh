#!/usr/bin/env bash
# Install the pinned JavaScript peers of the benchmark suite (package.json + package-lock.json
# beside this script) into a cache outside the source tree, reproducibly (npm ci from the lock),
# and print the node_modules path. Idempotent: nothing is done when the cache already holds
# exactly this lock. Quiet on success (npm's output goes to stderr, and only on failure).
#   NODE_MODULES=$(bench/peers/install.sh)
#   BTQ_BENCH_PEERS_MODULES=$NODE_MODULES node bench/peers/dedot.mjs --url ws://... --case ...
# (the peer scripts find the cache by themselves when BTQ_CACHE_DIR is the same.)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${BTQ_CACHE_DIR:-$HOME/.cache/btq}/bench-peers
mkdir -p "$cache"
stamp="$cache/.installed-lock.json"
if ! cmp -s "$here/package-lock.json" "$stamp" || [ ! -d "$cache/node_modules" ]; then
  rm -f "$stamp"
  cp "$here/package.json" "$here/package-lock.json" "$cache/"
  log=$(mktemp)
  # npm ci installs exactly the lock. The registry may lack some platform-only optional packages
  # (rollup's binaries for other systems, pulled in by polkadot-api's CLI): npm ci then refuses
  # the lock as "out of sync", and npm install, which still takes every version from the lock,
  # is the fallback.
  if ! (cd "$cache" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) >"$log" 2>&1 &&
    ! (cd "$cache" && cp "$here/package-lock.json" . &&
      npm install --no-audit --no-fund --ignore-scripts --loglevel=error) >>"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "bench/peers/install.sh: npm ci failed in $cache" >&2
    exit 1
  fi
  rm -f "$log"
  cp "$here/package-lock.json" "$stamp"
fi
echo "$cache/node_modules"
