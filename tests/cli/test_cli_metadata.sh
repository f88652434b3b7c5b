#!/usr/bin/env bash
# Golden tests for `btq metadata`: exact stdout, stderr and exit code, errors included.
# Expected facts: chain/README.md (file names, spec versions, 9 pallets on testfinney) and
# the runtime's own pallet definitions (Timestamp, Sudo).
set -u
. "$(dirname "$0")/golden.sh"
: "${BTQ_SHARED_DIR:?BTQ_SHARED_DIR must point at shared/}"
M=$BTQ_SHARED_DIR/chain/metadata
R=$BTQ_SHARED_DIR/chain/recorded

expect 0 "metadata: V14
spec_name: node-subtensor
spec_version: 103
pallets: 9
types: 140
runtime_apis: 0
" "" -- metadata "$M/testfinney_spec103_v14.scale"

expect 0 "metadata: V15
spec_name: node-subtensor
spec_version: 393
pallets: 27
types: 727
runtime_apis: 23
" "" -- metadata "$M/finney_spec393_v15.scale"

expect 0 "metadata: V16
spec_name: node-subtensor
spec_version: 381
pallets: 27
types: 724
runtime_apis: 22
" "" -- metadata "$M/devnet_spec381_v16.scale"

# 0x hex text, and the Option<OpaqueMetadata> wrapper of Metadata_metadata_at_version
expect 0 "metadata: V15
spec_name: node-subtensor
spec_version: 343
pallets: 26
types: 712
runtime_apis: 22
" "" -- metadata "$R/bittensor/integration_websocket_at_version.txt"
{ printf '0x'; od -An -v -tx1 "$M/testfinney_spec103_v14.scale" | tr -d ' \n'; echo; } > "$tmp/tf.hex"
expect 0 "metadata: V14
spec_name: node-subtensor
spec_version: 103
pallets: 9
types: 140
runtime_apis: 0
" "" -- metadata "$tmp/tf.hex"

expect 0 "pallet Timestamp (index 2)
storage (prefix Timestamp): 2
  Now Default plain -> u64 #6
  DidUpdate Default plain -> bool #49
constants: 1
  MinimumPeriod: u64 #6 = 0x7017000000000000
calls (#68): 1
  0 set
" "" -- metadata --pallet Timestamp "$M/testfinney_spec103_v14.scale"

expect 0 "pallet Sudo (index 7)
storage (prefix Sudo): 1
  Key Optional plain -> sp_core::crypto::AccountId32 #0
constants: 0
calls (#107): 4
  0 sudo
  1 sudo_unchecked_weight
  2 set_key
  3 sudo_as
" "" -- metadata "$M/testfinney_spec103_v14.scale" --pallet Sudo

expect 0 '{"name":"Timestamp","index":2,"storage_prefix":"Timestamp","storage":[{"name":"Now","modifier":"Default","hashers":[],"keys":[],"value":{"id":6,"label":"u64"},"default":"0x0000000000000000"},{"name":"DidUpdate","modifier":"Default","hashers":[],"keys":[],"value":{"id":49,"label":"bool"},"default":"0x00"}],"constants":[{"name":"MinimumPeriod","type":{"id":6,"label":"u64"},"value":"0x7017000000000000"}],"calls":["set"],"events":[],"errors":[]}
' "" -- metadata --json --pallet Timestamp "$M/testfinney_spec103_v14.scale"

# The Tempo line of the mainnet file: Identity map keyed by netuid, u16 values
"$BTQ_CLI" metadata --pallet SubtensorModule "$M/finney_spec393_v15.scale" >"$tmp/sm" 2>&1
if ! grep -Eq '^  Tempo Default Identity\(.*#[0-9]+\) -> u16 #[0-9]+$' "$tmp/sm"; then
  echo "FAIL: SubtensorModule.Tempo line"; grep Tempo "$tmp/sm"; failures=$((failures + 1))
fi

# --json summary: valid JSON with every pallet's storage and the runtime APIs
if command -v python3 >/dev/null; then
  if ! "$BTQ_CLI" metadata --json "$M/finney_spec393_v15.scale" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["version"] == 15 and d["spec_version"] == 393 and d["types"] == 727, d
p = {x["name"]: x for x in d["pallets"]}
assert "Tempo" in p["SubtensorModule"]["storage"]
assert "transfer_allow_death" in p["Balances"]["calls"]
assert "SS58Prefix" in p["System"]["constants"]
a = {x["name"]: x["methods"] for x in d["runtime_apis"]}
assert "metadata_at_version" in a["Metadata"]
'; then echo "FAIL: --json summary"; failures=$((failures + 1)); fi
fi

# errors: usage 2, invalid input 3, not found 4
printf 'meta\x0d\x00' > "$tmp/v13.bin"
printf 'hello' > "$tmp/bad.bin"
head -c 1000 "$M/testfinney_spec103_v14.scale" > "$tmp/short.bin"
expect 2 "" "btq metadata: missing FILE (see --help)
" -- metadata
expect 2 "" "btq metadata: unknown option '--bogus' (see --help)
" -- metadata --bogus "$tmp/bad.bin"
expect 2 "" "btq metadata: --pallet needs NAME
" -- metadata "$tmp/bad.bin" --pallet
expect 4 "" "btq metadata: cannot read $tmp/missing.scale
" -- metadata "$tmp/missing.scale"
expect 3 "" "btq metadata: $tmp/v13.bin: version V13 not supported (V14, V15 and V16 are) (BTQ_EMDVERSION at byte 4)
" -- metadata "$tmp/v13.bin"
expect 3 "" "btq metadata: $tmp/bad.bin: bad magic 0x6c6c6568 (want 'meta') (BTQ_EMAGIC at byte 0)
" -- metadata "$tmp/bad.bin"
"$BTQ_CLI" metadata "$tmp/short.bin" >/dev/null 2>"$tmp/err"; rc=$?
if [ $rc != 3 ] || ! grep -q '^btq metadata: .*short.bin: .*(BTQ_E[A-Z]* at byte [0-9]*)$' "$tmp/err"; then
  echo "FAIL: truncated file: exit $rc"; cat "$tmp/err"; failures=$((failures + 1))
fi
expect 4 "" "btq metadata: no pallet 'Nope' in $M/testfinney_spec103_v14.scale
" -- metadata --pallet Nope "$M/testfinney_spec103_v14.scale"

# --help: exit 0 with usage and examples on stdout
"$BTQ_CLI" metadata --help >"$tmp/help" 2>&1 || { echo "FAIL: --help exit"; failures=$((failures + 1)); }
grep -q '^usage: btq metadata' "$tmp/help" && grep -q '^examples:' "$tmp/help" ||
  { echo "FAIL: --help text"; failures=$((failures + 1)); }

if [ $failures -ne 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "all btq metadata golden tests passed"
