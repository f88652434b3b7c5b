// The results page (docs/performance.md) and the console summary of one suite run.
import { direction } from './util.mjs';
import { human } from './svg.mjs';

const sig = (v, d = 3) => `${+v.toPrecision(d)}`;

export function fmt(metric, v) {
  if (v === undefined || v === null || !Number.isFinite(v)) return 'n/a';
  switch (metric) {
    case 'req_per_s':
    case 'accounts_per_s':
      return human(v);
    case 'ns':
      return v < 1e3 ? `${sig(v)} ns` : v < 1e6 ? `${sig(v / 1e3)} µs` : `${sig(v / 1e6)} ms`;
    case 'wall_ms':
    case 'cpu_ms':
    case 'connect_ms':
      return v < 10000 ? `${sig(v)} ms` : `${sig(v / 1000)} s`;
    case 'cpu_us_per_req':
      return `${sig(v)} µs`;
    default:
      if (/rss_kib/.test(metric)) return `${sig(v / 1024)} MiB`;
      return Number.isInteger(v) ? String(v) : sig(v);
  }
}

// How many times better btq is than the peer on this metric (> 1: btq ahead).
export function ratio(metric, btq, peer) {
  const d = direction(metric);
  if (!d || !(btq > 0) || !(peer > 0)) return undefined;
  return d > 0 ? btq / peer : peer / btq;
}
export const fmtRatio = (r) => (r === undefined ? '—' : `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`);
const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const short = (s, n = 70) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function table(head, rows) {
  const out = [`| ${head.join(' | ')} |`, `|${head.map((h, i) => (i < 2 ? '---' : '--:')).join('|')}|`];
  for (const r of rows) out.push(`| ${r.map(cell).join(' | ')} |`);
  return out.join('\n');
}

const KNOWN_CASES = {
  transport: ['transport.sequential', 'transport.pipelined.1', 'transport.pipelined.64', 'transport.pipelined.1024'],
  codec: ['codec.metadata_parse', 'codec.accountinfo_decode', 'codec.ss58_encode', 'codec.ss58_decode', 'codec.storage_key'],
  cold: ['cold.balance'],
  scale: ['scale.stream'],
};

const METRICS = {
  transport: ['req_per_s', 'cpu_us_per_req', 'rss_kib'],
  e2e: ['accounts_per_s', 'wall_ms', 'cpu_ms', 'rss_kib'],
  codec: ['ns'],
  cold: ['wall_ms', 'cpu_ms', 'rss_kib'],
  scale: ['req_per_s', 'rss_kib_start', 'rss_kib_end', 'fds_start', 'fds_end', 'inflight_end', 'lost', 'duplicated'],
};

function groupTable(run, R, cases, metrics) {
  const peers = run.clients.filter((c) => c !== 'btq');
  const head = ['case', 'metric', ...run.clients, ...peers.map((p) => `btq vs ${p}`)];
  const rows = [];
  for (const c of cases) {
    if (!run.clients.some((cl) => R.has(c, cl) || R.why(c, cl))) continue;
    const shown = new Set();
    const present = metrics.filter((m) => run.clients.some((cl) => R.get(c, cl, m) !== undefined));
    for (const m of present.length ? present : metrics.slice(0, 1)) {
      const row = [c, m];
      for (const cl of run.clients) {
        const v = R.get(c, cl, m);
        if (v !== undefined) row.push(fmt(m, v));
        else {
          const why = R.why(c, cl);
          row.push(why && !shown.has(cl) ? `n/a (${short(why)})` : 'n/a');
          shown.add(cl);
        }
      }
      for (const p of peers) row.push(fmtRatio(ratio(m, R.get(c, 'btq', m), R.get(c, p, m))));
      rows.push(row);
    }
  }
  return rows.length ? table(head, rows) : '_not run_';
}

const pct = (x) => (x === undefined ? 'n/a' : `${(x * 100).toFixed(0)} %`);

// The server's ceiling is the best of the bare client's runs, not their median: a ceiling is
// what the server can do at most, and the bare runs vary most with what else the machine does
// (so btq's share is never flattered by one slow ceiling run).
function ceilingOf(run, c) {
  const vs = run.results[c]?.bare?.req_per_s?.values ?? [];
  return vs.length ? Math.max(...vs) : undefined;
}

function ceilingTable(run, R) {
  const rows = [];
  const pairs = [['transport.sequential', 'transport.ceiling.sequential'],
    ['transport.pipelined.1', 'transport.ceiling.sequential'],
    ['transport.pipelined.64', 'transport.ceiling.pipelined'],
    ['transport.pipelined.1024', 'transport.ceiling.pipelined']];
  for (const [c, ceil] of pairs) {
    const top = ceilingOf(run, ceil);
    if (top === undefined && !run.clients.some((cl) => R.get(c, cl, 'req_per_s') !== undefined)) continue;
    const row = [c, `${fmt('req_per_s', top)} (${ceil.split('.').pop()})`];
    for (const cl of run.clients) {
      const v = R.get(c, cl, 'req_per_s');
      row.push(v !== undefined && top ? `${fmt('req_per_s', v)} = ${pct(v / top)}` : 'n/a');
    }
    rows.push(row);
  }
  return rows.length ? table(['case', 'server ceiling (bare client)', ...run.clients.map((c) => `${c}: req/s = share`)], rows) : '_not run_';
}

// The four targets of the issue; measured values are ratios (btq against the best peer).
export function targets(run, R) {
  const peers = run.clients.filter((c) => c !== 'btq');
  const out = [];
  const codec = (c, goal, label) => {
    const b = R.get(c, 'btq', 'ns');
    const ps = peers.map((p) => [p, R.get(c, p, 'ns')]).filter(([, v]) => v > 0).sort((x, y) => x[1] - y[1]);
    const best = ps[0];
    const r = b > 0 && best ? best[1] / b : undefined;
    out.push({ target: label, measured: r === undefined ? 'n/a' : `${fmtRatio(r)} (${fmt('ns', b)} vs ${best[0]} ${fmt('ns', best[1])})`,
      goal: `≥ ${goal}×`, pass: r === undefined ? undefined : r >= goal });
  };
  codec('codec.metadata_parse', 10, 'metadata parse, faster than the best peer');
  codec('codec.accountinfo_decode', 20, 'AccountInfo decode, faster than the best peer');
  const nMax = Math.max(...run.options.sizes.e2e);
  for (const mode of ['concurrent', 'batched']) {
    const c = `e2e.balances.${nMax}.${mode}`;
    const b = R.get(c, 'btq', 'accounts_per_s'), bRss = R.get(c, 'btq', 'rss_kib');
    const ps = peers.map((p) => [p, R.get(c, p, 'accounts_per_s'), R.get(c, p, 'rss_kib')])
      .filter(([, v]) => v > 0).sort((x, y) => y[1] - x[1]);
    const best = ps[0];
    const r = b > 0 && best ? b / best[1] : undefined;
    const m = bRss > 0 && best?.[2] > 0 ? best[2] / bRss : undefined;
    out.push({ target: `${nMax.toLocaleString('en-US')} balances (${mode}): throughput, and peak RSS, against the fastest peer`,
      measured: r === undefined ? 'n/a' : `${fmtRatio(r)} the accounts/s of ${best[0]} at 1/${m === undefined ? '?' : m.toFixed(1)} of its RSS (${fmt('rss_kib', bRss)} vs ${fmt('rss_kib', best[2])})`,
      goal: '≥ 20× at ≤ 1/10 RSS', pass: r === undefined || m === undefined ? undefined : r >= 20 && m >= 10 });
  }
  const p = R.get('transport.pipelined.1024', 'btq', 'req_per_s'), top = ceilingOf(run, 'transport.ceiling.pipelined');
  const share = p > 0 && top > 0 ? p / top : undefined;
  out.push({ target: "pipelined throughput (1024 in flight), share of the server's ceiling",
    measured: share === undefined ? 'n/a' : `${pct(share)} (${fmt('req_per_s', p)} of ${fmt('req_per_s', top)} req/s)`,
    goal: '≥ 50 %', pass: share === undefined ? undefined : share >= 0.5 });
  // scale: memory flat (after warm-up), no descriptor or request-slot leak, nothing lost
  const g = (m) => R.get('scale.stream', 'btq', m);
  const rs = g('rss_kib_start'), re = g('rss_kib_end');
  if (g('req_per_s') === undefined || !(rs > 0) || !(re > 0)) {
    out.push({ target: 'scale stream: memory flat, no leaks', measured: 'n/a', goal: '', pass: undefined });
  } else {
    const growth = (re - rs) / rs;
    const ok = growth <= 0.1 && g('fds_end') <= g('fds_start') && g('inflight_end') === 0 && g('lost') === 0 &&
      g('duplicated') === 0;
    out.push({ target: `scale stream (${run.options.sizes.stream.toLocaleString('en-US')} queries, one connection): memory flat, no leaks`,
      measured: `RSS ${fmt('rss_kib', rs)} → ${fmt('rss_kib', re)} (${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)} %), ` +
        `descriptors ${g('fds_start')} → ${g('fds_end')}, in flight at the end ${g('inflight_end')}, lost ${g('lost')}, duplicated ${g('duplicated')}`,
      goal: 'RSS +≤ 10 %, descriptors back to start, 0 in flight / lost / duplicated', pass: ok });
  }
  return out;
}

function targetTable(run, R) {
  const rows = targets(run, R).map((t) => [t.target, t.measured, t.goal, t.pass === undefined ? 'n/a' : t.pass ? 'pass' : 'miss']);
  return table(['target', 'measured', 'goal', 'result'], rows).replace('|---|---|--:|--:|', '|---|---|---|---|');
}

function scaleSection(run, R) {
  const lines = [];
  for (const cl of run.clients) {
    const g = (m) => R.get('scale.stream', cl, m);
    if (g('req_per_s') === undefined) continue;
    const rs = g('rss_kib_start'), re = g('rss_kib_end');
    const growth = rs > 0 && re > 0 ? `${re >= rs ? '+' : ''}${(((re - rs) / rs) * 100).toFixed(1)} %` : 'n/a';
    lines.push(`- **${cl}**: ${fmt('req_per_s', g('req_per_s'))} req/s; RSS ${fmt('rss_kib', rs)} → ${fmt('rss_kib', re)} (${growth}); ` +
      `descriptors ${g('fds_start') ?? 'n/a'} → ${g('fds_end') ?? 'n/a'}; in flight at the end ${g('inflight_end') ?? 'n/a'}; ` +
      `lost ${g('lost') ?? 'n/a'}, duplicated ${g('duplicated') ?? 'n/a'}.`);
  }
  const series = run.series?.['scale.stream']?.btq;
  if (Array.isArray(series) && series.length > 1) {
    const step = Math.max(1, Math.ceil(series.length / 12));
    const pick = series.filter((_, i) => i % step === 0 || i === series.length - 1);
    const rows = [];
    let prev = [0, 0];
    for (const s of pick) {
      const [t, done, rss, fds] = s;
      const rate = t > prev[0] ? (done - prev[1]) / (t - prev[0]) : undefined;
      rows.push([String(t), String(done), fmt('req_per_s', rate), fmt('rss_kib', rss), String(fds)]);
      prev = [t, done];
    }
    lines.push('', 'btq over time (one run):', '', table(['t (s)', 'answered', 'req/s in the interval', 'RSS', 'descriptors'], rows));
  }
  return lines.join('\n');
}

function machineTable(run) {
  const f = run.facts;
  const rows = [['date (UTC)', f.date], ['commit', `${f.commit}${f.dirty ? ' (with local changes)' : ''}`],
    ['CPU', `${f.cpu}, ${f.cores} cores`], ['RAM', `${f.ram_gib} GiB`], ['kernel', f.kernel],
    ['btq build', f.build], ['gcc', f.gcc], ['clang', f.clang], ['libwebsockets', f.libwebsockets.replace(/-$/, '')],
    ['node', f.node], ...Object.entries(f.peers).map(([p, v]) => [p, v])];
  return table(['', ''], rows).replace('|---|---|', '|---|---|');
}

function sections(run, R, { chart }) {
  const s = [];
  s.push('## Targets', '', targetTable(run, R), '');
  s.push("## Transport (chain_getHead) and the server's ceiling", '', groupTable(run, R, KNOWN_CASES.transport,
    METRICS.transport), '');
  s.push("Share of the server's own ceiling (a bare raw-socket client writing pre-built frames, same run; the best of its runs):", '', ceilingTable(run, R), '');
  s.push('## End to end: balances of N distinct accounts pinned to one block', '');
  if (chart) s.push('![accounts per second and peak RSS of each client](performance-e2e.svg)', '');
  const e2eCases = [];
  for (const n of run.options.sizes.e2e) for (const m of ['concurrent', 'batched']) e2eCases.push(`e2e.balances.${n}.${m}`);
  s.push(groupTable(run, R, e2eCases, METRICS.e2e), '');
  s.push('## Codec', '', groupTable(run, R, KNOWN_CASES.codec, METRICS.codec), '');
  s.push('## Cold start: one `balance` process from exec to exit, no metadata cache', '',
    groupTable(run, R, ['cold.balance'], METRICS.cold), '');
  const n = run.options.sizes.stream;
  s.push(`## Scale: ${n.toLocaleString('en-US')} balance queries through one connection`, '',
    groupTable(run, R, ['scale.stream'], METRICS.scale), '', scaleSection(run, R), '');
  // whatever else the programs printed (btq's extra codec figures, the peers' connect time…)
  const known = new Set([...Object.values(KNOWN_CASES).flat(), ...e2eCases]);
  const other = Object.keys(run.results).filter((c) => !known.has(c) && !c.startsWith('transport.ceiling.')).sort();
  if (other.length) {
    const ms = [...new Set(other.flatMap((c) => Object.values(run.results[c]).flatMap((b) => Object.keys(b))))];
    s.push('## Other figures the programs printed', '', groupTable(run, R, other, ms), '');
  }
  if (run.failures.length || run.notes.length) {
    s.push('## Problems in this run', '');
    for (const f of run.failures) s.push(`- ${f.case} (${f.client}): ${f.reason}`);
    for (const nt of run.notes) s.push(`- ${nt}`);
    s.push('');
  }
  return s;
}

export function renderPage(run, R) {
  const o = run.options;
  const head = [
    '# Performance',
    '',
    '<!-- Generated by bench/suite.mjs: do not edit by hand; rerun the suite instead. -->',
    '',
    o.smoke ? '**Smoke run (tiny N, one run): these numbers are not measurements.**\n' : '',
    `btq beside the JavaScript clients ${run.clients.filter((c) => c !== 'btq').join(', ') || '(none in this run)'}, ` +
      'on the same machine in the same run, against the same mock node (`bench_node`: the real finney ' +
      'spec-393 V15 metadata and the bench accounts of [bench/README.md](../bench/README.md)). ' +
      `Every figure is the median of ${o.reps} run${o.reps > 1 ? 's' : ''}; each end-to-end and cold-start run is a fresh ` +
      'process, so its peak RSS is its own (whole process: Node itself for the peers). ' +
      '**btq vs X** is how many times better btq is (X / btq for times and memory, btq / X for rates): above 1× btq is ahead. ' +
      `Sizes: transport ${o.sizes.seq.toLocaleString('en-US')} sequential and ${o.sizes.pipe.toLocaleString('en-US')} pipelined requests ` +
      `(pipelined.1: ${o.sizes.pipe1.toLocaleString('en-US')}); scale: btq ${o.sizes.stream.toLocaleString('en-US')} queries, ` +
      `the peers ${o.sizes.streamPeer.toLocaleString('en-US')}. A peer runs its transport and codec repetitions inside one ` +
      'process (after a warm-up), every other figure comes from separate processes. ' +
      `The suite ran for ${o.seconds < 120 ? `${o.seconds} s` : `${Math.round(o.seconds / 60)} min`}` +
      `${o.jobs > 1 ? `, ${o.jobs} processes at a time (so the timings are not comparable)` : ''}.`,
    '',
    'Regenerate (Release build, pinned peers from npm into `~/.cache/btq/bench-peers`, then this page, ' +
      'the chart and `performance.json`):',
    '',
    '```sh',
    './tools/bench.sh                              # or: cmake --build build/release --target bench',
    './tools/bench.sh --only "e2e|cold" --reps 3   # a subset',
    '```',
    '',
    '## Machine',
    '',
    machineTable(run),
    '',
  ];
  return [...head, ...sections(run, R, { chart: true })].join('\n').replace(/\n{3,}/g, '\n\n');
}

export function renderConsole(run, R) {
  return `\n${sections(run, R, { chart: false }).join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}
