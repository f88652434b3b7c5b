#!/usr/bin/env bash
# Generate seeds for one fuzz target from shared data at test time (the data is never copied
# into the repository). usage: seeds.sh NAME OUTDIR. Unknown names: nothing to do.
set -euo pipefail
name=$1 out=$2
shared=${BTQ_SHARED_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/shared}
case "$name" in
  metadata)
    # every real metadata blob, plus prefixes of the smallest one (truncations)
    md="$shared/chain/metadata"
    [ -d "$md" ] || exit 0
    mkdir -p "$out"
    cp "$md"/*.scale "$out"/
    small="$md/testfinney_spec103_v14.scale"
    for n in 5 6 64 512 4096 20000; do head -c "$n" "$small" > "$out/testfinney_head_$n"; done
    ;;
  value)
    # (type selector u16 LE, bytes): System.Account (type 3 in finney spec 393 V15) with the
    # recorded mainnet AccountInfo, and the same with its last byte cut (short input)
    rec="$shared/chain/recorded/bittensor/ws_responses.jsonl"
    [ -f "$rec" ] || exit 0
    hex=$(grep -o '"result": "0x[0-9a-f]\{112\}"' "$rec" | head -n 1 | sed 's/.*"0x\([0-9a-f]*\)"/\1/')
    [ -n "$hex" ] || exit 0
    mkdir -p "$out"
    esc=$(printf '%s' "$hex" | sed 's/../\\x&/g')
    printf "\\x03\\x00$esc" >"$out/account_info"
    head -c 57 "$out/account_info" >"$out/account_info_short"
    # every type id of the real registry (727 types; the selector is taken modulo the count)
    # and of the fixture registry (selector bit 15), each with 64 zero bytes and 64 0x01 bytes
    # (empty sequences, first variants, ...), so the fuzzer starts from every type
    zeros=$(head -c 64 /dev/zero | od -An -v -tx1 | tr -d ' \n' | sed 's/../\\x&/g')
    ones=$(head -c 64 /dev/zero | tr '\0' '\1' | od -An -v -tx1 | tr -d ' \n' | sed 's/../\\x&/g')
    for ((t = 0; t < 728; t++)); do
      sel=$(printf '\\x%02x\\x%02x' $((t & 255)) $((t >> 8)))
      printf "$sel$zeros" >"$out/type_${t}_zeros"
      printf "$sel$ones" >"$out/type_${t}_ones"
    done
    for ((t = 0; t < 64; t++)); do
      sel=$(printf '\\x%02x\\x80' "$t")
      printf "$sel$zeros" >"$out/fixture_${t}_zeros"
      printf "$sel$ones" >"$out/fixture_${t}_ones"
    done
    ;;
  *) ;;
esac
