// Small helpers of the benchmark suite: processes, result lines, medians, bench accounts.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';

// Run one program; resolve {code, signal, stdout, stderr, lines, ms, timedOut}. Never rejects.
// Result lines are the stdout lines that parse as JSON objects with case/client/metric.
export function run(cmd, args, { env, timeoutMs = 600000, cwd, input } = {}) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    let child;
    try {
      child = spawn(cmd, args, { env: env ?? process.env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      resolve({ code: 127, signal: null, stdout: '', stderr: String(e), lines: [], ms: 0, timedOut: false });
      return;
    }
    const out = [], err = [];
    let timedOut = false, done = false;
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const finish = (code, signal, extra = '') => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString() + extra;
      resolve({
        code, signal, stdout, stderr, lines: parseLines(stdout), timedOut,
        ms: Number(process.hrtime.bigint() - t0) / 1e6,
      });
    };
    child.on('error', (e) => finish(127, null, String(e)));
    child.on('close', (code, signal) => finish(code ?? 128, signal));
    child.stdin.on('error', () => {});
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

export function parseLines(text) {
  const lines = [];
  for (const l of text.split('\n')) {
    const s = l.trim();
    if (!s.startsWith('{')) continue;
    try {
      const o = JSON.parse(s);
      if (o && typeof o.case === 'string' && typeof o.client === 'string' && typeof o.metric === 'string')
        lines.push(o);
    } catch { /* not a result line */ }
  }
  return lines;
}

// Why a run failed, in one short line (last stderr line, exit status or timeout).
export function failReason(r) {
  if (r.timedOut) return `timed out after ${Math.round(r.ms / 1000)} s`;
  const last = r.stderr.trim().split('\n').filter(Boolean).pop() ?? '';
  const status = r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
  return last ? `${status}: ${last.slice(0, 160)}` : status;
}

export function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return undefined;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

// Direction of a metric: +1 higher is better, -1 lower is better, 0 not comparable.
export function direction(metric) {
  if (/_per_s$/.test(metric)) return 1;
  if (/^(ns|wall_ms|cpu_ms|cpu_us_per_req|rss_kib)$/.test(metric)) return -1;
  return 0;
}

// ---- bench accounts (bench/README.md): pk = LE32(i) || 0x5a x 28, SS58 prefix 42 ----------
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58(bytes) {
  let n = BigInt('0x' + Buffer.from(bytes).toString('hex'));
  let s = '';
  while (n > 0n) {
    s = B58[Number(n % 58n)] + s;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    s = '1' + s;
  }
  return s;
}
export function benchPublicKey(i) {
  const pk = Buffer.alloc(32, 0x5a);
  pk.writeUInt32LE(i >>> 0, 0);
  return pk;
}
export function benchAddress(i) {
  const body = Buffer.concat([Buffer.from([42]), benchPublicKey(i)]);
  const h = createHash('blake2b512').update(Buffer.from('SS58PRE')).update(body).digest();
  return base58(Buffer.concat([body, h.subarray(0, 2)]));
}
export const benchFree = (i) => 1000000000n + BigInt(i);
