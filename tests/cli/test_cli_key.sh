#!/usr/bin/env bash
# Golden tests for `btq key`: exact stdout, stderr and exit code, errors included.
set -u
. "$(dirname "$0")/golden.sh"

ALICE=0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d
A42=5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY
ALICE=0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d
A42=5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY
# Expected keys computed with @polkadot/util-crypto (xxhashAsU8a / blake2AsU8a).
SYSACC=0x26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9de1e86a9a8c739864cf3cc5ec2bea59fd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d

expect 0 "$SYSACC
" "" -- key System Account --hasher blake2_128_concat $ALICE
expect 0 "$SYSACC
" "" -- key System Account --hasher Blake2_128Concat $A42
expect 0 "0x658faa385070e074c85bf6b568cf05557641384bb339f3758acddfd7053d33170100
" "" -- key SubtensorModule Tempo --hasher identity 0x0100
expect 0 "0xc2261276cc9d1f8598ea4b6a74b15c2f57c875e4cff74148e4628f264b974c80
" "" -- key Balances TotalIssuance
expect 0 "0x658faa385070e074c85bf6b568cf05559f99a2ce711f3a31b2fc05604c93f17901000500
" "" -- key SubtensorModule Keys --hasher identity 0100 --hasher Identity 0x0500
expect 0 "0x495763368683abd45ad6eeb0b998c6c896c6f550f77455b3c13683a28aeacb4a5343d1b66f8056b52a00000000000000
" "" -- key Pallet Map --hasher twox64_concat 0x2a00000000000000
expect 0 "{\"pallet\":\"Balances\",\"item\":\"TotalIssuance\",\"key\":\"0xc2261276cc9d1f8598ea4b6a74b15c2f57c875e4cff74148e4628f264b974c80\"}
" "" -- key --json Balances TotalIssuance
expect 0 "{\"pallet\":\"A\\\"B\",\"item\":\"C\",\"key\":\"0x06d09f7258ad1db647e19a25ebb86e09d40749f7624bfc13a85d44b753ff9cbb\"}
" "" -- key A\"B C --json

# invalid input: exit 3
expect 3 "" "btq key: key '0xzz' for --hasher identity is not valid hex
" -- key A B --hasher identity 0xzz
expect 3 "" "btq key: key 'Z0' for --hasher identity is neither hex nor an SS58 address ('0' at position 1 is not a base58 character)
" -- key A B --hasher identity Z0
expect 3 "" "btq key: key 'F7NZ' for --hasher blake2_128_concat: an address of 1 bytes, not an account id
" -- key A B --hasher blake2_128_concat F7NZ

# bad command line: exit 2
expect 2 "" "btq key: unknown hasher 'sha256' (see btq key --help)
" -- key A B --hasher sha256 0x00
expect 2 "" "btq key: --hasher needs a HASHER and a KEY
" -- key A B --hasher identity
expect 2 "" "btq key: missing PALLET and ITEM (see btq key --help)
" -- key
expect 2 "" "btq key: missing ITEM (see btq key --help)
" -- key System
expect 2 "" "btq key: unexpected argument '0x00' (map keys go after --hasher HASHER)
" -- key System Account 0x00
expect 2 "" "btq key: unknown option '--raw' (see btq key --help)
" -- key System Account --raw

"$BTQ_CLI" key --help >"$tmp/help" 2>&1 || { echo "FAIL: key --help exit $?"; failures=$((failures + 1)); }
grep -q '^usage: btq key' "$tmp/help" && grep -q 'examples:' "$tmp/help" \
  || { echo "FAIL: key --help text"; failures=$((failures + 1)); }

if [ "$failures" -ne 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "all key golden tests passed"
