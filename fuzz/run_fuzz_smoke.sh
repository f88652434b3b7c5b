#!/usr/bin/env bash
# Replay every seed and past crasher of one fuzz target, then fuzz briefly from the seeds.
# usage: run_fuzz_smoke.sh FUZZER NAME SECONDS
set -euo pipefail
fuzzer=$1 name=$2 secs=$3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
dirs=()
for d in "$here/corpus/$name" "$here/crashers/$name"; do [ -d "$d" ] && dirs+=("$d"); done
# Seeds generated at test time from shared data (see fuzz/seeds.sh), when the target has any.
if [ -x "$here/seeds.sh" ]; then "$here/seeds.sh" "$name" "$work/gen"; [ -d "$work/gen" ] && dirs+=("$work/gen"); fi
if ((${#dirs[@]})); then
  "$fuzzer" -runs=0 "${dirs[@]}"                       # replay: every input once
fi
mkdir -p "$work/corpus"
"$fuzzer" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -max_len=${BTQ_FUZZ_MAX_LEN:-16384} -print_final_stats=1 \
  "$work/corpus" "${dirs[@]}" 2>&1 | tail -n 15
