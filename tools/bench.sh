#!/usr/bin/env bash
# The benchmark suite (bench/README.md) from scratch: install what is missing, configure and
# build a Release tree in build/release, install the pinned JavaScript peers into the cache
# outside the tree, run bench/suite.mjs and say where the results page is.
#   ./tools/bench.sh                 full suite, writes docs/performance.md (+ .svg, .json)
#   ./tools/bench.sh --smoke         tiny N, one run, output to a temp dir
#   ./tools/bench.sh --only 'e2e|cold' --reps 3 --peers dedot    (any bench/suite.mjs option)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
./tools/setup-deps.sh
shared=${BTQ_SHARED_DIR:-$root/../shared}
jobs=$(nproc 2>/dev/null || echo 2)

echo "== build: gcc, Release, build/release =="
cmake -S . -B build/release -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Release \
  -DBTQ_SHARED_DIR="$shared" >/dev/null
cmake --build build/release -j"$jobs"

if [ "${BTQ_BENCH_NO_PEERS:-0}" != 1 ]; then
  echo "== the JavaScript peers (pinned, npm) =="
  bench/peers/install.sh >/dev/null
fi

echo "== the suite =="
node bench/suite.mjs --build-dir build/release "$@"
case " $* " in
  *" --smoke "* | *" --out "*) ;;
  *) echo "results: $root/docs/performance.md (chart docs/performance-e2e.svg, raw docs/performance.json)" ;;
esac
