#!/usr/bin/env bash
# Golden tests for `btq hash`: exact stdout, stderr and exit code, errors included.
set -u
. "$(dirname "$0")/golden.sh"

ALICE=0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d
A42=5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY
ALICE=0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d
# Expected digests computed with @polkadot/util-crypto (xxhashAsU8a / blake2AsU8a).

expect 0 "0x26aa394eea5630e07c48ae0c9558cef7
" "" -- hash twox128 --text System
expect 0 "0x26aa394eea5630e07c48ae0c9558cef7
" "" -- hash Twox128 0x53797374656d
expect 0 "0x26aa394eea5630e0
" "" -- hash twox64 --text System
expect 0 "0xb99d880ec681799c0cf30e8886371da93f57d85ee2978802071b8b6ddc1f7a8a
" "" -- hash twox256 --text Account
expect 0 "0xbddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319
" "" -- hash blake2_256 --text abc
expect 0 "0xcae66941d9efbd404e4d88758ea67670
" "" -- hash Blake2_128 0x
expect 0 "0x99e9d85137db46ef4bbea33613baafd5
" "" -- hash twox128 ""
expect 0 "0xde1e86a9a8c739864cf3cc5ec2bea59fd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d
" "" -- hash blake2_128_concat $ALICE
expect 0 "0xf1577fbf1d628fdd0100
" "" -- hash twox64_concat 0100
expect 0 "0x0100
" "" -- hash identity 0x0100
expect 0 "{\"algorithm\":\"twox64_concat\",\"input\":\"0x0100\",\"hash\":\"0xf1577fbf1d628fdd0100\"}
" "" -- hash --json Twox64Concat 0x0100
expect 0 "{\"algorithm\":\"twox128\",\"input\":\"0x53797374656d\",\"hash\":\"0x26aa394eea5630e07c48ae0c9558cef7\"}
" "" -- hash twox128 --text System --json

# invalid input: exit 3
expect 3 "" "btq hash: input '0xzz' is not valid hex
" -- hash twox128 0xzz
expect 3 "" "btq hash: input '0x123' is not valid hex
" -- hash blake2_256 0x123

# bad command line: exit 2
expect 2 "" "btq hash: unknown algorithm 'md5' (see btq hash --help)
" -- hash md5 0x00
expect 2 "" "btq hash: unknown algorithm 'blake2_128concat' (see btq hash --help)
" -- hash blake2_128concat 0x00
expect 2 "" "btq hash: missing ALGO (see btq hash --help)
" -- hash
expect 2 "" "btq hash: missing HEX or --text STRING
" -- hash twox128
expect 2 "" "btq hash: give either HEX or --text, not both
" -- hash twox128 0x00 --text a
expect 2 "" "btq hash: --text needs a value
" -- hash twox128 --text
expect 2 "" "btq hash: unexpected argument 'b'
" -- hash twox128 a b c
expect 2 "" "btq hash: unknown option '--hex' (see btq hash --help)
" -- hash twox128 --hex 00

"$BTQ_CLI" hash --help >"$tmp/help" 2>&1 || { echo "FAIL: hash --help exit $?"; failures=$((failures + 1)); }
grep -q '^usage: btq hash' "$tmp/help" && grep -q 'examples:' "$tmp/help" && grep -q 'Blake2_128Concat' "$tmp/help" \
  || { echo "FAIL: hash --help text"; failures=$((failures + 1)); }

if [ "$failures" -ne 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "all hash golden tests passed"
