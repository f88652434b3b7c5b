#!/usr/bin/env bash
# Main job:
# install what is missing, build, start the local real-runtime node (Chopsticks on the raonet
# spec 218 genesis, 127.0.0.1), read balances of funded genesis accounts and the tempo of every
# subnet with `btq`, stop the node.
#
#   tools/main-job.sh [SPEC]        SPEC defaults to ../shared/chain/specs/raonet_raw_spec.json
#
# The same commands against mainnet (never run by the tests):
#   btq balance --network finney 5F...          (or --url wss://entrypoint-finney.opentensor.ai:443)
#   btq tempo --network finney --all
#   BT_SUBTENSOR_CHAIN_ENDPOINT=wss://archive.chain.opentensor.ai:443 btq balance --block 4000000 5F...
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
shared=${BTQ_SHARED_DIR:-$root/../shared}
spec=${1:-$shared/chain/specs/raonet_raw_spec.json}
[ -f "$spec" ] || { echo "main-job: chain spec not found: $spec" >&2; exit 1; }

./tools/setup-deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DBTQ_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j"$(nproc)"
btq=./build/release/btq
$btq --version

export BTQ_CHOPSTICKS_RUN=${BTQ_CHOPSTICKS_RUN:-$(mktemp -d /tmp/btq_mainjob.XXXXXX)}
trap './tools/chopsticks.sh stop >/dev/null 2>&1 || true' EXIT
echo "== starting Chopsticks on $spec"
port=$(./tools/chopsticks.sh start "$spec")
url=ws://127.0.0.1:$port
echo "== node at $url"

# A few funded genesis accounts, read from the chain spec (System.Account entries).
mapfile -t addrs < <(python3 - "$spec" <<'EOF'
import hashlib, json, sys
ALPH = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
def b58(b):
    n = int.from_bytes(b, "big"); s = ""
    while n: n, r = divmod(n, 58); s = ALPH[r] + s
    return "1" * (len(b) - len(b.lstrip(b"\0"))) + s
def ss58(pk, prefix=42):
    data = bytes([prefix]) + pk
    return b58(data + hashlib.blake2b(b"SS58PRE" + data, digest_size=64).digest()[:2])
top = json.load(open(sys.argv[1]))["genesis"]["raw"]["top"]
P = "0x26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9"
out = []
for k in sorted(top):
    if k.startswith(P) and int.from_bytes(bytes.fromhex(top[k][2:])[16:24], "little") > 0:
        out.append(ss58(bytes.fromhex(k[2 + 64 + 32:])))
print("\n".join(out[:5]))
EOF
)

echo "== btq block"
$btq block --url "$url"
echo "== btq balance (${#addrs[@]} funded genesis accounts, one pinned block)"
$btq balance --url "$url" "${addrs[@]}"
echo "== btq tempo --all"
$btq tempo --url "$url" --all
echo "== btq tempo --all --json"
$btq tempo --url "$url" --all --json
