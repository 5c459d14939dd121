// The draft editor and issuing, measured (tests/bench/editor starts the stack).
// Prints p50/p99 of the Server-Timing header for saving a 20-line draft and for
// issuing it, and the rate of 20 parallel issuers (numbers checked gap-free).
import { performance } from 'node:perf_hooks';
import { as, sql } from '../http/lib.mjs';

const N = +(process.env.BENCH_N || 100);
const PAR = 20, PER = +(process.env.BENCH_PER_ISSUER || 5);
const st = (r) => +((r.headers.get('server-timing') || '').match(/dur=([\d.]+)/) || [0, NaN])[1];
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)]; };
const keys = (html) => ({
  csrf: html.match(/name="csrf" value="([0-9a-f]{64})"/)[1],
  once: html.match(/name="once" value="([0-9a-f]{64})"/)[1],
  row_version: (html.match(/name="row_version" value="(\d+)"/) || [])[1],
});

const c = await as('billing');
const cust = sql(`SELECT id FROM customers WHERE active = 1 AND currency = 'EUR' ORDER BY id LIMIT 1`);
const lines = {};
for (let i = 1; i <= 20; i++) {
  Object.assign(lines, { [`l${i}_description`]: `Bench line ${i} managed service`, [`l${i}_quantity`]: String(i),
    [`l${i}_unit_price`]: `${i}.${String(i * 37 % 1000).padStart(3, '0')}5`, [`l${i}_tax_rate`]: i % 3 ? '19' : '7',
    [`l${i}_unit_code`]: 'C62', [`l${i}_period_start`]: '2026-11-01', [`l${i}_period_end`]: '2026-11-30' });
}

async function saveDraft() {
  const k = keys((await c.get('/admin/invoices/new')).text_);
  const r = await c.post('/admin/invoices/new', { csrf: k.csrf, once: k.once, rows: '21', customer: cust,
    invoice_date: '2026-12-01', tax_rounding: 'line', ...lines });
  if (r.status !== 303) throw new Error(`save: ${r.status}`);
  return { id: +r.headers.get('location').match(/\/invoices\/(\d+)/)[1], ms: st(r) };
}
async function issueForm(id, cl = c) {
  return keys((await cl.get(`/admin/invoices/${id}/issue`)).text_);
}
async function issue(id, k, cl = c) {
  const r = await cl.post(`/admin/invoices/${id}/issue`, { csrf: k.csrf, once: k.once, row_version: k.row_version, notify: '1' });
  if (r.status !== 303) throw new Error(`issue ${id}: ${r.status}`);
  return st(r);
}

const save = [], iss = [];
for (let i = 0; i < N; i++) {
  const d = await saveDraft();
  save.push(d.ms);
  iss.push(await issue(d.id, await issueForm(d.id)));
}
console.log(`20-line draft save: p50 ${pct(save, 50).toFixed(2)} ms, p99 ${pct(save, 99).toFixed(2)} ms (server time, n=${N})`);
console.log(`issue:              p50 ${pct(iss, 50).toFixed(2)} ms, p99 ${pct(iss, 99).toFixed(2)} ms (server time, n=${N})`);

// 20 parallel issuers (each signed in on its own), PER issues each, on prepared 20-line drafts
const workers = [];
for (let w = 0; w < PAR; w++) workers.push(await as('billing'));
const drafts = [];
for (let i = 0; i < PAR * PER; i++) {
  const d = await saveDraft();
  drafts.push({ id: d.id, k: await issueForm(d.id, workers[Math.floor(i / PER)]) });
}
const ids = drafts.map((d) => d.id);
const t0 = performance.now();
await Promise.all(Array.from({ length: PAR }, async (_, w) => {
  for (let j = 0; j < PER; j++) { const d = drafts[w * PER + j]; await issue(d.id, d.k, workers[w]); }
}));
const secs = (performance.now() - t0) / 1000;
const seqs = sql(`SELECT number FROM invoices WHERE id IN (${ids.join(',')})`).split('\n').map((s) => +s.split('-').pop()).sort((a, b) => a - b);
const gapFree = new Set(seqs).size === seqs.length && seqs.every((s, i) => i === 0 || s === seqs[i - 1] + 1);
console.log(`${PAR} parallel issuers: ${(ids.length / secs).toFixed(0)} issues/s (${ids.length} in ${secs.toFixed(2)} s), numbers ${gapFree ? 'consecutive, no duplicate' : 'NOT gap-free'}`);
