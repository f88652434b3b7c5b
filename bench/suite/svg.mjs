// The end-to-end chart: grouped bars of accounts/s and peak RSS per client, for each
// balances case (N accounts, concurrent / batched). Hand-made SVG, no dependencies.

export const COLORS = {
  btq: '#1f77b4',
  'polkadot-js': '#e6550d',
  dedot: '#31a354',
  'polkadot-api': '#756bb1',
};
const FALLBACK = ['#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];

export function human(v, digits = 3) {
  if (v === undefined || v === null || !Number.isFinite(v)) return 'n/a';
  const a = Math.abs(v);
  const fmt = (x, s) => `${+x.toPrecision(digits)}${s}`;
  if (a >= 1e9) return fmt(v / 1e9, 'G');
  if (a >= 1e6) return fmt(v / 1e6, 'M');
  if (a >= 1e4) return fmt(v / 1e3, 'k');
  if (a >= 100) return String(Math.round(v));
  return `${+v.toPrecision(digits)}`;
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// panel: {title, groups: [label], clients: [name], value(group, client) -> number|undefined,
//         fmt(v) -> label}; draws at (x, y) with size (w, h); returns SVG elements.
function panel({ title, groups, clients, value, fmt }, x, y, w, h) {
  const el = [];
  const vals = [];
  for (const g of groups) for (const c of clients) {
    const v = value(g, c);
    if (v > 0) vals.push(v);
  }
  const top = 34, bottom = 42, left = 64, right = 10;
  const pw = w - left - right, ph = h - top - bottom;
  const x0 = x + left, y0 = y + top + ph;
  el.push(`<text x="${x + w / 2}" y="${y + 18}" class="title">${esc(title)}</text>`);
  let lo = 1, hi = 10, log = true;
  if (vals.length) {
    const mn = Math.min(...vals), mx = Math.max(...vals);
    log = mx / mn > 20;
    if (log) {
      lo = 10 ** Math.floor(Math.log10(mn));
      hi = 10 ** Math.ceil(Math.log10(mx));
      if (hi === lo) hi = lo * 10;
    } else {
      lo = 0;
      const step = 10 ** Math.floor(Math.log10(mx));
      hi = Math.ceil((mx * 1.1) / step) * step;
    }
  }
  const yOf = (v) => log
    ? y0 - ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * ph
    : y0 - ((v - lo) / (hi - lo)) * ph;
  // grid + axis labels
  const ticks = [];
  if (log) for (let t = lo; t <= hi * 1.0001; t *= 10) ticks.push(t);
  else for (let i = 0; i <= 5; i++) ticks.push(lo + ((hi - lo) * i) / 5);
  for (const t of ticks) {
    const ty = yOf(t);
    el.push(`<line x1="${x0}" y1="${ty.toFixed(1)}" x2="${x0 + pw}" y2="${ty.toFixed(1)}" class="grid"/>`);
    el.push(`<text x="${x0 - 6}" y="${(ty + 4).toFixed(1)}" class="tick">${esc(human(t))}</text>`);
  }
  el.push(`<text x="${x + 14}" y="${y + top + ph / 2}" class="axis" transform="rotate(-90 ${x + 14} ${y + top + ph / 2})">${log ? 'log scale' : 'linear scale'}</text>`);
  el.push(`<line x1="${x0}" y1="${y0}" x2="${x0 + pw}" y2="${y0}" class="axisline"/>`);
  const gw = pw / Math.max(1, groups.length);
  const bw = Math.min(44, (gw * 0.84) / Math.max(1, clients.length));
  groups.forEach((g, gi) => {
    const gx = x0 + gi * gw + (gw - bw * clients.length) / 2;
    clients.forEach((c, ci) => {
      const v = value(g, c);
      const bx = gx + ci * bw;
      if (v > 0) {
        const by = Math.min(y0 - 1, yOf(Math.max(v, lo)));
        el.push(`<rect x="${(bx + 1).toFixed(1)}" y="${by.toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${(y0 - by).toFixed(1)}" fill="${color(c, clients)}"><title>${esc(`${c}, ${g}: ${fmt(v)}`)}</title></rect>`);
        el.push(`<text x="${(bx + bw / 2).toFixed(1)}" y="${(by - 4).toFixed(1)}" class="val">${esc(fmt(v))}</text>`);
      } else {
        el.push(`<text x="${(bx + bw / 2).toFixed(1)}" y="${y0 - 4}" class="val na">n/a</text>`);
      }
    });
    el.push(`<text x="${(x0 + gi * gw + gw / 2).toFixed(1)}" y="${y0 + 18}" class="group">${esc(g)}</text>`);
  });
  return el;
}

function color(c, clients) {
  return COLORS[c] ?? FALLBACK[clients.indexOf(c) % FALLBACK.length];
}

// groups: [{label, case}], clients: [name], get(case, client, metric) -> median or undefined
export function e2eChart({ groups, clients, get, subtitle }) {
  const W = 980, PH = 330;
  const labels = groups.map((g) => g.label);
  const byLabel = Object.fromEntries(groups.map((g) => [g.label, g.case]));
  const el = [];
  el.push(`<text x="${W / 2}" y="24" class="head">btq and the JavaScript clients: balances of N accounts pinned to one block</text>`);
  if (subtitle) el.push(`<text x="${W / 2}" y="42" class="sub">${esc(subtitle)}</text>`);
  // legend
  let lx = 70;
  for (const c of clients) {
    el.push(`<rect x="${lx}" y="54" width="14" height="14" fill="${color(c, clients)}"/>`);
    el.push(`<text x="${lx + 19}" y="66" class="legend">${esc(c)}</text>`);
    lx += 30 + c.length * 8;
  }
  el.push(...panel({
    title: 'accounts per second (higher is better)', groups: labels, clients,
    value: (g, c) => get(byLabel[g], c, 'accounts_per_s'), fmt: (v) => human(v),
  }, 0, 76, W, PH));
  el.push(...panel({
    title: 'peak RSS of the whole process, MiB (lower is better)', groups: labels, clients,
    value: (g, c) => { const k = get(byLabel[g], c, 'rss_kib'); return k > 0 ? k / 1024 : undefined; },
    fmt: (v) => human(v),
  }, 0, 76 + PH, W, PH));
  const H = 76 + 2 * PH + 8;
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
<style>
.head{font-size:16px;font-weight:bold;text-anchor:middle;fill:#222}
.sub{font-size:11px;text-anchor:middle;fill:#555}
.title{font-size:13px;font-weight:bold;text-anchor:middle;fill:#333}
.tick{font-size:10px;text-anchor:end;fill:#555}
.axis{font-size:10px;text-anchor:middle;fill:#777}
.group{font-size:12px;text-anchor:middle;fill:#222}
.val{font-size:9.5px;text-anchor:middle;fill:#222}
.na{fill:#999}
.legend{font-size:12px;fill:#222}
.grid{stroke:#e3e3e3;stroke-width:1}
.axisline{stroke:#888;stroke-width:1}
</style>
<rect width="100%" height="100%" fill="#fff"/>
${el.join('\n')}
</svg>
`;
}
