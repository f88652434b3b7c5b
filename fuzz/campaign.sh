#!/usr/bin/env bash
# The fuzzing campaign (issue 7): every libFuzzer target in turn, for a set time each, under
# ASan + UBSan. New inputs are merged (minimised: only inputs that add coverage) back into the
# committed corpus fuzz/corpus/<target>/; crashes, timeouts, out-of-memory and leak inputs are
# saved to fuzz/crashers/<target>/, which the test suite replays (fuzz/run_fuzz_smoke.sh).
# Prints a summary table: target, seconds, executions, exec/s, corpus size, crashes /
# timeouts / OOMs.
#
# usage: fuzz/campaign.sh [--seconds S] [--build DIR] [--targets "a b ..."] [--no-merge]
#                         [--work DIR] [--jobs N]
#   --seconds S   fuzzing time per target (default 300)
#   --build DIR   build folder with the fuzzers (default build/fuzz-campaign; configured here
#                 with clang, -O1, ASan + UBSan, -DBTQ_FUZZ=ON when it has none)
#   --targets     the targets to run, short names (default: every fuzz/fuzz_*.c)
#   --no-merge    leave fuzz/corpus alone (the new inputs stay in the work folder)
#   --work DIR    keep the run's new inputs and logs here (default: a temp folder, removed)
# Seeds derived from the shared data are generated at run time (fuzz/seeds.sh) and never
# merged into the committed corpus; inputs above a size cap per target are not merged either
# (the committed corpus stays small).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
secs=300
build="$src/build/fuzz-campaign"
targets=
merge=1
work=
jobs=2
while (($#)); do
  case "$1" in
    --seconds) secs=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --targets) targets=$2; shift 2 ;;
    --no-merge) merge=0; shift ;;
    --work) work=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "campaign.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
export BTQ_SHARED_DIR=${BTQ_SHARED_DIR:-$(cd "$src/.." && pwd)/shared}
if [ -z "$targets" ]; then
  for f in "$here"/fuzz_*.c; do t=$(basename "$f" .c); targets+="${t#fuzz_} "; done
fi
if [ -z "$work" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"

# Per target: max input length, largest input merged into the committed corpus, dictionary.
max_len() {
  case "$1" in
    compact) echo 64 ;;
    hex) echo 1024 ;;
    ss58) echo 256 ;;
    scale_primitives) echo 4096 ;;
    value) echo 4096 ;;
    ws_reassembly) echo 8192 ;;
    jsonrpc_response) echo 16384 ;;
    metadata) echo 400000 ;; # the real blobs (generated seeds) are up to 312 KB
    *) echo 16384 ;;
  esac
}
merge_cap() {
  case "$1" in
    metadata) echo 65536 ;;
    *) max_len "$1" ;;
  esac
}

if [ ! -x "$build/fuzz/fuzz_compact" ]; then
  cc=${CC:-$(command -v clang-14 || command -v clang)}
  cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_FLAGS=-O1 -DBTQ_SANITIZE=ON -DBTQ_FUZZ=ON -DBTQ_BUILD_TESTS=OFF \
    -DBTQ_BUILD_BENCH=OFF -DBTQ_BUILD_EXAMPLES=OFF -DBTQ_SHARED_DIR="$BTQ_SHARED_DIR" \
    >"$work/configure.log" 2>&1 || { cat "$work/configure.log" >&2; exit 1; }
fi
tl=()
for t in $targets; do tl+=("fuzz_$t"); done
cmake --build "$build" -j"$jobs" --target "${tl[@]}" >"$work/build.log" 2>&1 ||
  { tail -n 40 "$work/build.log" >&2; exit 1; }

summary="$work/summary.txt"
: >"$summary"
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for t in $targets; do
  exe="$build/fuzz/fuzz_$t"
  corpus="$here/corpus/$t"
  crash="$here/crashers/$t"
  new="$work/$t/new"
  gen="$work/$t/gen"
  mkdir -p "$corpus" "$crash" "$new"
  rm -rf "$gen"
  "$here/seeds.sh" "$t" "$gen"
  dirs=("$new" "$corpus")
  [ -d "$gen" ] && dirs+=("$gen")
  dict=()
  [ -f "$here/dict/$t.dict" ] && dict=(-dict="$here/dict/$t.dict")
  before=$(find "$crash" -type f | wc -l)
  execs=0
  runs=0
  start=$(date +%s)
  # libFuzzer stops at the first crash: record it and go on for the rest of the time.
  while :; do
    left=$((secs - ($(date +%s) - start)))
    ((left > 0)) || break
    runs=$((runs + 1))
    log="$work/$t/run$runs.log"
    set +e
    "$exe" -max_total_time="$left" -max_len="$(max_len "$t")" -rss_limit_mb=2048 -timeout=10 \
      -print_final_stats=1 -artifact_prefix="$crash/" "${dict[@]}" "${dirs[@]}" >"$log" 2>&1
    rc=$?
    set -e
    e=$(awk '/^stat::number_of_executed_units:/ { print $2 }' "$log" | tail -n 1)
    execs=$((execs + ${e:-0}))
    if ((rc != 0)); then
      echo "campaign.sh: fuzz_$t exited $rc (run $runs), see below; continuing" >&2
      grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -n 5 >&2 || true
      status=1
      # an input that made the fuzzer fail without an artifact (e.g. a startup error): stop
      if (($(find "$crash" -type f | wc -l) == before)) && ! grep -q 'Test unit written' "$log"; then
        tail -n 20 "$log" >&2
        break
      fi
    fi
  done
  spent=$(($(date +%s) - start))
  crashes=$(find "$crash" -type f -name 'crash-*' -newer "$work/build.log" | wc -l)
  timeouts=$(find "$crash" -type f -name 'timeout-*' -newer "$work/build.log" | wc -l)
  ooms=$(find "$crash" -type f -name 'oom-*' -newer "$work/build.log" | wc -l)
  leaks=$(find "$crash" -type f -name 'leak-*' -newer "$work/build.log" | wc -l)
  rmdir "$crash" 2>/dev/null || true
  added=0
  if ((merge)); then
    # Only new inputs that add coverage to the committed corpus, and none above the cap.
    cap=$(merge_cap "$t")
    cand="$work/$t/cand"
    rm -rf "$cand"
    mkdir -p "$cand"
    find "$new" -type f -size -"$((cap + 1))"c -exec cp {} "$cand"/ \;
    # No copies of the shared data: drop inputs that begin like a generated seed (a real
    # metadata blob cut or mutated further on); the seeds come back at test time anyway.
    if [ -d "$gen" ]; then
      for c in "$cand"/*; do
        [ -f "$c" ] && [ "$(stat -c %s "$c")" -ge 512 ] || continue
        for g in "$gen"/*; do
          if [ "$(stat -c %s "$g")" -ge 512 ] && cmp -s -n 512 "$c" "$g"; then rm -f "$c"; break; fi
        done
      done
    fi
    n0=$(find "$corpus" -type f | wc -l)
    "$exe" -merge=1 -max_len="$cap" -rss_limit_mb=2048 -timeout=10 "$corpus" "$cand" \
      >"$work/$t/merge.log" 2>&1 || { echo "campaign.sh: merge of $t failed" >&2; tail -n 5 "$work/$t/merge.log" >&2; status=1; }
    added=$(($(find "$corpus" -type f | wc -l) - n0))
  fi
  files=$(find "$corpus" -type f | wc -l)
  kib=$(($(du -sb "$corpus" | cut -f1) / 1024))
  rate=$(awk -v e="$execs" -v s="$spent" 'BEGIN { printf "%d", s ? e / s : 0 }')
  printf '%-18s %5d %12d %9d %6d %+6d %7d %4d/%d/%d/%d\n' "$t" "$spent" "$execs" "$rate" "$files" \
    "$added" "$kib" "$crashes" "$timeouts" "$ooms" "$leaks" >>"$summary"
  echo "campaign.sh: $t done: $execs executions in ${spent}s, $crashes crashes, $timeouts timeouts, $ooms OOMs, $leaks leaks" >&2
done
echo
printf '%-18s %5s %12s %9s %6s %6s %7s %s\n' target secs execs exec/s files added KiB \
  crash/timeout/oom/leak
cat "$summary"
echo "corpus total: $(($(du -sb "$here/corpus" | cut -f1) / 1024)) KiB (file contents)"
exit $status
