// Credit notes, measured (tests/bench/credit starts the stack and keeps the data set).
// Prints p50/p99 of the Server-Timing header for the review POST (the confirmation,
// nothing written) and the confirm POST (make, number, issue and apply the credit
// note in one transaction), and the rate of 10 parallel crediting clients with the
// credit series checked gap-free.
import { performance } from 'node:perf_hooks';
import { as, sql } from '../http/lib.mjs';

const N = +(process.env.BENCH_N || 200);
const PAR = 10, PER = +(process.env.BENCH_PER_CLIENT || 10);
const st = (r) => +((r.headers.get('server-timing') || '').match(/dur=([\d.]+)/) || [0, NaN])[1];
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)]; };
const field = (html, name) => (html.match(new RegExp(`name="${name}" value="([^"]*)"`)) || [])[1];

// open invoices nobody credited yet, with lines, newest first (a different one for every credit)
const want = N + PAR * PER;
const ids = sql(`SELECT i.id FROM invoices i WHERE i.status = 'open' AND i.kind = 'invoice'
  AND NOT EXISTS (SELECT 1 FROM invoices c WHERE c.credited_invoice_id = i.id)
  AND EXISTS (SELECT 1 FROM invoice_lines l WHERE l.invoice_id = i.id)
  ORDER BY i.id DESC LIMIT ${want}`).split('\n').filter(Boolean).map(Number);
if (ids.length < want) throw new Error(`only ${ids.length} open invoices to credit, ${want} wanted`);

// review: GET the form, POST it (full, or 1 of the first line); the confirmation's fields
async function review(c, id, full) {
  const g = await c.get(`/admin/invoices/${id}/credit`);
  if (g.status !== 200) throw new Error(`form ${id}: ${g.status}`);
  const pos = (g.text_.match(/name="q_(\d+)"/) || [])[1];
  const f = { csrf: field(g.text_, 'csrf'), once: field(g.text_, 'once'), row_version: field(g.text_, 'row_version'),
    reason: 'Bench credit' };
  if (full) f.full = '1'; else f[`q_${pos}`] = '1';
  const r = await c.post(`/admin/invoices/${id}/credit`, f);
  if (r.status !== 200) {
    // a line whose quantity is below 1: credit it in full instead
    if (!full) return review(c, id, true);
    throw new Error(`review ${id}: ${r.status}`);
  }
  return { ms: st(r), form: { ...f, row_version: field(r.text_, 'row_version'), confirm: '1' } };
}
async function confirm(c, id, form) {
  const r = await c.post(`/admin/invoices/${id}/credit`, form);
  if (r.status !== 303) throw new Error(`confirm ${id}: ${r.status}`);
  return st(r);
}

const c = await as('billing');
const rev = [], conf = [];
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  const r = await review(c, ids[i], i % 2 === 0);
  rev.push(r.ms);
  conf.push(await confirm(c, ids[i], r.form));
}
const wall = (performance.now() - t0) / N;
console.log(`credit note review (no write): p50 ${pct(rev, 50).toFixed(2)} ms, p99 ${pct(rev, 99).toFixed(2)} ms (server time, n=${N})`);
console.log(`credit note create+issue+apply: p50 ${pct(conf, 50).toFixed(2)} ms, p99 ${pct(conf, 99).toFixed(2)} ms (server time, n=${N}); ${wall.toFixed(1)} ms per form-review-confirm round at the client`);

// 10 parallel clients, PER credit notes each, on forms reviewed beforehand
const clients = [];
for (let w = 0; w < PAR; w++) clients.push(await as('billing'));
const jobs = [];
for (let w = 0; w < PAR; w++)
  for (let k = 0; k < PER; k++) {
    const id = ids[N + w * PER + k];
    jobs.push({ w, id, form: (await review(clients[w], id, true)).form });
  }
const year = sql(`SELECT YEAR(UTC_DATE())`);
const before = +sql(`SELECT COUNT(*) FROM invoices WHERE kind = 'credit' AND number LIKE 'CN-${year}-%'`);
const t1 = performance.now();
await Promise.all(clients.map(async (cl, w) => {
  for (const j of jobs.filter((x) => x.w === w)) await confirm(cl, j.id, j.form);
}));
const secs = (performance.now() - t1) / 1000;
const seqs = sql(`SELECT CAST(SUBSTRING_INDEX(number, '-', -1) AS UNSIGNED) FROM invoices WHERE kind = 'credit'
  AND number LIKE 'CN-${year}-%' ORDER BY 1`).split('\n').filter(Boolean).map(Number);
const gapFree = seqs.every((s, i) => s === i + 1);
console.log(`${PAR} parallel clients: ${(PAR * PER / secs).toFixed(1)} credit notes/s (${PAR * PER} in ${secs.toFixed(2)} s); `
  + `credit series ${year}: ${seqs.length} numbers (${seqs.length - before} by the parallel clients), ${gapFree ? 'gap-free' : 'GAPS'}`);
