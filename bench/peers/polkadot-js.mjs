// polkadot-js (@polkadot/api) peer of the benchmark suite (bench/README.md).
//   node bench/peers/polkadot-js.mjs --url ws://127.0.0.1:PORT --case CASE [--n N] [--reps R]
// Best-practice API per case: WsProvider.send for the transport; ApiPromise pinned with
// api.at(hash), then Promise.all of single queries or query.system.account.multi
// (state_queryStorageAt); Metadata + TypeRegistry.setMetadata, createType of the metadata's
// System.Account value type, encodeAddress / decodeAddress, the decorated storage entry's key.
import {
  HEAD, e2eBudget, codecOpts, coldEmit, e2eEmit, e2eParams, log, load, main, metadataV15, nowMs, cpuMs, nsPerOp, publicKey,
  accountInfoBytes, verifyBalances, transportCase, streamCase, expectedFree,
} from './common.mjs';

const CLIENT = 'polkadot-js';

const [api, types, cryptoU] = await Promise.all([
  load('@polkadot/api'), load('@polkadot/types'), load('@polkadot/util-crypto')]);
const { ApiPromise, WsProvider } = api;
const { encodeAddress, decodeAddress, cryptoWaitReady } = cryptoU;

async function connect(url) {
  const provider = new WsProvider(url, 1000, {}, 60000);
  const a = await ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true });
  return a;
}

const addresses = (n) => Array.from({ length: n }, (_, i) => encodeAddress(publicKey(i), 42));

async function e2e(a, em) {
  const { n, mode } = e2eParams(a.case);
  await cryptoWaitReady();
  const addrs = addresses(n);
  const t0 = nowMs();
  const client = await connect(a.url);
  const at = await client.at(HEAD);
  const t1 = nowMs(), c1 = cpuMs();
  let infos, answered = 0;
  const counted = (p) => p.then((v) => (answered++, v));
  const progress = () => `${answered} of ${n} answered`;
  if (mode === 'concurrent') infos = await e2eBudget(Promise.all(addrs.map((x) => counted(at.query.system.account(x)))), progress);
  else infos = await e2eBudget(at.query.system.account.multi(addrs), progress);
  const frees = infos.map((x) => x.data.free.toBigInt());
  const nonces = infos.map((x) => x.nonce.toNumber());
  const t2 = nowMs(), c2 = cpuMs();
  verifyBalances(frees, n, nonces);
  e2eEmit(em, a.case, n, t1 - t0, t2 - t1, c2 - c1);
  await client.disconnect();
}

async function transport(a, em) {
  const provider = new WsProvider(a.url, 1000, {}, 60000);
  await provider.isReady;
  await transportCase(em, a.case, a, () => provider.send('chain_getHead', []));
  await provider.disconnect();
}

// A registry with the V15 metadata, the AccountInfo type name, and the decorated storage.
function registryFor(bytes) {
  const registry = new types.TypeRegistry();
  const md = new types.Metadata(registry, bytes);
  registry.setMetadata(md);
  return { registry, md };
}

function accountType(registry, md) {
  const system = md.asLatest.pallets.find((p) => p.name.eq('System'));
  const item = system.storage.unwrap().items.find((i) => i.name.eq('Account'));
  return registry.createLookupType(item.type.asMap.value);
}

async function codec(a, em) {
  const bytes = metadataV15(a);
  await cryptoWaitReady();
  const POOL = 1024;
  const pks = Array.from({ length: POOL }, (_, i) => publicKey(i * 7919));
  const addrs = pks.map((pk) => encodeAddress(pk, 42));
  let ns;
  switch (a.case) {
    case 'codec.metadata_parse':
      ns = nsPerOp(() => registryFor(bytes), codecOpts(a, true));
      break;
    case 'codec.accountinfo_decode': {
      const { registry, md } = registryFor(bytes);
      const type = accountType(registry, md);
      const vals = Array.from({ length: POOL }, (_, i) => accountInfoBytes(i));
      const v = registry.createType(type, vals[5]);
      if (v.data.free.toBigInt() !== expectedFree(5) || v.nonce.toNumber() !== 5) throw new Error('AccountInfo decoded wrong');
      let sink = 0;
      ns = nsPerOp((i) => {
        sink ^= registry.createType(type, vals[i & (POOL - 1)]).nonce.toNumber();
      }, codecOpts(a));
      if (sink === 0.5) log(sink);
      break;
    }
    case 'codec.ss58_encode':
      if (encodeAddress(pks[1], 42) !== addrs[1]) throw new Error('ss58');
      ns = nsPerOp((i) => encodeAddress(pks[i & (POOL - 1)], 42), codecOpts(a));
      break;
    case 'codec.ss58_decode':
      ns = nsPerOp((i) => decodeAddress(addrs[i & (POOL - 1)]), codecOpts(a));
      break;
    case 'codec.storage_key': {
      const { registry, md } = registryFor(bytes);
      const decorated = types.expandMetadata(registry, md);
      const entry = decorated.query.system.account;
      const k = entry(addrs[0]); // compact length (2 bytes) + the 80-byte key
      if (k.length !== 82) throw new Error(`storage key of ${k.length} bytes`);
      ns = nsPerOp((i) => entry(addrs[i & (POOL - 1)]), codecOpts(a));
      break;
    }
  }
  em.emit(a.case, 'ns', ns, 'ns');
}

async function cold(a, em) {
  const address = a.address ?? encodeAddress(publicKey(7), 42);
  const client = await connect(a.url);
  const info = await client.query.system.account(address);
  const free = info.data.free.toBigInt();
  coldEmit(em, free, address);
  const pk = decodeAddress(address);
  if (pk.subarray(4).every((b) => b === 0x5a)) {
    const i = pk[0] | (pk[1] << 8) | (pk[2] << 16) | (pk[3] << 24);
    if (free !== expectedFree(i >>> 0)) throw new Error(`free ${free}, expected ${expectedFree(i >>> 0)}`);
  }
  await client.disconnect();
}

async function stream(a, em) {
  await cryptoWaitReady();
  const addrs = addresses(10000);
  const client = await connect(a.url);
  const at = await client.at(HEAD);
  await streamCase(em, a, (i) => at.query.system.account(addrs[i]).then((x) => x.data.free.toBigInt()));
  await client.disconnect();
}

await main(CLIENT, {
  'transport.*': transport,
  'e2e.*': e2e,
  'codec.*': codec,
  'cold.balance': cold,
  'scale.stream': stream,
});
