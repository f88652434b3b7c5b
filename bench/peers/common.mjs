// Shared helpers of the peer scripts (bench/README.md): argument parsing, result lines, the
// bench accounts, clocks, and the resolver that loads the peers' packages from the cache that
// install.sh fills (the scripts live in the tree, the modules outside it).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// stdout carries result lines only: the libraries' console.log / info / debug go to stderr.
console.log = console.info = console.debug = console.error;

// ---- modules from the cache ------------------------------------------------------------------
// ES modules ignore NODE_PATH, so bare specifiers are resolved here: BTQ_BENCH_PEERS_MODULES,
// else NODE_PATH's first entry, else $BTQ_CACHE_DIR/bench-peers/node_modules (default
// ~/.cache/btq/bench-peers/node_modules), the folder install.sh prints.
export function modulesDir() {
  const cands = [];
  if (process.env.BTQ_BENCH_PEERS_MODULES) cands.push(process.env.BTQ_BENCH_PEERS_MODULES);
  if (process.env.NODE_PATH) cands.push(...process.env.NODE_PATH.split(':').filter(Boolean));
  cands.push(join(process.env.BTQ_CACHE_DIR || join(homedir(), '.cache', 'btq'), 'bench-peers',
                  'node_modules'));
  for (const c of cands) if (existsSync(join(c, '@polkadot', 'api')) || existsSync(join(c, 'dedot'))) return c;
  throw new Error(`bench peers not installed (run bench/peers/install.sh); looked in ${cands.join(', ')}`);
}

const CONDITIONS = ['node', 'import', 'module', 'default'];

function pickExport(target) {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const t of target) {
      const r = pickExport(t);
      if (r) return r;
    }
    return null;
  }
  if (target && typeof target === 'object') {
    for (const c of CONDITIONS) if (c in target) {
      const r = pickExport(target[c]);
      if (r) return r;
    }
  }
  return null;
}

// import() a bare specifier ("@polkadot/api", "polkadot-api/ws") from the cache, with the
// package's "exports" map and ESM conditions, like Node's own resolver.
export async function load(spec) {
  const dir = modulesDir();
  const parts = spec.split('/');
  const nameLen = spec.startsWith('@') ? 2 : 1;
  const pkgName = parts.slice(0, nameLen).join('/');
  const sub = parts.length > nameLen ? './' + parts.slice(nameLen).join('/') : '.';
  const pkgDir = join(dir, pkgName);
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  let file = null;
  if (pkg.exports) {
    const ex = typeof pkg.exports === 'string' || Array.isArray(pkg.exports) ||
      !Object.keys(pkg.exports).some((k) => k.startsWith('.')) ? { '.': pkg.exports } : pkg.exports;
    if (ex[sub] !== undefined) {
      file = pickExport(ex[sub]);
    } else {
      for (const [k, v] of Object.entries(ex)) {
        const star = k.indexOf('*');
        if (star < 0) continue;
        const pre = k.slice(0, star), post = k.slice(star + 1);
        if (sub.startsWith(pre) && sub.endsWith(post) && sub.length >= pre.length + post.length) {
          const mid = sub.slice(pre.length, sub.length - post.length);
          const t = pickExport(v);
          if (t) file = t.replaceAll('*', mid);
          break;
        }
      }
    }
    if (!file) throw new Error(`${spec}: not exported by ${pkgName}`);
  } else {
    file = sub === '.' ? (pkg.module || pkg.main || 'index.js') : sub;
  }
  return import(pathToFileURL(resolve(pkgDir, file)).href);
}

// ---- arguments -------------------------------------------------------------------------------
export function parseArgs(argv = process.argv.slice(2)) {
  const a = { url: null, case: null, n: null, reps: 1, address: null, shared: null };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i], v = argv[i + 1];
    const need = () => {
      if (v === undefined) usage(`${k} needs a value`);
      i++;
      return v;
    };
    if (k === '--url') a.url = need();
    else if (k === '--case') a.case = need();
    else if (k === '--n') a.n = Number(need());
    else if (k === '--reps') a.reps = Math.max(1, Number(need()) | 0);
    else if (k === '--address') a.address = need();
    else if (k === '--shared') a.shared = need();
    else if (k === '--help' || k === '-h') usage(null);
    else usage(`unknown argument ${k}`);
  }
  if (!a.case) usage('--case is required');
  if (a.n !== null && !(Number.isInteger(a.n) && a.n > 0)) usage('--n must be a positive integer');
  return a;
}

function usage(msg) {
  if (msg) process.stderr.write(`error: ${msg}\n`);
  process.stderr.write(
    'usage: node bench/peers/<peer>.mjs --url URL --case CASE [--n N] [--reps R] [--address SS58]' +
    ' [--shared DIR]\n' + `cases: ${CASES.join(', ')}\n`);
  process.exit(msg ? 2 : 0);
}

export const CASES = [
  'transport.sequential', 'transport.pipelined.1', 'transport.pipelined.64',
  'transport.pipelined.1024', 'e2e.balances.1000.concurrent', 'e2e.balances.1000.batched',
  'e2e.balances.10000.concurrent', 'e2e.balances.10000.batched', 'codec.metadata_parse',
  'codec.accountinfo_decode', 'codec.ss58_encode', 'codec.ss58_decode', 'codec.storage_key',
  'cold.balance', 'scale.stream'];

// ---- result lines ----------------------------------------------------------------------------
export function makeEmitter(client) {
  return {
    emit(caseId, metric, value, unit, extra = {}) {
      const v = typeof value === 'number' && !Number.isInteger(value) ? Number(value.toPrecision(6)) : value;
      process.stdout.write(JSON.stringify({ case: caseId, client, metric, value: v, unit, ...extra }) + '\n');
    },
    skip(caseId, reason) {
      process.stdout.write(JSON.stringify({ case: caseId, client, metric: 'skipped', value: 0, reason }) + '\n');
    },
  };
}

export const log = (...m) => process.stderr.write(m.join(' ') + '\n');

// ---- shared data -----------------------------------------------------------------------------
export function sharedDir(a) {
  const cands = [a.shared, process.env.BTQ_SHARED_DIR, join(here, '..', '..', '..', 'shared'),
                 resolve('../shared')].filter(Boolean);
  for (const c of cands) if (existsSync(join(c, 'chain', 'metadata'))) return c;
  throw new Error(`shared data folder not found (tried ${cands.join(', ')}); use --shared DIR`);
}

export function metadataV15(a) {
  return new Uint8Array(readFileSync(join(sharedDir(a), 'chain', 'metadata', 'finney_spec393_v15.scale')));
}

// ---- bench accounts (bench/README.md) ----------------------------------------------------------
export const HEAD = '0x7fdf812be1ec53c47f2237c619ce655458b7fc71afbfaf99206137f836fb21f3';

export function publicKey(i) {
  const pk = new Uint8Array(32).fill(0x5a);
  pk[0] = i & 0xff; pk[1] = (i >>> 8) & 0xff; pk[2] = (i >>> 16) & 0xff; pk[3] = (i >>> 24) & 0xff;
  return pk;
}

// The AccountInfo bytes of account i (56 bytes).
export function accountInfoBytes(i) {
  const b = new Uint8Array(56);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, i, true);
  dv.setUint32(8, 1, true);
  dv.setBigUint64(16, 1_000_000_000n + BigInt(i), true);
  b[55] = 0x80;
  return b;
}

export const expectedFree = (i) => 1_000_000_000n + BigInt(i);

// Throws unless free[k] (BigInt-able) is account k's balance for every k, and nonces (when
// given) match. A wrong answer fails loudly: exit code 1 and no result lines.
export function verifyBalances(frees, n, nonces = null) {
  if (frees.length !== n) throw new Error(`got ${frees.length} balances, expected ${n}`);
  let sum = 0n;
  for (let k = 0; k < n; k++) {
    const f = BigInt(frees[k]);
    if (f !== expectedFree(k)) throw new Error(`account ${k}: free ${f}, expected ${expectedFree(k)}`);
    if (nonces && Number(nonces[k]) !== k) throw new Error(`account ${k}: nonce ${nonces[k]}, expected ${k}`);
    sum += f;
  }
  const want = BigInt(n) * 1_000_000_000n + BigInt(n) * BigInt(n - 1) / 2n;
  if (sum !== want) throw new Error(`sum of free balances ${sum}, expected ${want}`);
}

// ---- clocks ----------------------------------------------------------------------------------
export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
export const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
export const maxRssKib = () => process.resourceUsage().maxRSS; // KiB on Linux
export const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ns per op of fn(i): warm-up, then the median of `batches` timed batches, each at least
// ~minMs long (ops per batch grows until it is) unless maxOps (--n) caps the ops per batch.
export function nsPerOp(fn, { warmupMs = 200, batches = 7, minMs = 50, maxOps = null } = {}) {
  let ops = 1;
  const t0 = nowMs();
  let i = 0;
  while (nowMs() - t0 < warmupMs && (maxOps === null || i < maxOps)) fn(i++);
  for (;;) {
    const s = nowMs();
    for (let k = 0; k < ops; k++) fn(k);
    const el = nowMs() - s;
    if (el >= minMs || (maxOps !== null && ops >= maxOps)) break;
    ops = Math.max(ops * 2, Math.ceil(ops * (minMs * 1.2) / Math.max(el, 0.001)));
    if (maxOps !== null) ops = Math.min(ops, maxOps);
  }
  const res = [];
  for (let b = 0; b < batches; b++) {
    const s = process.hrtime.bigint();
    for (let k = 0; k < ops; k++) fn(k);
    res.push(Number(process.hrtime.bigint() - s) / ops);
  }
  return median(res);
}

// Options of nsPerOp for a codec case: --n caps the ops per batch (a smoke run), --reps sets
// the number of timed batches (at least 5); heavy = one op takes milliseconds.
export function codecOpts(a, heavy = false) {
  const batches = Math.max(5, a.reps);
  if (heavy) return { warmupMs: 1000, batches, minMs: 200, maxOps: a.n ? Math.min(a.n, 3) : null };
  return { batches, maxOps: a.n ?? null };
}

// cold.balance: the balance as a result line (the suite checks the process's output for it).
export function coldEmit(em, free, address) {
  process.stderr.write(`${address} free ${free}\n`);
  em.emit('cold.balance', 'free', String(free), 'rao', { address });
}

// ---- transport driver --------------------------------------------------------------------------
// send() returns a promise of chain_getHead's result. sequential: one at a time; pipelined.K:
// K in flight, refilled as answers arrive, until n answers. Checks every answer.
export async function transportRun(send, caseId, n) {
  const check = (r) => {
    if (r !== HEAD) throw new Error(`chain_getHead answered ${JSON.stringify(r)}`);
  };
  if (caseId === 'transport.sequential') {
    for (let i = 0; i < n; i++) check(await send());
    return;
  }
  const k = Number(caseId.split('.')[2]);
  let issued = 0;
  await new Promise((res, rej) => {
    let done = 0;
    const one = () => {
      issued++;
      send().then((r) => {
        check(r);
        done++;
        if (done === n) res();
        else if (issued < n) one();
      }, rej);
    };
    for (let j = 0; j < Math.min(k, n); j++) one();
  });
}

// Runs one transport case and prints req_per_s, cpu_us_per_req, rss_kib (median over reps).
export async function transportCase(em, caseId, a, send) {
  const n = a.n ?? (caseId === 'transport.sequential' ? 5000 : caseId === 'transport.pipelined.1' ? 5000 : 50000);
  await transportRun(send, caseId, Math.min(n, 500)); // warm-up (JIT, buffers)
  const rps = [], cpu = [];
  for (let r = 0; r < a.reps; r++) {
    const t0 = nowMs(), c0 = cpuMs();
    await transportRun(send, caseId, n);
    const t1 = nowMs(), c1 = cpuMs();
    rps.push(n / ((t1 - t0) / 1000));
    cpu.push(((c1 - c0) * 1000) / n);
  }
  em.emit(caseId, 'req_per_s', median(rps), 'req/s', { n, reps: a.reps });
  em.emit(caseId, 'cpu_us_per_req', median(cpu), 'us', { n, reps: a.reps });
  em.emit(caseId, 'rss_kib', maxRssKib(), 'KiB');
}

// scale.stream: n balance queries (accounts cycling through `accounts`) through one connection,
// `window` in flight; query(i) resolves to account i's free balance (checked). Samples
// [t_s, done, rss_kib, fds] about every second.
export async function streamCase(em, a, query, { accounts = 10000, window = 256 } = {}) {
  const caseId = 'scale.stream';
  const n = a.n ?? 100000;
  const fds = () => {
    try { return readdirSync('/proc/self/fd').length; } catch { return -1; }
  };
  const rss = () => Math.round(process.memoryUsage().rss / 1024);
  const warm = Math.min(2000, n);
  let done = 0, inflight = 0, issued = 0, answered = new Uint8Array(n + warm), dup = 0;
  const series = [];
  const run = (count, base) => new Promise((res, rej) => {
    let left = count, next = 0;
    const one = () => {
      const j = next++;
      const acct = (base + j) % accounts;
      inflight++;
      issued++;
      query(acct).then((free) => {
        inflight--;
        if (BigInt(free) !== expectedFree(acct)) return rej(new Error(`account ${acct}: free ${free}`));
        if (answered[base + j]++) dup++;
        done++;
        if (--left === 0) res();
        else if (next < count) one();
      }, rej);
    };
    for (let k = 0; k < Math.min(window, count); k++) one();
  });
  await run(warm, n);
  done = 0;
  const rssStart = rss(), fdsStart = fds();
  const t0 = nowMs();
  const timer = setInterval(() => series.push([Number(((nowMs() - t0) / 1000).toFixed(3)), done, rss(), fds()]), 1000);
  await run(n, 0);
  clearInterval(timer);
  const el = (nowMs() - t0) / 1000;
  series.push([Number(el.toFixed(3)), done, rss(), fds()]);
  let lost = 0;
  for (let j = 0; j < n; j++) if (!answered[j]) lost++;
  em.emit(caseId, 'req_per_s', n / el, 'req/s', { n });
  em.emit(caseId, 'rss_kib_start', rssStart, 'KiB');
  em.emit(caseId, 'rss_kib_end', rss(), 'KiB');
  em.emit(caseId, 'fds_start', fdsStart, 'count');
  em.emit(caseId, 'fds_end', fds(), 'count');
  em.emit(caseId, 'inflight_end', inflight, 'count');
  em.emit(caseId, 'lost', lost, 'count');
  em.emit(caseId, 'duplicated', dup, 'count');
  em.emit(caseId, 'series', series, '[t_s, done, rss_kib, fds]');
}

// The e2e cases' time budget (BTQ_BENCH_E2E_BUDGET_S, default 300 s): a client that has not
// answered by then gets a 'skipped' line saying how far it got, instead of hanging the suite.
export class BudgetExceeded extends Error {}
export function e2eBudget(work, progress) {
  const s = Number(process.env.BTQ_BENCH_E2E_BUDGET_S || 300);
  let timer;
  const limit = new Promise((_, rej) => {
    timer = setTimeout(() => rej(new BudgetExceeded(
      `not finished within the ${s} s budget (BTQ_BENCH_E2E_BUDGET_S): ${progress()}`)), s * 1000);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

// e2e result lines.
export function e2eEmit(em, caseId, n, connectMs, wallMs, cpu) {
  em.emit(caseId, 'wall_ms', wallMs, 'ms', { n });
  em.emit(caseId, 'cpu_ms', cpu, 'ms', { n });
  em.emit(caseId, 'rss_kib', maxRssKib(), 'KiB', { n });
  em.emit(caseId, 'accounts_per_s', n / (wallMs / 1000), 'accounts/s', { n });
  em.emit(caseId, 'connect_ms', connectMs, 'ms');
}

export function e2eParams(caseId) {
  const m = /^e2e\.balances\.(\d+)\.(concurrent|batched)$/.exec(caseId);
  return m ? { n: Number(m[1]), mode: m[2] } : null;
}

// Main wrapper: runs handler(caseId), turning an exception into exit code 1 with the error on
// stderr, and an unknown case into a skipped line.
export async function main(client, handlers) {
  const a = parseArgs();
  const em = makeEmitter(client);
  let fn = handlers[a.case];
  if (!fn) {
    for (const [k, h] of Object.entries(handlers)) if (k.endsWith('*') && a.case.startsWith(k.slice(0, -1))) fn = h;
  }
  if (!CASES.includes(a.case) && !fn) usage(`unknown case ${a.case}`);
  try {
    if (!fn) em.skip(a.case, `not implemented for ${client}`);
    else await fn(a, em);
    process.exit(0);
  } catch (e) {
    if (e instanceof BudgetExceeded) {
      em.skip(a.case, `${client}: ${e.message}`);
      log(`${client} ${a.case}: ${e.message}`);
      process.exit(0);
    }
    log(`${client} ${a.case}: FAILED: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  }
}
