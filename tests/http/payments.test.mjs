// Payments and allocations (cgi-bin/admin_payments.c, lib/payment.c, lib/alloc.c):
// recording, the spread over the oldest open invoices, partial / full / multi-invoice
// / removal flows, record-and-allocate from the invoice page, refunds against a
// credit note, over-allocation and currency mismatch refused with nothing written,
// roles (support reads and gets 403 on writes, customers 404), CSRF, double submits,
// 20 parallel allocations of one payment, the figures every page shows after
// allocations against SQL truth, and every sums table of the list against SQL truth
// after spreads (set-based, sql/0027), removals and single allocations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { as, sql } from './lib.mjs';
import { decode, attr, formFields, fieldError } from './admin_lib.mjs';

const q = (s) => `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
const n = (s) => Number(sql(s));
const T = `pay-${process.pid}`;
let seq = 0;

// ---------- data of our own: a customer, and issued invoices with one line each ----------

const made = [];
function customer(currency = 'EUR') {
  made.push(n(`INSERT INTO customers (name, email, currency, time_zone, country)
    VALUES (${q(`Payer ${T}-${++seq}`)}, 'payer@example.com', '${currency}', 'Europe/Berlin', 'DE');
    SELECT LAST_INSERT_ID()`));
  return made[made.length - 1];
}

// what these tests made goes again at the end, so later files see the demo data's books as they were
after(() => {
  if (!made.length) return;
  const c = made.join(',');
  sql(`DELETE a FROM payment_allocations a JOIN invoices i ON i.id = a.invoice_id WHERE i.customer_id IN (${c});
    DELETE FROM payments WHERE customer_id IN (${c});
    DELETE t FROM invoice_tax_totals t JOIN invoices i ON i.id = t.invoice_id WHERE i.customer_id IN (${c});
    DELETE l FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.customer_id IN (${c});
    UPDATE invoices SET credited_invoice_id = NULL, kind = 'invoice', type_code = 380 WHERE customer_id IN (${c}) AND kind = 'credit';
    DELETE FROM invoices WHERE customer_id IN (${c});
    DELETE FROM customers WHERE id IN (${c})`);
});

// an issued document (kind invoice or credit) of `total` (decimal text), due `days` from today
function doc(cust, total, { days = 10, kind = 'invoice', currency = null, dated = 30 } = {}) {
  // a credit note credits an invoice of the customer (made here, fully credited: void)
  const credited = kind === 'credit' ? doc(cust, total).id : null;
  if (credited) sql(`UPDATE invoices SET status = 'void', voided_at = UTC_TIMESTAMP() WHERE id = ${credited}`);
  const number = `${kind === 'credit' ? 'CN' : 'PT'}-${process.pid}-${++seq}`;
  const id = n(`INSERT INTO invoices (kind, type_code, number, customer_id, customer_name, status, currency,
      invoice_date, due_date, issued_at, net_total, tax_total, total, credited_invoice_id)
    SELECT '${kind}', ${kind === 'credit' ? 381 : 380}, ${q(number)}, id, name, 'open', ${currency ? q(currency) : 'currency'},
      CURDATE() - INTERVAL ${dated} DAY, CURDATE() + INTERVAL ${days} DAY, UTC_TIMESTAMP(), ${total}, 0, ${total}, ${credited || 'NULL'}
    FROM customers WHERE id = ${cust};
    SELECT LAST_INSERT_ID()`);
  sql(`INSERT INTO invoice_lines (invoice_id, position, description, quantity, unit_code, unit_price, tax_rate,
      vat_category, tax_description, net_amount, tax_amount)
    VALUES (${id}, 1, 'Managed hosting', 1, 'C62', ${total}, 0, 'Z', 'VAT 0%', ${total}, 0)`);
  sql(`INSERT INTO invoice_tax_totals (invoice_id, vat_category, tax_rate, net_amount, tax_amount)
    VALUES (${id}, 'Z', 0, ${total}, 0)`);
  return { id, number };
}

const inv = (id) => {
  const [status, paid, total] = sql(`SELECT status, paid_amount, total FROM invoices WHERE id = ${id}`).split('\t');
  return { status, paid, total };
};
const pay = (id) => {
  const [amount, allocated] = sql(`SELECT amount, allocated_amount FROM payments WHERE id = ${id}`).split('\t');
  return { amount, allocated };
};
const allocSum = (col, id) => sql(`SELECT COALESCE(SUM(amount), 0) FROM payment_allocations WHERE ${col} = ${id}`);
// everything a refused request must leave as it was
const snapshot = (cust) => sql(`SELECT
  (SELECT COUNT(*) FROM payments WHERE customer_id = ${cust}),
  (SELECT COALESCE(SUM(allocated_amount), 0) FROM payments WHERE customer_id = ${cust}),
  (SELECT COUNT(*) FROM payment_allocations a JOIN invoices i ON i.id = a.invoice_id WHERE i.customer_id = ${cust}),
  (SELECT COALESCE(SUM(paid_amount), 0) FROM invoices WHERE customer_id = ${cust}),
  (SELECT GROUP_CONCAT(status ORDER BY id) FROM invoices WHERE customer_id = ${cust}),
  (SELECT COUNT(*) FROM audit_events), (SELECT COUNT(*) FROM idempotency_keys)`);

// the stored invariants: every payment's and document's amount is the sum of its rows
function invariants(cust) {
  assert.equal(n(`SELECT COUNT(*) FROM payments p WHERE p.customer_id = ${cust} AND p.allocated_amount <>
    (SELECT COALESCE(SUM(a.amount), 0) FROM payment_allocations a WHERE a.payment_id = p.id)`), 0, 'payments');
  assert.equal(n(`SELECT COUNT(*) FROM invoices i WHERE i.customer_id = ${cust} AND i.paid_amount <>
    (SELECT COALESCE(SUM(a.amount), 0) FROM payment_allocations a
     WHERE a.invoice_id = i.id OR (i.kind = 'credit' AND a.credit_note_id = i.id))`), 0, 'documents');
  assert.equal(n(`SELECT COUNT(*) FROM invoices WHERE customer_id = ${cust} AND status <> 'draft' AND status <> 'void'
    AND status <> IF(paid_amount >= total, 'paid', 'open')`), 0, 'stored status');
  assert.equal(n(`SELECT COUNT(*) FROM payments WHERE customer_id = ${cust} AND allocated_amount > ABS(amount)`), 0);
}

// Every sums table of the list (sql/0002..0020) less its SQL GROUP BY truth from
// invoices, per key: the keys where anything is left over, as text ('' when exact).
// Rows that fell to n = 0 with zero figures cancel out, as a rebuild would not have them.
const MONTH = (c) => `${c} - INTERVAL DAYOFMONTH(${c}) - 1 DAY`;
const SUMS = [
  ['invoice_day_totals', 'invoice_date, due_date, status, kind, paid_state, currency', null, ''],
  ['invoice_month_totals', 'month, due_month, status, kind, paid_state, currency',
    `${MONTH('invoice_date')} AS month, ${MONTH('due_date')} AS due_month, status, kind, paid_state, currency`, ''],
  ['invoice_month_status_totals', 'month, status, kind, currency',
    `${MONTH('invoice_date')} AS month, status, kind, currency`, ''],
  ['invoice_due_totals', 'due_date, currency, kind, paid_state', null, `WHERE status = 'open'`],
  ['invoice_status_totals', 'status, kind, paid_state, currency', null, ''],
];
function sumsDrift() {
  const out = [];
  for (const [table, keys, sel, where] of SUMS)
    out.push(sql(`SELECT '${table}', ${keys}, SUM(n), SUM(total), SUM(paid), SUM(balance) FROM (
        SELECT ${keys}, n, total, paid, balance FROM ${table}
        UNION ALL
        SELECT ${keys}, -COUNT(*), -SUM(total), -SUM(paid_amount), -SUM(balance)
          FROM (SELECT ${sel || keys}, total, paid_amount, balance FROM invoices ${where}) i GROUP BY ${keys}) x
      GROUP BY ${keys} HAVING SUM(n) <> 0 OR SUM(total) <> 0 OR SUM(paid) <> 0 OR SUM(balance) <> 0`));
  const bucket = (col) => `SELECT '${col}', invoice_amount_bucket(${col === 'paid' ? 'paid_amount' : col}), status, currency,
    -COUNT(*) FROM invoices GROUP BY 2, 3, 4`;
  out.push(sql(`SELECT 'invoice_amount_totals', col, bucket, status, currency, SUM(n) FROM (
      SELECT col, bucket, status, currency, n FROM invoice_amount_totals
      UNION ALL ${bucket('total')} UNION ALL ${bucket('paid')} UNION ALL ${bucket('balance')}) x
    GROUP BY col, bucket, status, currency HAVING SUM(n) <> 0`));
  out.push(sql(`SELECT 'invoice_customer_totals', customer_name, status, currency, SUM(n) FROM (
      SELECT customer_name, status, currency, n FROM invoice_customer_totals
      UNION ALL SELECT customer_name, status, currency, -COUNT(*) FROM invoices GROUP BY customer_name, status, currency) x
    GROUP BY customer_name, status, currency HAVING SUM(n) <> 0`));
  return out.filter(Boolean).join('\n');
}
const totalsVersion = () => n('SELECT v FROM invoice_totals_version WHERE id = 1');

// ---------- pages and forms ----------

// a form's inputs in document order, as [name, value] pairs (repeated names kept)
function formPairs(html, id) {
  const m = html.match(new RegExp(`<form\\b[^>]*id="${id}"[^>]*>([\\s\\S]*?)</form>`));
  assert.ok(m, `no form ${id}`);
  const out = [];
  for (const [tag] of m[1].matchAll(/<input\b[^>]*>/g)) {
    const name = tag.match(/\bname="([^"]*)"/); if (!name) continue;
    const value = tag.match(/\bvalue="([^"]*)"/);
    out.push([name[1], value ? attr(value[1]) : '']);
  }
  return out;
}

async function recordForm(c, cust) {
  const r = await c.get(`/admin/payments/new?customer=${cust}`);
  assert.equal(r.status, 200, r.text_.slice(0, 300));
  return formFields(r.text_, 'payment-form');
}

async function record(c, cust, amount, over = {}) {
  const form = { ...(await recordForm(c, cust)), amount, reference: `REF ${T}-${++seq}`, ...over };
  const r = await c.post('/admin/payments', form);
  assert.equal(r.status, 303, `${r.status} ${r.text_.slice(0, 500)}`);
  const loc = r.headers.get('location');
  assert.match(loc, /^\/admin\/payments\/\d+\?done=recorded$/);
  return { id: Number(loc.match(/(\d+)/)[1]), form, loc };
}

async function paymentPage(c, pid) {
  const r = await c.get(`/admin/payments/${pid}`);
  assert.equal(r.status, 200, r.text_.slice(0, 300));
  return r;
}

// the allocate form with amounts per target id (others 0 / empty)
async function spreadForm(c, pid) {
  return spreadOf((await paymentPage(c, pid)).text_);
}
function spreadOf(html) {
  const pairs = formPairs(html, 'allocate-form');
  const rows = [];
  for (let i = 0; i < pairs.length; i++)
    if (pairs[i][0] === 'target') rows.push({ target: Number(pairs[i][1]), amount: pairs[i + 1][1] });
  return { keys: pairs.filter(([k]) => k !== 'target' && k !== 'amount'), rows };
}
const spreadBody = (keys, rows) => [...keys, ...rows.flatMap((r) => [['target', String(r.target)], ['amount', r.amount]])];

async function docPage(c, id) {
  const r = await c.get(`/admin/invoices/${id}/payments`);
  assert.equal(r.status, 200, r.text_.slice(0, 300));
  return r;
}

// the cells of the table row that contains `needle`, each as text, joined by |
const rowCells = (html, needle) => {
  const tr = [...html.matchAll(/<tr\b[\s\S]*?<\/tr>/g)].map((m) => m[0]).find((t) => t.includes(needle));
  assert.ok(tr, `no row with ${needle}`);
  return [...tr.matchAll(/<t[dh]\b[^>]*>([\s\S]*?)<\/t[dh]>/g)].map((m) => decode(m[1])).join('|');
};
const alertText = (html) => decode((html.match(/<main[\s\S]*?<\/main>/) || [html])[0]);

let CUST;
before(() => { CUST = customer(); });

for (const role of ['admin', 'billing']) {
  test(`${role} records a payment: the row, two audit events, the key used once`, async () => {
    const c = await as(role);
    const cust = customer();
    const { id, form, loc } = await record(c, cust, '1234.50', { method: 'card', received_on: '2026-11-30', notes: 'by phone' });
    assert.equal(sql(`SELECT customer_id, currency, amount, allocated_amount, received_on, method, reference, notes
      FROM payments WHERE id = ${id}`), [cust, 'EUR', '1234.500', '0.000', '2026-11-30', 'card', form.reference, 'by phone'].join('\t'));
    assert.equal(sql(`SELECT GROUP_CONCAT(CONCAT(entity, ':', action, ':', JSON_VALUE(after_json, '$.amount')) ORDER BY entity)
      FROM audit_events WHERE (entity = 'payment' AND entity_id = ${id}) OR (entity = 'customer' AND entity_id = ${cust})`),
      'customer:payment:1234.50,payment:create:1234.50');
    assert.equal(sql(`SELECT result FROM idempotency_keys WHERE idem_key = ${q(form.once)}`), loc);
    const page = await c.get(loc);
    assert.match(page.text_, /Payment recorded\./);
    assert.match(page.text_, /class="amount">1,234\.50 EUR<\/dd>\s*<dt>Allocated<\/dt><dd class="allocated">0\.00 EUR<\/dd>\s*<dt>Unallocated<\/dt><dd class="free">1,234\.50 EUR</);
    // the customer's page: the payment, and its unallocated credit
    const tab = await c.get(`/admin/customers/${cust}?tab=payments`);
    assert.equal(tab.status, 200);
    assert.match(tab.text_, new RegExp(`href="/admin/payments/${id}"`));
    assert.equal(rowCells(tab.text_, 'data-currency="EUR"'), 'EUR|1,234.50 EUR|0.00 EUR|0.00 EUR');
    // and its history
    const hist = await c.get(`/admin/customers/${cust}?tab=history`);
    assert.match(decode(hist.text_), /payment/);
  });
}

test('the record form: field messages, 422, nothing written', async () => {
  const c = await as('billing');
  const cust = customer();
  const form = await recordForm(c, cust);
  const before = snapshot(cust);
  for (const [over, field, msg] of [[{ amount: '' }, 'amount', /required/], [{ amount: '12.345' }, 'amount', /decimals/],
    [{ amount: '0' }, 'amount', /zero/], [{ received_on: '30.11.2026' }, 'received_on', /date/],
    [{ method: 'cheque' }, 'method', /./], [{ reference: 'x'.repeat(141) }, 'reference', /140|long/]]) {
    const r = await c.post('/admin/payments', { ...form, ...over });
    assert.equal(r.status, 422, JSON.stringify(over));
    assert.match(fieldError(r.text_, field) || '', msg, JSON.stringify(over));
    assert.equal(formFields(r.text_, 'payment-form').once, form.once, 'the same key is offered again');
  }
  assert.equal(snapshot(cust), before);
  // an unknown customer
  const r = await c.post('/admin/payments', { ...form, customer: '999999999', amount: '5' });
  assert.equal(r.status, 400);
  assert.equal(snapshot(cust), before);
});

test('spread: oldest open invoices first, editable, all in one transaction; Paid and Pending follow', async () => {
  const c = await as('admin');
  const cust = customer();
  const a = doc(cust, '100.00', { days: -5 });   // oldest due: overdue
  const b = doc(cust, '50.00', { days: 3 });
  const d = doc(cust, '30.00', { days: 20 });
  const { id } = await record(c, cust, '120.00');
  const { keys, rows } = await spreadForm(c, id);
  assert.deepEqual(rows.map((r) => [r.target, r.amount]), [[a.id, '100.00'], [b.id, '20.00'], [d.id, '']]);
  const r = await c.post(`/admin/payments/${id}/allocate`, spreadBody(keys, rows));
  assert.equal(r.status, 303, r.text_.slice(0, 400));
  assert.equal(r.headers.get('location'), `/admin/payments/${id}?done=allocated`);
  assert.deepEqual(inv(a.id), { status: 'paid', paid: '100.000', total: '100.000' });
  assert.deepEqual(inv(b.id), { status: 'open', paid: '20.000', total: '50.000' });
  assert.deepEqual(inv(d.id), { status: 'open', paid: '0.000', total: '30.000' });
  assert.deepEqual(pay(id), { amount: '120.000', allocated: '120.000' });
  invariants(cust);
  // audit: an allocate event on the payment per row and on each invoice
  assert.equal(n(`SELECT COUNT(*) FROM audit_events WHERE entity = 'payment' AND entity_id = ${id} AND action = 'allocate'`), 2);
  assert.equal(n(`SELECT COUNT(*) FROM audit_events WHERE entity = 'invoice' AND entity_id IN (${a.id}, ${b.id}) AND action = 'allocate'`), 2);
  // the events say what each allocation did, in order, on both sides
  const allocIds = sql(`SELECT id FROM payment_allocations WHERE payment_id = ${id} ORDER BY id`).split('\n');
  assert.equal(sql(`SELECT GROUP_CONCAT(CONCAT_WS('/', JSON_VALUE(before_json, '$.allocated_amount'), JSON_VALUE(after_json, '$.allocated_amount'),
      JSON_VALUE(after_json, '$.amount'), JSON_VALUE(after_json, '$.target'), JSON_VALUE(after_json, '$.allocation_id')) ORDER BY id)
    FROM audit_events WHERE entity = 'payment' AND entity_id = ${id} AND action = 'allocate'`),
    `0.00/100.00/100.00/${a.number}/${allocIds[0]},100.00/120.00/20.00/${b.number}/${allocIds[1]}`);
  assert.equal(sql(`SELECT CONCAT_WS('/', JSON_VALUE(before_json, '$.paid_amount'), JSON_VALUE(before_json, '$.status'),
      JSON_VALUE(after_json, '$.paid_amount'), JSON_VALUE(after_json, '$.status'), JSON_VALUE(after_json, '$.source'),
      JSON_VALUE(after_json, '$.source_id'), u.email) FROM audit_events e JOIN users u ON u.id = e.user_id
    WHERE entity = 'invoice' AND entity_id = ${a.id} AND action = 'allocate'`), `0.00/open/100.00/paid/payment ${id}/${id}/admin@example.com`);
  // the list: Paid / Pending / Unpaid, the status labels and figures from SQL
  const list = await c.get(`/invoices?customer=${cust}&cols=number,paid_state,status,paid,balance&sort=number&dir=asc`);
  assert.equal(list.status, 200);
  assert.match(rowCells(list.text_, a.number), new RegExp(`${a.number}\\|Paid\\|Paid\\|100\\.00 EUR\\|0\\.00 EUR`));
  assert.match(rowCells(list.text_, b.number), new RegExp(`${b.number}\\|Pending\\|Partly paid\\|20\\.00 EUR\\|30\\.00 EUR`));
  assert.match(rowCells(list.text_, d.number), new RegExp(`${d.number}\\|Unpaid\\|Due\\|0\\.00 EUR\\|30\\.00 EUR`));
  // the invoice page, the invoice's payments page and the customer summary read the same numbers
  const view = await c.get(`/invoices/${b.id}`);
  assert.match(view.text_, /id="paid">20\.00 EUR</);
  assert.match(view.text_, /id="balance">30\.00 EUR</);
  assert.match(view.text_, new RegExp(`href="/admin/invoices/${b.id}/payments"`));
  assert.match(view.text_, /id="record-payment"/);
  const dp = (await docPage(c, b.id)).text_;
  assert.match(dp, /class="total">50\.00 EUR<[\s\S]*class="paid">20\.00 EUR<[\s\S]*class="balance">30\.00 EUR</);
  assert.match(rowCells(dp, `href="/admin/payments/${id}"`), new RegExp(`^${b.number}\\|Payment ${id}`));
  const [billed, paid, balance] = sql(`SELECT SUM(total), SUM(paid_amount), SUM(balance) FROM invoices WHERE customer_id = ${cust}`)
    .split('\t').map((x) => Number(x).toFixed(2));
  const sum = rowCells((await c.get(`/admin/customers/${cust}`)).text_, 'data-currency="EUR"');
  assert.match(sum, new RegExp(`^EUR\\|${billed} EUR\\|${paid} EUR\\|${balance} EUR`));
  // the dashboard's receivables: credit notes count negative (DESIGN.md, List figures)
  const fig = (col) => Number(sql(`SELECT COALESCE(SUM(IF(kind = 'credit', -1, 1) * ${col}), 0) FROM invoices
    WHERE currency = 'EUR' AND status IN ('open', 'paid')`)).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const dash = rowCells((await c.get('/admin')).text_, '<tr data-currency="EUR">');
  assert.match(dash, new RegExp(`^EUR\\|${fig('total')} EUR\\|${fig('paid_amount')} EUR\\|${fig('balance')} EUR\\|`));
  // the PDF is drawn for the paid amount it shows
  const pdf = await c.get(`/invoices/${b.id}.pdf`);
  assert.equal(pdf.status, 200);
  assert.equal(sql(`SELECT pdf_paid = paid_amount FROM invoices WHERE id = ${b.id}`), '1');
  // the payments list shows it allocated, and finds it by amount and by reference
  const pl = (await c.get(`/admin/payments?customer=${cust}&amount=120`)).text_;
  assert.match(decode(pl), /1 payment /);
  assert.match(rowCells(pl, `data-id="${id}"`), /\|120\.00 EUR\|120\.00 EUR\|0\.00 EUR$/);
  assert.match(decode((await c.get(`/admin/payments?customer=${cust}&open=1`)).text_), /0 payments/);
});

test('removal: the invoice is open again, the payment has the amount back, both audited', async () => {
  const c = await as('billing');
  const cust = customer();
  const a = doc(cust, '40.00');
  const b = doc(cust, '60.00');
  const { id } = await record(c, cust, '100.00');
  const { keys, rows } = await spreadForm(c, id);
  assert.equal((await c.post(`/admin/payments/${id}/allocate`, spreadBody(keys, rows))).status, 303);
  assert.equal(inv(a.id).status, 'paid');
  assert.equal(inv(b.id).status, 'paid');
  // remove the allocation to a from the payment page
  const page = (await paymentPage(c, id)).text_;
  const allocA = n(`SELECT id FROM payment_allocations WHERE payment_id = ${id} AND invoice_id = ${a.id}`);
  const forms = [...page.matchAll(/<form method="post" action="([^"]*)" class="inline remove-alloc">([\s\S]*?)<\/form>/g)];
  assert.equal(forms.length, 2);
  const f = forms.find((m) => m[2].includes(`value="${allocA}"`));
  const body = Object.fromEntries([...f[2].matchAll(/name="([^"]*)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  const r = await c.post(f[1], body);
  assert.equal(r.status, 303, `${f[1]} ${JSON.stringify(body)} ${alertText(r.text_).slice(0, 300)}`);
  assert.equal(r.headers.get('location'), `/admin/payments/${id}?done=removed`);
  assert.deepEqual(inv(a.id), { status: 'open', paid: '0.000', total: '40.000' });
  assert.deepEqual(pay(id), { amount: '100.000', allocated: '60.000' });
  assert.equal(n(`SELECT COUNT(*) FROM audit_events WHERE action = 'unallocate' AND ((entity = 'invoice' AND entity_id = ${a.id})
    OR (entity = 'payment' AND entity_id = ${id}))`), 2);
  invariants(cust);
  // the same form again: nothing more happens, the same answer
  const again = await c.post(f[1], body);
  assert.equal(again.status, 303);
  assert.deepEqual(pay(id), { amount: '100.000', allocated: '60.000' });
  // remove b's from the invoice's page; a form of one invoice cannot remove another's allocation
  const allocB = n(`SELECT id FROM payment_allocations WHERE payment_id = ${id} AND invoice_id = ${b.id}`);
  const dp = (await docPage(c, b.id)).text_;
  const once = dp.match(new RegExp(`name="once" value="([0-9a-f]{64})">\\s*<input type="hidden" name="allocation" value="${allocB}"`))[1];
  const csrf = dp.match(/name="csrf" value="([0-9a-f]{64})"/)[1];
  const wrong = await c.post(`/admin/invoices/${a.id}/payments/remove`, { csrf, once, allocation: String(allocB) });
  assert.equal(wrong.status, 404);
  assert.equal(inv(b.id).status, 'paid');
  const ok = await c.post(`/admin/invoices/${b.id}/payments/remove`, { csrf, once, allocation: String(allocB) });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get('location'), `/admin/invoices/${b.id}/payments?done=removed`);
  assert.deepEqual(inv(b.id), { status: 'open', paid: '0.000', total: '60.000' });
  assert.deepEqual(pay(id), { amount: '100.000', allocated: '0.000' });
  invariants(cust);
});

test('from the invoice page: record payment (defaults to the balance) and add from a payment, partly then fully', async () => {
  const c = await as('admin');
  const cust = customer();
  const a = doc(cust, '75.50');
  const b = doc(cust, '20.00');
  // record and allocate in one step
  const page = (await docPage(c, a.id)).text_;
  const form = formFields(page, 'record-form');
  assert.equal(form.amount, '75.50');
  const r = await c.post(`/admin/invoices/${a.id}/payments/record`, { ...form, reference: 'wire 1' });
  assert.equal(r.status, 303, r.text_.slice(0, 400));
  assert.equal(r.headers.get('location'), `/admin/invoices/${a.id}/payments?done=recorded`);
  assert.deepEqual(inv(a.id), { status: 'paid', paid: '75.500', total: '75.500' });
  const pid = n(`SELECT MAX(id) FROM payments WHERE customer_id = ${cust}`);
  assert.deepEqual(pay(pid), { amount: '75.500', allocated: '75.500' });
  invariants(cust);
  // a paid invoice offers no record form
  assert.doesNotMatch((await docPage(c, a.id)).text_, /id="record-form"/);
  // a payment of 50.00 added to b in two steps: 5.00 (Pending), then 15.00 (Paid)
  const { id: p2 } = await record(c, cust, '50.00');
  for (const [amount, status, paid, state] of [['5', 'open', '5.000', 'Pending'], ['15.00', 'paid', '20.000', 'Paid']]) {
    const add = formFields((await docPage(c, b.id)).text_, 'add-form');
    assert.equal(add.source, `p${p2}`);
    const x = await c.post(`/admin/invoices/${b.id}/payments/add`, { ...add, amount });
    assert.equal(x.status, 303, x.text_.slice(0, 400));
    assert.deepEqual(inv(b.id), { status, paid, total: '20.000' });
    assert.match((await docPage(c, b.id)).text_, new RegExp(`id="doc-paid-state">${state}<`));
  }
  assert.deepEqual(pay(p2), { amount: '50.000', allocated: '20.000' });
  invariants(cust);
});

test('over-allocation is refused with a clear 409 and nothing written', async () => {
  const c = await as('admin');
  const cust = customer();
  const a = doc(cust, '30.00');
  const b = doc(cust, '30.00');
  const { id } = await record(c, cust, '40.00');
  // more than the invoice's balance, from the invoice page
  const add = formFields((await docPage(c, a.id)).text_, 'add-form');
  let before = snapshot(cust);
  let r = await c.post(`/admin/invoices/${a.id}/payments/add`, { ...add, amount: '30.01' });
  assert.equal(r.status, 409);
  assert.match(alertText(r.text_), new RegExp(`${a.number}: The amount is more than the document's open balance\\. Nothing was saved\\.`));
  assert.equal(snapshot(cust), before);
  // the same key works for a correct amount afterwards (the refusal rolled it back)
  r = await c.post(`/admin/invoices/${a.id}/payments/add`, { ...add, amount: '30.00' });
  assert.equal(r.status, 303);
  // more than the payment has left: the spread form edited to 10.00 + 0.01 over
  const { keys, rows } = await spreadForm(c, id);
  assert.deepEqual(rows.map((x) => x.amount), ['10.00']);
  before = snapshot(cust);
  r = await c.post(`/admin/payments/${id}/allocate`, spreadBody(keys, [{ target: b.id, amount: '10.01' }]));
  assert.equal(r.status, 409);
  assert.match(alertText(r.text_), /The amount is more than what is left to allocate\. Nothing was saved\./);
  assert.equal(snapshot(cust), before);
  // two rows where the second is too much: the first is not written either
  const c2 = customer();
  const x = doc(c2, '10.00'), y = doc(c2, '10.00');
  const { id: p2 } = await record(c, c2, '15.00');
  const f2 = await spreadForm(c, p2);
  before = snapshot(c2);
  r = await c.post(`/admin/payments/${p2}/allocate`, spreadBody(f2.keys, [{ target: x.id, amount: '10.00' }, { target: y.id, amount: '5.01' }]));
  assert.equal(r.status, 409);
  assert.match(alertText(r.text_), new RegExp(`${y.number}: The amount is more than what is left`));
  assert.equal(snapshot(c2), before);
  // a malformed amount: 422 with the message at its row, nothing written
  r = await c.post(`/admin/payments/${p2}/allocate`, spreadBody(f2.keys, [{ target: x.id, amount: '1.234' }, { target: y.id, amount: '1' }]));
  assert.equal(r.status, 422);
  assert.match(r.text_, /<p class="field-error" id="e-amt-\d+">Amount [^<]*decimals/);
  assert.equal(snapshot(c2), before);
  // nothing entered at all
  r = await c.post(`/admin/payments/${p2}/allocate`, spreadBody(f2.keys, [{ target: x.id, amount: '' }, { target: y.id, amount: '0' }]));
  assert.equal(r.status, 400);
  assert.equal(snapshot(c2), before);
  invariants(cust);
  invariants(c2);
});

test('a payment and an invoice in different currencies: refused, nothing written', async () => {
  const c = await as('admin');
  const cust = customer();
  const usd = doc(cust, '25.00', { currency: 'USD' });
  const { id } = await record(c, cust, '25.00');
  // the payment's page does not offer the USD invoice
  const { rows } = await spreadForm(c, id).catch(() => ({ rows: [] }));
  assert.ok(!rows.some((r) => r.target === usd.id));
  // the USD invoice's page does not offer the EUR payment; a hand-made post is refused
  const page = (await docPage(c, usd.id)).text_;
  assert.doesNotMatch(page, new RegExp(`value="p${id}"`));
  assert.doesNotMatch(page, /id="add-form"/);   // nothing in USD to allocate from
  const csrf = page.match(/name="csrf" value="([0-9a-f]{64})"/)[1];
  const once = formFields(page, 'record-form').once;
  const before = snapshot(cust);
  const r = await c.post(`/admin/invoices/${usd.id}/payments/add`, { csrf, once, source: `p${id}`, amount: '25.00' });
  assert.equal(r.status, 409);
  assert.match(alertText(r.text_), /different currencies/);
  assert.equal(snapshot(cust), before);
});

test('a refund (negative payment) is set against a credit note\'s unspent credit', async () => {
  const c = await as('billing');
  const cust = customer();
  const cn = doc(cust, '40.00', { kind: 'credit' });
  const open = doc(cust, '10.00');
  // the customer's unallocated credit counts the credit note
  let tab = (await c.get(`/admin/customers/${cust}?tab=payments`)).text_;
  assert.equal(rowCells(tab, 'data-currency="EUR"'), 'EUR|0.00 EUR|40.00 EUR|0.00 EUR');
  const { id } = await record(c, cust, '-40.00', { method: 'transfer' });
  assert.deepEqual(pay(id), { amount: '-40.000', allocated: '0.000' });
  const { keys, rows } = await spreadForm(c, id);
  assert.deepEqual(rows.map((r) => [r.target, r.amount]), [[cn.id, '40.00']]);   // credit notes only, never the invoice
  const r = await c.post(`/admin/payments/${id}/allocate`, spreadBody(keys, rows));
  assert.equal(r.status, 303, r.text_.slice(0, 300));
  assert.deepEqual(pay(id), { amount: '-40.000', allocated: '40.000' });
  assert.deepEqual(inv(cn.id), { status: 'paid', paid: '40.000', total: '40.000' });
  assert.equal(inv(open.id).paid, '0.000');
  invariants(cust);
  assert.equal(sumsDrift(), '', 'after a refund spread over a credit note');
  tab = (await c.get(`/admin/customers/${cust}?tab=payments`)).text_;
  assert.equal(rowCells(tab, 'data-currency="EUR"'), 'EUR|0.00 EUR|0.00 EUR|0.00 EUR');
  // the list marks it as a refund
  assert.match(decode((await c.get(`/admin/payments?customer=${cust}`)).text_), /Refund/);
  // and the amount search finds it by its figure
  const found = (await c.get(`/admin/payments?customer=${cust}&amount=40`)).text_;
  assert.match(decode(found), /1 payment /);
  assert.match(found, new RegExp(`<tr data-id="${id}">`));
  // and the search by a word of its reference, or of its customer's name
  const name = sql(`SELECT name FROM customers WHERE id = ${cust}`), ref = sql(`SELECT reference FROM payments WHERE id = ${id}`);
  for (const word of [ref.slice(4), name.slice(6)]) {
    const hit = (await c.get(`/admin/payments?q=${encodeURIComponent(word)}`)).text_;
    assert.match(hit, new RegExp(`<tr data-id="${id}">`), word);
  }
  assert.doesNotMatch((await c.get(`/admin/payments?q=${encodeURIComponent(`${ref}x`)}`)).text_, new RegExp(`<tr data-id="${id}">`));
  // a refund on the invoice page's record form is refused with a field message
  const form = formFields((await docPage(c, open.id)).text_, 'record-form');
  const x = await c.post(`/admin/invoices/${open.id}/payments/record`, { ...form, amount: '-5' });
  assert.equal(x.status, 422);
  assert.match(fieldError(x.text_, 'amount'), /more than zero/);
});

test('credit note leftover applied to another invoice from its page', async () => {
  const c = await as('admin');
  const cust = customer();
  const cn = doc(cust, '15.00', { kind: 'credit' });
  const a = doc(cust, '40.00');
  const add = formFields((await docPage(c, a.id)).text_, 'add-form');
  const page = (await docPage(c, a.id)).text_;
  assert.match(page, new RegExp(`value="c${cn.id}"`));
  const r = await c.post(`/admin/invoices/${a.id}/payments/add`, { ...add, source: `c${cn.id}`, amount: '15' });
  assert.equal(r.status, 303, r.text_.slice(0, 300));
  assert.deepEqual(inv(a.id), { status: 'open', paid: '15.000', total: '40.000' });
  assert.deepEqual(inv(cn.id), { status: 'paid', paid: '15.000', total: '15.000' });
  invariants(cust);
  // from the credit note's own page: its unspent credit spread over the oldest open invoices
  const cn2 = doc(cust, '30.00', { kind: 'credit' });
  const b = doc(cust, '10.00', { days: 40 });
  const page2 = (await docPage(c, cn2.id)).text_;
  assert.match(page2, /action="\/admin\/invoices\/\d+\/payments\/apply"/);
  const { keys, rows } = spreadOf(page2);
  assert.deepEqual(rows.map((r) => [r.target, r.amount]), [[a.id, '25.00'], [b.id, '5.00']]);
  // too much for b: 409, nothing written; then the plan as offered
  const before = snapshot(cust);
  let x = await c.post(`/admin/invoices/${cn2.id}/payments/apply`, spreadBody(keys, [{ target: a.id, amount: '20.00' }, { target: b.id, amount: '10.01' }]));
  assert.equal(x.status, 409);
  assert.match(alertText(x.text_), new RegExp(`${b.number}: The amount is more than`));
  assert.equal(snapshot(cust), before);
  x = await c.post(`/admin/invoices/${cn2.id}/payments/apply`, spreadBody(keys, rows));
  assert.equal(x.status, 303, x.text_.slice(0, 300));
  assert.equal(x.headers.get('location'), `/admin/invoices/${cn2.id}/payments?done=allocated`);
  assert.deepEqual(inv(a.id), { status: 'paid', paid: '40.000', total: '40.000' });
  assert.deepEqual(inv(b.id), { status: 'open', paid: '5.000', total: '10.000' });
  assert.deepEqual(inv(cn2.id), { status: 'paid', paid: '30.000', total: '30.000' });
  assert.equal(n(`SELECT COUNT(*) FROM audit_events WHERE entity = 'invoice' AND entity_id IN (${a.id}, ${b.id}) AND action = 'credit'
    AND JSON_VALUE(after_json, '$.source_id') = ${cn2.id}`), 2);
  assert.equal(n(`SELECT COUNT(*) FROM audit_events WHERE entity = 'invoice' AND entity_id = ${cn2.id} AND action = 'allocate'`), 2);
  invariants(cust);
  assert.equal(sumsDrift(), '', 'after a credit note spread');
});

test('roles: support reads every payment page and gets 403 on every write; customers get 404', async () => {
  const admin = await as('admin');
  const cust = customer();
  const a = doc(cust, '10.00');
  const { id } = await record(admin, cust, '10.00');
  const s = await as('support');
  for (const path of ['/admin/payments', `/admin/payments/${id}`, `/admin/invoices/${a.id}/payments`, `/admin/customers/${cust}?tab=payments`]) {
    const r = await s.get(path);
    assert.equal(r.status, 200, path);
    assert.doesNotMatch(r.text_, /id="allocate-form"|id="record-form"|id="add-form"|remove-alloc/, path);
  }
  assert.equal((await s.get('/admin/payments/new')).status, 403);
  const csrf = await s.csrf('/admin/payments');
  const before = snapshot(cust);
  const posts = [['/admin/payments', { customer: String(cust), amount: '5', received_on: '2026-12-01', method: 'cash' }],
    [`/admin/payments/${id}/allocate`, { target: String(a.id), amount: '5' }],
    [`/admin/payments/${id}/unallocate`, { allocation: '1' }],
    [`/admin/invoices/${a.id}/payments/record`, { amount: '5', received_on: '2026-12-01', method: 'cash' }],
    [`/admin/invoices/${a.id}/payments/add`, { source: `p${id}`, amount: '5' }],
    [`/admin/invoices/${a.id}/payments/remove`, { allocation: '1' }]];
  let k = 0;
  for (const [path, body] of posts)
    assert.equal((await s.post(path, { csrf, once: String(++k).repeat(64).slice(0, 64), ...body })).status, 403, path);
  const cu = await as('customer');
  const ccsrf = await cu.csrf('/invoices');
  for (const path of ['/admin/payments', '/admin/payments/new', `/admin/payments/${id}`, `/admin/invoices/${a.id}/payments`])
    assert.equal((await cu.get(path)).status, 404, path);
  for (const [path, body] of posts)
    assert.equal((await cu.post(path, { csrf: ccsrf, once: 'f'.repeat(64), ...body })).status, 404, path);
  assert.equal(snapshot(cust).split('\t').slice(0, 5).join('\t'), before.split('\t').slice(0, 5).join('\t'));
});

test('a POST without the right CSRF token is refused (403) and writes nothing', async () => {
  const c = await as('admin');
  const cust = customer();
  const a = doc(cust, '10.00');
  const form = await recordForm(c, cust);
  const add = formFields((await docPage(c, a.id)).text_, 'record-form');
  const before = snapshot(cust);
  for (const csrf of [undefined, '0'.repeat(64)]) {
    for (const [path, f] of [['/admin/payments', { ...form, amount: '5' }], [`/admin/invoices/${a.id}/payments/record`, add]]) {
      const body = { ...f };
      if (csrf === undefined) delete body.csrf; else body.csrf = csrf;
      assert.equal((await c.post(path, body)).status, 403, path);
    }
  }
  assert.equal(snapshot(cust), before);
});

test('double submits change things once and answer the same', async () => {
  const c = await as('admin');
  const cust = customer();
  const a = doc(cust, '10.00');
  const form = { ...(await recordForm(c, cust)), amount: '10.00' };
  const [r1, r2] = await Promise.all([c.post('/admin/payments', form), c.post('/admin/payments', form)]);
  assert.equal(r1.status, 303);
  assert.equal(r2.status, 303);
  assert.equal(r1.headers.get('location'), r2.headers.get('location'));
  assert.equal(n(`SELECT COUNT(*) FROM payments WHERE customer_id = ${cust}`), 1);
  const id = n(`SELECT id FROM payments WHERE customer_id = ${cust}`);
  const { keys, rows } = await spreadForm(c, id);
  const body = spreadBody(keys, rows);
  const [s1, s2] = await Promise.all([c.post(`/admin/payments/${id}/allocate`, body), c.post(`/admin/payments/${id}/allocate`, body)]);
  assert.equal(s1.status, 303);
  assert.equal(s2.status, 303);
  assert.equal(n(`SELECT COUNT(*) FROM payment_allocations WHERE payment_id = ${id}`), 1);
  assert.deepEqual(inv(a.id), { status: 'paid', paid: '10.000', total: '10.000' });
  // record-and-allocate from the invoice page, twice
  const b = doc(cust, '7.00');
  const rf = formFields((await docPage(c, b.id)).text_, 'record-form');
  const [x1, x2] = await Promise.all([c.post(`/admin/invoices/${b.id}/payments/record`, rf), c.post(`/admin/invoices/${b.id}/payments/record`, rf)]);
  assert.equal(x1.status, 303);
  assert.equal(x2.status, 303);
  assert.equal(n(`SELECT COUNT(*) FROM payments WHERE customer_id = ${cust}`), 2);
  assert.equal(inv(b.id).paid, '7.000');
  invariants(cust);
});

test('20 parallel allocations of one payment never exceed it', async () => {
  const c = await as('admin');
  const cust = customer();
  const docs = Array.from({ length: 20 }, () => doc(cust, '10.00'));
  const { id } = await record(c, cust, '100.00');
  // each allocator opens its own invoice's page (its own one-time key), then all post at once
  const forms = [];
  for (const d of docs) forms.push({ d, f: formFields((await docPage(c, d.id)).text_, 'add-form') });
  const results = await Promise.all(forms.map(({ d, f }) =>
    c.post(`/admin/invoices/${d.id}/payments/add`, { ...f, source: `p${id}`, amount: '10.00' })));
  const codes = results.map((r) => r.status).sort();
  assert.equal(codes.filter((s) => s === 303).length, 10, codes.join(' '));
  assert.equal(codes.filter((s) => s === 409).length, 10, codes.join(' '));
  assert.deepEqual(pay(id), { amount: '100.000', allocated: '100.000' });
  assert.equal(allocSum('payment_id', id), '100.000');
  assert.equal(n(`SELECT COUNT(*) FROM invoices WHERE customer_id = ${cust} AND status = 'paid'`), 10);
  invariants(cust);
  // and 20 parallel spreads of another payment over the same open invoices
  const { id: p2 } = await record(c, cust, '55.00');
  const spreads = [];
  for (let i = 0; i < 20; i++) spreads.push(await spreadForm(c, p2));
  const res2 = await Promise.all(spreads.map(({ keys, rows }) => c.post(`/admin/payments/${p2}/allocate`, spreadBody(keys, rows))));
  assert.equal(res2.filter((r) => r.status === 303).length, 1, res2.map((r) => r.status).join(' '));
  assert.deepEqual(pay(p2), { amount: '55.000', allocated: '55.000' });
  invariants(cust);
});

test('the list refuses bad parameters (400), unknown ids are 404, the customer picker finds customers', async () => {
  const c = await as('admin');
  for (const [qs, param] of [['amount=abc', 'amount'], ['from=2026-13-01', 'from'], ['open=2', 'open'], ['page=0', 'page'],
    ['from=2026-12-02&to=2026-12-01', 'to'], ['customer=x', 'customer']]) {
    const r = await c.get(`/admin/payments?${qs}`);
    assert.equal(r.status, 400, qs);
  }
  assert.equal((await c.get('/admin/payments/999999999')).status, 404);
  assert.equal((await c.get('/admin/invoices/999999999/payments')).status, 404);
  // the customer picker
  const pick = await c.get(`/admin/payments/new?q=${encodeURIComponent(`Payer ${T}`)}`);
  assert.equal(pick.status, 200);
  assert.match(pick.text_, new RegExp(`href="/admin/payments/new\\?customer=${CUST}"`));
});

// ---------- the sums tables after set-based spreads (sql/0027, invoice_paid_many) ----------

test('spreads, removals and single allocations keep every sums table equal to SQL truth', async () => {
  assert.equal(sumsDrift(), '', 'the sums are exact before');
  const c = await as('admin');
  const cust = customer();
  // 14 invoices over several invoice and due months, one a credit note's (void) pair aside
  const docs = [];
  for (let i = 0; i < 14; i++) {
    docs.push(doc(cust, `${(17 + i * 13.37).toFixed(2)}`, { days: -90 + i * 11, dated: 120 - i * 9 }));
  }
  doc(cust, '12.34', { kind: 'credit' });
  // a part-paid one before the spread (paid state 1 -> 1 or 2 in the spread)
  const { id: p0 } = await record(c, cust, '5.00');
  const add = formFields((await docPage(c, docs[1].id)).text_, 'add-form');
  assert.equal((await c.post(`/admin/invoices/${docs[1].id}/payments/add`, { ...add, source: `p${p0}`, amount: '5.00' })).status, 303);
  assert.equal(sumsDrift(), '');
  // spread 1: pays the oldest in full, the last one partly
  const v0 = totalsVersion();
  const { id } = await record(c, cust, '250.00');
  const { keys, rows } = await spreadForm(c, id);
  assert.ok(rows.filter((r) => r.amount).length >= 6, JSON.stringify(rows));
  const r = await c.post(`/admin/payments/${id}/allocate`, spreadBody(keys, rows));
  assert.equal(r.status, 303, r.text_.slice(0, 400));
  assert.deepEqual(pay(id), { amount: '250.000', allocated: '250.000' });
  invariants(cust);
  assert.equal(sumsDrift(), '', 'after a spread');
  assert.ok(totalsVersion() > v0, 'the sums version moved');
  assert.equal(sql('SELECT @invoice_totals_off IS NULL'), '1');
  // removals: a paid one goes open again, the partly paid one unpaid
  for (const target of [docs[0].id, rows.filter((x) => x.amount).pop().target]) {
    const alloc = n(`SELECT id FROM payment_allocations WHERE payment_id = ${id} AND invoice_id = ${target}`);
    const dp = (await docPage(c, target)).text_;
    const once = dp.match(new RegExp(`name="once" value="([0-9a-f]{64})">\\s*<input type="hidden" name="allocation" value="${alloc}"`))[1];
    const csrf = dp.match(/name="csrf" value="([0-9a-f]{64})"/)[1];
    assert.equal((await c.post(`/admin/invoices/${target}/payments/remove`, { csrf, once, allocation: String(alloc) })).status, 303);
    assert.equal(sumsDrift(), '', 'after a removal');
  }
  invariants(cust);
  // spread 2 over what is open now (open -> paid, partly paid -> paid, unpaid -> partly paid)
  const { id: p2 } = await record(c, cust, '300.00');
  const s2 = await spreadForm(c, p2);
  assert.equal((await c.post(`/admin/payments/${p2}/allocate`, spreadBody(s2.keys, s2.rows))).status, 303);
  invariants(cust);
  assert.equal(sumsDrift(), '', 'after a second spread');
  // a single allocation of what is left, then a spread of the rest
  const left = docs.find((d) => inv(d.id).status === 'open');
  if (left) {
    const { id: p3 } = await record(c, cust, '1000.00');
    const f = formFields((await docPage(c, left.id)).text_, 'add-form');
    assert.equal((await c.post(`/admin/invoices/${left.id}/payments/add`, { ...f, source: `p${p3}`, amount: '1.00' })).status, 303);
    assert.equal(sumsDrift(), '', 'after a single allocation');
    const s3 = await spreadForm(c, p3);
    assert.equal((await c.post(`/admin/payments/${p3}/allocate`, spreadBody(s3.keys, s3.rows))).status, 303);
  }
  assert.equal(n(`SELECT COUNT(*) FROM invoices WHERE customer_id = ${cust} AND kind = 'invoice' AND status = 'open'`), 0);
  invariants(cust);
  assert.equal(sumsDrift(), '', 'after everything was paid');
});

test('invoice_paid_many: an error leaves @invoice_totals_off as it was and changes nothing; set, it moves no sums', () => {
  const cust = customer();
  const a = doc(cust, '10.00');
  const b = doc(cust, '20.00');
  const state = () => sql(`SELECT GROUP_CONCAT(CONCAT_WS('/', paid_amount, status, row_version) ORDER BY id)
    FROM invoices WHERE id IN (${a.id}, ${b.id})`);
  const before = state();
  const v0 = totalsVersion();
  // 'bogus' is no status: the UPDATE fails (1265, strict mode, a warning's SQLSTATE) inside the procedure,
  // which passes it on as an error (the caller's SQLEXCEPTION handler catches it; the first condition is
  // the original one); a NULL paid amount fails it with an error (1048), passed on as it is
  for (const [bad, want] of [['{"p":"1","s":"bogus"}', '01000/1265'], ['{"p":null,"s":"open"}', '23000/1048']]) {
    const rows = `[{"id":${a.id},"p":"10.00","s":"paid"},${bad.replace('{', `{"id":${b.id},`)}]`;
    assert.equal(sql(`DELIMITER //
      BEGIN NOT ATOMIC
        DECLARE CONTINUE HANDLER FOR SQLEXCEPTION
          GET DIAGNOSTICS CONDITION 1 @st = RETURNED_SQLSTATE, @no = MYSQL_ERRNO;
        CALL invoice_paid_many('${rows}');
      END //
      DELIMITER ;
      SELECT CONCAT(@st, '/', @no), @invoice_totals_off IS NULL`), `${want}\t1`);
  }
  assert.equal(state(), before);
  assert.equal(totalsVersion(), v0);
  assert.equal(sumsDrift(), '');
  // a bulk load's setting is kept, and the sums left to its rebuild
  assert.equal(sql(`SET @invoice_totals_off = 1;
    CALL invoice_paid_many('[{"id":${a.id},"p":"10.00","s":"paid"}]');
    SELECT @invoice_totals_off, (SELECT paid_state FROM invoices WHERE id = ${a.id})`), '1\t2');
  assert.match(sumsDrift(), /invoice_status_totals/);   // the bulk path moved no sums
  sql(`SET @invoice_totals_off = 1; UPDATE invoices SET paid_amount = 0, status = 'open' WHERE id = ${a.id}`);
  assert.equal(sumsDrift(), '');
  // and unset, the same call moves them exactly
  sql(`CALL invoice_paid_many('[{"id":${a.id},"p":"4.00","s":"open"}]')`);
  assert.equal(sumsDrift(), '');
  sql(`UPDATE invoices SET paid_amount = 0, status = 'open' WHERE id = ${a.id}`);
});
