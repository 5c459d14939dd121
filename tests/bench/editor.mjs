// Issue 10's speed budgets, measured (tests/bench/editor starts a stack, or
// tests/bench/run points it at the 1M data set). Prints, asserting nothing:
//   saving a 20-line draft (new, and an existing one re-saved), issuing it:
//     p50/p99/max of the Server-Timing header (server time)
//   a randomised section (fixed seed): line counts 1..20, customers and their
//     currencies, package and typed lines, tax rates and rounding modes, dates,
//     periods, re-saves that add, drop and change lines; p50/p99/max and the
//     worst case with its parameters
//   the dashboard /admin recomputed (its memo missed on purpose by moving the
//     totals version, as any change does) and cached
//   20 parallel issuers: issues/s; the numbers checked with SQL afterwards
//     (the whole series of the year: no gap, no duplicate, the sequence row
//     one past the last) and the lock behaviour of the run (InnoDB row lock
//     waits and time, deadlocks, lock wait timeouts; which rows were waited
//     for, sampled from information_schema in a second, diagnostic run, and
//     in a third with half the clients saving new drafts meanwhile: the
//     list's sums rows and their version row are shared with the savers)
//   the list's sums, the VAT breakdowns and the search terms of every invoice
//     written here checked against SQL truth at the end
// BENCH_N (100) fixed samples each, BENCH_RANDOM (200) random cases,
// BENCH_SEED (10), BENCH_PER_ISSUER (10) issues per parallel issuer,
// BENCH_DASH_N (200) dashboard samples.
import { performance } from 'node:perf_hooks';
import { loadavg, cpus } from 'node:os';
import { execFile, execFileSync } from 'node:child_process';
import { as, sql } from '../http/lib.mjs';

const N = +(process.env.BENCH_N || 100);
const R = +(process.env.BENCH_RANDOM || 200);
const SEED = +(process.env.BENCH_SEED || 10);
const PAR = 20, PER = +(process.env.BENCH_PER_ISSUER || 10);
const DASH_N = +(process.env.BENCH_DASH_N || 200);

const st = (r) => +((r.headers.get('server-timing') || '').match(/dur=([\d.]+)/) || [0, NaN])[1];
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p / 100 * s.length) - 1))]; };
const stats = (a) => `p50 ${pct(a, 50).toFixed(2)} ms, p99 ${pct(a, 99).toFixed(2)} ms, max ${Math.max(...a).toFixed(2)} ms (server time, n=${a.length})`;
const keys = (html) => ({
  csrf: html.match(/name="csrf" value="([0-9a-f]{64})"/)[1],
  once: html.match(/name="once" value="([0-9a-f]{64})"/)[1],
  row_version: (html.match(/name="row_version" value="(\d+)"/) || [])[1],
});
function rng(seed) {   // mulberry32: the same cases on every run
  let a = seed >>> 0;
  return () => { a = (a + 0x6D2B79F5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}
const ymd = (d) => d.toISOString().slice(0, 10);
const today = new Date();

const c = await as('billing');
const created = [];
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`load average at the start: ${load()} (${cpus().length} CPUs; the machine is shared: p99 and max follow the load)`);

// ---------- the fixed 20-line draft ----------
const cust = sql(`SELECT id FROM customers WHERE active = 1 AND currency = 'EUR' ORDER BY id LIMIT 1`);
const fixedLines = {};
for (let i = 1; i <= 20; i++) {
  Object.assign(fixedLines, { [`l${i}_description`]: `Bench line ${i} managed service`, [`l${i}_quantity`]: String(i),
    [`l${i}_unit_price`]: `${i}.${String(i * 37 % 1000).padStart(3, '0')}5`, [`l${i}_tax_rate`]: i % 3 ? '19' : '7',
    [`l${i}_unit_code`]: 'C62', [`l${i}_period_start`]: '2026-11-01', [`l${i}_period_end`]: '2026-11-30' });
}
const fixedHead = { rows: '21', customer: cust, invoice_date: ymd(today), tax_rounding: 'line' };

async function saveNew(form, cl = c) {
  const k = keys((await cl.get('/admin/invoices/new')).text_);
  const r = await cl.post('/admin/invoices/new', { csrf: k.csrf, once: k.once, ...form });
  if (r.status !== 303) throw new Error(`save: ${r.status} ${r.text_.slice(0, 300)}`);
  const id = +r.headers.get('location').match(/\/invoices\/(\d+)/)[1];
  created.push(id);
  return { id, ms: st(r) };
}
async function saveEdit(id, form) {
  const k = keys((await c.get(`/admin/invoices/${id}/edit`)).text_);
  const r = await c.post(`/admin/invoices/${id}/edit`, { csrf: k.csrf, once: k.once, row_version: k.row_version, ...form });
  if (r.status !== 303) throw new Error(`re-save ${id}: ${r.status} ${r.text_.slice(0, 300)}`);
  return st(r);
}
const issueForm = async (id, cl = c) => keys((await cl.get(`/admin/invoices/${id}/issue`)).text_);
async function issue(id, k, cl = c) {
  const r = await cl.post(`/admin/invoices/${id}/issue`, { csrf: k.csrf, once: k.once, row_version: k.row_version, notify: '1' });
  if (r.status !== 303) throw new Error(`issue ${id}: ${r.status}`);
  return st(r);
}

for (let i = 0; i < 3; i++) { const d = await saveNew({ ...fixedHead, ...fixedLines }); await issue(d.id, await issueForm(d.id)); }   // warm-up
const save = [], resave = [], iss = [];
for (let i = 0; i < N; i++) {
  const d = await saveNew({ ...fixedHead, ...fixedLines });
  save.push(d.ms);
  // the same draft re-saved with 3 lines changed (quantity, description, price)
  const changed = { ...fixedLines, l2_quantity: String(i + 3), l9_description: `Bench line 9 changed ${i}`, l15_unit_price: `${i + 1}.5` };
  resave.push(await saveEdit(d.id, { ...fixedHead, ...changed }));
  iss.push(await issue(d.id, await issueForm(d.id)));
}
console.log(`20-line draft save (new):      ${stats(save)}`);
console.log(`20-line draft re-save (edit):  ${stats(resave)}`);
console.log(`issue (20-line draft):         ${stats(iss)}`);

// ---------- randomised: the parameters drawn from a fixed seed ----------
const rand = rng(SEED);
const pick = (a) => a[Math.floor(rand() * a.length)];
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const customers = sql(`SELECT id, currency FROM customers WHERE active = 1 ORDER BY id LIMIT 300`).split('\n').map((l) => l.split('\t'));
const packages = {};
for (const [id, cur] of sql(`SELECT id, currency FROM packages WHERE active = 1`).split('\n').filter(Boolean).map((l) => l.split('\t')))
  (packages[cur] = packages[cur] || []).push(id);
const words = ['Cloud', 'hosting', 'backup', 'storage', 'Łódź', 'Øresund', 'Straße', 'support', 'fibre', 'transit',
  'licence', 'consulting', 'monitoring', 'bandwidth', 'domain', 'certificate', 'migration', 'Ærospace', 'rack', 'power'];
const rates = ['0', '5', '5.5', '7', '8.1', '19', '20', '21'];
const decimal = (maxInt, places) => `${int(0, maxInt)}${places ? '.' + String(int(0, 10 ** places - 1)).padStart(places, '0') : ''}`;
function randomLine(cur) {
  const l = {};
  const pk = packages[cur] && rand() < 0.3 ? pick(packages[cur]) : null;
  if (pk) {
    l.package = pk;   // the package fills what is left blank, on the server
    if (rand() < 0.5) l.quantity = decimal(50, int(0, 6));
    if (rand() < 0.3) l.unit_price = decimal(500, int(0, 6));
  } else {
    l.description = Array.from({ length: int(1, 8) }, () => pick(words)).join(' ') + ` #${int(1, 99999)}`;
    l.quantity = decimal(100, int(0, 6));
    l.unit_price = decimal(2000, int(0, 6));
    l.tax_rate = pick(rates);
    if (rand() < 0.5) l.tax_description = `VAT ${l.tax_rate}%`;
  }
  l.unit_code = pick(['C62', 'HUR', 'MON', 'GB']);
  if (rand() < 0.5) {
    const s = new Date(today.getTime() - int(0, 90) * 864e5);
    l.period_start = ymd(s); l.period_end = ymd(new Date(s.getTime() + int(0, 40) * 864e5));
  }
  return l;
}
const toForm = (head, lines) => {
  const f = { ...head, rows: String(lines.length) };
  lines.forEach((l, i) => { for (const [k, v] of Object.entries(l)) f[`l${i + 1}_${k}`] = v; });
  return f;
};
const rsave = [], rresave = [], riss = [];
const worst = { save: [0, ''], resave: [0, ''], issue: [0, ''] };
const note = (what, ms, desc) => { if (ms > worst[what][0]) worst[what] = [ms, desc]; };
for (let i = 0; i < R; i++) {
  const [cid, cur] = pick(customers);
  const n = int(1, 20);
  const lines = Array.from({ length: n }, () => randomLine(cur));
  const head = { customer: cid, tax_rounding: rand() < 0.7 ? 'line' : 'document' };
  if (rand() < 0.7) head.invoice_date = ymd(new Date(today.getTime() - int(0, 60) * 864e5));
  if (rand() < 0.2) head.notes = `Bench note ${i}`;
  const desc = `case ${i}: ${n} lines (${lines.filter((l) => l.package).length} from packages), customer ${cid} ${cur}, ${head.tax_rounding} rounding`;
  const d = await saveNew(toForm(head, lines));
  rsave.push(d.ms); note('save', d.ms, desc);
  if (rand() < 0.5) {
    // re-save: some lines changed, some dropped, some added (still 1..20)
    const next = lines.map((l) => (rand() < 0.3 ? randomLine(cur) : l)).filter(() => rand() < 0.85);
    while (next.length < 1 || (next.length < 20 && rand() < 0.3)) next.push(randomLine(cur));
    const ms = await saveEdit(d.id, toForm(head, next.slice(0, 20)));
    rresave.push(ms); note('resave', ms, `${desc}, re-saved with ${Math.min(next.length, 20)} lines`);
  }
  const ms = await issue(d.id, await issueForm(d.id));
  riss.push(ms); note('issue', ms, desc);
}
console.log(`randomised (seed ${SEED}, ${R} cases):`);
console.log(`  save (new):     ${stats(rsave)}; worst ${worst.save[0].toFixed(2)} ms: ${worst.save[1]}`);
if (rresave.length) console.log(`  re-save (edit): ${stats(rresave)}; worst ${worst.resave[0].toFixed(2)} ms: ${worst.resave[1]}`);
console.log(`  issue:          ${stats(riss)}; worst ${worst.issue[0].toFixed(2)} ms: ${worst.issue[1]}`);

// ---------- the dashboard: recomputed (memo missed) and cached ----------
const admin = await as('admin');
for (let i = 0; i < 3; i++) await admin.get('/admin');
const dashMiss = [], dashHit = [];
for (let i = 0; i < DASH_N; i++) {
  sql(`UPDATE invoice_totals_version SET v = v + 1 WHERE id = 1`);   // what any change does: every worker's memo misses
  const r = await admin.get('/admin');
  if (r.status !== 200) throw new Error(`/admin: ${r.status}`);
  dashMiss.push(st(r));
}
for (let i = 0; i < DASH_N; i++) dashHit.push(st(await admin.get('/admin')));
console.log(`dashboard /admin recomputed:   ${stats(dashMiss)}`);
console.log(`dashboard /admin cached:       ${stats(dashHit)}`);

// ---------- 20 parallel issuers ----------
const year = today.getUTCFullYear();
// the lock counters and lock waits need the PROCESS privilege: the stack's root (socket login)
// (a stack made by another user than root: the counters are missing, shown as NaN)
const sqlRoot = (q) => { try { return execFileSync('mariadb', ['--no-defaults', `--socket=${process.env.STACK_DIR}/run/mysqld.sock`, '-uroot',
  '-N', '-B', 'invoice', '-e', q], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return ''; } };
const status = () => Object.fromEntries(sqlRoot(`SELECT variable_name, variable_value FROM information_schema.global_status
  WHERE variable_name IN ('INNODB_ROW_LOCK_WAITS', 'INNODB_ROW_LOCK_TIME', 'INNODB_DEADLOCKS')
  UNION ALL SELECT UPPER(name), count FROM information_schema.innodb_metrics WHERE name = 'lock_timeouts'`)
  .split('\n').map((l) => l.split('\t')).map(([k, v]) => [k, +v]));
const workers = [];
for (let w = 0; w < PAR; w++) workers.push(await as('billing'));
const sqlAsync = (q) => new Promise((resolve) => execFile('mariadb', ['--no-defaults', `--socket=${process.env.STACK_DIR}/run/mysqld.sock`,
  '-uroot', '-N', '-B', 'invoice', '-e', q], { encoding: 'utf8' }, (err, out) => resolve(err ? '' : out.trim())));

// issuers (PAR - savers of them) each issue PER prepared drafts; savers each save PER new 20-line drafts at the same time
async function parallelRun(label, sample, savers = 0) {
  const issuers = PAR - savers;
  const drafts = [];
  for (let i = 0; i < issuers * PER; i++) {
    const d = await saveNew({ ...fixedHead, ...fixedLines }, workers[Math.floor(i / PER)]);
    drafts.push({ id: d.id, k: await issueForm(d.id, workers[Math.floor(i / PER)]) });
  }
  const ids = drafts.map((d) => d.id);
  const before = status();
  const waited = new Map();
  let done = false, samples = 0;
  const sampler = sample && (async () => {
    while (!done) {
      const out = await sqlAsync(`SELECT CONCAT(l.lock_table, ' ', l.lock_index, ' ', l.lock_data) FROM information_schema.innodb_lock_waits w
        JOIN information_schema.innodb_locks l ON l.lock_id = w.requested_lock_id`);
      samples++;
      for (const k of out.split('\n').filter(Boolean)) waited.set(k, (waited.get(k) || 0) + 1);
    }
  })();
  const t0 = performance.now();
  const times = [], saveTimes = [];
  let tIssued = t0, tSaved = t0;
  await Promise.all([
    ...Array.from({ length: issuers }, async (_, w) => {
      for (let j = 0; j < PER; j++) { const d = drafts[w * PER + j]; times.push(await issue(d.id, d.k, workers[w])); }
      tIssued = Math.max(tIssued, performance.now());
    }),
    ...Array.from({ length: savers }, async (_, w) => {
      for (let j = 0; j < PER; j++) saveTimes.push((await saveNew({ ...fixedHead, ...fixedLines }, workers[issuers + w])).ms);
      tSaved = Math.max(tSaved, performance.now());
    }),
  ]);
  const secs = (tIssued - t0) / 1000;
  done = true;
  if (sampler) await sampler;
  const after = status();
  const seqs = sql(`SELECT number FROM invoices WHERE id IN (${ids.join(',')})`).split('\n').map((s) => +s.split('-').pop()).sort((a, b) => a - b);
  const ours = new Set(seqs).size === seqs.length && seqs.every((s, i) => i === 0 || s === seqs[i - 1] + 1);
  const d = (k) => after[k] - before[k];
  console.log(`${label}: ${(ids.length / secs).toFixed(0)} issues/s (${ids.length} in ${secs.toFixed(2)} s), per issue ${stats(times)}`);
  if (savers) console.log(`  alongside: ${(saveTimes.length / ((tSaved - t0) / 1000)).toFixed(0)} draft saves/s (GET form + POST each), per save ${stats(saveTimes)}`);
  console.log(`  their numbers ${ours ? 'consecutive, no duplicate' : 'NOT consecutive or duplicated'}; InnoDB row lock waits ${d('INNODB_ROW_LOCK_WAITS')}`
    + ` (${d('INNODB_ROW_LOCK_TIME')} ms waited in all), deadlocks ${d('INNODB_DEADLOCKS')}, lock wait timeouts ${d('LOCK_TIMEOUTS')}`
    + ' (each a transaction run again by db_tx)');
  if (sample) {
    const top = [...waited].sort((a, b) => b[1] - a[1]).slice(0, 8);
    console.log(`  rows waited for (${samples} samples of information_schema.innodb_lock_waits during the run):`);
    for (const [k, n] of top) console.log(`    ${String(n).padStart(4)}  ${k}`);
    if (!top.length) console.log('    none seen');
  }
}
await parallelRun(`${PAR} parallel issuers`, false);
await parallelRun(`${PAR} parallel issuers, diagnostic run (lock waits sampled)`, true);
await parallelRun(`${PAR / 2} issuers with ${PAR / 2} clients saving drafts, diagnostic run (lock waits sampled)`, true, PAR / 2);
// the whole series of the year, with SQL: no gap, no duplicate, the sequence row one past the last
const prefix = sql(`SELECT SUBSTRING_INDEX(number, '-', 1) FROM invoices WHERE id IN (${created.join(',')}) AND kind = 'invoice'
  AND number IS NOT NULL ORDER BY id DESC LIMIT 1`);
const [cnt, distinct, lo, hi] = sql(`SELECT COUNT(*), COUNT(DISTINCT number), MIN(CAST(SUBSTRING_INDEX(number, '-', -1) AS UNSIGNED)),
  MAX(CAST(SUBSTRING_INDEX(number, '-', -1) AS UNSIGNED)) FROM invoices WHERE number LIKE '${prefix}-${year}-%' AND kind = 'invoice'`).split('\t').map(Number);
const next = +sql(`SELECT next_value FROM number_sequences WHERE series = 'invoice' AND year = ${year}`);
console.log(`series ${prefix}-${year}: ${cnt} numbers, ${distinct} distinct, ${lo}..${hi}, next ${next}: `
  + (cnt === distinct && lo === 1 && hi === cnt && next === hi + 1 ? 'no gap, no duplicate' : 'GAP OR DUPLICATE'));

// ---------- the figures stay exact: SQL truth for what was written here ----------
const idList = created.join(',');
const badVat = sql(`SELECT COUNT(*) FROM invoices i LEFT JOIN (SELECT invoice_id, SUM(net_amount) n, SUM(tax_amount) t FROM invoice_tax_totals
  WHERE invoice_id IN (${idList}) GROUP BY invoice_id) x ON x.invoice_id = i.id
  LEFT JOIN (SELECT invoice_id, SUM(net_amount) n FROM invoice_lines WHERE invoice_id IN (${idList}) GROUP BY invoice_id) l ON l.invoice_id = i.id
  WHERE i.id IN (${idList}) AND (x.n <> i.net_total OR x.t <> i.tax_total OR l.n <> i.net_total OR i.total <> i.net_total + i.tax_total)`);
const badTerms = sql(`SELECT COUNT(*) FROM (SELECT term, invoice_id FROM invoice_line_terms WHERE invoice_id IN (${idList})
  UNION SELECT term, invoice_id FROM invoice_field_terms WHERE invoice_id IN (${idList})) v
  LEFT JOIN invoice_terms t ON t.term = v.term AND t.invoice_id = v.invoice_id WHERE t.invoice_id IS NULL`)
  + '/' + sql(`SELECT COUNT(*) FROM invoice_terms t WHERE t.invoice_id IN (${idList}) AND NOT EXISTS
  (SELECT 1 FROM invoice_line_terms v WHERE v.invoice_id = t.invoice_id AND v.term = t.term) AND NOT EXISTS
  (SELECT 1 FROM invoice_field_terms f WHERE f.invoice_id = t.invoice_id AND f.term = t.term)`);
const badSums = sql(`SELECT COUNT(*) FROM (SELECT status, kind, paid_state, currency, COUNT(*) n, SUM(total) t, SUM(paid_amount) p, SUM(balance) b
  FROM invoices GROUP BY status, kind, paid_state, currency) x
  LEFT JOIN invoice_status_totals s USING (status, kind, paid_state, currency)
  WHERE s.n IS NULL OR s.n <> x.n OR s.total <> x.t OR s.paid <> x.p OR s.balance <> x.b`);
const badDue = sql(`SELECT COUNT(*) FROM (SELECT due_date, kind, paid_state, currency, COUNT(*) n, SUM(total) t, SUM(paid_amount) p, SUM(balance) b
  FROM invoices WHERE status = 'open' GROUP BY due_date, kind, paid_state, currency) x
  LEFT JOIN invoice_due_totals s USING (due_date, kind, paid_state, currency)
  WHERE s.n IS NULL OR s.n <> x.n OR s.total <> x.t OR s.paid <> x.p OR s.balance <> x.b`);
console.log(`exact figures (${created.length} invoices written): VAT breakdowns wrong ${badVat}, search terms missing/extra ${badTerms}, `
  + `status sums rows wrong ${badSums}, open-by-due-date rows wrong ${badDue}`);
console.log(`load average at the end: ${load()}`);
