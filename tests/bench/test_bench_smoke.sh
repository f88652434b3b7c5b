#!/usr/bin/env bash
# The benchmark suite cannot rot: bench/suite.mjs --smoke runs every case with tiny N against
# this build's bench_node (btq's programs, the cold-start timer, and one case of each kind for
# each JavaScript peer) and must exit 0 and write the page, the chart and the raw JSON. It
# measures nothing (no timed assertion): a smoke run only proves that every part still runs
# and answers correctly (the programs and the peers check the balances they get).
#
# The peers come from the cache tools/setup-deps.sh fills (bench/peers/install.sh); without
# them this test fails and says how to install them, unless BTQ_BENCH_NO_PEERS=1.
# In the sanitizer build the peers are not run: they are Node programs that do not depend on
# the build, so the gcc build's run covers them; there the point is btq's bench programs
# under ASan + UBSan.
set -euo pipefail
: "${BTQ_SOURCE_DIR:?}" "${BTQ_BINARY_DIR:?}" "${BTQ_SHARED_DIR:?}"
command -v node >/dev/null || { echo "node is missing (tools/setup-deps.sh installs it)"; exit 1; }

args=(--smoke --build-dir "$BTQ_BINARY_DIR" --shared "$BTQ_SHARED_DIR")
if [ "${BTQ_SANITIZE:-0}" = 1 ]; then
  args+=(--peers none)
elif [ "${BTQ_BENCH_NO_PEERS:-0}" != 1 ]; then
  modules=${BTQ_CACHE_DIR:-$HOME/.cache/btq}/bench-peers/node_modules
  for pkg in @polkadot/api dedot polkadot-api; do
    if [ ! -f "$modules/$pkg/package.json" ]; then
      echo "the benchmark peers are not installed ($modules/$pkg is missing):"
      echo "run bench/peers/install.sh (tools/setup-deps.sh does), or set BTQ_BENCH_NO_PEERS=1"
      exit 1
    fi
  done
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if ! node "$BTQ_SOURCE_DIR/bench/suite.mjs" "${args[@]}" --out "$out" >"$out/console.txt" 2>"$out/log.txt"; then
  cat "$out/log.txt"
  echo "FAIL: bench/suite.mjs --smoke failed (the SMOKE FAILURE lines above name the cases)"
  exit 1
fi

fail() { echo "FAIL: $*"; cat "$out/log.txt"; exit 1; }
for f in performance.md performance-e2e.svg performance.json; do
  [ -s "$out/$f" ] || fail "$f was not written"
done
grep -q '^## Targets' "$out/performance.md" || fail "performance.md has no targets table"
grep -q 'e2e.balances.100.batched' "$out/performance.md" || fail "performance.md has no e2e rows"
head -c 200 "$out/performance-e2e.svg" | grep -q '<svg' || fail "the chart is not an SVG"
# Every case has a btq figure in the raw JSON, the cold start printed the right balance (the
# suite checks it), and the scale stream neither lost nor duplicated an answer.
node - "$out/performance.json" <<'JS' || fail "performance.json is incomplete"
const run = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const need = {
  'transport.sequential': 'req_per_s', 'transport.pipelined.1': 'req_per_s',
  'transport.pipelined.64': 'req_per_s', 'transport.pipelined.1024': 'req_per_s',
  'e2e.balances.50.concurrent': 'accounts_per_s', 'e2e.balances.100.batched': 'rss_kib',
  'codec.metadata_parse': 'ns', 'codec.accountinfo_decode': 'ns', 'codec.ss58_encode': 'ns',
  'codec.ss58_decode': 'ns', 'codec.storage_key': 'ns', 'cold.balance': 'wall_ms',
  'scale.stream': 'req_per_s',
};
let bad = 0;
for (const [c, m] of Object.entries(need)) {
  const v = run.results[c]?.btq?.[m]?.median;
  if (!(v > 0)) { console.log(`missing: ${c} btq ${m}`); bad = 1; }
}
const s = run.results['scale.stream']?.btq ?? {};
for (const m of ['lost', 'duplicated', 'inflight_end'])
  if (s[m]?.median !== 0) { console.log(`scale.stream: ${m} = ${s[m]?.median}`); bad = 1; }
for (const c of run.clients.filter((x) => x !== 'btq'))
  if (!(run.results['e2e.balances.50.batched']?.[c]?.accounts_per_s?.median > 0)) {
    console.log(`missing: e2e.balances.50.batched ${c}`); bad = 1;
  }
if (run.failures.length) { console.log(JSON.stringify(run.failures)); bad = 1; }
process.exit(bad);
JS
echo "ok: smoke run of the benchmark suite ($(grep -c . "$out/log.txt") log lines)"
