// dedot peer of the benchmark suite (bench/README.md).
//   node bench/peers/dedot.mjs --url ws://127.0.0.1:PORT --case CASE [--n N] [--reps R]
// Best-practice API per case: WsProvider.send for the transport; LegacyClient (the node speaks
// the legacy JSON-RPC only) pinned with client.at(hash), then Promise.all of single queries or
// query.system.account.multi (state_queryStorageAt); $Metadata + PortableRegistry, the
// registry's codec of the System.Account value type, encodeAddress / decodeAddress,
// QueryableStorage.encodeKey.
import {
  HEAD, e2eBudget, codecOpts, coldEmit, e2eEmit, e2eParams, load, main, metadataV15, nowMs, cpuMs, nsPerOp, publicKey,
  accountInfoBytes, verifyBalances, transportCase, streamCase, expectedFree,
} from './common.mjs';

const CLIENT = 'dedot';

const [dedot, codecs, utils] = await Promise.all([load('dedot'), load('dedot/codecs'), load('dedot/utils')]);
const { WsProvider, LegacyClient, QueryableStorage } = dedot;
const { $Metadata, PortableRegistry } = codecs;
const { encodeAddress, decodeAddress } = utils;

async function connect(url) {
  const provider = new WsProvider(url);
  return LegacyClient.new(provider);
}

const addresses = (n) => Array.from({ length: n }, (_, i) => encodeAddress(publicKey(i), 42));

async function e2e(a, em) {
  const { n, mode } = e2eParams(a.case);
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
  const frees = infos.map((x) => x.data.free);
  const nonces = infos.map((x) => x.nonce);
  const t2 = nowMs(), c2 = cpuMs();
  verifyBalances(frees, n, nonces);
  e2eEmit(em, a.case, n, t1 - t0, t2 - t1, c2 - c1);
  await client.disconnect();
}

async function transport(a, em) {
  const provider = new WsProvider(a.url);
  await provider.connect();
  await transportCase(em, a.case, a, () => provider.send('chain_getHead', []));
  await provider.disconnect();
}

function registryFor(bytes) {
  const md = $Metadata.tryDecode(bytes);
  return new PortableRegistry(md.latest);
}

async function codec(a, em) {
  const bytes = metadataV15(a);
  const POOL = 1024;
  const pks = Array.from({ length: POOL }, (_, i) => publicKey(i * 7919));
  const addrs = pks.map((pk) => encodeAddress(pk, 42));
  let ns;
  switch (a.case) {
    case 'codec.metadata_parse':
      ns = nsPerOp(() => registryFor(bytes), codecOpts(a, true));
      break;
    case 'codec.accountinfo_decode': {
      const registry = registryFor(bytes);
      const entry = new QueryableStorage(registry, 'System', 'Account').storageEntry;
      const $info = registry.findCodec(entry.storageType.value.valueTypeId);
      const vals = Array.from({ length: POOL }, (_, i) => accountInfoBytes(i));
      const v = $info.tryDecode(vals[5]);
      if (v.data.free !== expectedFree(5) || v.nonce !== 5) throw new Error(`AccountInfo decoded wrong: ${JSON.stringify(v, (k, x) => typeof x === 'bigint' ? x.toString() : x)}`);
      let sink = 0;
      ns = nsPerOp((i) => {
        sink ^= $info.tryDecode(vals[i & (POOL - 1)]).nonce;
      }, codecOpts(a));
      if (sink === 0.5) process.stderr.write(String(sink));
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
      const registry = registryFor(bytes);
      const q = new QueryableStorage(registry, 'System', 'Account');
      const k = q.encodeKey(addrs[0]);
      if (k.length !== 2 + 160) throw new Error(`storage key ${k}`);
      ns = nsPerOp((i) => q.encodeKey(addrs[i & (POOL - 1)]), codecOpts(a));
      break;
    }
  }
  em.emit(a.case, 'ns', ns, 'ns');
}

async function cold(a, em) {
  const address = a.address ?? encodeAddress(publicKey(7), 42);
  const client = await connect(a.url);
  const info = await client.query.system.account(address);
  const free = info.data.free;
  coldEmit(em, free, address);
  const pk = decodeAddress(address);
  if (pk.subarray(4).every((b) => b === 0x5a)) {
    const i = (pk[0] | (pk[1] << 8) | (pk[2] << 16) | (pk[3] << 24)) >>> 0;
    if (BigInt(free) !== expectedFree(i)) throw new Error(`free ${free}, expected ${expectedFree(i)}`);
  }
  await client.disconnect();
}

async function stream(a, em) {
  const addrs = addresses(10000);
  const client = await connect(a.url);
  const at = await client.at(HEAD);
  await streamCase(em, a, (i) => at.query.system.account(addrs[i]).then((x) => x.data.free));
  await client.disconnect();
}

await main(CLIENT, {
  'transport.*': transport,
  'e2e.*': e2e,
  'codec.*': codec,
  'cold.balance': cold,
  'scale.stream': stream,
});
