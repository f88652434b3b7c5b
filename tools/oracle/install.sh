#!/usr/bin/env bash
# Install the pinned polkadot-js oracle into a cache outside the source tree and print its
# node_modules path. Generators run as: NODE_PATH=$(tools/oracle/install.sh) node tools/oracle/X.mjs
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${BTQ_CACHE_DIR:-$HOME/.cache/btq}/oracle
mkdir -p "$cache"
if ! cmp -s "$here/package.json" "$cache/package.json" || [ ! -d "$cache/node_modules" ]; then
  cp "$here/package.json" "$cache/package.json"
  (cd "$cache" && npm install --no-audit --no-fund --loglevel=error >&2)
fi
echo "$cache/node_modules"
