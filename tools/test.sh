#!/usr/bin/env bash
# The whole test suite, as CI runs it: install what is missing, then build and test twice —
# a normal gcc build (whose unit and scenario tests then run again under valgrind memcheck,
# followed by clang-tidy + cppcheck) and a clang AddressSanitizer + UndefinedBehaviorSanitizer
# build (which also builds the libFuzzer targets and runs each briefly). Any failure fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
./tools/setup-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
shared=${BTQ_SHARED_DIR:-$root/../shared}

echo "== build 1/2: gcc, release with debug info =="
cmake -S . -B build/gcc -DCMAKE_C_COMPILER=gcc -DBTQ_SHARED_DIR="$shared" >/dev/null
cmake --build build/gcc -j"$jobs"
(cd build/gcc && ctest --output-on-failure -j"$jobs")

echo "== valgrind memcheck: unit and scenario tests of build/gcc (tools/valgrind.sh) =="
./tools/valgrind.sh build/gcc -j"$jobs"

echo "== static analysis: clang-tidy + cppcheck (tools/static-analysis.sh) =="
./tools/static-analysis.sh -j"$jobs"

echo "== build 2/2: clang, ASan + UBSan, fuzz targets =="
cmake -S . -B build/asan -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DBTQ_SANITIZE=ON \
  -DBTQ_FUZZ=ON -DBTQ_SHARED_DIR="$shared" >/dev/null
cmake --build build/asan -j"$jobs"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build/asan && ctest --output-on-failure -j"$jobs")
