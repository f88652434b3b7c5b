#!/usr/bin/env bash
# `cmake --install` into a temporary prefix, then build an outside program against the installed
# library with pkg-config alone (shared and static), and a CMake project with find_package(btq).
set -euo pipefail
src=${BTQ_SOURCE_DIR:?} bin=${BTQ_BINARY_DIR:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cmake --install "$bin" --prefix "$tmp/prefix" >/dev/null
libdir=$(ls -d "$tmp/prefix"/lib* | head -n1)
export PKG_CONFIG_PATH="$libdir/pkgconfig"
test -f "$tmp/prefix/include/btq.h" || { echo "btq.h not installed"; exit 1; }
test -f "$libdir/pkgconfig/btq.pc" || { echo "btq.pc not installed"; exit 1; }
# The compiler that built the library; a sanitizer build's library needs its runtime at link time.
cc=${BTQ_CC:-cc}
extra=""; [ "${BTQ_SANITIZE:-0}" = 1 ] && extra="-fsanitize=address,undefined"
$cc $extra -std=c11 -Wall -Werror "$src/tests/install/outside_program.c" -o "$tmp/shared_prog" \
  $(pkg-config --cflags --libs btq)
LD_LIBRARY_PATH="$libdir" "$tmp/shared_prog" | grep -q "ok"
$cc $extra -std=c11 -Wall -Werror "$src/tests/install/outside_program.c" -o "$tmp/static_prog" \
  $(pkg-config --cflags btq) "$libdir/libbtq.a" $(pkg-config --static --libs-only-l btq | sed 's/-lbtq//')
"$tmp/static_prog" | grep -q "ok"
mkdir -p "$tmp/cm"
cat > "$tmp/cm/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.18)
project(outside C)
find_package(btq REQUIRED)
add_executable(outside "$src/tests/install/outside_program.c")
target_link_libraries(outside PRIVATE btq::btq)
CM
CC="$cc" CFLAGS="$extra" LDFLAGS="$extra" cmake -S "$tmp/cm" -B "$tmp/cm/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/cm/build" >/dev/null
LD_LIBRARY_PATH="$libdir" "$tmp/cm/build/outside" | grep -q "ok"
echo "install: pkg-config (shared, static) and find_package(btq) all build and run"
