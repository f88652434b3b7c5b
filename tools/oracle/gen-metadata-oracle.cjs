// Differential oracle for the metadata conformance test (issue 3).
//
// For every metadata file in ../shared/chain/metadata/ this decodes, with polkadot-js (the
// versions pinned in tools/oracle/package.json), every pallet constant and every storage
// entry's default bytes, and writes the value as a flat list of LEAVES, in order, to
// vectors/metadata-oracle/<file stem>.json. tests/scale/test_conformance_differential.c
// flattens btq's canonical JSON (DESIGN.md §4) the same way and compares leaf by leaf.
//
// Leaf: {"kind": K, "value": V} with V always a string:
//   int     — any integer (fixed width or compact): decimal, '-' for negatives
//   bool    — "true" / "false"
//   str     — text (Rust str / String)
//   bytes   — a sequence or array of u8 (incl. newtypes around one, e.g. AccountId32, H256,
//             PalletId): "0x" + lowercase hex
//   null    — Option::None
//   variant — the name of the variant taken (emitted before the variant's fields);
//             Option::Some is NOT a variant leaf: it contributes its value's leaves only
//   bits    — a bit sequence: "0"/"1" characters, bit 0 first
// Containers (composites, tuples, sequences, arrays, maps) contribute their children's leaves
// in declared / encoded order and nothing themselves; key names are not compared (polkadot-js
// camelCases field names), a unit type contributes nothing.
//
// Each file also carries a "structure" section (see structureOf()): what polkadot-js read from the
// metadata, compared line by line with btq's parse.
//
// Storage defaults: for an entry with modifier Optional the default bytes are the encoding of
// Option<value type> (normally 0x00 = None), so they are decoded as Option<value type>; for
// Default entries as the value type.
//
// A value polkadot-js cannot decode (throws, or does not consume exactly the given bytes) is
// written as {"oracle_error": "..."} in place of "leaves", never dropped. Note that polkadot-js
// is more lenient than SCALE: it reads any non-zero Option tag as Some and does not bound reads
// by the input, so "decodes" here does not mean "valid".
//
// polkadot-js representation quirks, normalised so both sides describe the registry's shape:
// RuntimeEvent / RuntimeCall (see walk(), here) and primitive_types::U128/U256 (in the C
// flattener, tests/support/conformance_flatten.c).
//
// The second part of this script (below) does the same for the recorded traffic:
// vectors/metadata-oracle/recorded-*.json, checked by tests/scale/test_conformance_recorded.c.
//
// Run: NODE_PATH=$(tools/oracle/install.sh) node tools/oracle/gen-metadata-oracle.cjs
// (BTQ_ORACLE_OUT=dir writes elsewhere; BTQ_ORACLE_FULL=1 keeps every leaf of big values.)
'use strict';

const fs = require('fs');
const path = require('path');
const { TypeRegistry, Metadata, GenericEvent, GenericCall } = require('@polkadot/types');
const codec = require('@polkadot/types-codec');
const crypto = require('crypto');
const FULL = !!process.env.BTQ_ORACLE_FULL;
const { u8aToHex, u8aEq } = require('@polkadot/util');

const root = path.resolve(__dirname, '..', '..');
const sharedDir = process.env.BTQ_SHARED_DIR || path.resolve(root, '..', 'shared');
const mdDir = path.join(sharedDir, 'chain', 'metadata');
const outDir = process.env.BTQ_ORACLE_OUT || path.join(root, 'vectors', 'metadata-oracle');

function bitsOf(bv) {
  // polkadot-js BitVec keeps the raw store bytes (u8 words); scale-info bit sequences in these
  // runtimes are BitVec<u8, Lsb0>: bit i is bit (i % 8) of byte i / 8.
  let s = '';
  const bytes = new Uint8Array(bv);
  for (let i = 0; i < bytes.length * 8; i++) s += (bytes[i >> 3] >> (i & 7)) & 1 ? '1' : '0';
  return s;
}

// Pallet index -> pallet name of the metadata being walked (for RuntimeEvent / RuntimeCall).
let palletNames = new Map();

function setPallets(latest) {
  palletNames = new Map();
  for (const p of latest.pallets) palletNames.set(p.index.toNumber(), p.name.toString());
}

function walk(c, out) {
  if (c instanceof GenericEvent || c instanceof GenericCall) {
    // polkadot-js quirk: it aliases *_runtime::RuntimeEvent / RuntimeCall (scale-info: an enum
    // of pallets, each an enum of events / calls) to GenericEvent / GenericCall, a struct of
    // the 2-byte index and the arguments. Emit what the registry describes instead: the
    // pallet's variant name, the event's / call's variant name (as in the metadata), then the
    // fields in order.
    const idx = c instanceof GenericEvent ? c.index : c.callIndex;
    const pallet = palletNames.get(idx[0]);
    if (pallet === undefined) throw new Error('oracle: no pallet with index ' + idx[0]);
    out.push({ kind: 'variant', value: pallet });
    out.push({ kind: 'variant', value: c.meta.name.toString() });
    for (const v of c instanceof GenericEvent ? c.data : c.args) walk(v, out);
  } else if (c instanceof codec.Option) {
    if (c.isNone) out.push({ kind: 'null', value: 'null' });
    else walk(c.unwrap(), out);
  } else if (c instanceof codec.Enum) {
    // Result is an Enum too ("Ok"/"Err").
    out.push({ kind: 'variant', value: c.type });
    walk(c.inner, out);
  } else if (c instanceof codec.Struct) {
    for (const v of c.values()) walk(v, out);
  } else if (c instanceof codec.CodecMap) {
    // BTreeMap / HashMap: key then value, per entry (polkadot-js sorts a BTreeMap by key;
    // chain data is already sorted by the runtime).
    for (const [k, v] of c.entries()) {
      walk(k, out);
      walk(v, out);
    }
  } else if (c instanceof codec.BTreeSet) {
    for (const v of c.values()) walk(v, out);
  } else if (c instanceof codec.BitVec) {
    out.push({ kind: 'bits', value: bitsOf(c) });
  } else if (c instanceof codec.Raw) {
    // Bytes, U8aFixed and everything built on them (AccountId32, H256, PalletId, ...).
    out.push({ kind: 'bytes', value: u8aToHex(new Uint8Array(c)) });
  } else if (Array.isArray(c)) {
    // Vec, VecFixed, Tuple
    for (const v of c) walk(v, out);
  } else if (c instanceof codec.Compact) {
    walk(c.unwrap(), out);
  } else if (c instanceof codec.AbstractInt) {
    out.push({ kind: 'int', value: c.toBn().toString(10) });
  } else if (c instanceof codec.Text) {
    out.push({ kind: 'str', value: c.toString() });
  } else if (c instanceof codec.Bool) {
    out.push({ kind: 'bool', value: c.isTrue ? 'true' : 'false' });
  } else if (c instanceof codec.Null) {
    // unit: no leaf
  } else {
    throw new Error('oracle: unhandled codec class ' + (c && c.constructor && c.constructor.name) +
                    ' (' + (c && c.toRawType ? c.toRawType() : '?') + ')');
  }
}

function decode(registry, typeName, bytes) {
  let v;
  try {
    v = registry.createTypeUnsafe(typeName, [bytes]);
  } catch (e) {
    return { oracle_error: 'decode: ' + String(e.message).split('\n')[0].slice(0, 300) };
  }
  if (v.encodedLength !== bytes.length)
    return { oracle_error: `consumed ${v.encodedLength} of ${bytes.length} bytes` };
  const leaves = [];
  try {
    walk(v, leaves);
  } catch (e) {
    return { oracle_error: String(e.message).slice(0, 300) };
  }
  const res = { leaves };
  // polkadot-js re-encoding is informative only (the C test checks btq's own re-encoding).
  if (!u8aEq(v.toU8a(), bytes)) res.oracle_reencode = u8aToHex(v.toU8a());
  return res;
}

// ---- metadata structure ----------------------------------------------------------------------
// What polkadot-js read from the metadata, as compact lines the C test rebuilds from btq's parse:
// pallets, storage entries (modifier, hashers, key and value type), constants (type), runtime
// API methods (V15+), and one digest per registry type (first 16 hex digits of the SHA-256 of a
// canonical line: path | params | definition; BTQ_ORACLE_FULL=1 writes the lines themselves).
function typeLine(t) {
  const ty = t.type;
  const opt = (o) => (o.isSome ? o.unwrap().toString() : '_');
  const path = ty.path.map((x) => x.toString()).join('::');
  const params = ty.params.map((p) => p.name.toString() + ':' + (p.type.isSome ? p.type.unwrap().toNumber() : '-')).join(',');
  const fields = (fs) => fs.map((f) => opt(f.name) + ':' + f.type.toNumber() + ':' + opt(f.typeName)).join(',');
  const d = ty.def;
  let def;
  if (d.isComposite) def = 'composite(' + fields(d.asComposite.fields) + ')';
  else if (d.isVariant)
    def = 'variant(' + d.asVariant.variants.map((v) => v.name.toString() + '@' + v.index.toNumber() + '[' + fields(v.fields) + ']').join(';') + ')';
  else if (d.isSequence) def = 'sequence(' + d.asSequence.type.toNumber() + ')';
  else if (d.isArray) def = 'array(' + d.asArray.len.toNumber() + ';' + d.asArray.type.toNumber() + ')';
  else if (d.isTuple) def = 'tuple(' + d.asTuple.map((x) => x.toNumber()).join(',') + ')';
  else if (d.isPrimitive) def = 'primitive(' + d.asPrimitive.type.toLowerCase() + ')';
  else if (d.isCompact) def = 'compact(' + d.asCompact.type.toNumber() + ')';
  else if (d.isBitSequence)
    def = 'bitseq(' + d.asBitSequence.bitStoreType.toNumber() + ';' + d.asBitSequence.bitOrderType.toNumber() + ')';
  else throw new Error('oracle: unknown type def ' + d.type);
  return path + '|' + params + '|' + def;
}

function structureOf(md) {
  const latest = md.asLatest;
  const id = (o) => (o.isSome ? String(o.unwrap().type.toNumber()) : '-');
  const out = { pallets: [], storage: [], constants: [], apis: [], types: [] };
  for (const p of latest.pallets) {
    const pallet = p.name.toString();
    const prefix = p.storage.isSome ? p.storage.unwrap().prefix.toString() : '-';
    out.pallets.push([pallet, p.index.toNumber(), prefix, id(p.calls), id(p.events), id(p.errors)].join('|'));
    if (p.storage.isSome)
      for (const s of p.storage.unwrap().items) {
        const plain = s.type.isPlain;
        const m = plain ? null : s.type.asMap;
        out.storage.push([`${pallet}.${s.name}`, s.modifier.isOptional ? 'Optional' : 'Default',
                          plain ? '-' : m.hashers.map((h) => h.toString()).join(','),
                          plain ? '-' : m.key.toNumber(),
                          plain ? s.type.asPlain.toNumber() : m.value.toNumber()].join('|'));
      }
    for (const c of p.constants) out.constants.push(`${pallet}.${c.name}|${c.type.toNumber()}`);
  }
  if (md.version >= 15)
    for (const a of latest.apis)
      for (const m of a.methods)
        out.apis.push(`${a.name}.${m.name}|` + m.inputs.map((i) => `${i.name}:${i.type.toNumber()}`).join(',') +
                      `|${m.output.toNumber()}`);
  for (const t of latest.lookup.types) {
    const line = typeLine(t);
    out.types.push(FULL ? line : crypto.createHash('sha256').update(line, 'utf8').digest('hex').slice(0, 16));
  }
  return out;
}

function genFile(file) {
  const registry = new TypeRegistry();
  const bytes = new Uint8Array(fs.readFileSync(path.join(mdDir, file)));
  const md = new Metadata(registry, bytes);
  registry.setMetadata(md);
  const latest = md.asLatest;
  setPallets(latest);
  const entries = [];
  let nerr = 0;
  let nleaves = 0;
  for (const p of latest.pallets) {
    const pallet = p.name.toString();
    for (const c of p.constants) {
      const id = c.type.toNumber();
      const val = new Uint8Array(c.value);
      const e = { pallet, name: c.name.toString(), kind: 'constant', type: id, hex: u8aToHex(val) };
      Object.assign(e, decode(registry, registry.createLookupType(id), val));
      entries.push(e);
    }
    if (p.storage.isSome) {
      for (const s of p.storage.unwrap().items) {
        const ty = s.type.isPlain ? s.type.asPlain : s.type.asMap.value;
        const id = ty.toNumber();
        const optional = s.modifier.isOptional;
        const val = new Uint8Array(s.fallback);
        const lookup = registry.createLookupType(id);
        const e = { pallet, name: s.name.toString(), kind: 'default', type: id,
                    modifier: optional ? 'Optional' : 'Default', hex: u8aToHex(val) };
        Object.assign(e, decode(registry, optional ? `Option<${lookup}>` : lookup, val));
        entries.push(e);
      }
    }
  }
  for (const e of entries) {
    if (e.oracle_error) nerr++;
    else nleaves += e.leaves.length;
  }
  const stem = file.replace(/\.scale$/, '');
  const doc = {
    source: `shared/chain/metadata/${file}`,
    generator: 'tools/oracle/gen-metadata-oracle.cjs',
    polkadot_js: require('@polkadot/types/packageInfo').packageInfo.version,
    metadata_version: md.version,
    entries,
  };
  const st = structureOf(md);
  // One entry per line: modest size, readable diffs.
  const text = '{"source":' + JSON.stringify(doc.source) + ',\n"generator":' +
               JSON.stringify(doc.generator) + ',\n"polkadot_js":' + JSON.stringify(doc.polkadot_js) +
               ',\n"metadata_version":' + doc.metadata_version +
               ',\n"structure":{' + Object.keys(st).map((k) => JSON.stringify(k) + ':' + JSON.stringify(st[k])).join(',\n') + '}' +
               ',\n"entries":[\n' +
               entries.map((e) => JSON.stringify(e)).join(',\n') + '\n]}\n';
  fs.writeFileSync(path.join(outDir, stem + '.json'), text);
  console.log(`${stem}: V${md.version}, ${entries.length} values ` +
              `(${entries.filter((x) => x.kind === 'constant').length} constants), ${nleaves} leaves, ` +
              `${nerr} oracle errors, ${text.length} bytes`);
}

fs.mkdirSync(outDir, { recursive: true });
for (const f of fs.readdirSync(mdDir).filter((x) => x.endsWith('.scale')).sort()) genFile(f);

// ---- recorded mainnet values ----------------------------------------------------------------
//
// Every storage value (state_getStorage[At], state_queryStorageAt) and every state_call result
// in ../shared/chain/recorded/<set>/ws_responses.jsonl, decoded with the V15 metadata the
// recording was served (bittensor: spec 343, async-substrate-interface: spec 393), written to
// vectors/metadata-oracle/recorded-<set>.json; likewise the chopsticks transcripts
// (../shared/chain/chopsticks/<dir>/transcript.json, one record per call) with their own
// runtime's metadata, to recorded-chopsticks-<dir>.json. Values are numbered in recording order
// ("ord": lines in order, within a line the __cycle__ answers in order, within an answer the
// changes in order; null values are not numbered) and located by "line" (0-based). No recorded
// bytes are copied: the C test reads them from shared/ and checks "len".
// Values with more than CHUNK leaves (or a leaf longer than 1024 characters) keep only
// "nleaves" and "chunks": the SHA-256 of each run
// of CHUNK leaves, each leaf serialised as kind 0x1f value 0x1e (keeps the files small; run with
// BTQ_ORACLE_FULL=1 to get every leaf when investigating a mismatch).
const { xxhashAsU8a } = require('@polkadot/util-crypto');
const { hexToU8a } = require('@polkadot/util');

const CHUNK = 256;

function chunkDigests(leaves) {
  const out = [];
  for (let i = 0; i < leaves.length; i += CHUNK) {
    const h = crypto.createHash('sha256');
    for (const l of leaves.slice(i, i + CHUNK)) h.update(Buffer.from(l.kind + '\x1f' + l.value + '\x1e', 'utf8'));
    out.push(h.digest('hex'));
  }
  return out;
}

// records: [{method, params, response, line}]
function jsonlRecords(set) {
  const out = [];
  fs.readFileSync(path.join(sharedDir, 'chain', 'recorded', set, 'ws_responses.jsonl'), 'utf8')
    .split('\n')
    .forEach((text, line) => {
      if (!text) return;
      const o = JSON.parse(text);
      out.push({ method: o.method, params: o.params, response: o.response, line });
    });
  return out;
}

// A chopsticks transcript: one record per call ("line" = the call's index).
function transcriptRecords(dir) {
  const t = JSON.parse(fs.readFileSync(path.join(sharedDir, 'chain', 'chopsticks', dir, 'transcript.json'), 'utf8'));
  const out = [];
  t.calls.forEach((c, line) => {
    if (c.request && typeof c.request.method === 'string' && c.request.params && c.response)
      out.push({ method: c.request.method, params: c.request.params, response: c.response, line });
  });
  return out;
}

function genRecorded(name, source, records, mdFile) {
  const registry = new TypeRegistry();
  const md = new Metadata(registry, new Uint8Array(fs.readFileSync(path.join(mdDir, mdFile))));
  registry.setMetadata(md);
  const latest = md.asLatest;
  setPallets(latest);
  const prefixes = new Map();
  for (const p of latest.pallets) {
    if (p.storage.isNone) continue;
    const st = p.storage.unwrap();
    const pre = xxhashAsU8a(st.prefix.toString(), 128);
    for (const s of st.items) {
      const key = u8aToHex(new Uint8Array([...pre, ...xxhashAsU8a(s.name.toString(), 128)]));
      const ty = s.type.isPlain ? s.type.asPlain : s.type.asMap.value;
      prefixes.set(key, { what: `${p.name}.${s.name}`, type: ty.toNumber() });
    }
  }
  const apis = new Map();
  for (const a of latest.apis)
    for (const m of a.methods) apis.set(`${a.name}_${m.name}`, m.output.toNumber());

  const entries = [];
  let ord = 0;
  let nleaves = 0;
  let nerr = 0;
  const add = (line, kind, what, type, hex) => {
    const bytes = hexToU8a(hex);
    const e = { line, ord: ord++, kind, what, type, len: bytes.length };
    if (type === undefined) {
      e.oracle_error = 'no such entry / method in the metadata';
    } else {
      Object.assign(e, decode(registry, registry.createLookupType(type), bytes));
    }
    if (e.leaves) {
      nleaves += e.leaves.length;
      // long values too (e.g. metadata returned by Metadata_metadata_at_version): digests
      // only, so that no recorded blob ends up copied into vectors/
      if (!FULL && (e.leaves.length > CHUNK || e.leaves.some((l) => l.value.length > 1024))) {
        e.nleaves = e.leaves.length;
        e.chunks = chunkDigests(e.leaves);
        delete e.leaves;
      }
    } else {
      nerr++;
    }
    delete e.oracle_reencode;
    entries.push(e);
  };
  for (const o of records) {
    const line = o.line;
    const answers = o.response && o.response.__cycle__ ? o.response.__cycle__ : [o.response];
    for (const a of answers) {
      if (!a || a.error || a.result === undefined || a.result === null) continue;
      const r = a.result;
      if (o.method === 'state_getStorage' || o.method === 'state_getStorageAt') {
        const p = prefixes.get(o.params[0].slice(0, 66));
        add(line, 'storage', p ? p.what : '?', p && p.type, r);
      } else if (o.method === 'state_queryStorageAt') {
        for (const blk of r)
          for (const [k, v] of blk.changes) {
            if (v === null) continue;
            const p = prefixes.get(k.slice(0, 66));
            add(line, 'storage', p ? p.what : '?', p && p.type, v);
          }
      } else if (o.method === 'state_call') {
        add(line, 'call', o.params[0], apis.get(o.params[0]), r);
      }
    }
  }
  const text = '{"source":' + JSON.stringify(source) +
               ',\n"metadata":' + JSON.stringify(`shared/chain/metadata/${mdFile}`) +
               ',\n"generator":"tools/oracle/gen-metadata-oracle.cjs"' +
               ',\n"polkadot_js":' + JSON.stringify(require('@polkadot/types/packageInfo').packageInfo.version) +
               ',\n"chunk":' + CHUNK + ',\n"entries":[\n' + entries.map((e) => JSON.stringify(e)).join(',\n') +
               '\n]}\n';
  fs.writeFileSync(path.join(outDir, `${name}.json`), text);
  console.log(`${name}: ${entries.length} values, ${nleaves} leaves, ${nerr} oracle errors, ` +
              `${text.length} bytes`);
}

for (const [set, md] of [['bittensor', 'finney_spec343_v15.scale'],
                         ['async-substrate-interface', 'finney_spec393_v15.scale']])
  genRecorded(`recorded-${set}`, `shared/chain/recorded/${set}/ws_responses.jsonl`, jsonlRecords(set), md);
// local chopsticks nodes, each with its own runtime's metadata (V14 when it has no V15)
for (const [dir, md] of [['raonet-spec218', 'raonet_spec218_v15.scale'],
                         ['testfinney-spec103', 'testfinney_spec103_v14.scale']])
  genRecorded(`recorded-chopsticks-${dir}`, `shared/chain/chopsticks/${dir}/transcript.json`,
              transcriptRecords(dir), md);
