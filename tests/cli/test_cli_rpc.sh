#!/usr/bin/env bash
# Golden tests for `btq rpc` without a node: usage errors, bad input, refused connections.
# (Answers from a live mock node are checked by tests/rpc/test_rpc_cli.c.)
set -u
. "$(dirname "$0")/golden.sh"
unset BT_SUBTENSOR_CHAIN_ENDPOINT

# A loopback port with nothing listening: bind-free pick of a closed port.
closed_port=1

expect 2 "" "btq rpc: missing METHOD (see btq rpc --help)
" -- rpc
expect 2 "" "btq rpc: unknown option '--bogus' (see btq rpc --help)
" -- rpc --bogus system_chain
expect 2 "" "btq rpc: --url needs a value (see btq rpc --help)
" -- rpc system_chain --url
expect 2 "" "btq rpc: --timeout wants seconds > 0 (up to 86400), got 'soon'
" -- rpc --timeout soon system_chain
expect 2 "" "btq rpc: --timeout wants seconds > 0 (up to 86400), got '0'
" -- rpc --timeout 0 system_chain
expect 2 "" "btq rpc: unexpected argument 'c'
" -- rpc a '[]' c
expect 2 "" "btq rpc: give --url or --network, not both
" -- rpc --url ws://127.0.0.1:9944 --network local system_chain
expect 2 "" "btq rpc: unknown network 'mars' (finney, test, archive or local)
" -- rpc --network mars system_chain
expect 5 "" "btq rpc: invalid endpoint URL: http://127.0.0.1:9944
" -- rpc --url http://127.0.0.1:9944 system_chain
expect 5 "" "btq rpc: plain ws:// to a non-loopback host needs opt-in: ws://192.0.2.7:9944
" -- rpc --url ws://192.0.2.7:9944 system_chain
expect 3 "" "btq rpc: PARAMS_JSON must be a JSON array or object, got '[1,'
" -- rpc --url ws://127.0.0.1:$closed_port state_getStorage '[1,'
expect 3 "" "btq rpc: PARAMS_JSON must be a JSON array or object, got '42'
" -- rpc --url ws://127.0.0.1:$closed_port state_getStorage 42
expect 2 "" "btq rpc: invalid METHOD 'bad-name' (letters, digits and _ only)
" -- rpc --url ws://127.0.0.1:$closed_port bad-name
expect 5 "" "btq rpc: ws://127.0.0.1:$closed_port: connection failed
" -- rpc --url ws://127.0.0.1:$closed_port system_chain
# the environment variable names the endpoint when --url is absent
BT_SUBTENSOR_CHAIN_ENDPOINT=ws://127.0.0.1:$closed_port expect 5 "" \
  "btq rpc: ws://127.0.0.1:$closed_port: connection failed
" -- rpc system_chain
expect 1 "" "btq rpc: cannot open --record file '$tmp/no/such/dir/x.jsonl'
" -- rpc --url ws://127.0.0.1:$closed_port --record "$tmp/no/such/dir/x.jsonl" system_chain

"$BTQ_CLI" rpc --help >"$tmp/help" 2>&1; rc=$?
if [ $rc != 0 ] || ! grep -q "^usage: btq rpc" "$tmp/help" || ! grep -q "examples:" "$tmp/help"; then
  echo "FAIL: btq rpc --help (exit $rc)"; failures=$((failures + 1))
fi

if [ "$failures" -ne 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "all btq rpc CLI checks passed"
