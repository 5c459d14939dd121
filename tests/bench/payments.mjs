// Payments and allocation, measured (tests/bench/payments starts the stack).
// Prints server time (Server-Timing) of recording a payment allocated to an
// invoice in one step, of spreading one payment over a customer's 100 oldest
// open invoices, and the rate of 20 parallel allocators spending one payment
// (checked: its allocations never exceed it). What it writes is taken out at
// the end, so the data set stays as it was for the next run.
import { performance } from 'node:perf_hooks';
import { as, sql } from '../http/lib.mjs';

const N = +(process.env.BENCH_N || 200);
const PAR = 20, PER = +(process.env.BENCH_PER_ALLOCATOR || 25), SPREADS = +(process.env.BENCH_SPREADS || 5);
const st = (r) => +((r.headers.get('server-timing') || '').match(/dur=([\d.]+)/) || [0, NaN])[1];
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)]; };
const fmt = (a) => `p50 ${pct(a, 50).toFixed(2)} ms, p99 ${pct(a, 99).toFixed(2)} ms, max ${Math.max(...a).toFixed(2)} ms`;
const list = (s) => (s === '' ? [] : s.split('\n'));
const attr = (html, re) => { const m = html.match(re); if (!m) throw new Error(`not found: ${re}`); return m[1]; };
const formKeys = (html, id) => {
  const f = attr(html, new RegExp(`<form\\b[^>]*id="${id}"[^>]*>([\\s\\S]*?)</form>`));
  return { csrf: attr(f, /name="csrf" value="([0-9a-f]{64})"/), once: attr(f, /name="once" value="([0-9a-f]{64})"/) };
};

const c = await as('billing');
const firstPayment = +sql('SELECT COALESCE(MAX(id), 0) + 1 FROM payments');
const firstInvoice = +sql('SELECT COALESCE(MAX(id), 0) + 1 FROM invoices');
const firstAudit = +sql('SELECT COALESCE(MAX(id), 0) + 1 FROM audit_events');
const seq = sql('SELECT COUNT(*) FROM invoices');
console.log(`data set: ${seq} invoices, ${sql('SELECT COUNT(*) FROM payments')} payments, ${sql('SELECT COUNT(*) FROM payment_allocations')} allocations`);

// Takes out every payment from firstPayment on with its allocations and the
// audit events since the start, gives the documents their paid amounts back,
// and (at the end) deletes the invoices the bench added.
function restore(invoicesToo = false) {
  sql(`CREATE TEMPORARY TABLE bench_back AS SELECT invoice_id, SUM(amount) s FROM payment_allocations
      WHERE payment_id >= ${firstPayment} GROUP BY invoice_id;
    UPDATE invoices i JOIN bench_back b ON b.invoice_id = i.id SET i.paid_amount = i.paid_amount - b.s, i.row_version = i.row_version + 1;
    UPDATE invoices i JOIN bench_back b ON b.invoice_id = i.id SET i.status = IF(i.paid_amount >= i.total, 'paid', 'open');
    DELETE FROM payment_allocations WHERE payment_id >= ${firstPayment};
    DELETE FROM audit_events WHERE id >= ${firstAudit};
    DELETE FROM payments WHERE id >= ${firstPayment}`);
  if (invoicesToo) sql(`DELETE FROM invoices WHERE id >= ${firstInvoice}`);
}

// the sums the stored amounts must equal (lib/alloc.h), over what the bench touched
function overAllocated() {
  return +sql(`SELECT
    (SELECT COUNT(*) FROM payments p WHERE p.id >= ${firstPayment} AND (p.allocated_amount > ABS(p.amount)
      OR p.allocated_amount <> (SELECT COALESCE(SUM(a.amount), 0) FROM payment_allocations a WHERE a.payment_id = p.id)))
    + (SELECT COUNT(*) FROM invoices i WHERE i.id IN (SELECT invoice_id FROM payment_allocations WHERE payment_id >= ${firstPayment})
      AND (i.paid_amount > i.total OR i.paid_amount <> (SELECT SUM(a.amount) FROM payment_allocations a WHERE a.invoice_id = i.id)))`);
}

// a customer with many open EUR invoices, and (added when it has fewer) 100 open ones
const cust = sql(`SELECT customer_id FROM invoices WHERE status = 'open' AND kind = 'invoice' AND currency = 'EUR'
  GROUP BY customer_id ORDER BY COUNT(*) DESC LIMIT 1`);
const have = +sql(`SELECT COUNT(*) FROM invoices WHERE customer_id = ${cust} AND status = 'open' AND kind = 'invoice' AND currency = 'EUR'`);
try {
  if (have < 100) {
    sql(`INSERT INTO invoices (kind, type_code, number, customer_id, customer_name, status, currency, invoice_date, due_date,
        issued_at, net_total, tax_total, total)
      SELECT 'invoice', 380, CONCAT('BENCH-PAY-', ${firstInvoice}, '-', seq), id, name, 'open', 'EUR', CURDATE() - INTERVAL seq DAY,
        CURDATE() + INTERVAL 30 DAY - INTERVAL seq DAY, UTC_TIMESTAMP(), 100 + seq, 0, 100 + seq
      FROM customers, seq_1_to_${100 - have} WHERE id = ${cust}`);
  }
  console.log(`customer ${cust}: ${have} open EUR invoices${have < 100 ? `, ${100 - have} added for the spread` : ''}`);

  // ---- record a payment for an invoice and allocate it in one step ----
  const open = list(sql(`SELECT id FROM invoices WHERE status = 'open' AND kind = 'invoice' AND paid_amount = 0
    AND customer_id <> ${cust} ORDER BY id DESC LIMIT ${N}`));
  const rec = [];
  for (const id of open) {
    const html = (await c.get(`/admin/invoices/${id}/payments`)).text_;
    const k = formKeys(html, 'record-form');
    const amount = attr(html, /id="f-amount" name="amount" value="([^"]*)"/);
    const r = await c.post(`/admin/invoices/${id}/payments/record`, { ...k, amount, received_on: '2026-12-01',
      method: 'transfer', reference: `bench ${id}`, notes: '' });
    if (r.status !== 303) throw new Error(`record ${id}: ${r.status}`);
    rec.push(st(r));
  }
  console.log(`record + allocate (invoice page, one step): ${fmt(rec)} (server time, n=${rec.length})`);

  // ---- spread one payment over the customer's 100 oldest open invoices ----
  const plan = [], spread = [];
  for (let i = 0; i < SPREADS; i++) {
    const due = sql(`SELECT SUM(total - paid_amount) FROM (SELECT total, paid_amount FROM invoices WHERE customer_id = ${cust}
      AND status = 'open' AND kind = 'invoice' AND currency = 'EUR' ORDER BY due_date, id LIMIT 100) t`);
    const nf = await c.get(`/admin/payments/new?customer=${cust}`);
    const r0 = await c.post('/admin/payments', { ...formKeys(nf.text_, 'payment-form'), customer: cust, amount: due.slice(0, -1),
      received_on: '2026-12-01', method: 'transfer', reference: `bench spread ${i}`, notes: '' });
    if (r0.status !== 303) throw new Error(`record: ${r0.status}`);
    const pid = +r0.headers.get('location').match(/payments\/(\d+)/)[1];
    const page = await c.get(`/admin/payments/${pid}`);
    plan.push(st(page));
    const f = attr(page.text_, /<form\b[^>]*id="allocate-form"[^>]*>([\s\S]*?)<\/form>/);
    const pairs = [...f.matchAll(/<input\b[^>]*name="([^"]*)"[^>]*value="([^"]*)"/g)].map((m) => [m[1], m[2]]);
    const rows = pairs.filter(([k]) => k === 'target').length;
    const r = await c.post(`/admin/payments/${pid}/allocate`, pairs);
    if (r.status !== 303) throw new Error(`spread: ${r.status} ${r.text_.slice(0, 200)}`);
    spread.push(st(r));
    if (i === 0) console.log(`spread: ${rows} invoices in one form, ${sql(`SELECT COUNT(*) FROM payment_allocations WHERE payment_id = ${pid}`)} allocations written`);
    restore();   // the same 100 invoices open again for the next round
  }
  console.log(`payment page with the spread plan (100 oldest open invoices): ${fmt(plan)} (server time, n=${SPREADS})`);
  console.log(`spread over 100 invoices, one transaction: ${fmt(spread)} (server time, n=${SPREADS})`);

  // ---- 20 parallel allocators spending one payment of the customer ----
  const targets = list(sql(`SELECT id FROM invoices WHERE customer_id = ${cust} AND status = 'open' AND kind = 'invoice'
    AND currency = 'EUR' ORDER BY due_date, id LIMIT 100`));
  const total = PAR * PER, cents = Math.floor(total * 0.8);   // room for 80% of them: the rest must be refused
  const nf = await c.get(`/admin/payments/new?customer=${cust}`);
  const r0 = await c.post('/admin/payments', { ...formKeys(nf.text_, 'payment-form'), customer: cust,
    amount: (cents / 100).toFixed(2), received_on: '2026-12-01', method: 'transfer', reference: 'bench parallel', notes: '' });
  const pid = +r0.headers.get('location').match(/payments\/(\d+)/)[1];
  const workers = [];
  for (let w = 0; w < PAR; w++) {
    const wc = await as('billing');
    const jobs = [];
    for (let j = 0; j < PER; j++) {
      const id = targets[(w * PER + j) % targets.length];
      jobs.push({ id, k: formKeys((await wc.get(`/admin/invoices/${id}/payments`)).text_, 'add-form') });
    }
    workers.push({ wc, jobs });
  }
  let ok = 0, refused = 0, other = 0;
  const lat = [];
  const t0 = performance.now();
  await Promise.all(workers.map(async ({ wc, jobs }) => {
    for (const { id, k } of jobs) {
      const r = await wc.post(`/admin/invoices/${id}/payments/add`, { ...k, source: `p${pid}`, amount: '0.01' });
      if (r.status === 303) { ok++; lat.push(st(r)); } else if (r.status === 409) refused++; else other++;
    }
  }));
  const secs = (performance.now() - t0) / 1000;
  const [amount, allocated, sum] = sql(`SELECT p.amount, p.allocated_amount, (SELECT SUM(amount) FROM payment_allocations WHERE payment_id = p.id)
    FROM payments p WHERE id = ${pid}`).split('\t');
  console.log(`${PAR} parallel allocators, one payment of ${amount}: ${(ok / secs).toFixed(0)} allocations/s, ${(total / secs).toFixed(0)} requests/s ` +
    `(${ok} allocated, ${refused} refused as over-allocation, ${other} other, in ${secs.toFixed(2)} s); allocated ${allocated}, sum of rows ${sum}; ` +
    `${ok === cents && +allocated === +amount && +sum === +amount ? 'never over-allocated' : 'CHECK FAILED'}`);
  console.log(`parallel allocation server time: ${fmt(lat)}`);
  console.log(`stored amounts vs their allocations: ${overAllocated() === 0 ? 'consistent' : 'INCONSISTENT'}`);
} finally {
  restore(true);
}
