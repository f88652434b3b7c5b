#!/usr/bin/env bash
# Golden tests for `btq decode`: exact stdout, stderr and exit code, errors included.
# Expected values were checked by hand against the raw bytes (little-endian fields, compact
# modes) and against the well-known SS58 form of the Alice dev key.
set -u
. "$(dirname "$0")/golden.sh"
: "${BTQ_SHARED_DIR:?BTQ_SHARED_DIR must point at shared/}"

M=$BTQ_SHARED_DIR/chain/metadata/finney_spec393_v15.scale
ACCOUNT=0x8d000000010000000100000000000000d0c30fbc0100000000e1f50500000000000000000000000000000000000000000000000000000080
ALICE=0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d

expect 0 '{
  "nonce": 141,
  "consumers": 1,
  "providers": 1,
  "sufficients": 0,
  "data": {
    "free": 7450117072,
    "reserved": 100000000,
    "frozen": 0,
    "flags": "170141183460469231731687303715884105728"
  }
}
' "" -- decode --metadata "$M" --storage System.Account $ACCOUNT
expect 0 '{"nonce":141,"consumers":1,"providers":1,"sufficients":0,"data":{"free":7450117072,"reserved":100000000,"frozen":0,"flags":"170141183460469231731687303715884105728"}}
' "" -- decode --compact --metadata "$M" --storage System.Account $ACCOUNT
# the same metadata given as 0x hex text
printf '0x' >"$tmp/md.hex"; od -An -v -tx1 "$M" | tr -d ' \n' >>"$tmp/md.hex"; echo >>"$tmp/md.hex"
expect 0 '25
' "" -- decode --metadata "$tmp/md.hex" --type 40 0x1900
# constants and defaults without HEX; Optional entries default to null
expect 0 '500
' "" -- decode --metadata "$M" --constant Balances.ExistentialDeposit
expect 0 '360
' "" -- decode --metadata "$M" --constant SubtensorModule.InitialTempo
expect 0 '360
' "" -- decode --metadata "$M" --storage SubtensorModule.Tempo
expect 0 'null
' "" -- decode --metadata "$M" --storage System.ExtrinsicCount
expect 0 '{
  "nonce": 0,
  "consumers": 0,
  "providers": 0,
  "sufficients": 0,
  "data": {
    "free": 0,
    "reserved": 0,
    "frozen": 0,
    "flags": "170141183460469231731687303715884105728"
  }
}
' "" -- decode --metadata "$M" --storage System.Account
expect 0 '360
' "" -- decode --metadata "$M" --storage SubtensorModule.Tempo 6801
# runtime API output (recorded TransactionPaymentApi_query_info answer)
expect 0 '{
  "weight": {
    "ref_time": 164051000,
    "proof_size": 3593
  },
  "class": "Normal",
  "partial_fee": 136247
}
' "" -- decode --metadata "$M" --call-output TransactionPaymentApi.query_info 0xe2e01c272538003714020000000000
# account ids: SS58 42 by default, another prefix, or raw hex
expect 0 '"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
' "" -- decode --metadata "$M" --type 0 $ALICE
expect 0 '"15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5"
' "" -- decode --metadata "$M" --type 0 --ss58-prefix 0 $ALICE
expect 0 "\"$ALICE\"
" "" -- decode --metadata "$M" --type 0 --raw $ALICE

# errors: one line, distinct exit codes
expect 3 "" 'btq decode: bytes do not decode as storage System.Account: u32: input ended before the value was complete at byte 0 (at nonce)
' -- decode --metadata "$M" --storage System.Account 0x8d00
expect 3 "" 'btq decode: bytes do not decode as type 40: 1 trailing bytes after the value at byte 2
' -- decode --metadata "$M" --type 40 0x190000
expect 3 "" "btq decode: '0xzz' is not valid hex
" -- decode --metadata "$M" --type 40 0xzz
expect 4 "" 'btq decode: type id 99999 is out of range (the metadata has 727 types)
' -- decode --metadata "$M" --type 99999 00
expect 4 "" "btq decode: no storage entry 'Nope.Account' in the metadata (no such pallet)
" -- decode --metadata "$M" --storage Nope.Account 00
expect 4 "" "btq decode: no constant 'Balances.Nope' in the metadata
" -- decode --metadata "$M" --constant Balances.Nope
expect 4 "" "btq decode: no runtime API method 'Nope.x' in the metadata
" -- decode --metadata "$M" --call-output Nope.x 00
expect 4 "" "btq decode: cannot read metadata file '$tmp/none': No such file or directory
" -- decode --metadata "$tmp/none" --type 1 00
printf 'xx' >"$tmp/bad"
expect 3 "" "btq decode: metadata file '$tmp/bad' does not parse: metadata: 2 bytes, too short for the 'meta' magic at byte 0
" -- decode --metadata "$tmp/bad" --type 1 00
expect 2 "" "btq decode: --type needs a type id (a number), got 'abc'
" -- decode --metadata "$M" --type abc 00
expect 2 "" 'btq decode: --type needs the HEX bytes to decode
' -- decode --metadata "$M" --type 40
expect 2 "" 'btq decode: --metadata FILE is required (see --help)
' -- decode --type 1 00
expect 2 "" "btq decode: unknown option '--bogus' (see --help)
" -- decode --metadata "$M" --type 1 --bogus
expect 2 "" 'btq decode: give one of --type, --storage, --constant, --call-output
' -- decode --metadata "$M" --type 1 --storage System.Account 00
expect 2 "" "btq decode: --storage needs NAME.NAME (e.g. System.Account), got 'System'
" -- decode --metadata "$M" --storage System 00

"$BTQ_CLI" decode --help | grep -q '^usage: btq decode' || { echo "FAIL: --help"; failures=$((failures + 1)); }

[ "$failures" = 0 ] && echo "all decode golden tests passed"
exit $((failures > 0))
