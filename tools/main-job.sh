#!/usr/bin/env bash
# Main job (placeholder until the network client lands): install, build, run btq offline.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
./tools/setup-deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DBTQ_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j"$(nproc)"
./build/release/btq --version
