#!/usr/bin/env bash
# Golden tests for `btq ss58`: exact stdout, stderr and exit code, errors included.
set -u
. "$(dirname "$0")/golden.sh"

ALICE=0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d
A42=5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY
A0=15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5
A2=HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F

# encode
expect 0 "$A42
" "" -- ss58 encode $ALICE
expect 0 "$A42
" "" -- ss58 encode ${ALICE#0x}
expect 0 "$A0
" "" -- ss58 encode --prefix 0 $ALICE
expect 0 "$A2
" "" -- ss58 encode $ALICE --prefix=2
expect 0 "{\"prefix\":42,\"public_key\":\"$ALICE\",\"address\":\"$A42\"}
" "" -- ss58 encode --json $ALICE
expect 0 "F7NZ
" "" -- ss58 encode 0x01

# decode
expect 0 "prefix: 42
public key: $ALICE
" "" -- ss58 decode $A42
expect 0 "prefix: 0
public key: $ALICE
" "" -- ss58 decode $A0
expect 0 "prefix: 42
public key: $ALICE
" "" -- ss58 decode --prefix 42 $A42
expect 0 "{\"prefix\":2,\"public_key\":\"$ALICE\",\"address\":\"$A2\"}
" "" -- ss58 decode --json $A2

# invalid input: exit 3, one line naming the input and what is wrong with it
expect 3 "" "btq ss58: invalid address '$A42': address has network prefix 42, expected 0
" -- ss58 decode --prefix 0 $A42
expect 3 "" "btq ss58: invalid address '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQZ': checksum 1d22, expected 1d21
" -- ss58 decode 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQZ
expect 3 "" "btq ss58: invalid address '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKut0Y': '0' at position 46 is not a base58 character
" -- ss58 decode 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKut0Y
expect 3 "" "btq ss58: invalid address '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGK': decodes to 32 bytes: no allowed payload length fits
" -- ss58 decode 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGK
expect 3 "" "btq ss58: invalid address '': empty address
" -- ss58 decode ""
expect 3 "" "btq ss58: public key '0xzz' is not valid hex
" -- ss58 encode 0xzz
expect 3 "" "btq ss58: public key '0x123' is not valid hex
" -- ss58 encode 0x123
expect 3 "" "btq ss58: public key '0x010203' has 3 bytes (SS58 takes 1, 2, 4, 8, 32 or 33)
" -- ss58 encode 0x010203
expect 3 "" "btq ss58: public key '${ALICE}0000' has 34 bytes (SS58 takes 1, 2, 4, 8, 32 or 33)
" -- ss58 encode ${ALICE}0000

# bad command line: exit 2
expect 2 "" "btq ss58: --prefix 46 is reserved
" -- ss58 encode --prefix 46 $ALICE
expect 2 "" "btq ss58: --prefix '16384' is not a number in 0..16383
" -- ss58 encode --prefix 16384 $ALICE
expect 2 "" "btq ss58: --prefix '-1' is not a number in 0..16383
" -- ss58 encode --prefix -1 $ALICE
expect 2 "" "btq ss58: --prefix 'x' is not a number in 0..16383
" -- ss58 decode --prefix x $A42
expect 2 "" "btq ss58: --prefix needs a value
" -- ss58 decode $A42 --prefix
expect 2 "" "btq ss58: missing encode or decode (see btq ss58 --help)
" -- ss58
expect 2 "" "btq ss58: unknown mode 'check' (encode or decode)
" -- ss58 check $A42
expect 2 "" "btq ss58: missing ADDRESS (see btq ss58 --help)
" -- ss58 decode
expect 2 "" "btq ss58: missing public key HEX (see btq ss58 --help)
" -- ss58 encode
expect 2 "" "btq ss58: unexpected argument 'extra'
" -- ss58 decode $A42 extra
expect 2 "" "btq ss58: unknown option '--verbose' (see btq ss58 --help)
" -- ss58 decode --verbose $A42

# help goes to stdout with examples, exit 0
"$BTQ_CLI" ss58 --help >"$tmp/help" 2>&1 || { echo "FAIL: ss58 --help exit $?"; failures=$((failures + 1)); }
grep -q '^usage: btq ss58 encode' "$tmp/help" && grep -q 'examples:' "$tmp/help" \
  || { echo "FAIL: ss58 --help text"; failures=$((failures + 1)); }
"$BTQ_CLI" ss58 decode -h >/dev/null || { echo "FAIL: ss58 decode -h"; failures=$((failures + 1)); }

if [ "$failures" -ne 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "all ss58 golden tests passed"
