// polkadot-api (PAPI v2) peer of the benchmark suite (bench/README.md).
//   node bench/peers/polkadot-api.mjs --url ws://127.0.0.1:PORT --case CASE [--n N] [--reps R]
// Best-practice API per case: the raw websocket JsonRpcProvider (getWsRawProvider) for the
// transport; createClient(getWsProvider(url)) — whose middleware serves PAPI's chainHead_v1
// interface from a node that only speaks the legacy JSON-RPC, as bench_node does — and
// getUnsafeApi().query.System.Account.getValue / getValues with {at: hash}; the
// substrate-bindings metadata codec (decAnyMetadata + unifyMetadata) + metadata-builders'
// getLookupFn / getDynamicBuilder; the dynamic builder's System.Account value codec and key
// encoder; the AccountId(42) codec for SS58.
import {
  HEAD, e2eBudget, codecOpts, coldEmit, e2eEmit, e2eParams, load, main, metadataV15, nowMs, cpuMs, nsPerOp, publicKey,
  accountInfoBytes, verifyBalances, transportCase, streamCase, expectedFree,
} from './common.mjs';

const CLIENT = 'polkadot-api';

const [papi, papiWs, bindings, builders] = await Promise.all([
  load('polkadot-api'), load('polkadot-api/ws'), load('@polkadot-api/substrate-bindings'),
  load('@polkadot-api/metadata-builders')]);
const { createClient } = papi;
const { getWsProvider, getWsRawProvider } = papiWs;
const { AccountId, decAnyMetadata, unifyMetadata } = bindings;
const { getLookupFn, getDynamicBuilder } = builders;
// Node 20 has no global WebSocket (22 has): the 'ws' package then, as PAPI's docs say.
const WebSocketClass = globalThis.WebSocket ?? (await load('ws')).WebSocket;

const ss58 = AccountId(42);
const addresses = (n) => Array.from({ length: n }, (_, i) => ss58.dec(publicKey(i)));

// Connected and ready: the finalized block known and its runtime (metadata) loaded.
async function connect(url, pin) {
  const client = createClient(getWsProvider(url, { websocketClass: WebSocketClass }));
  const api = client.getUnsafeApi();
  const fin = await client.getFinalizedBlock();
  const at = pin ?? fin.hash;
  await api.getStaticApis({ at });
  return { client, api, at };
}

async function e2e(a, em) {
  const { n, mode } = e2eParams(a.case);
  const addrs = addresses(n);
  const t0 = nowMs();
  const { client, api, at } = await connect(a.url, HEAD);
  const t1 = nowMs(), c1 = cpuMs();
  const acc = api.query.System.Account;
  let infos, answered = 0;
  const counted = (p) => p.then((v) => (answered++, v));
  const progress = () => `${answered} of ${n} answered`;
  if (mode === 'concurrent') infos = await e2eBudget(Promise.all(addrs.map((x) => counted(acc.getValue(x, { at })))), progress);
  else infos = await e2eBudget(acc.getValues(addrs.map((x) => [x]), { at }), progress);
  const frees = infos.map((x) => x.data.free);
  const nonces = infos.map((x) => x.nonce);
  const t2 = nowMs(), c2 = cpuMs();
  verifyBalances(frees, n, nonces);
  e2eEmit(em, a.case, n, t1 - t0, t2 - t1, c2 - c1);
  client.destroy();
}

async function transport(a, em) {
  const provider = getWsRawProvider(a.url, { websocketClass: WebSocketClass });
  const pending = new Map();
  let nextId = 1;
  // this provider version hands over and takes message objects (older ones: JSON text)
  const conn = provider((msg) => {
    const m = typeof msg === 'string' ? JSON.parse(msg) : msg;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error) p.rej(new Error(JSON.stringify(m.error)));
    else p.res(m.result);
  });
  const send = () => new Promise((res, rej) => {
    const id = nextId++;
    pending.set(id, { res, rej });
    conn.send({ jsonrpc: '2.0', id, method: 'chain_getHead', params: [] });
  });
  await transportCase(em, a.case, a, send);
  conn.disconnect();
}

function builderFor(bytes) {
  return getDynamicBuilder(getLookupFn(unifyMetadata(decAnyMetadata(bytes))));
}

async function codec(a, em) {
  const bytes = metadataV15(a);
  const POOL = 1024;
  const pks = Array.from({ length: POOL }, (_, i) => publicKey(i * 7919));
  const addrs = pks.map((pk) => ss58.dec(pk));
  let ns;
  switch (a.case) {
    case 'codec.metadata_parse':
      ns = nsPerOp(() => builderFor(bytes), codecOpts(a, true));
      break;
    case 'codec.accountinfo_decode': {
      const { value } = builderFor(bytes).buildStorage('System', 'Account');
      const vals = Array.from({ length: POOL }, (_, i) => accountInfoBytes(i));
      const v = value.dec(vals[5]);
      if (v.data.free !== expectedFree(5) || v.nonce !== 5) throw new Error('AccountInfo decoded wrong');
      let sink = 0;
      ns = nsPerOp((i) => {
        sink ^= value.dec(vals[i & (POOL - 1)]).nonce;
      }, codecOpts(a));
      if (sink === 0.5) process.stderr.write(String(sink));
      break;
    }
    case 'codec.ss58_encode':
      ns = nsPerOp((i) => ss58.dec(pks[i & (POOL - 1)]), codecOpts(a));
      break;
    case 'codec.ss58_decode':
      if (ss58.enc(addrs[3]).some((b, j) => b !== pks[3][j])) throw new Error('ss58');
      ns = nsPerOp((i) => ss58.enc(addrs[i & (POOL - 1)]), codecOpts(a));
      break;
    case 'codec.storage_key': {
      const { keys } = builderFor(bytes).buildStorage('System', 'Account');
      const k = keys.enc(addrs[0]);
      if (k.length !== 2 + 160) throw new Error(`storage key ${k}`);
      ns = nsPerOp((i) => keys.enc(addrs[i & (POOL - 1)]), codecOpts(a));
      break;
    }
  }
  em.emit(a.case, 'ns', ns, 'ns');
}

async function cold(a, em) {
  const address = a.address ?? ss58.dec(publicKey(7));
  const client = createClient(getWsProvider(a.url, { websocketClass: WebSocketClass }));
  const info = await client.getUnsafeApi().query.System.Account.getValue(address);
  const free = info.data.free;
  coldEmit(em, free, address);
  const pk = ss58.enc(address);
  if (pk.subarray(4).every((b) => b === 0x5a)) {
    const i = (pk[0] | (pk[1] << 8) | (pk[2] << 16) | (pk[3] << 24)) >>> 0;
    if (BigInt(free) !== expectedFree(i)) throw new Error(`free ${free}, expected ${expectedFree(i)}`);
  }
  client.destroy();
}

async function stream(a, em) {
  const addrs = addresses(10000);
  const { client, api, at } = await connect(a.url, HEAD);
  const acc = api.query.System.Account;
  await streamCase(em, a, (i) => acc.getValue(addrs[i], { at }).then((x) => x.data.free));
  client.destroy();
}

await main(CLIENT, {
  'transport.*': transport,
  'e2e.*': e2e,
  'codec.*': codec,
  'cold.balance': cold,
  'scale.stream': stream,
});
