// Draft invoices and their lifecycle (/admin/invoices, cgi-bin/admin_invoices.c):
// the editor (lines from packages filled on the server, edit, reorder, remove),
// validation writing nothing, version conflicts, double submits, issue (number,
// snapshots, outbox, audit, the list's trigger-kept sums against SQL), void,
// discard, 409 on issued invoices, role and CSRF refusals, and 20 parallel issues.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, as, sql } from './lib.mjs';
import { checkSums } from './admin_lib.mjs';

const rows = (q) => { const s = sql(q); return s === '' ? [] : s.split('\n').map((l) => l.split('\t')); };
const one = (q) => sql(q);
const n = (q) => +sql(q);

sql('DELETE FROM login_failures');

// Everything this file makes is removed at the end, so the other files see the demo data as it was.
const MAX0 = n('SELECT COALESCE(MAX(id), 0) FROM invoices');
const PAY0 = n('SELECT COALESCE(MAX(id), 0) FROM payments');
after(() => {
  sql(`DELETE FROM payment_allocations WHERE invoice_id > ${MAX0}`);
  sql(`DELETE FROM payments WHERE id > ${PAY0}`);
  sql(`DELETE FROM outbox WHERE invoice_id > ${MAX0}`);
  sql(`DELETE FROM invoices WHERE id > ${MAX0}`);
  sql(`DELETE FROM packages WHERE name IN ('Editor test hosting', 'Editor test USD')`);
  sql(`DELETE FROM custom_field_defs WHERE field_key IN ('editor_po', 'editor_qty')`);
});

// A customer in EUR with its terms, and EUR packages (made here, so the test knows them).
const CUST = rows(`SELECT id, name, payment_days, email FROM customers WHERE active = 1 AND currency = 'EUR'
  ORDER BY id LIMIT 1`)[0];
assert.ok(CUST, 'the demo data has an active EUR customer');
const [CID, CNAME, CDAYS] = [+CUST[0], CUST[1], +CUST[2]];
sql(`INSERT IGNORE INTO packages (name, currency, unit_price, unit_code, default_quantity, tax_rate, tax_description)
  VALUES ('Editor test hosting', 'EUR', 12.345678, 'MON', 3, 19, 'VAT 19%'),
         ('Editor test USD', 'USD', 5, 'C62', 1, 0, 'no VAT')`);
const PKG = +one(`SELECT id FROM packages WHERE name = 'Editor test hosting' AND currency = 'EUR'`);
const PKG_USD = +one(`SELECT id FROM packages WHERE name = 'Editor test USD' AND currency = 'USD'`);

const keys = (html) => ({
  csrf: html.match(/name="csrf" value="([0-9a-f]{64})"/)[1],
  once: (html.match(/name="once" value="([0-9a-f]{64})"/) || [])[1],
  row_version: (html.match(/name="row_version" value="(\d+)"/) || [])[1],
});
const why = (r) => `${r.status}: ${(r.text_.match(/role="alert">([\s\S]*?)<\//) || [])[1] || r.text_.slice(0, 300)}`;
const fresh = () => randomBytes(32).toString('hex');

// The form body of a draft: header fields and lines l1.., plus `rows`.
function body(k, head, lines, extra = {}) {
  const f = { csrf: k.csrf, once: k.once, rows: String(lines.length + 1), tax_rounding: 'line', ...head };
  if (k.row_version) f.row_version = k.row_version;
  lines.forEach((l, i) => { for (const [key, v] of Object.entries(l)) f[`l${i + 1}_${key}`] = v; });
  return { ...f, ...extra };
}

const THREE = [
  { package: String(PKG) },                                              // blanks filled on the server
  { description: 'Setup & "fee"', quantity: '2', unit_price: '10.005', tax_rate: '19', unit_code: 'C62',
    tax_description: 'VAT 19%' },
  { description: 'Support hours', quantity: '1.5', unit_price: '80', tax_rate: '7', unit_code: 'HUR',
    period_start: '2026-11-01', period_end: '2026-11-30' },
];

async function createDraft(c, lines = THREE, head = {}) {
  const k = keys((await c.get('/admin/invoices/new')).text_);
  const r = await c.post('/admin/invoices/new', body(k, { customer: String(CID), invoice_date: '2026-12-01', ...head }, lines));
  assert.equal(r.status, 303, why(r));
  const m = r.headers.get('location').match(/^\/invoices\/(\d+)\?done=saved$/);
  assert.ok(m, r.headers.get('location'));
  return +m[1];
}

// Every line's amounts and the invoice's totals and VAT breakdown agree with SQL arithmetic.
function checkTotals(id) {
  const bad = n(`SELECT COUNT(*) FROM invoice_lines WHERE invoice_id = ${id}
    AND (net_amount <> ROUND(quantity * unit_price, 2) OR tax_amount <> ROUND(net_amount * tax_rate / 100, 2))`);
  assert.equal(bad, 0, 'line net = round(quantity x price), tax per line');
  const [net, tax, total] = rows(`SELECT net_total, tax_total, total FROM invoices WHERE id = ${id}`)[0];
  const [lnet, ltax] = rows(`SELECT COALESCE(SUM(net_amount), 0), COALESCE(SUM(tax_amount), 0) FROM invoice_lines WHERE invoice_id = ${id}`)[0];
  assert.equal(+net, +lnet);
  assert.equal(+tax, +ltax, 'per-line rounding: the tax is the sum of the line taxes');
  const milli = (x) => Math.round(+x * 1000);   // DECIMAL(19,3) as an integer
  assert.equal(milli(total), milli(lnet) + milli(ltax));
  const [tnet, ttax] = rows(`SELECT COALESCE(SUM(net_amount), 0), COALESCE(SUM(tax_amount), 0) FROM invoice_tax_totals WHERE invoice_id = ${id}`)[0];
  assert.equal(+tnet, +net, 'VAT breakdown nets add up');
  assert.equal(+ttax, +tax, 'VAT breakdown taxes add up');
}

async function confirmKeys(c, id, action) {
  const r = await c.get(`/admin/invoices/${id}/${action}`);
  assert.equal(r.status, 200, `${action} confirmation: ${why(r)}`);
  return { r, k: keys(r.text_) };
}

async function issue(c, id, notify = true) {
  const { k } = await confirmKeys(c, id, 'issue');
  const f = { csrf: k.csrf, once: k.once, row_version: k.row_version };
  if (notify) f.notify = '1';
  return c.post(`/admin/invoices/${id}/issue`, f);
}

// ---------- the editor ----------

test('a draft with three lines: package values filled on the server, totals from the lines', async () => {
  const c = await as('billing');
  const before = n('SELECT COUNT(*) FROM invoices');
  const id = await createDraft(c);
  assert.equal(n('SELECT COUNT(*) FROM invoices'), before + 1);
  const [status, num, cust, date, due, version] = rows(`SELECT status, COALESCE(number, '-'), customer_id, invoice_date, due_date, row_version FROM invoices WHERE id = ${id}`)[0];
  assert.equal(status, 'draft');
  assert.equal(num, '-');
  assert.equal(+cust, CID);
  assert.equal(date, '2026-12-01');
  assert.equal(due, one(`SELECT DATE_ADD('2026-12-01', INTERVAL ${CDAYS} DAY)`), 'due date from the customer\'s terms');
  assert.equal(+version, 1);
  const ls = rows(`SELECT position, COALESCE(package_id, 0), description, quantity, unit_price, tax_rate, tax_description, unit_code,
    net_amount, tax_amount, COALESCE(period_start, '-'), COALESCE(period_end, '-') FROM invoice_lines WHERE invoice_id = ${id} ORDER BY position`);
  assert.equal(ls.length, 3);
  assert.deepEqual(ls[0].slice(0, 8), ['1', String(PKG), 'Editor test hosting', '3.000000', '12.345678', '19.0000', 'VAT 19%', 'MON']);
  assert.equal(+ls[0][8], 37.04, '3 x 12.345678 = 37.037034 -> 37.04');
  assert.equal(+ls[0][9], 7.04, '19% of 37.04 = 7.0376 -> 7.04');
  assert.equal(ls[1][2], 'Setup & "fee"');
  assert.equal(+ls[1][8], 20.01, '2 x 10.005 = 20.01');
  assert.equal(+ls[2][8], 120);
  assert.equal(+ls[2][9], 8.4);
  assert.deepEqual(ls[2].slice(10), ['2026-11-01', '2026-11-30']);
  assert.deepEqual(rows(`SELECT period_start, period_end FROM invoices WHERE id = ${id}`)[0], ['2026-11-01', '2026-11-30'],
    'the invoice\'s billing period spans its lines\' periods');
  checkTotals(id);
  assert.equal(one(`SELECT total FROM invoices WHERE id = ${id}`), '196.290');
  assert.equal(n(`SELECT COUNT(*) FROM audit_events WHERE entity = 'invoice' AND entity_id = ${id} AND action = 'create'`), 1);
  checkSums();
  // the invoice page offers edit, issue and discard to billing, escapes the line text
  const v = await c.get(`/invoices/${id}`);
  assert.equal(v.status, 200);
  assert.match(v.text_, new RegExp(`href="/admin/invoices/${id}/edit"`));
  assert.match(v.text_, new RegExp(`href="/admin/invoices/${id}/issue"`));
  assert.match(v.text_, new RegExp(`href="/admin/invoices/${id}/discard"`));
  assert.doesNotMatch(v.text_, new RegExp(`href="/admin/invoices/${id}/void"`), 'a draft cannot be voided');
  assert.match(v.text_, /Setup &amp; &quot;fee&quot;/);
  assert.match(v.text_, /id="history"/);
});

test('editing a draft: dates and a line change, reorder with Up, remove, totals recomputed', async () => {
  const c = await as('admin');
  const id = await createDraft(c);
  let page = await c.get(`/admin/invoices/${id}/edit`);
  assert.equal(page.status, 200);
  assert.match(page.text_, /value="Editor test hosting"/, 'the filled package values are shown');
  let k = keys(page.text_);
  assert.equal(k.row_version, '1');
  const edited = [THREE[0], { ...THREE[1], quantity: '4' }, THREE[2]].map((l, i) => (i === 0
    ? { package: String(PKG), description: 'Editor test hosting', quantity: '3', unit_price: '12.345678', tax_rate: '19', tax_description: 'VAT 19%', unit_code: 'MON' }
    : l));
  let r = await c.post(`/admin/invoices/${id}/edit`, body(k, { customer: String(CID), invoice_date: '2026-12-02', due_date: '2026-12-31' }, edited));
  assert.equal(r.status, 303, why(r));
  assert.deepEqual(rows(`SELECT invoice_date, due_date, row_version FROM invoices WHERE id = ${id}`)[0], ['2026-12-02', '2026-12-31', '2']);
  assert.equal(+one(`SELECT net_amount FROM invoice_lines WHERE invoice_id = ${id} AND position = 2`), 40.02);
  checkTotals(id);
  // Up on line 3: "Support hours" becomes line 2
  k = keys((await c.get(`/admin/invoices/${id}/edit`)).text_);
  r = await c.post(`/admin/invoices/${id}/edit`, body(k, { customer: String(CID), invoice_date: '2026-12-02', due_date: '2026-12-31' }, edited, { move: 'up:3' }));
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), `/admin/invoices/${id}/edit?done=saved`, 'a line button returns to the editor');
  assert.deepEqual(rows(`SELECT description FROM invoice_lines WHERE invoice_id = ${id} ORDER BY position`).map((x) => x[0]),
    ['Editor test hosting', 'Support hours', 'Setup & "fee"']);
  // Remove line 1
  page = await c.get(`/admin/invoices/${id}/edit`);
  k = keys(page.text_);
  const now = [edited[0], edited[2], edited[1]];
  r = await c.post(`/admin/invoices/${id}/edit`, body(k, { customer: String(CID), invoice_date: '2026-12-02', due_date: '2026-12-31' }, now, { move: 'remove:1' }));
  assert.equal(r.status, 303);
  assert.deepEqual(rows(`SELECT position, description FROM invoice_lines WHERE invoice_id = ${id} ORDER BY position`).map((x) => x.join(':')),
    ['1:Support hours', '2:Setup & "fee"']);
  checkTotals(id);
  assert.equal(one(`SELECT total FROM invoices WHERE id = ${id}`), '176.020');
  assert.equal(n(`SELECT row_version FROM invoices WHERE id = ${id}`), 4);
  assert.equal(n(`SELECT COUNT(*) FROM audit_events WHERE entity = 'invoice' AND entity_id = ${id} AND action = 'update'`), 3);
  checkSums();
});

test('invalid input: field messages, what was typed kept, nothing written', async () => {
  const c = await as('billing');
  const count = () => n('SELECT COUNT(*) FROM invoices') + ':' + n('SELECT COUNT(*) FROM invoice_lines');
  const before = count();
  const k = keys((await c.get('/admin/invoices/new')).text_);
  const cases = [
    [{ description: 'x', quantity: '-1', unit_price: '1', tax_rate: '0' }, /Quantity must not be negative/],
    [{ description: 'x', quantity: '1', unit_price: '0.1234567', tax_rate: '0' }, /Unit price at most 6 decimals/],
    [{ package: '999999999' }, /Package is not a package that can be chosen/],
    [{ package: String(PKG_USD) }, /Package is priced in USD; the customer pays in EUR/],
    [{ description: 'x', quantity: '1', unit_price: '1', tax_rate: '0', period_start: '2026-11-30', period_end: '2026-11-01' },
      /Period end must not be before the period start/],
    [{ description: 'x', quantity: '1', unit_price: '1', tax_rate: '0', period_start: '2026-02-30' }, /Period start must be a date/],
    [{ quantity: '1', unit_price: '1', tax_rate: '0' }, /Description is required/],
  ];
  for (const [line, msg] of cases) {
    const r = await c.post('/admin/invoices/new', body(k, { customer: String(CID), invoice_date: '2026-12-01' }, [THREE[1], line]));
    assert.equal(r.status, 422, `${JSON.stringify(line)}: ${r.status}`);
    assert.match(r.text_, msg);
    assert.match(r.text_, /nothing was saved/);
    assert.match(r.text_, /value="Setup &amp; &quot;fee&quot;"/, 'the valid line is kept as typed');
    for (const [f, v] of Object.entries(line)) {
      if (f === 'package') {
        if (v === String(PKG_USD)) assert.match(r.text_, new RegExp(`value="${v}"[^>]*selected`), 'the chosen package stays chosen');
      } else assert.ok(r.text_.includes(`value="${v}"`), `typed ${v} kept`);
    }
  }
  let r = await c.post('/admin/invoices/new', body(k, { customer: String(CID), invoice_date: '2026-13-01' }, [THREE[1]]));
  assert.equal(r.status, 422);
  assert.match(r.text_, /Invoice date must be a date YYYY-MM-DD/);
  r = await c.post('/admin/invoices/new', body(k, { customer: String(CID), invoice_date: '2026-12-10', due_date: '2026-12-01' }, [THREE[1]]));
  assert.equal(r.status, 422);
  assert.match(r.text_, /Due date must not be before the invoice date/);
  r = await c.post('/admin/invoices/new', body(k, { customer: '999999999' }, [THREE[1]]));
  assert.equal(r.status, 422);
  assert.match(r.text_, /Customer is not an active customer/);
  assert.equal(count(), before, 'nothing was written');
  // the same key still works once the form is right (a refused form leaves it unused)
  r = await c.post('/admin/invoices/new', body(k, { customer: String(CID), invoice_date: '2026-12-01' }, [THREE[1]]));
  assert.equal(r.status, 303);
});

test('a save over a newer version is refused with 409 and overwrites nothing', async () => {
  const c = await as('billing');
  const id = await createDraft(c);
  const k1 = keys((await c.get(`/admin/invoices/${id}/edit`)).text_);
  const k2 = keys((await c.get(`/admin/invoices/${id}/edit`)).text_);
  let r = await c.post(`/admin/invoices/${id}/edit`, body(k1, { customer: String(CID), invoice_date: '2026-12-01', notes: 'first' }, [THREE[1]]));
  assert.equal(r.status, 303);
  const snapshot = () => JSON.stringify(rows(`SELECT notes, row_version, total FROM invoices WHERE id = ${id}`)) +
    JSON.stringify(rows(`SELECT position, description, quantity FROM invoice_lines WHERE invoice_id = ${id} ORDER BY position`));
  const before = snapshot();
  r = await c.post(`/admin/invoices/${id}/edit`, body(k2, { customer: String(CID), invoice_date: '2026-12-01', notes: 'second' }, [THREE[2]]));
  assert.equal(r.status, 409);
  assert.match(r.text_, /changed by someone else/);
  assert.match(r.text_, />second<\/textarea>/, 'what was typed is kept');
  assert.equal(snapshot(), before);
  assert.equal(one(`SELECT notes FROM invoices WHERE id = ${id}`), 'first');
});

test('the same form posted twice creates one invoice and answers the same', async () => {
  const c = await as('billing');
  const k = keys((await c.get('/admin/invoices/new')).text_);
  const f = body(k, { customer: String(CID), invoice_date: '2026-12-01', notes: `double ${k.once}` }, THREE);
  const [a, b] = await Promise.all([c.post('/admin/invoices/new', f), c.post('/admin/invoices/new', f)]);
  const again = await c.post('/admin/invoices/new', f);
  for (const r of [a, b, again]) assert.equal(r.status, 303);
  assert.equal(a.headers.get('location'), b.headers.get('location'));
  assert.equal(a.headers.get('location'), again.headers.get('location'));
  assert.equal(n(`SELECT COUNT(*) FROM invoices WHERE notes = 'double ${k.once}'`), 1);
  assert.equal(n(`SELECT COUNT(*) FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.notes = 'double ${k.once}'`), 3);
});

// ---------- lifecycle ----------

test('issue: next number, snapshots, frozen, outbox, audit, list sums exact', async () => {
  const c = await as('billing');
  const id = await createDraft(c);
  const { r: page } = await confirmKeys(c, id, 'issue');
  assert.match(page.text_, /Issuing gives the invoice the next number/);
  assert.match(page.text_, /name="notify" value="1" checked/, 'notify is on by default');
  const total = one(`SELECT total FROM invoices WHERE id = ${id}`);
  assert.ok(page.text_.includes((+total).toFixed(2)), 'the confirmation shows the total');
  const year = 2026;
  const next = n(`SELECT COALESCE((SELECT next_value FROM number_sequences WHERE series = 'invoice' AND year = ${year}), 1)`);
  const r = await issue(c, id);
  assert.equal(r.status, 303, why(r));
  assert.equal(r.headers.get('location'), `/invoices/${id}`);
  const [status, number, issued, buyer, seller] = rows(`SELECT status, number, issued_at IS NOT NULL,
    JSON_VALUE(buyer_snapshot, '$.name'), JSON_VALUE(seller_snapshot, '$.name') FROM invoices WHERE id = ${id}`)[0];
  assert.equal(status, 'open');
  assert.equal(number, `INV-${year}-${String(next).padStart(6, '0')}`);
  assert.equal(issued, '1');
  assert.equal(buyer, CNAME);
  assert.ok(seller && seller !== 'NULL', 'seller snapshot stored');
  assert.equal(one(`SELECT JSON_VALUE(i.buyer_snapshot, '$.country') = c.country AND JSON_VALUE(i.buyer_snapshot, '$.vat_id') = c.vat_id
    FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE i.id = ${id}`), '1', 'buyer snapshot with the customer\'s details');
  assert.equal(n(`SELECT next_value FROM number_sequences WHERE series = 'invoice' AND year = ${year}`), next + 1);
  const mail = n(`SELECT COUNT(*) FROM outbox WHERE invoice_id = ${id} AND kind = 'invoice_issued'`);
  assert.equal(mail, CUST[3] ? 1 : 0, 'one queued mail when the customer has an address');
  assert.equal(n(`SELECT COUNT(*) FROM audit_events WHERE entity = 'invoice' AND entity_id = ${id} AND action = 'issue'`), 1);
  checkTotals(id);
  checkSums();
  // the list finds it by its number
  const list = await c.get(`/invoices?q=${number}`);
  assert.equal(list.status, 200);
  assert.ok(list.text_.includes(number));
  // the invoice page: void offered, edit/issue/discard not; history shows the issue
  const v = await c.get(`/invoices/${id}`);
  assert.match(v.text_, new RegExp(`href="/admin/invoices/${id}/void"`));
  assert.doesNotMatch(v.text_, new RegExp(`href="/admin/invoices/${id}/(edit|issue|discard)"`));
  assert.match(v.text_, /<strong class="action">issue<\/strong>/, "the history shows the issue");
  assert.match(v.text_, new RegExp(`<span class="field">number</span>: <ins>${number}</ins>`));
});

test('the issue form posted twice issues once: one number, one mail, the same answer', async () => {
  const c = await as('billing');
  const id = await createDraft(c, [THREE[1]]);
  const { k } = await confirmKeys(c, id, 'issue');
  const f = { csrf: k.csrf, once: k.once, row_version: k.row_version, notify: '1' };
  const next = n(`SELECT COALESCE((SELECT next_value FROM number_sequences WHERE series = 'invoice' AND year = 2026), 1)`);
  const [a, b] = await Promise.all([c.post(`/admin/invoices/${id}/issue`, f), c.post(`/admin/invoices/${id}/issue`, f)]);
  const again = await c.post(`/admin/invoices/${id}/issue`, f);
  for (const r of [a, b, again]) assert.equal(r.status, 303, why(r));
  assert.equal(a.headers.get('location'), again.headers.get('location'));
  assert.equal(n(`SELECT next_value FROM number_sequences WHERE series = 'invoice' AND year = 2026`), next + 1, 'one number taken');
  assert.equal(n(`SELECT COUNT(*) FROM audit_events WHERE entity = 'invoice' AND entity_id = ${id} AND action = 'issue'`), 1);
  assert.ok(n(`SELECT COUNT(*) FROM outbox WHERE invoice_id = ${id}`) <= 1);
});

test('issued invoices cannot be changed: 409 for every change, nothing written', async () => {
  const c = await as('admin');
  const id = await createDraft(c);
  assert.equal((await issue(c, id, false)).status, 303);
  assert.equal(n(`SELECT COUNT(*) FROM outbox WHERE invoice_id = ${id}`), 0, 'notify off: no mail');
  const snap = () => JSON.stringify(rows(`SELECT status, number, row_version, total, invoice_date FROM invoices WHERE id = ${id}`)) +
    JSON.stringify(rows(`SELECT position, description, quantity FROM invoice_lines WHERE invoice_id = ${id} ORDER BY position`));
  const before = snap();
  const csrf = keys((await c.get(`/invoices/${id}`)).text_).csrf;
  const version = one(`SELECT row_version FROM invoices WHERE id = ${id}`);
  let r = await c.get(`/admin/invoices/${id}/edit`);
  assert.equal(r.status, 409);
  assert.match(r.text_, /Issued invoices cannot be changed/);
  r = await c.post(`/admin/invoices/${id}/edit`, body({ csrf, once: fresh(), row_version: version }, { customer: String(CID), invoice_date: '2026-12-01' }, [THREE[1]]));
  assert.equal(r.status, 409);
  assert.match(r.text_, /Issued invoices cannot be changed/);
  for (const action of ['issue', 'discard']) {
    r = await c.get(`/admin/invoices/${id}/${action}`);
    assert.equal(r.status, 409, `GET ${action}`);
    r = await c.post(`/admin/invoices/${id}/${action}`, { csrf, once: fresh(), row_version: version, notify: '1' });
    assert.equal(r.status, 409, `POST ${action}`);
  }
  assert.equal(snap(), before);
});

test('void with a reason; refused without one and when a payment is allocated', async () => {
  const c = await as('billing');
  const id = await createDraft(c);
  assert.equal((await issue(c, id)).status, 303);
  let { r: page, k } = await confirmKeys(c, id, 'void');
  assert.match(page.text_, /Voiding cancels the invoice/);
  let r = await c.post(`/admin/invoices/${id}/void`, { csrf: k.csrf, once: k.once, row_version: k.row_version, reason: '' });
  assert.equal(r.status, 422);
  assert.match(r.text_, /Reason for voiding is required/);
  assert.equal(one(`SELECT status FROM invoices WHERE id = ${id}`), 'open');
  r = await c.post(`/admin/invoices/${id}/void`, { csrf: k.csrf, once: k.once, row_version: k.row_version, reason: 'Billed twice' });
  assert.equal(r.status, 303);
  assert.deepEqual(rows(`SELECT status, void_reason, voided_at IS NOT NULL, number IS NOT NULL FROM invoices WHERE id = ${id}`)[0],
    ['void', 'Billed twice', '1', '1']);
  assert.equal(n(`SELECT COUNT(*) FROM audit_events WHERE entity = 'invoice' AND entity_id = ${id} AND action = 'void'`), 1);
  checkSums();
  r = await c.get(`/admin/invoices/${id}/void`);
  assert.equal(r.status, 409, 'void twice');

  // an allocation (made by SQL) stops a void
  const id2 = await createDraft(c);
  assert.equal((await issue(c, id2)).status, 303);
  ({ k } = await confirmKeys(c, id2, 'void'));
  sql(`INSERT INTO payments (customer_id, currency, amount, allocated_amount, received_on) VALUES (${CID}, 'EUR', 10, 10, '2026-12-02')`);
  const pay = one('SELECT MAX(id) FROM payments');
  sql(`INSERT INTO payment_allocations (invoice_id, payment_id, amount) VALUES (${id2}, ${pay}, 10)`);
  sql(`UPDATE invoices SET paid_amount = paid_amount + 10 WHERE id = ${id2}`);
  r = await c.post(`/admin/invoices/${id2}/void`, { csrf: k.csrf, once: k.once, row_version: k.row_version, reason: 'No' });
  assert.equal(r.status, 409);
  assert.match(r.text_, /Payments are allocated to this invoice/);
  assert.equal(one(`SELECT status FROM invoices WHERE id = ${id2}`), 'open');
  assert.equal((await c.get(`/admin/invoices/${id2}/void`)).status, 409);
  assert.doesNotMatch((await c.get(`/invoices/${id2}`)).text_, new RegExp(`href="/admin/invoices/${id2}/void"`));
  checkSums();
});

test('discard deletes a draft with its lines, audited', async () => {
  const c = await as('billing');
  const id = await createDraft(c);
  const { r: page, k } = await confirmKeys(c, id, 'discard');
  assert.match(page.text_, /Discarding deletes this draft/);
  const r = await c.post(`/admin/invoices/${id}/discard`, { csrf: k.csrf, once: k.once, row_version: k.row_version });
  assert.equal(r.status, 303);
  assert.equal(n(`SELECT COUNT(*) FROM invoices WHERE id = ${id}`), 0);
  assert.equal(n(`SELECT COUNT(*) FROM invoice_lines WHERE invoice_id = ${id}`), 0);
  assert.equal(n(`SELECT COUNT(*) FROM invoice_tax_totals WHERE invoice_id = ${id}`), 0);
  assert.equal(n(`SELECT COUNT(*) FROM audit_events WHERE entity = 'invoice' AND entity_id = ${id} AND action = 'discard'`), 1);
  assert.equal((await c.get(`/invoices/${id}`)).status, 404);
  checkSums();
});

// ---------- refusals ----------

test('support gets 403, customers 404, on every editor and lifecycle address; nothing changes', async () => {
  const b = await as('billing');
  const id = await createDraft(b);
  const snap = () => JSON.stringify(rows(`SELECT COUNT(*), SUM(row_version), SUM(status = 'draft') FROM invoices`));
  const before = snap();
  for (const [role, code] of [['support', 403], ['customer', 404]]) {
    const c = await as(role);
    const csrf = keys((await c.get('/invoices')).text_).csrf;
    for (const path of ['/admin/invoices/new', `/admin/invoices/${id}/edit`, `/admin/invoices/${id}/issue`,
      `/admin/invoices/${id}/void`, `/admin/invoices/${id}/discard`]) {
      assert.equal((await c.get(path)).status, code, `${role} GET ${path}`);
      const r = await c.post(path, body({ csrf, once: fresh(), row_version: '1' }, { customer: String(CID), invoice_date: '2026-12-01' }, [THREE[1]], { notify: '1', reason: 'x' }));
      assert.equal(r.status, code, `${role} POST ${path}`);
    }
    assert.equal((await c.post(`/admin/invoices/${id}/revoke-links`, { csrf })).status, code);
    const v = await c.get(`/invoices/${id}`);
    if (role === 'support') assert.doesNotMatch(v.text_, /\/admin\/invoices\/\d+\/(edit|issue|discard)/, 'support sees no actions');
  }
  assert.equal(snap(), before);
});

test('a POST without the CSRF token is refused (403) and writes nothing', async () => {
  const c = await as('billing');
  const k = keys((await c.get('/admin/invoices/new')).text_);
  const before = n('SELECT COUNT(*) FROM invoices');
  let r = await c.post('/admin/invoices/new', body({ ...k, csrf: '' }, { customer: String(CID), invoice_date: '2026-12-01' }, THREE));
  assert.equal(r.status, 403);
  r = await c.post('/admin/invoices/new', body({ ...k, csrf: fresh() }, { customer: String(CID), invoice_date: '2026-12-01' }, THREE));
  assert.equal(r.status, 403);
  assert.equal(n('SELECT COUNT(*) FROM invoices'), before);
  const id = await createDraft(c);
  const { k: ik } = await confirmKeys(c, id, 'issue');
  r = await c.post(`/admin/invoices/${id}/issue`, { once: ik.once, row_version: ik.row_version, notify: '1' });
  assert.equal(r.status, 403);
  assert.equal(one(`SELECT status FROM invoices WHERE id = ${id}`), 'draft');
});

test('revoking links from the invoice page bumps the link epoch', async () => {
  const c = await as('billing');
  const id = await createDraft(c);
  assert.equal((await issue(c, id, false)).status, 303);
  const page = await c.get(`/invoices/${id}?link_days=7`);
  assert.equal(page.status, 200);
  assert.match(page.text_, /\(7 days\)/);
  const link = page.text_.match(/id="share-url"[^>]*value="[^"]*(\/d\/[^"]+)"/)[1];
  assert.equal((await new Client().get(link)).status, 200, 'the link opens the PDF');
  const epoch = n(`SELECT link_epoch FROM invoices WHERE id = ${id}`);
  const r = await c.post(`/admin/invoices/${id}/revoke-links`, { csrf: keys(page.text_).csrf });
  assert.equal(r.status, 303);
  assert.equal(n(`SELECT link_epoch FROM invoices WHERE id = ${id}`), epoch + 1);
  assert.equal((await new Client().get(link)).status, 410, 'the old link is refused');
  assert.equal((await c.get(`/invoices/${id}?link_days=0`)).status, 400);
});

test('20 issues in parallel take 20 consecutive numbers, no gap, no duplicate', async () => {
  const c = await as('billing');
  const ids = [];
  for (let i = 0; i < 20; i++) ids.push(await createDraft(c, [THREE[1]]));
  const forms = [];
  for (const id of ids) forms.push((await confirmKeys(c, id, 'issue')).k);
  const start = n(`SELECT COALESCE((SELECT next_value FROM number_sequences WHERE series = 'invoice' AND year = 2026), 1)`);
  const res = await Promise.all(ids.map((id, i) => c.post(`/admin/invoices/${id}/issue`,
    { csrf: forms[i].csrf, once: forms[i].once, row_version: forms[i].row_version })));
  for (const r of res) assert.equal(r.status, 303, why(r));
  const nums = rows(`SELECT number FROM invoices WHERE id IN (${ids.join(',')})`).map((r) => r[0]);
  const seqs = nums.map((s) => +s.match(/^INV-2026-(\d{6})$/)[1]).sort((a, b) => a - b);
  assert.equal(new Set(seqs).size, 20, 'no duplicate');
  assert.deepEqual(seqs, Array.from({ length: 20 }, (_, i) => start + i), 'consecutive from the next free number');
  assert.equal(n(`SELECT next_value FROM number_sequences WHERE series = 'invoice' AND year = 2026`), start + 20);
  checkSums();
});

test('custom field values: one input per active definition, typed checks, stored with the draft', async () => {
  sql(`INSERT IGNORE INTO custom_field_defs (field_key, label, field_type, visible_to_customer, print_on_pdf, position)
    VALUES ('editor_po', 'Editor PO', 'text', 1, 1, 90), ('editor_qty', 'Editor count', 'number', 0, 1, 91)`);
  const po = +one(`SELECT id FROM custom_field_defs WHERE field_key = 'editor_po'`);
  const cnt = +one(`SELECT id FROM custom_field_defs WHERE field_key = 'editor_qty'`);
  const c = await as('billing');
  let page = await c.get('/admin/invoices/new');
  assert.match(page.text_, new RegExp(`name="cf_${po}"`));
  assert.match(page.text_, new RegExp(`name="cf_${cnt}"`));
  let k = keys(page.text_);
  const before = n('SELECT COUNT(*) FROM invoice_custom_fields');
  let r = await c.post('/admin/invoices/new', body(k, { customer: String(CID), invoice_date: '2026-12-01', [`cf_${po}`]: 'PO <77>', [`cf_${cnt}`]: '1.1234567' }, [THREE[1]]));
  assert.equal(r.status, 422);
  assert.match(r.text_, /Editor count must be a number with at most 6 decimals/);
  assert.match(r.text_, /value="PO &lt;77&gt;"/, 'typed value kept, escaped');
  assert.equal(n('SELECT COUNT(*) FROM invoice_custom_fields'), before);
  r = await c.post('/admin/invoices/new', body(k, { customer: String(CID), invoice_date: '2026-12-01', [`cf_${po}`]: 'PO <77>', [`cf_${cnt}`]: '12.5' }, [THREE[1]]));
  assert.equal(r.status, 303, why(r));
  const id = +r.headers.get('location').match(/\/invoices\/(\d+)/)[1];
  assert.deepEqual(rows(`SELECT field_id, value FROM invoice_custom_fields WHERE invoice_id = ${id} ORDER BY field_id`),
    [[String(po), 'PO <77>'], [String(cnt), '12.5']].sort((a, b) => a[0] - b[0]));
  // emptied on edit: the value is removed
  page = await c.get(`/admin/invoices/${id}/edit`);
  assert.match(page.text_, new RegExp(`name="cf_${po}" value="PO &lt;77&gt;"`));
  k = keys(page.text_);
  r = await c.post(`/admin/invoices/${id}/edit`, body(k, { customer: String(CID), invoice_date: '2026-12-01', [`cf_${po}`]: '', [`cf_${cnt}`]: '3' }, [THREE[1]]));
  assert.equal(r.status, 303, why(r));
  assert.deepEqual(rows(`SELECT field_id, value FROM invoice_custom_fields WHERE invoice_id = ${id}`), [[String(cnt), '3']]);
  // printed on the PDF: visible to the customer and marked print_on_pdf; the internal one never
  k = keys((await c.get(`/admin/invoices/${id}/edit`)).text_);
  r = await c.post(`/admin/invoices/${id}/edit`, body(k, { customer: String(CID), invoice_date: '2026-12-01', [`cf_${po}`]: 'PO-4711', [`cf_${cnt}`]: '3' }, [THREE[1]]));
  assert.equal(r.status, 303, why(r));
  assert.equal((await issue(c, id, false)).status, 303);
  const res = await fetch(`${process.env.BASE_URL}/invoices/${id}.pdf`, { headers: { cookie: c.cookieHeader() } });
  assert.equal(res.status, 200);
  const file = join(tmpdir(), `editor-${id}.pdf`);
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  const text = execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  unlinkSync(file);
  assert.match(text, /Editor PO/);
  assert.match(text, /PO-4711/);
  assert.doesNotMatch(text, /Editor count/, 'a field hidden from the customer is not printed');
});

test('a new year starts its own series at 1, also when its first issues race', async () => {
  const c = await as('billing');
  const year = 2031;
  assert.equal(n(`SELECT COUNT(*) FROM number_sequences WHERE year = ${year}`), 0, 'no series for the year yet');
  const ids = [];
  for (let i = 0; i < 6; i++) ids.push(await createDraft(c, [THREE[1]], { invoice_date: `${year}-01-0${i + 1}` }));
  const forms = [];
  for (const id of ids) forms.push((await confirmKeys(c, id, 'issue')).k);
  const res = await Promise.all(ids.map((id, i) => c.post(`/admin/invoices/${id}/issue`,
    { csrf: forms[i].csrf, once: forms[i].once, row_version: forms[i].row_version })));
  for (const r of res) assert.equal(r.status, 303, why(r));
  const nums = rows(`SELECT number FROM invoices WHERE id IN (${ids.join(',')}) ORDER BY number`).map((r) => r[0]);
  assert.deepEqual(nums, [1, 2, 3, 4, 5, 6].map((k) => `INV-${year}-${String(k).padStart(6, '0')}`));
  assert.deepEqual(rows(`SELECT series, next_value FROM number_sequences WHERE year = ${year}`), [['invoice', '7']]);
  sql(`DELETE FROM invoices WHERE id IN (${ids.join(',')})`);
  sql(`DELETE FROM number_sequences WHERE year = ${year}`);
});

// EN 16931 (issue 12): issue refuses a document that would break a fatal rule, naming the rule and
// the field to fix, before a number is taken; fixed, the same draft issues.
test('issue refuses a document breaking a fatal EN 16931 rule, names rule and field, spends no number', async () => {
  const c = await as('billing');
  const id = await createDraft(c);
  const vat = one(`SELECT vat_id FROM customers WHERE id = ${CID}`);
  const [cat2, rate2, tax2] = rows(`SELECT vat_category, tax_rate, tax_amount FROM invoice_lines WHERE invoice_id = ${id} AND position = 2`)[0];
  const seqs = () => rows('SELECT series, year, next_value FROM number_sequences ORDER BY series, year');
  const untouched = (what) => {
    assert.deepEqual(rows(`SELECT status, COALESCE(number, '-') FROM invoices WHERE id = ${id}`), [['draft', '-']], what);
    assert.equal(n(`SELECT COUNT(*) FROM audit_events WHERE entity = 'invoice' AND entity_id = ${id} AND action = 'issue'`), 0, what);
  };
  const before = seqs();
  try {
    // BR-AE-02: a reverse-charge line needs the buyer's VAT id (the buyer's country cannot be
    // missing here: the schema's ck_customers_country keeps it an ISO code, so BR-11 is unit-tested)
    sql(`UPDATE customers SET vat_id = '' WHERE id = ${CID}`);
    sql(`UPDATE invoice_lines SET vat_category = 'AE', tax_rate = 0, tax_amount = 0 WHERE invoice_id = ${id} AND position = 2`);
    let r = await issue(c, id, false);
    assert.equal(r.status, 409, why(r));
    assert.match(r.text_, /EN 16931 rule BR-AE-02: the customer(&#39;|&apos;|')s VAT identifier is missing/);
    untouched('BR-AE-02');
    // BR-S-05: a standard-rated line at 0%
    sql(`UPDATE invoice_lines SET vat_category = 'S' WHERE invoice_id = ${id} AND position = 2`);
    r = await issue(c, id, false);
    assert.equal(r.status, 409, why(r));
    assert.match(r.text_, /EN 16931 rule BR-S-05/);
    untouched('BR-S-05');
    assert.deepEqual(seqs(), before, 'no number was taken');
  } finally {
    sql(`UPDATE customers SET vat_id = '${vat}' WHERE id = ${CID}`);
  }
  sql(`UPDATE invoice_lines SET vat_category = '${cat2}', tax_rate = ${rate2}, tax_amount = ${tax2}
    WHERE invoice_id = ${id} AND position = 2`);
  const r = await issue(c, id, false);
  assert.equal(r.status, 303, why(r));
  assert.match(one(`SELECT number FROM invoices WHERE id = ${id}`), /^INV-\d{4}-\d{6}$/);
});
