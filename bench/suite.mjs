#!/usr/bin/env node
// The benchmark suite (bench/README.md): btq beside polkadot-js, dedot and polkadot-api on the
// same machine in the same run, against one bench_node serving the real finney V15 metadata
// and the bench accounts. Runs every case for every client R times, takes medians, prints the
// table with btq's ratio against each peer and its share of the server's ceiling, and writes
// performance.md, performance-e2e.svg and performance.json (docs/ unless --smoke or --out).
//
//   node bench/suite.mjs --build-dir DIR [--reps R] [--smoke] [--out DIR] [--only REGEX]
//                        [--peers LIST|none] [--jobs J] [--shared DIR] [--no-install]
//
// No npm dependencies of its own: Node's standard library only. Exit status: 0 when every btq
// case ran (peer failures show as "n/a (reason)" and never break a full run); with --smoke,
// any failing case, btq's or a peer's, makes it 1, with the case named on stderr.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn, execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { run, failReason, median, benchAddress, benchFree } from './suite/util.mjs';
import { machineFacts, buildType, sharedDirOf, PEER_PACKAGES } from './suite/machine.mjs';
import { renderPage, renderConsole } from './suite/report.mjs';
import { e2eChart } from './suite/svg.mjs';

const SOURCE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ALL_PEERS = ['polkadot-js', 'dedot', 'polkadot-api'];
const CODEC_CASES = ['codec.metadata_parse', 'codec.accountinfo_decode', 'codec.ss58_encode',
  'codec.ss58_decode', 'codec.storage_key'];
const COLD_ACCOUNT = 7;
// What each peer runs in a smoke run: one case of each kind (every peer code path once).
const SMOKE_PEER_CASES = '^(transport\\.pipelined\\.64|e2e\\.balances\\.50\\.batched|e2e\\.balances\\.50\\.concurrent|' +
  'codec\\.accountinfo_decode|cold\\.balance)$';

// ---- options ---------------------------------------------------------------------------------
function usage(msg) {
  if (msg) process.stderr.write(`suite: ${msg}\n`);
  process.stderr.write(`usage: node bench/suite.mjs --build-dir DIR [options]
  --build-dir DIR   CMake build folder holding btq, bench_node and the bench programs
                    (default build/release); configure it with -DCMAKE_BUILD_TYPE=Release
  --reps R          runs per figure, the median is kept (default 5; --smoke: 1)
  --smoke           tiny N, one run, output to a temp dir: proves every part still works
  --out DIR         where performance.md / -e2e.svg / .json go (default docs/, --smoke: temp)
  --only REGEX      only the cases whose id matches (e.g. 'e2e|cold')
  --peers LIST      comma-separated subset of ${ALL_PEERS.join(',')}, or none
                    (BTQ_BENCH_NO_PEERS=1 is --peers none)
  --jobs J          processes run at once (default 1; --smoke: 2). Above 1 the figures are
                    not measurements, only a check that everything runs
  --shared DIR      the shared/ data folder (default: the build's BTQ_SHARED_DIR)
  --peer-cases RE   the cases the peers run (default: all; --smoke: one of each kind,
                    since every Node process costs seconds)
  --no-install      do not run bench/peers/install.sh (a full run installs the pinned peers)
  --render FILE     measure nothing: rewrite the page and the chart from a performance.json
                    (after a change to the report), into --out DIR or FILE's folder
  --timeout S       per-process limit in seconds (default 900; --smoke: 120)
  --peer-timeout S  limit for one peer end-to-end process (default 300): past it the peer
                    shows "n/a (timed out)" for that case and is not run again for it
  --slow-peer S     a peer run of a case that takes longer than S seconds (default 60) is
                    not repeated: its figure is that one run (said under the tables)
`);
  process.exit(msg ? 2 : 0);
}

function parseOptions(argv) {
  const o = { buildDir: path.join(SOURCE, 'build', 'release'), reps: null, smoke: false, out: null,
    only: null, peers: ALL_PEERS, jobs: null, shared: null, install: true, timeout: null };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) usage(`${k} needs a value`);
      return argv[++i];
    };
    if (k === '--build-dir') o.buildDir = path.resolve(val());
    else if (k === '--reps') o.reps = Number(val());
    else if (k === '--smoke') o.smoke = true;
    else if (k === '--out') o.out = path.resolve(val());
    else if (k === '--only') o.only = new RegExp(val());
    else if (k === '--peers') {
      const v = val();
      o.peers = v === 'none' || v === '' ? [] : v.split(',').map((s) => s.trim()).filter(Boolean);
      for (const p of o.peers) if (!ALL_PEERS.includes(p)) usage(`unknown peer ${p}`);
    } else if (k === '--jobs') o.jobs = Number(val());
    else if (k === '--shared') o.shared = path.resolve(val());
    else if (k === '--peer-cases') o.peerCases = new RegExp(val());
    else if (k === '--no-install') o.install = false;
    else if (k === '--render') o.render = path.resolve(val());
    else if (k === '--timeout') o.timeout = Number(val());
    else if (k === '--peer-timeout') o.peerTimeout = Number(val());
    else if (k === '--slow-peer') o.slowPeer = Number(val());
    else if (k === '--help' || k === '-h') usage(null);
    else usage(`unknown argument ${k}`);
  }
  if (process.env.BTQ_BENCH_NO_PEERS === '1') o.peers = [];
  o.reps ??= o.smoke ? 1 : 5;
  o.jobs ??= o.smoke ? 2 : 1;
  o.timeout ??= o.smoke ? 120 : 900;
  o.peerTimeout ??= Math.min(o.timeout, 300);
  o.slowPeer ??= 60;
  o.peerCases ??= o.smoke ? new RegExp(SMOKE_PEER_CASES) : /./;
  if (!(Number.isInteger(o.reps) && o.reps >= 1)) usage('--reps must be a positive integer');
  if (!(Number.isInteger(o.jobs) && o.jobs >= 1)) usage('--jobs must be a positive integer');
  return o;
}

// Sizes: the full run, and the smoke run's tiny ones.
function sizes(smoke) {
  return smoke
    ? { seq: 200, pipe1: 200, pipe: 2000, ceilPipe: 20000, ceilSeq: 200, e2e: [50, 100],
      stream: 3000, peerSeq: 200, peerPipe: 1000, streamPeer: 200, codecN: 1000, codecIters: 2000 }
    : { seq: 20000, pipe1: 20000, pipe: 1000000, ceilPipe: 2000000, ceilSeq: 50000,
      e2e: [1000, 10000], stream: 1000000, peerSeq: 5000, peerPipe: 20000, streamPeer: 20000,
      codecN: null, codecIters: null };
}

const log = (...m) => process.stderr.write(`suite: ${m.join(' ')}\n`);

// ---- bench_node ------------------------------------------------------------------------------
class BenchNode {
  constructor(exe, shared) {
    this.exe = exe;
    this.shared = shared;
    this.child = null;
    this.url = null;
    this.restarts = 0;
  }

  start() {
    return new Promise((resolve, reject) => {
      const child = spawn(this.exe, ['--shared', this.shared], { stdio: ['pipe', 'pipe', 'pipe'] });
      this.child = child;
      let buf = '', err = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`bench_node printed no URL in 30 s: ${err.trim().split('\n').pop() ?? ''}`));
      }, 30000);
      child.stderr.on('data', (d) => {
        err += d;
        if (err.length > 8192) err = err.slice(-4096);
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('exit', (code, sig) => {
        clearTimeout(timer);
        this.exitInfo = `bench_node exited (${sig ?? `status ${code}`}): ${err.trim().split('\n').pop() ?? ''}`;
        if (this.child === child) this.child = null;
        reject(new Error(this.exitInfo));
      });
      child.stdout.on('data', (d) => {
        if (this.url) return;
        buf += d;
        const nl = buf.indexOf('\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl).trim();
        clearTimeout(timer);
        if (!/^wss?:\/\/127\.0\.0\.1:\d+/.test(line)) {
          child.kill('SIGKILL');
          reject(new Error(`bench_node's first line is not a loopback URL: ${line.slice(0, 80)}`));
          return;
        }
        this.url = line;
        this.stderrTail = () => err;
        resolve(line);
      });
    });
  }

  alive() {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  async ensure() {
    if (this.alive()) return this.url;
    if (this.url) {
      this.restarts++;
      log(`${this.exitInfo ?? 'bench_node is gone'}; restarting it`);
    }
    this.url = null;
    return this.start();
  }

  stop() {
    if (!this.child) return Promise.resolve();
    const c = this.child;
    this.child = null;
    return new Promise((resolve) => {
      const t = setTimeout(() => c.kill('SIGKILL'), 5000);
      c.on('exit', () => {
        clearTimeout(t);
        resolve();
      });
      c.stdin.end();
      c.kill('SIGTERM');
    });
  }
}

// ---- results ---------------------------------------------------------------------------------
// results[case][client][metric] = {values: [...], unit}; skipped[case][client] = reason;
// failures: [{case, client, reason}] (one per failed run or missing figure).
class Results {
  constructor() {
    this.data = {};
    this.skipped = {};
    this.failures = [];
    this.series = {};
    this.notes = [];
  }

  add(line) {
    if (line.metric === 'skipped') {
      ((this.skipped[line.case] ??= {})[line.client] = line.reason ?? 'skipped');
      return;
    }
    if (line.metric === 'series') {
      if (Array.isArray(line.value)) ((this.series[line.case] ??= {})[line.client] ??= line.value);
      return;
    }
    const v = typeof line.value === 'number' ? line.value : Number(line.value);
    if (!Number.isFinite(v)) return;
    const m = (((this.data[line.case] ??= {})[line.client] ??= {})[line.metric] ??= { values: [], unit: line.unit ?? '' });
    m.values.push(v);
  }

  fail(c, client, reason) {
    this.failures.push({ case: c, client, reason });
  }

  get(c, client, metric) {
    return median(this.data[c]?.[client]?.[metric]?.values ?? []);
  }

  has(c, client) {
    return this.data[c]?.[client] && Object.keys(this.data[c][client]).length > 0;
  }

  // Why (case, client) has no figure: a skip reason, a failure, or "not run".
  why(c, client) {
    const f = this.failures.find((x) => x.case === c && x.client === client);
    if (f) return f.reason;
    return this.skipped[c]?.[client];
  }

  toJSON() {
    const results = {};
    for (const [c, byClient] of Object.entries(this.data)) {
      for (const [cl, byMetric] of Object.entries(byClient)) {
        for (const [m, { values, unit }] of Object.entries(byMetric)) {
          ((results[c] ??= {})[cl] ??= {})[m] = { median: median(values), values, unit };
        }
      }
    }
    return { results, skipped: this.skipped, failures: this.failures, series: this.series, notes: this.notes };
  }
}

// ---- the plan --------------------------------------------------------------------------------
// A task: {id, cases, client, label, run(url) -> Promise<{lines, failReason?}>}. Tasks run in
// order (or J at a time); each names the cases it must yield a figure for.
function buildPlan(o, ctx) {
  const S = ctx.sizes;
  const bin = (name) => path.join(o.buildDir, name);
  const tasks = [];
  const want = (c) => !o.only || o.only.test(c);
  const peerScript = (p) => path.join(SOURCE, 'bench', 'peers', `${p}.mjs`);
  const peerEnv = { ...process.env };
  const add = (t) => {
    t.cases = t.cases.filter(want);
    if (t.client !== 'btq' && t.client !== 'bare') t.cases = t.cases.filter((c) => o.peerCases.test(c));
    if (t.cases.length) tasks.push(t);
  };
  // A plain program run: lines on stdout, non-zero exit = failure.
  const prog = (cmd, args, extraEnv, timeoutS = o.timeout) => async (url) => {
    const r = await run(cmd, args(url), { env: { ...process.env, ...extraEnv }, timeoutMs: timeoutS * 1000 });
    return { lines: r.lines, failReason: r.code === 0 && !r.timedOut ? null : failReason(r), ms: r.ms };
  };
  const reps = (n, mk) => Array.from({ length: n }, (_, i) => mk(i));

  // 1. the server's ceiling (bare client), then transport
  add({ id: 'ceiling', client: 'bare', cases: ['transport.ceiling.pipelined', 'transport.ceiling.sequential'],
    runs: reps(o.reps, () => prog(bin('bench_transport_ceiling'), (url) => ['--url', url, '--json',
      '--pipelined', String(S.ceilPipe), '--sequential', String(S.ceilSeq)])) });
  // btq runs more requests than the peers (a run of each lasts about a second or more)
  const tcases = [['transport.sequential', 'sequential', S.seq, S.peerSeq],
    ['transport.pipelined.1', 'pipelined.1', S.pipe1, S.peerSeq],
    ['transport.pipelined.64', 'pipelined.64', S.pipe, S.peerPipe],
    ['transport.pipelined.1024', 'pipelined.1024', S.pipe, S.peerPipe]];
  for (const [c, sel, n, np] of tcases) {
    add({ id: c, client: 'btq', cases: [c],
      runs: reps(o.reps, () => prog(bin('bench_transport'), (url) => ['--url', url, '--json', '--case', sel,
        '--pipelined', String(n), '--sequential', String(n)])) });
    for (const p of o.peers) {
      add({ id: c, client: p, cases: [c],
        runs: [prog('node', (url) => [peerScript(p), '--url', url, '--case', c, '--n', String(np),
          '--reps', String(o.reps)], peerEnv)] });
    }
  }

  // 2. end to end: a fresh process per run, so peak RSS is the case's own
  for (const n of S.e2e) {
    for (const mode of ['concurrent', 'batched']) {
      const c = `e2e.balances.${n}.${mode}`;
      add({ id: c, client: 'btq', cases: [c],
        runs: reps(o.reps, () => prog(bin('bench_client_balances'), (url) => ['--url', url, '--json',
          '--mode', mode, '--n', String(n)])) });
      for (const p of o.peers) {
        add({ id: c, client: p, cases: [c],
          runs: reps(o.reps, () => prog('node', (url) => [peerScript(p), '--url', url, '--case', c], peerEnv,
            o.peerTimeout)) });
      }
    }
  }

  // 3. codec: btq's programs print several cases each; each peer case is one process
  const iters = S.codecIters ? [String(S.codecIters)] : [];
  const btqCodec = [
    ['bench_metadata', ['--shared', ctx.shared, ...(S.codecIters ? ['--runs', '3'] : [])]],
    ['bench_value', ['--shared', ctx.shared, ...(S.codecIters ? ['--n', String(S.codecIters)] : [])]],
    ['bench_codec', iters], ['bench_chain', iters]];
  add({ id: 'codec', client: 'btq', cases: CODEC_CASES,
    runs: reps(o.reps, () => async (url) => {
      const lines = [];
      const reasons = [];
      for (const [name, extra] of btqCodec) {
        const r = await prog(bin(name), () => ['--json', ...extra])(url);
        lines.push(...r.lines);
        if (r.failReason) reasons.push(`${name}: ${r.failReason}`);
      }
      return { lines, failReason: reasons.join('; ') || null };
    }) });
  for (const c of CODEC_CASES) {
    for (const p of o.peers) {
      add({ id: c, client: p, cases: [c],
        runs: [prog('node', (url) => [peerScript(p), '--url', url, '--case', c, '--reps', String(o.reps),
          ...(S.codecN ? ['--n', String(S.codecN)] : [])], peerEnv)] });
    }
  }

  // 4. cold start: one process from exec to exit, timed by bench_exec, no metadata cache
  const addr = benchAddress(COLD_ACCOUNT);
  const cold = (client, argv) => async (url) => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'btq-bench-cold-'));
    try {
      const out = path.join(tmp, 'result.jsonl');
      const env = { ...process.env, HOME: tmp, BTQ_CACHE_DIR: path.join(tmp, 'cache'),
        XDG_CACHE_HOME: path.join(tmp, 'xdg') };
      // the peers' modules stay where install.sh put them (they are code, not a cache)
      env.BTQ_BENCH_PEERS_MODULES = ctx.peersModules;
      const r = await run(bin('bench_exec'), ['--case', 'cold.balance', '--client', client, '--out', out,
        '--', ...argv(url)], { env, timeoutMs: o.timeout * 1000 });
      let mine = [];
      try {
        mine = readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
      } catch { /* bench_exec did not get that far */ }
      const lines = mine.filter((l) => l.metric !== 'exit_status');
      // the child's own lines count only as a skip notice
      lines.push(...r.lines.filter((l) => l.metric === 'skipped'));
      let reason = r.code === 0 && !r.timedOut ? null : failReason(r);
      if (!reason && client === 'btq') reason = checkBtqBalance(r.stdout);
      if (!reason && client !== 'btq' && !r.lines.some((l) => l.metric === 'skipped') &&
          !r.stdout.includes(String(benchFree(COLD_ACCOUNT))) && !r.stdout.includes('1.000000007'))
        ctx.results.notes.push(`cold.balance ${client}: its output does not show ${benchFree(COLD_ACCOUNT)} rao`);
      return { lines: reason ? [] : lines, failReason: reason };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  };
  add({ id: 'cold.balance', client: 'btq', cases: ['cold.balance'],
    runs: reps(o.reps, () => cold('btq', (url) => [bin('btq'), 'balance', addr, '--url', url, '--json'])) });
  for (const p of o.peers) {
    add({ id: 'cold.balance', client: p, cases: ['cold.balance'],
      runs: reps(o.reps, () => cold(p, (url) => ['node', peerScript(p), '--url', url, '--case', 'cold.balance',
        '--address', addr])) });
  }

  // 5. scale: one long stream through one connection (btq: 1,000,000; the peers a tenth)
  const streamReps = Math.min(o.reps, o.smoke ? 1 : 3);
  add({ id: 'scale.stream', client: 'btq', cases: ['scale.stream'],
    runs: reps(streamReps, () => prog(bin('bench_scale_stream'), (url) => ['--url', url, '--json',
      '--n', String(S.stream)])) });
  for (const p of o.peers) {
    add({ id: 'scale.stream', client: p, cases: ['scale.stream'],
      runs: [prog('node', (url) => [peerScript(p), '--url', url, '--case', 'scale.stream', '--n',
        String(S.streamPeer)], peerEnv)] });
  }
  return tasks;
}

function checkBtqBalance(stdout) {
  try {
    const j = JSON.parse(stdout);
    const free = String(j.accounts?.[0]?.free);
    if (free !== String(benchFree(COLD_ACCOUNT)))
      return `btq balance printed free ${free}, expected ${benchFree(COLD_ACCOUNT)}`;
    return null;
  } catch {
    return `btq balance --json printed no JSON: ${stdout.slice(0, 80)}`;
  }
}

// ---- running ---------------------------------------------------------------------------------
async function runTasks(tasks, node, results, o) {
  const queue = [];
  for (const t of tasks) t.runs.forEach((r, i) => queue.push({ t, r, i }));
  let next = 0, doneRuns = 0;
  const total = queue.length;
  const worker = async () => {
    while (next < queue.length) {
      const { t, r, i } = queue[next++];
      if (t.abandoned) continue; // a peer that failed once is not run again for that case
      if (t.ranSlow) continue; // one run past --slow-peer is enough (minutes per run)
      let url;
      try {
        url = await node.ensure();
      } catch (e) {
        for (const c of t.cases) results.fail(c, t.client, `bench_node: ${e.message}`);
        continue;
      }
      const res = await r(url);
      doneRuns++;
      const mine = res.lines.filter((l) => t.cases.includes(l.case) || l.client === t.client);
      for (const l of mine) results.add(l);
      const tag = `[${doneRuns}/${total}] ${t.id} ${t.client}${t.runs.length > 1 ? ` run ${i + 1}/${t.runs.length}` : ''}`;
      if (res.failReason) {
        log(`${tag}: FAILED: ${res.failReason}`);
        for (const c of t.cases) results.fail(c, t.client, res.failReason);
        if (t.client !== 'btq' && t.client !== 'bare') t.abandoned = true;
      } else {
        log(`${tag}: ${summary(res.lines, t.cases)}${res.ms ? ` (${(res.ms / 1000).toFixed(1)} s)` : ''}`);
        const peer = t.client !== 'btq' && t.client !== 'bare';
        if (peer && t.runs.length > 1 && res.ms > o.slowPeer * 1000) {
          t.ranSlow = true;
          results.notes.push(`${t.id} ${t.client}: one run took ${(res.ms / 1000).toFixed(0)} s, so its ` +
            `figure is that one run, not a median of ${t.runs.length}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: o.jobs }, worker));
  // every case a task promised must have a figure (or an explicit skip)
  for (const t of tasks) {
    for (const c of t.cases) {
      if (results.has(c, t.client) || results.skipped[c]?.[t.client]) continue;
      if (!results.failures.some((f) => f.case === c && f.client === t.client))
        results.fail(c, t.client, 'no result line for this case');
    }
  }
}

const PRIMARY = (c) => c.startsWith('codec.') ? 'ns' : c.startsWith('e2e.') ? 'accounts_per_s'
  : c.startsWith('cold.') ? 'wall_ms' : 'req_per_s';

function summary(lines, cases) {
  const parts = [];
  for (const c of cases) {
    const l = lines.find((x) => x.case === c && (x.metric === PRIMARY(c) || x.metric === 'skipped'));
    if (!l) continue;
    parts.push(l.metric === 'skipped' ? `${c} skipped (${l.reason})` : `${c} ${+Number(l.value).toPrecision(4)} ${l.unit ?? l.metric}`);
  }
  return parts.join(', ') || 'no figures';
}

// The page, the chart and (after a run) the raw JSON.
function writeOutputs(run, results, outDir, withJson) {
  const { facts, options } = run;
  const e2eGroups = [];
  for (const n of options.sizes.e2e) for (const mode of ['concurrent', 'batched'])
    e2eGroups.push({ label: `${n.toLocaleString('en-US')} ${mode}`, case: `e2e.balances.${n}.${mode}` });
  const svg = e2eChart({ groups: e2eGroups, clients: run.clients, get: (c, cl, m) => results.get(c, cl, m),
    subtitle: `${facts.cpu}, ${facts.cores} cores; ${facts.date}; ${options.reps > 1 ? `medians of ${options.reps} runs` : 'one run'}` +
      (options.smoke ? '; SMOKE RUN (tiny N): not a measurement' : '') });
  writeFileSync(path.join(outDir, 'performance-e2e.svg'), svg);
  if (withJson) writeFileSync(path.join(outDir, 'performance.json'), JSON.stringify(run, null, 1) + '\n');
  writeFileSync(path.join(outDir, 'performance.md'), renderPage(run, results));
}

// --render: the Results of a recorded run, without measuring anything.
function renderRecorded(file, outDir) {
  const run = JSON.parse(readFileSync(file, 'utf8'));
  const results = new Results();
  for (const [c, byClient] of Object.entries(run.results))
    for (const [cl, byMetric] of Object.entries(byClient))
      for (const [m, { values, unit }] of Object.entries(byMetric))
        (((results.data[c] ??= {})[cl] ??= {})[m] = { values: [...values], unit });
  Object.assign(results.skipped, run.skipped ?? {});
  results.failures.push(...(run.failures ?? []));
  Object.assign(results.series, run.series ?? {});
  results.notes.push(...(run.notes ?? []));
  writeOutputs(run, results, outDir, false);
  log(`rewrote ${path.join(outDir, 'performance.md')} and performance-e2e.svg from ${file}`);
}

// ---- main ------------------------------------------------------------------------------------
async function main() {
  const o = parseOptions(process.argv.slice(2));
  if (o.render) {
    renderRecorded(o.render, o.out ?? path.dirname(o.render));
    return;
  }
  const problems = [];
  for (const exe of ['btq', 'bench_node', 'bench_exec']) {
    if (!existsSync(path.join(o.buildDir, exe))) problems.push(`${path.join(o.buildDir, exe)} is missing`);
  }
  if (problems.length) {
    log(`${problems.join('; ')}: build the tree first (cmake --build ${o.buildDir})`);
    process.exit(2);
  }
  const shared = o.shared ?? process.env.BTQ_SHARED_DIR ?? sharedDirOf(o.buildDir) ?? path.join(SOURCE, '..', 'shared');
  if (!existsSync(path.join(shared, 'chain', 'metadata'))) {
    log(`the shared data folder ${shared} has no chain/metadata (use --shared DIR)`);
    process.exit(2);
  }
  const bt = buildType(o.buildDir);
  if (!o.smoke && bt !== 'Release') log(`warning: ${o.buildDir} is a ${bt ?? 'unknown'} build, not Release: the figures will say so`);

  // the peers: a full run installs the pinned versions (idempotent); a smoke run only checks
  const peersDir = path.join(process.env.BTQ_CACHE_DIR || path.join(os.homedir(), '.cache', 'btq'), 'bench-peers');
  const ctx = { sizes: sizes(o.smoke), results: new Results(), peersModules: path.join(peersDir, 'node_modules'), shared };
  if (o.peers.length) {
    const installer = path.join(SOURCE, 'bench', 'peers', 'install.sh');
    if (o.install && !o.smoke && existsSync(installer)) {
      log('installing the pinned JavaScript peers (bench/peers/install.sh)');
      try {
        ctx.peersModules = execFileSync('bash', [installer], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
      } catch {
        log('bench/peers/install.sh failed: the peers will show n/a');
      }
    }
    const missing = o.peers.filter((p) => !existsSync(path.join(ctx.peersModules, PEER_PACKAGES[p], 'package.json')));
    if (missing.length) {
      const msg = `the JavaScript peers (${missing.join(', ')}) are not installed in ${ctx.peersModules}: ` +
        'run bench/peers/install.sh (tools/setup-deps.sh does), or set BTQ_BENCH_NO_PEERS=1 to run btq alone';
      if (o.smoke) {
        log(msg);
        process.exit(1);
      }
      log(`warning: ${msg}`);
    }
  }
  process.env.BTQ_BENCH_PEERS_MODULES = ctx.peersModules;

  const outDir = o.out ?? (o.smoke ? mkdtempSync(path.join(os.tmpdir(), 'btq-bench-smoke-')) : path.join(SOURCE, 'docs'));
  mkdirSync(outDir, { recursive: true });

  const node = new BenchNode(path.join(o.buildDir, 'bench_node'), shared);
  const tasks = buildPlan(o, ctx);
  if (!tasks.length) {
    log(`no case matches --only ${o.only}`);
    process.exit(2);
  }
  const t0 = Date.now();
  log(`${tasks.length} tasks, ${o.reps} run(s) per figure${o.smoke ? ', smoke sizes' : ''}; peers: ${o.peers.join(', ') || 'none'}`);
  let url;
  try {
    url = await node.ensure();
  } catch (e) {
    log(`bench_node did not start: ${e.message}`);
    process.exit(1);
  }
  log(`bench_node at ${url}`);
  const onSignal = async () => {
    await node.stop();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await runTasks(tasks, node, ctx.results, o);
  } finally {
    await node.stop();
  }
  if (node.restarts) ctx.results.notes.push(`bench_node died and was restarted ${node.restarts} time(s)`);

  const facts = machineFacts({ buildDir: o.buildDir, peersDir, peers: o.peers, sourceDir: SOURCE });
  const run = {
    facts,
    options: { reps: o.reps, smoke: o.smoke, jobs: o.jobs, only: o.only ? String(o.only) : null,
      peers: o.peers, sizes: ctx.sizes, seconds: Math.round((Date.now() - t0) / 1000) },
    clients: ['btq', ...o.peers],
    ...ctx.results.toJSON(),
  };
  writeOutputs(run, ctx.results, outDir, true);
  process.stdout.write(renderConsole(run, ctx.results));
  log(`wrote ${path.join(outDir, 'performance.md')}, performance-e2e.svg, performance.json (${run.options.seconds} s)`);

  // exit status
  const btqBad = ctx.results.failures.filter((f) => f.client === 'btq' || f.client === 'bare');
  const btqSkips = [];
  for (const [c, by] of Object.entries(ctx.results.skipped)) {
    for (const cl of ['btq', 'bare']) if (by[cl]) btqSkips.push({ case: c, client: cl, reason: `skipped: ${by[cl]}` });
  }
  if (o.smoke) {
    const bad = [...ctx.results.failures, ...btqSkips];
    if (bad.length) {
      for (const f of bad) log(`SMOKE FAILURE: ${f.case} (${f.client}): ${f.reason}`);
      process.exit(1);
    }
    log('smoke run: every case ran for every client');
  } else if (btqBad.length) {
    for (const f of btqBad) log(`FAILED: ${f.case} (${f.client}): ${f.reason}`);
    process.exit(1);
  }
}

main().catch((e) => {
  log(`internal error: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
