#!/usr/bin/env bash
# Golden tests for `btq encode`: JSON -> 0x hex, and decode -> encode giving back the bytes.
set -u
. "$(dirname "$0")/golden.sh"
: "${BTQ_SHARED_DIR:?BTQ_SHARED_DIR must point at shared/}"

M=$BTQ_SHARED_DIR/chain/metadata/finney_spec393_v15.scale
ACCOUNT=0x8d000000010000000100000000000000d0c30fbc0100000000e1f50500000000000000000000000000000000000000000000000000000080
ALICE=0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d

expect 0 '0x1900
' "" -- encode --metadata "$M" --type 40 25
expect 0 '0x6801
' "" -- encode --metadata "$M" --storage SubtensorModule.Tempo 360
expect 0 "$ALICE
" "" -- encode --metadata "$M" --type 0 "\"$ALICE\""
expect 0 "$ACCOUNT
" "" -- encode --metadata "$M" --storage System.Account '{"nonce":141,"consumers":1,"providers":1,"sufficients":0,"data":{"free":7450117072,"reserved":100000000,"frozen":0,"flags":"170141183460469231731687303715884105728"}}'
# decode | encode round trip through stdin, pretty JSON included
"$BTQ_CLI" decode --raw --metadata "$M" --storage System.Account $ACCOUNT >"$tmp/acct.json"
STDIN="$tmp/acct.json" expect 0 "$ACCOUNT
" "" -- encode --metadata "$M" --storage System.Account -
"$BTQ_CLI" decode --raw --compact --metadata "$M" --constant System.Version >"$tmp/version.json"
"$BTQ_CLI" encode --metadata "$M" --constant System.Version - <"$tmp/version.json" >"$tmp/v.hex" \
  || { echo "FAIL: System.Version JSON does not encode"; failures=$((failures + 1)); }
"$BTQ_CLI" decode --raw --compact --metadata "$M" --constant System.Version "$(cat "$tmp/v.hex")" \
  | cmp -s - "$tmp/version.json" || { echo "FAIL: System.Version round trip"; failures=$((failures + 1)); }

# errors
expect 3 "" 'btq encode: JSON does not fit type 40: integers must be whole and below 2^53 as numbers: use a decimal string
' -- encode --metadata "$M" --type 40 1.5
expect 3 "" 'btq encode: JSON does not fit type 40: integer does not fit u16
' -- encode --metadata "$M" --type 40 70000
expect 3 "" 'btq encode: JSON does not fit storage System.Account: missing field: consumers (at consumers)
' -- encode --metadata "$M" --storage System.Account '{"nonce":1}'
expect 3 "" 'btq encode: JSON does not fit type 40: invalid JSON near byte 0
' -- encode --metadata "$M" --type 40 '{'
expect 3 "" 'btq encode: JSON does not fit type 40: text after the JSON value at byte 3
' -- encode --metadata "$M" --type 40 '25 x'
expect 2 "" 'btq encode: the JSON value is missing
' -- encode --metadata "$M" --type 40
expect 2 "" 'btq encode: --metadata FILE is required (see --help)
' -- encode --type 40 1
expect 4 "" "btq encode: no storage entry 'System.Nope' in the metadata
" -- encode --metadata "$M" --storage System.Nope 1

"$BTQ_CLI" encode --help | grep -q '^usage: btq encode' || { echo "FAIL: --help"; failures=$((failures + 1)); }

[ "$failures" = 0 ] && echo "all encode golden tests passed"
exit $((failures > 0))
