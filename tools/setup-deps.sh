#!/usr/bin/env bash
# Install every Debian package btq needs to build and test (idempotent; apt only when missing).
set -euo pipefail
pkgs=(build-essential cmake pkg-config clang clang-format libclang-rt-14-dev
      libwebsockets-dev libcjson-dev libb2-dev libsodium-dev libxxhash-dev check libssl-dev
      openssl nodejs npm python3 valgrind cppcheck clang-tidy)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A machine may have node/npm from elsewhere (not Debian's): accept working commands.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=(); for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi
if ((${#missing[@]})); then
  echo "setup-deps: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The local real-runtime node (Chopsticks, pinned) used by the real-node tests and the main job:
# installed here, once, into a cache outside the tree, so no test spends its time in npm.
"$(dirname "$0")/chopsticks.sh" install

# The JavaScript peers of the benchmark suite (polkadot-js, dedot, polkadot-api, pinned in
# bench/peers/package-lock.json), into the same cache: the bench smoke test runs them.
"$(dirname "$0")/../bench/peers/install.sh" >/dev/null
