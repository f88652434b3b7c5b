// Generates vectors/chain/*.json with polkadot-js (@polkadot/util-crypto) as an independent
// oracle for btq's hashers, storage keys, base58 and SS58 code.
// usage: NODE_PATH=$(tools/oracle/install.sh) node tools/oracle/gen-chain-vectors.cjs [OUTDIR]
// Deterministic: every random input comes from a seeded PRNG, so re-running gives the same files.
'use strict';
const fs = require('fs');
const path = require('path');
const {
  cryptoWaitReady, xxhashAsU8a, blake2AsU8a, encodeAddress, decodeAddress, base58Encode,
} = require('@polkadot/util-crypto');
const { u8aToHex, u8aConcat, stringToU8a, hexToU8a } = require('@polkadot/util');

const outDir = process.argv[2] || path.join(__dirname, '..', '..', 'vectors', 'chain');

// mulberry32: a small seeded PRNG (the exact generator does not matter, only determinism).
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = prng(0xb7c0ffee);
const randInt = (n) => Math.floor(rnd() * n);
const randBytes = (n) => Uint8Array.from({ length: n }, () => randInt(256));

// The oracle's hashers, by btq's canonical names.
const HASHERS = {
  blake2_128: (d) => blake2AsU8a(d, 128),
  blake2_256: (d) => blake2AsU8a(d, 256),
  blake2_128_concat: (d) => u8aConcat(blake2AsU8a(d, 128), d),
  twox128: (d) => xxhashAsU8a(d, 128),
  twox256: (d) => xxhashAsU8a(d, 256),
  twox64_concat: (d) => u8aConcat(xxhashAsU8a(d, 64), d),
  identity: (d) => d,
};

function write(name, obj) {
  const file = path.join(outDir, name);
  fs.writeFileSync(file, JSON.stringify(obj, null, 0).replace(/\},\{/g, '},\n{') + '\n');
  console.log(`${file}: ${fs.statSync(file).size} bytes`);
}

function hasherVectors() {
  const cases = [];
  for (let len = 0; len <= 300; len++) {
    const input = randBytes(len);
    for (const [name, fn] of Object.entries(HASHERS))
      cases.push({ hasher: name, input: u8aToHex(input), output: u8aToHex(fn(input)) });
  }
  // Text inputs people hash by hand (pallet and item names).
  for (const text of ['System', 'Account', 'SubtensorModule', 'Tempo', 'Balances', 'TotalIssuance', ''])
    for (const [name, fn] of Object.entries(HASHERS))
      cases.push({ hasher: name, input: u8aToHex(stringToU8a(text)), output: u8aToHex(fn(stringToU8a(text))) });
  return { description: 'hasher(input) = output; oracle @polkadot/util-crypto xxhashAsU8a / blake2AsU8a', cases };
}

function u16le(v) { return Uint8Array.from([v & 0xff, v >> 8]); }
function u64le(v) {
  const b = new Uint8Array(8);
  let x = BigInt(v);
  for (let i = 0; i < 8; i++) { b[i] = Number(x & 0xffn); x >>= 8n; }
  return b;
}

function storageKeyVectors() {
  const cases = [];
  const add = (pallet, item, parts) => {
    let key = u8aConcat(xxhashAsU8a(stringToU8a(pallet), 128), xxhashAsU8a(stringToU8a(item), 128));
    for (const p of parts) key = u8aConcat(key, HASHERS[p.hasher](hexToU8a(p.key)));
    cases.push({ pallet, item, parts, key: u8aToHex(key) });
  };
  // Plain values: the 32-byte prefix alone.
  add('System', 'Number', []);
  add('Balances', 'TotalIssuance', []);
  add('SubtensorModule', 'TotalNetworks', []);
  // System.Account: Blake2_128Concat of a 32-byte account id.
  add('System', 'Account', [{ hasher: 'blake2_128_concat', key: u8aToHex(new Uint8Array(32)) }]);
  for (let i = 0; i < 40; i++)
    add('System', 'Account', [{ hasher: 'blake2_128_concat', key: u8aToHex(randBytes(32)) }]);
  // SubtensorModule.Tempo and friends: Identity of a u16 netuid.
  for (const netuid of [0, 1, 2, 3, 18, 255, 256, 65535])
    add('SubtensorModule', 'Tempo', [{ hasher: 'identity', key: u8aToHex(u16le(netuid)) }]);
  for (const netuid of [0, 1, 7, 64])
    add('SubtensorModule', 'NetworksAdded', [{ hasher: 'identity', key: u8aToHex(u16le(netuid)) }]);
  // Twox64Concat keys: double maps keyed by netuid (u16) then uid (u16) or by a u64.
  for (let i = 0; i < 16; i++) {
    add('SubtensorModule', 'Keys', [
      { hasher: 'identity', key: u8aToHex(u16le(randInt(65536))) },
      { hasher: 'identity', key: u8aToHex(u16le(randInt(65536))) },
    ]);
    add('SubtensorModule', 'Uids', [
      { hasher: 'identity', key: u8aToHex(u16le(randInt(1024))) },
      { hasher: 'blake2_128_concat', key: u8aToHex(randBytes(32)) },
    ]);
    add('Example', 'ByU64', [{ hasher: 'twox64_concat', key: u8aToHex(u64le(randInt(2 ** 32) * 4096 + i)) }]);
    add('Staking', 'Mixed', [
      { hasher: 'twox64_concat', key: u8aToHex(randBytes(randInt(40))) },
      { hasher: 'blake2_128', key: u8aToHex(randBytes(randInt(40))) },
      { hasher: 'blake2_256', key: u8aToHex(randBytes(randInt(40))) },
      { hasher: 'twox128', key: u8aToHex(randBytes(randInt(40))) },
      { hasher: 'twox256', key: u8aToHex(randBytes(randInt(40))) },
    ]);
  }
  return { description: 'twox128(pallet) || twox128(item) || hasher(key)...; oracle @polkadot/util-crypto', cases };
}

function base58Vectors() {
  const cases = [];
  for (let len = 0; len <= 120; len++) {
    for (let rep = 0; rep < 3; rep++) {
      const b = randBytes(len);
      // Leading zero bytes are the base58 edge case ('1' each): force some.
      const zeros = rep === 0 ? 0 : Math.min(len, rep === 1 ? 1 : randInt(len + 1));
      b.fill(0, 0, zeros);
      cases.push({ bytes: u8aToHex(b), text: base58Encode(b) });
    }
  }
  cases.push({ bytes: u8aToHex(Uint8Array.from(Array(64).fill(0xff))), text: base58Encode(Uint8Array.from(Array(64).fill(0xff))) });
  cases.push({ bytes: u8aToHex(Uint8Array.from(Array(65).fill(0xff))), text: base58Encode(Uint8Array.from(Array(65).fill(0xff))) });
  return { description: 'base58 (Bitcoin alphabet); oracle @polkadot/util-crypto base58Encode', cases };
}

const PREFIXES = [0, 1, 2, 5, 7, 42, 45, 48, 63, 64, 65, 127, 128, 129, 255, 256, 1000, 4095, 4096,
  8191, 8192, 12345, 16382, 16383];
const LENGTHS = [1, 2, 4, 8, 32, 33];

function ss58ValidVectors() {
  const cases = [];
  const prefixes = PREFIXES.slice();
  while (prefixes.length < 60) {
    const p = randInt(16384);
    if (p !== 46 && p !== 47 && !prefixes.includes(p)) prefixes.push(p);
  }
  for (const prefix of prefixes) {
    for (const len of LENGTHS) {
      const payloads = [randBytes(len), randBytes(len), new Uint8Array(len), Uint8Array.from(Array(len).fill(0xff))];
      for (const payload of payloads) {
        const address = encodeAddress(payload, prefix);
        // polkadot-js decodes every form except the short payloads under a two-byte prefix.
        if (prefix < 64 || len >= 32) {
          const back = decodeAddress(address, false, prefix);
          if (u8aToHex(back) !== u8aToHex(payload)) throw new Error(`oracle round trip ${address}`);
        }
        cases.push({ prefix, payload: u8aToHex(payload), address });
      }
    }
  }
  return { description: 'SS58 encode(prefix, payload) = address, and back; oracle @polkadot/util-crypto encodeAddress/decodeAddress', cases };
}

function ss58AllPrefixes() {
  const payload = randBytes(32);
  const addresses = [];
  for (let p = 0; p <= 16383; p++) addresses.push(p === 46 || p === 47 ? null : encodeAddress(payload, p));
  return { description: 'addresses[p] = SS58 address of payload for every prefix p (null: reserved); oracle @polkadot/util-crypto encodeAddress', payload: u8aToHex(payload), addresses };
}

function prefixBytes(p) {
  return p < 64 ? Uint8Array.from([p]) : Uint8Array.from([((p & 0xfc) >> 2) | 0x40, (p >> 8) | ((p & 3) << 6)]);
}
function sshash(body) { return blake2AsU8a(u8aConcat(stringToU8a('SS58PRE'), body), 512); }
// Address bytes with a correct checksum of ck bytes over an arbitrary body.
function withChecksum(body, ck) { return base58Encode(u8aConcat(body, sshash(body).subarray(0, ck))); }

function ss58InvalidVectors() {
  const cases = [];
  const add = (c) => {
    // Cross-check with the oracle where its rules agree with btq's.
    if (c.oracle_rejects !== false) {
      let threw = false;
      try { decodeAddress(c.address, false, c.expected_prefix === undefined ? -1 : c.expected_prefix); } catch (e) { threw = true; }
      if (!threw) throw new Error(`oracle accepts invalid case ${JSON.stringify(c)}`);
    }
    delete c.oracle_rejects;
    if (c.offset === undefined) c.offset = 0;
    cases.push(c);
  };
  const key = randBytes(32);
  const good = encodeAddress(key, 42);
  // Bad characters at several positions: 0 O I l and non-alphabet ASCII.
  const bad = ['0', 'O', 'I', 'l', '+', '/', ' ', '-', '_'];
  for (let i = 0; i < bad.length; i++) {
    for (const pos of [0, 1, 20, good.length - 1]) {
      const address = good.slice(0, pos) + bad[i] + good.slice(pos + 1);
      add({ what: `'${bad[i]}' at ${pos}`, address, error: 'BTQ_ESS58CHAR', offset: pos });
    }
  }
  // Flipped checksum bytes (and a flipped payload byte), prefixes with one and two bytes.
  for (const prefix of [0, 42, 63, 64, 255, 16383]) {
    for (const len of [1, 2, 4, 8, 32, 33]) {
      const body = u8aConcat(prefixBytes(prefix), randBytes(len));
      const ck = len >= 32 ? 2 : 1;
      const sum = sshash(body).subarray(0, ck);
      for (let j = 0; j < ck; j++) {
        const wrong = Uint8Array.from(sum);
        wrong[j] ^= 1 << randInt(8);
        add({ what: `checksum byte ${j} flipped, prefix ${prefix}, payload ${len}`, address: base58Encode(u8aConcat(body, wrong)),
          error: 'BTQ_ESS58CHECKSUM', oracle_rejects: prefix < 64 || len >= 32 });
      }
      const tampered = Uint8Array.from(body);
      tampered[tampered.length - 1] ^= 0x80;
      add({ what: `payload byte flipped, prefix ${prefix}, payload ${len}`, address: base58Encode(u8aConcat(tampered, sum)),
        error: 'BTQ_ESS58CHECKSUM', oracle_rejects: prefix < 64 || len >= 32 });
    }
  }
  // Lengths the format does not allow (checksums computed correctly for either size).
  for (const len of [0, 3, 5, 6, 7, 9, 16, 20, 30, 31, 34]) {
    for (const prefix of [42, 1000]) {
      for (const ck of [1, 2]) {
        const body = u8aConcat(prefixBytes(prefix), randBytes(len));
        // Skip totals some allowed (payload, checksum) split would accept: those are checksum
        // cases, not length cases.
        const total = body.length + ck, pl = prefix < 64 ? 1 : 2;
        if ([2, 3, 5, 9, 34, 35].map((x) => x + pl).includes(total)) continue;
        const address = withChecksum(body, ck);
        add({ what: `payload ${len} with ${ck} checksum bytes, prefix ${prefix}`, address, error: 'BTQ_ESS58LEN', oracle_rejects: false });
      }
    }
  }
  add({ what: 'empty', address: '', error: 'BTQ_ESS58LEN' });
  add({ what: 'one character', address: '2', error: 'BTQ_ESS58LEN' });
  add({ what: '52 characters', address: good + 'a'.repeat(52 - good.length), error: 'BTQ_ESS58LEN' });
  add({ what: '200 characters', address: good.repeat(5).slice(0, 200), error: 'BTQ_ESS58LEN' });
  // Reserved prefixes with otherwise valid checksums.
  for (const p of [46, 47]) {
    add({ what: `reserved prefix ${p}`, address: withChecksum(u8aConcat(Uint8Array.from([p]), randBytes(32)), 2), error: 'BTQ_ESS58PREFIX' });
  }
  // First byte >= 128: not a prefix byte.
  for (const b0 of [128, 200, 255]) {
    add({ what: `first byte ${b0}`, address: withChecksum(u8aConcat(Uint8Array.from([b0, 0]), randBytes(32)), 2), error: 'BTQ_ESS58PREFIX' });
  }
  // Two-byte form of a prefix below 64: polkadot-js and sp-core accept it; btq refuses to
  // normalise silently.
  for (const p of [0, 42, 63]) {
    const body = u8aConcat(Uint8Array.from([((p & 0xfc) >> 2) | 0x40, (p >> 8) | ((p & 3) << 6)]), randBytes(32));
    add({ what: `two-byte form of prefix ${p}`, address: withChecksum(body, 2), error: 'BTQ_ESS58PREFIX', oracle_rejects: false });
  }
  // Wrong network: valid addresses decoded with another expected prefix.
  for (const [p, want] of [[0, 42], [42, 0], [2, 42], [42, 16383], [16383, 42], [64, 65], [1000, 1001]]) {
    add({ what: `prefix ${p} where ${want} is expected`, address: encodeAddress(randBytes(32), p), expected_prefix: want, error: 'BTQ_ESS58NETWORK' });
  }
  return { description: 'invalid SS58 addresses, each naming the exact btq error (offset for BTQ_ESS58CHAR); rejection cross-checked with @polkadot/util-crypto decodeAddress where its rules agree', cases };
}

cryptoWaitReady().then(() => {
  fs.mkdirSync(outDir, { recursive: true });
  write('hashers.json', hasherVectors());
  write('storage_keys.json', storageKeyVectors());
  write('base58.json', base58Vectors());
  write('ss58_valid.json', ss58ValidVectors());
  write('ss58_all_prefixes.json', ss58AllPrefixes());
  write('ss58_invalid.json', ss58InvalidVectors());
});
