#!/usr/bin/env bash
# The short soak (issue 7; the long one is bench/bench_soak run by hand): 20 s of steady
# mock_echo reads through one btq_rpc handle against the mock node (in a child process) with a
# forced reconnect every 2 s and random faults on 2 % of the requests. bench_soak checks that no
# request is lost, answered twice or answered with another's result, that nothing is left in
# flight, and that the descriptors return to their baseline once the handle is freed.
set -euo pipefail
soak="${BTQ_BINARY_DIR:?}/bench_soak"
if [ ! -x "$soak" ]; then
  echo "bench_soak not built in $BTQ_BINARY_DIR (configure with -DBTQ_BUILD_BENCH=ON)" >&2
  exit 1
fi
args=(--duration 20 --warmup 6 --interval 2 --reconnect-every 2 --fault-rate 0.02 --rate 500
  --window 64 --seed 7)
if [ "${BTQ_SANITIZE:-0}" = 1 ] || [ "${BTQ_SANITIZE:-}" = ON ]; then
  # Under ASan + UBSan the RSS is the sanitizer's (quarantine, shadow memory), not the
  # client's: the memory bound is only checked in the plain build.
  args+=(--no-rss-check)
fi
out=$("$soak" "${args[@]}" 2>&1) || { echo "$out"; echo "bench_soak failed" >&2; exit 1; }
echo "$out"
# the summary must be there and say so (a program that printed nothing must not pass)
grep -q '^soak: PASS$' <<<"$out"
grep -Eq 'lost 0, duplicated 0, wrong 0$' <<<"$out"
# the load really ran through reconnects and faults
reconnects=$(sed -n 's/.* \([0-9]*\) reconnects,.*/\1/p' <<<"$out")
faults=$(sed -n 's/.* (\([0-9]*\) forced), \([0-9]*\) faults queued.*/\2/p' <<<"$out")
[ "${reconnects:-0}" -ge 3 ] || { echo "only ${reconnects:-0} reconnects" >&2; exit 1; }
[ "${faults:-0}" -ge 10 ] || { echo "only ${faults:-0} faults injected" >&2; exit 1; }
