// Credit notes from an issued invoice (/admin/invoices/{id}/credit, cgi-bin/admin_credit.c,
// lib/credit.c): full credit (the invoice becomes Paid), partial by quantity and by amount,
// over-credit refused with nothing written, a paid invoice's credit staying unallocated,
// drafts/void/credit notes refused, the credit series gap-free under 10 parallel requests,
// two people crediting one invoice at once, roles, CSRF, double submit, the pages and the PDF.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { as, sql } from './lib.mjs';
import { decode, fieldError, formFields, checkSums } from './admin_lib.mjs';

const rows = (q) => { const s = sql(q); return s === '' ? [] : s.split('\n').map((l) => l.split('\t')); };
const n = (q) => +sql(q);
const cents = (x) => Math.round(+x * 100);

sql('DELETE FROM login_failures');
const MAX0 = n('SELECT COALESCE(MAX(id), 0) FROM invoices');
const PAY0 = n('SELECT COALESCE(MAX(id), 0) FROM payments');
after(() => {
  sql(`DELETE FROM payment_allocations WHERE invoice_id > ${MAX0} OR credit_note_id > ${MAX0}`);
  sql(`DELETE FROM payments WHERE id > ${PAY0}`);
  sql(`DELETE FROM outbox WHERE invoice_id > ${MAX0}`);
  sql(`DELETE FROM invoices WHERE id > ${MAX0} AND kind = 'credit'`);
  sql(`DELETE FROM invoices WHERE id > ${MAX0}`);
});

// customer1's customer: its credit notes show in its portal view
const CID = n(`SELECT customer_id FROM users WHERE email = 'customer1@example.com'`);
const CUR = sql(`SELECT currency FROM customers WHERE id = ${CID}`);
sql(`UPDATE customers SET active = 1 WHERE id = ${CID}`);

const keys = (html) => ({
  csrf: html.match(/name="csrf" value="([0-9a-f]{64})"/)[1],
  once: (html.match(/name="once" value="([0-9a-f]{64})"/) || [])[1],
  row_version: (html.match(/name="row_version" value="(\d+)"/) || [])[1],
});
const why = (r) => `${r.status}: ${decode((r.text_.match(/role="alert"[^>]*>([\s\S]*?)<\/(p|div)>/) || [])[1] || r.text_.slice(0, 400))}`;

// lines: [description, quantity, unit price, tax rate]
const LINES = [['Hosting', '10', '10', '19'], ['Support hours', '2', '50', '7'], ['Setup', '1', '33.33', '19']];

async function issuedInvoice(c, lines = LINES, rounding = 'line') {
  const k = keys((await c.get('/admin/invoices/new')).text_);
  const f = { csrf: k.csrf, once: k.once, rows: String(lines.length + 1), tax_rounding: rounding, customer: String(CID),
    invoice_date: '2026-11-20' };
  lines.forEach(([d, q, p, t], i) => Object.assign(f, { [`l${i + 1}_description`]: d, [`l${i + 1}_quantity`]: q,
    [`l${i + 1}_unit_price`]: p, [`l${i + 1}_tax_rate`]: t, [`l${i + 1}_unit_code`]: 'C62' }));
  let r = await c.post('/admin/invoices/new', f);
  assert.equal(r.status, 303, why(r));
  const id = +r.headers.get('location').match(/^\/invoices\/(\d+)/)[1];
  const ik = keys((await c.get(`/admin/invoices/${id}/issue`)).text_);
  r = await c.post(`/admin/invoices/${id}/issue`, { csrf: ik.csrf, once: ik.once, row_version: ik.row_version });
  assert.equal(r.status, 303, why(r));
  return id;
}

// The form's fields with `pick` applied ({ q_1: '3', a_2: '12.00', full: '1', reason }).
async function review(c, id, pick) {
  const g = await c.get(`/admin/invoices/${id}/credit`);
  assert.equal(g.status, 200, why(g));
  const f = { ...formFields(g.text_, 'credit-form'), reason: 'Service outage', ...pick };
  return { f, r: await c.post(`/admin/invoices/${id}/credit`, f) };
}

// Review, then confirm: the credit note's id.
async function credit(c, id, pick) {
  const { r } = await review(c, id, pick);
  assert.equal(r.status, 200, why(r));
  assert.match(r.text_, /id="credit-confirm"/);
  const cf = formFields(r.text_, 'credit-confirm');
  const done = await c.post(`/admin/invoices/${id}/credit`, cf);
  assert.equal(done.status, 303, why(done));
  return { cn: +done.headers.get('location').match(/^\/invoices\/(\d+)$/)[1], cf, confirm: r.text_ };
}

const inv = (id) => {
  const [status, total, paid, kind, number, version] = rows(`SELECT status, total, paid_amount, kind,
    COALESCE(number, ''), row_version FROM invoices WHERE id = ${id}`)[0];
  return { status, total: cents(total), paid: cents(paid), kind, number, version: +version };
};
const written = () => sql(`SELECT CONCAT(COUNT(*), '/', (SELECT COUNT(*) FROM audit_events), '/',
  (SELECT COUNT(*) FROM payment_allocations), '/', (SELECT COUNT(*) FROM credit_note_lines)) FROM invoices`);

// The figures shown (the customer's list sums, the dashboard's receivables) against SQL:
// per DESIGN.md "List figures", issued documents only, credit notes counted negative.
const money = (v) => { const c = cents(v); const a = Math.abs(c);
  return `${c < 0 ? '-' : ''}${String(Math.floor(a / 100)).replace(/\B(?=(\d{3})+$)/g, ',')}.${String(a % 100).padStart(2, '0')} ${CUR}`; };
function truth(where) {
  const [billed, paid, balance] = rows(`SELECT SUM(IF(kind = 'credit', -1, 1) * total), SUM(IF(kind = 'credit', -1, 1) * paid_amount),
    SUM(IF(kind = 'credit', -1, 1) * (total - paid_amount)) FROM invoices WHERE status IN ('open', 'paid')
    AND currency = '${CUR}' AND ${where}`)[0];
  return [money(billed), money(paid), money(balance)];
}
async function checkFigures(c) {
  const list = (await c.get(`/invoices?customer=${CID}`)).text_;
  const sum = list.match(new RegExp(`<span class="sum" data-currency="${CUR}" data-kind="issued">([\\s\\S]*?)</span> (?=<span class="sum"|(?:</span>)?</p>)`));
  assert.ok(sum, 'the list shows its sums');
  const f = (cls) => decode(sum[1].match(new RegExp(`<span class="${cls}">([^<]*)</span>`))[1]);
  assert.deepEqual([f('billed'), f('paid'), f('balance')], truth(`customer_id = ${CID}`), "the customer's list sums");
  const dash = (await c.get('/admin')).text_.match(new RegExp(`<tr data-currency="${CUR}">([\\s\\S]*?)</tr>`))[1];
  const d = (cls) => decode(dash.match(new RegExp(`<td class="num ${cls}">([\\s\\S]*?)</td>`))[1]);
  assert.deepEqual([d('billed'), d('paid'), d('outstanding')], truth('1'), "the dashboard's receivables");
}

// A credit note's lines, totals and VAT breakdown add up, and each line points at the invoice's.
function checkNote(cn, invoiceId) {
  const [kind, type, credited, total, net, tax] = rows(`SELECT kind, type_code, credited_invoice_id, total, net_total,
    tax_total FROM invoices WHERE id = ${cn}`)[0];
  assert.deepEqual([kind, type, +credited], ['credit', '381', invoiceId]);
  const [lnet, ltax] = rows(`SELECT SUM(net_amount), SUM(tax_amount) FROM invoice_lines WHERE invoice_id = ${cn}`)[0];
  assert.equal(cents(net), cents(lnet));
  assert.equal(cents(tax), cents(ltax));
  assert.equal(cents(total), cents(lnet) + cents(ltax));
  // the last part of a line takes the rest of its tax: a cent off its own rounding at most
  assert.equal(n(`SELECT COUNT(*) FROM invoice_lines WHERE invoice_id = ${cn} AND (net_amount <> ROUND(quantity * unit_price, 2)
    OR ABS(tax_amount - ROUND(net_amount * tax_rate / 100, 2)) > 0.01)`), 0, 'line amounts from quantity x price, tax per line');
  // no invoice line is credited beyond its quantity, net or tax
  assert.equal(n(`SELECT COUNT(*) FROM invoice_lines o JOIN (SELECT k.credited_line_id, SUM(k.quantity) q, SUM(l.net_amount) n,
    SUM(l.tax_amount) t FROM credit_note_lines k JOIN invoice_lines l ON l.id = k.line_id JOIN invoices c ON c.id = l.invoice_id
    WHERE c.credited_invoice_id = ${invoiceId} AND c.status IN ('open', 'paid') GROUP BY k.credited_line_id) s
    ON s.credited_line_id = o.id WHERE s.q > o.quantity OR s.n > o.net_amount OR s.t > o.tax_amount`), 0);
  assert.equal(n(`SELECT COUNT(*) FROM invoice_lines l LEFT JOIN credit_note_lines k ON k.line_id = l.id
    LEFT JOIN invoice_lines o ON o.id = k.credited_line_id WHERE l.invoice_id = ${cn}
    AND (o.invoice_id IS NULL OR o.invoice_id <> ${invoiceId})`), 0, 'every line links to a line of the invoice');
  const [tnet, ttax] = rows(`SELECT SUM(net_amount), SUM(tax_amount) FROM invoice_tax_totals WHERE invoice_id = ${cn}`)[0];
  assert.equal(cents(tnet), cents(net));
  assert.equal(cents(ttax), cents(tax));
}

test('full credit: numbered in the credit series, settles the invoice (Paid), pages and PDF say Credit note', async () => {
  const c = await as('billing');
  const id = await issuedInvoice(c);
  const before = inv(id);
  assert.equal(before.status, 'open');
  const { cn, confirm } = await credit(c, id, { full: '1', notify: '1' });
  assert.match(decode(confirm), /becomes 0\.00/, 'the confirmation says what happens to the balance');
  const note = inv(cn);
  const year = sql(`SELECT YEAR(invoice_date) FROM invoices WHERE id = ${cn}`);
  assert.match(note.number, new RegExp(`^CN-${year}-\\d{6}$`));
  assert.equal(note.total, before.total, 'the whole invoice');
  assert.equal(note.paid, note.total, 'the credit note is spent on the invoice');
  assert.equal(note.status, 'paid');
  const after = inv(id);
  assert.equal(after.status, 'paid', 'the invoice is settled by the credit');
  assert.equal(after.paid, after.total);
  assert.equal(n(`SELECT COUNT(*) FROM payment_allocations WHERE invoice_id = ${id} AND credit_note_id = ${cn}
    AND amount = ${after.total / 100}`), 1);
  checkNote(cn, id);
  assert.equal(n(`SELECT COUNT(*) FROM invoice_lines WHERE invoice_id = ${cn}`), 3);
  assert.equal(n(`SELECT COUNT(*) FROM outbox WHERE invoice_id = ${cn} AND subject LIKE 'Credit note CN-%'`), 1);
  // audit: on the invoice (credit_note, credit), on the credit note (create, issue, allocate)
  assert.deepEqual(rows(`SELECT action FROM audit_events WHERE entity = 'invoice' AND entity_id = ${id}
    AND action IN ('credit', 'credit_note') ORDER BY id`).map((r) => r[0]), ['credit', 'credit_note']);
  assert.deepEqual(rows(`SELECT action FROM audit_events WHERE entity = 'invoice' AND entity_id = ${cn} ORDER BY id`)
    .map((r) => r[0]), ['create', 'issue', 'allocate']);
  checkSums();
  await checkFigures(c);
  // the credit note's page: title, number, the invoice it credits with a link
  const v = await c.get(`/invoices/${cn}`);
  assert.equal(v.status, 200);
  assert.match(v.text_, new RegExp(`<title>Credit note ${note.number}`));
  assert.match(v.text_, new RegExp(`id="inv-credited"><a href="/invoices/${id}">${before.number}</a>`));
  assert.match(v.text_, /id="inv-status">Credit note</);
  // the invoice's page lists it, shows Paid, and offers no further credit
  const iv = await c.get(`/invoices/${id}`);
  assert.match(iv.text_, new RegExp(`<a href="/invoices/${cn}">${note.number}</a>`));
  assert.match(iv.text_, /id="inv-status">Paid</);
  assert.doesNotMatch(iv.text_, /id="act-credit"/);
  const again = await c.get(`/admin/invoices/${id}/credit`);
  assert.equal(again.status, 409);
  assert.match(decode(again.text_), /credited in full already/);
  // the list: its number, a negative total, the label
  const list = await c.get(`/invoices?customer=${CID}&q=${note.number}`);
  const row = decode(list.text_.split('<tr').slice(1).find((t) => t.includes(`>${note.number}<`)) || '');
  assert.match(row, /Credit note/);
  assert.match(row, new RegExp(`-${(note.total / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`));
  // the PDF
  const pdf = await fetch(`${process.env.BASE_URL}/invoices/${cn}.pdf`, { headers: { cookie: c.cookieHeader() } });
  assert.equal(pdf.status, 200);
  const file = join(tmpdir(), `cn-${cn}-${process.pid}.pdf`);
  writeFileSync(file, Buffer.from(await pdf.arrayBuffer()));
  try {
    execFileSync('qpdf', ['--check', file]);
    const text = execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    assert.match(text, /Credit note/);
    assert.match(text, new RegExp(note.number));
    assert.match(text, new RegExp(before.number), 'the PDF names the credited invoice');
  } finally { unlinkSync(file); }
});

test('partial credit by quantity and by amount; what is left shows on the form and bounds the next credit', async () => {
  const c = await as('admin');
  const id = await issuedInvoice(c);
  const { cn } = await credit(c, id, { q_1: '3', a_2: '12.50' });
  checkNote(cn, id);
  // 3 x 10.00 at 19% = 35.70; 12.50 at 7% = 13.38
  const note = inv(cn);
  assert.equal(note.total, 3570 + 1338);
  assert.deepEqual(rows(`SELECT quantity, unit_price FROM invoice_lines WHERE invoice_id = ${cn} ORDER BY position`),
    [['3.000000', '10.000000'], ['1.000000', '12.500000']]);
  assert.deepEqual(rows(`SELECT k.quantity FROM credit_note_lines k JOIN invoice_lines l ON l.id = k.line_id
    WHERE l.invoice_id = ${cn} ORDER BY l.position`).map((r) => r[0]), ['3.000000', '0.000000']);
  const after = inv(id);
  assert.equal(after.status, 'open', 'partly credited: still open');
  assert.equal(after.paid, note.total, 'the credit reduces the balance');
  checkSums();
  // the form now shows the rest: 7 of line 1, 87.50 of line 2
  const g = await c.get(`/admin/invoices/${id}/credit`);
  const left = (pos) => {
    const tr = g.text_.match(new RegExp(`<tr id="line-${pos}">([\\s\\S]*?)</tr>`))[1];
    return [decode(tr.match(/class="num left-qty">([^<]*)</)[1]), decode(tr.match(/class="num left-net">([^<]*)</)[1])];
  };
  assert.deepEqual(left(1), ['7', `70.00 ${CUR}`]);
  assert.deepEqual(left(2), ['2', `87.50 ${CUR}`]);
  // 8 of line 1 is more than what is left: refused beside the field, nothing written
  const w = written();
  const { r } = await review(c, id, { q_1: '8' });
  assert.equal(r.status, 422);
  assert.match(fieldError(r.text_, 'q_1'), /more than what is still uncredited/);
  assert.equal(written(), w);
  // the rest by "full": 7 x 10.00, 87.50 by amount, and the third line
  const { cn: rest } = await credit(c, id, { full: '1' });
  checkNote(rest, id);
  assert.equal(inv(rest).total + note.total, after.total, 'both credits together are the whole invoice');
  assert.equal(inv(id).status, 'paid');
  checkSums();
  await checkFigures(c);
});

test('tax per document: credited in parts, the parts add up to the invoice to the cent', async () => {
  const c = await as('billing');
  // DESIGN.md's golden case: 55.55 and 11.11 at 23% give tax 15.33 per document (15.34 per line)
  const id = await issuedInvoice(c, [['A', '1', '55.55', '23'], ['B', '1', '11.11', '23']], 'document');
  assert.equal(inv(id).total, 6666 + 1533);
  const { cn: first } = await credit(c, id, { q_1: '1' });
  assert.equal(inv(first).total, 5555 + 1278, 'a part rounds on its own: 23% of 55.55');
  assert.equal(sql(`SELECT tax_rounding FROM invoices WHERE id = ${first}`), 'document');
  const { cn: rest } = await credit(c, id, { full: '1' });
  assert.equal(inv(rest).total, 1111 + 255, 'the rest takes the rest of the tax (15.33 - 12.78), not 2.56');
  assert.equal(inv(first).total + inv(rest).total, inv(id).total);
  const [net, tax] = rows(`SELECT net_amount, tax_amount FROM invoice_tax_totals WHERE invoice_id = ${rest}`)[0];
  assert.deepEqual([cents(net), cents(tax)], [1111, 255], 'the VAT breakdown says the same');
  assert.equal(inv(id).status, 'paid');
  checkSums();
});

test('wrong input: field messages, 422, nothing written', async () => {
  const c = await as('billing');
  const id = await issuedInvoice(c);
  const w = written();
  const cases = [
    [{ q_1: '11' }, 'q_1', /more than what is still uncredited/],
    [{ a_2: '100.01' }, 'a_2', /more than what is still uncredited/],
    [{ q_1: 'abc' }, 'q_1', /.+/],
    [{ a_2: '1.001' }, 'a_2', /decimals/],
    [{ q_1: '-1' }, 'q_1', /negative/],
    [{ q_1: '1', a_1: '5' }, 'a_1', /not both/],
  ];
  for (const [pick, field, msg] of cases) {
    const { r } = await review(c, id, pick);
    assert.equal(r.status, 422, `${JSON.stringify(pick)}: ${why(r)}`);
    assert.match(fieldError(r.text_, field) || '', msg, JSON.stringify(pick));
    assert.match(r.text_, /aria-invalid="true"/);
  }
  // nothing chosen; no reason
  let { r } = await review(c, id, {});
  assert.equal(r.status, 422);
  assert.match(decode(r.text_), /Choose at least one line/);
  ({ r } = await review(c, id, { full: '1', reason: '' }));
  assert.equal(r.status, 422);
  assert.match(fieldError(r.text_, 'reason'), /required/);
  // a confirmation posted with a changed amount is checked again
  const { f } = await review(c, id, { q_1: '1' });
  r = await c.post(`/admin/invoices/${id}/credit`, { ...f, q_1: '99', confirm: '1' });
  assert.equal(r.status, 422);
  assert.equal(written(), w, 'nothing written by any of them');
});

test('a paid invoice: the credit stays with the customer as unallocated credit', async () => {
  const c = await as('billing');
  const id = await issuedInvoice(c);
  const total = inv(id).total;
  // paid in full by a payment (as payments do it: allocation, paid amount, status)
  sql(`INSERT INTO payments (customer_id, currency, amount, allocated_amount, received_on, reference)
    VALUES (${CID}, '${CUR}', ${total / 100}, ${total / 100}, '2026-11-25', 'credit test')`);
  const pay = n('SELECT MAX(id) FROM payments');
  sql(`INSERT INTO payment_allocations (invoice_id, payment_id, amount) VALUES (${id}, ${pay}, ${total / 100})`);
  sql(`UPDATE invoices SET paid_amount = total, status = 'paid', row_version = row_version + 1 WHERE id = ${id}`);
  const { cn, confirm } = await credit(c, id, { q_2: '1' });
  assert.match(decode(confirm), /stays with the customer as unallocated credit/);
  const note = inv(cn);
  assert.equal(note.total, 5350);
  assert.equal(note.paid, 0, 'nothing of it applied');
  assert.equal(note.status, 'open');
  const after = inv(id);
  assert.deepEqual([after.status, after.paid], ['paid', total], 'the invoice stays paid');
  assert.equal(n(`SELECT COUNT(*) FROM payment_allocations WHERE credit_note_id = ${cn}`), 0);
  // the credit note's page: nothing applied, the remaining credit is its total
  const v = decode((await c.get(`/invoices/${cn}`)).text_);
  assert.match(v, /Applied\s*0\.00/);
  assert.match(v, /Remaining credit\s*53\.50/);
  // the sums: billed counts the credit note negative, the receivable goes down by it
  const [billed, balance] = rows(`SELECT SUM(IF(kind = 'credit', -total, total)), SUM(IF(kind = 'credit', -balance, balance))
    FROM invoices WHERE id IN (${id}, ${cn})`)[0];
  assert.equal(cents(billed), total - 5350);
  assert.equal(cents(balance), -5350, 'the customer is owed the credit');
  checkSums();
  await checkFigures(c);
});

test('drafts, void invoices and credit notes cannot be credited (409, nothing written)', async () => {
  const c = await as('admin');
  const k = keys((await c.get('/admin/invoices/new')).text_);
  let r = await c.post('/admin/invoices/new', { csrf: k.csrf, once: k.once, rows: '2', tax_rounding: 'line',
    customer: String(CID), l1_description: 'x', l1_quantity: '1', l1_unit_price: '5', l1_tax_rate: '0' });
  const draft = +r.headers.get('location').match(/(\d+)/)[1];
  const voided = await issuedInvoice(c);
  const vk = keys((await c.get(`/admin/invoices/${voided}/void`)).text_);
  r = await c.post(`/admin/invoices/${voided}/void`, { csrf: vk.csrf, once: vk.once, row_version: vk.row_version, reason: 'test' });
  assert.equal(r.status, 303, why(r));
  const open = await issuedInvoice(c);
  const { cn } = await credit(c, open, { q_3: '1' });
  const w = written();
  for (const [id, msg] of [[draft, /draft/], [voided, /cancelled invoice/], [cn, /credit note cannot be credited/]]) {
    r = await c.get(`/admin/invoices/${id}/credit`);
    assert.equal(r.status, 409, `${id}: ${why(r)}`);
    assert.match(decode(r.text_), msg);
    r = await c.post(`/admin/invoices/${id}/credit`, { csrf: vk.csrf, once: vk.once, row_version: '1', full: '1',
      reason: 'x', confirm: '1' });
    assert.equal(r.status, 409);
  }
  assert.equal(written(), w);
  assert.equal((await c.get('/admin/invoices/999999999/credit')).status, 404);
});

test('10 parallel credits of 10 invoices: the credit series stays gap-free', async () => {
  const c = await as('billing');
  const ids = [];
  for (let i = 0; i < 10; i++) ids.push(await issuedInvoice(c, [['Line', '1', String(10 + i), '0']]));
  const forms = [];
  for (const id of ids) {
    const { r } = await review(c, id, { full: '1' });
    assert.equal(r.status, 200, why(r));
    forms.push([id, formFields(r.text_, 'credit-confirm')]);
  }
  const res = await Promise.all(forms.map(([id, f]) => c.post(`/admin/invoices/${id}/credit`, f)));
  assert.deepEqual(res.map((r) => r.status), Array(10).fill(303));
  const year = sql(`SELECT YEAR(invoice_date) FROM invoices WHERE id = ${res[0].headers.get('location').match(/(\d+)$/)[1]}`);
  const seqs = rows(`SELECT CAST(SUBSTRING_INDEX(number, '-', -1) AS UNSIGNED) FROM invoices WHERE kind = 'credit'
    AND number LIKE 'CN-${year}-%' ORDER BY 1`).map((r) => +r[0]);
  assert.deepEqual(seqs, seqs.map((_, i) => i + 1), 'numbers 1..N without a gap');
  assert.equal(n(`SELECT next_value FROM number_sequences WHERE series = 'credit' AND year = ${year}`), seqs.length + 1);
  for (const id of ids) assert.equal(inv(id).status, 'paid');
  checkSums();
});

test('two people crediting one invoice at once never exceed it', async () => {
  const a = await as('admin'), b = await as('billing');
  const id = await issuedInvoice(a);
  // both reviewed 6 of line 1 (the whole quantity is 10) before either confirmed
  const forms = [];
  for (const c of [a, b, a, b, a, b]) {
    const { r } = await review(c, id, { q_1: '6' });
    assert.equal(r.status, 200, why(r));
    forms.push([c, formFields(r.text_, 'credit-confirm')]);
  }
  const res = await Promise.all(forms.map(([c, f]) => c.post(`/admin/invoices/${id}/credit`, f)));
  // the first wins; the others are refused, either before the transaction (the form re-checked,
  // 422) or under the invoice's lock (409), and say why
  assert.equal(res.filter((r) => r.status === 303).length, 1, res.map((r) => r.status).join());
  assert.ok(res.every((r) => [303, 409, 422].includes(r.status)), res.map((r) => r.status).join());
  const credited = n(`SELECT COALESCE(SUM(k.quantity), 0) FROM credit_note_lines k JOIN invoice_lines l ON l.id = k.line_id
    JOIN invoices cn ON cn.id = l.invoice_id WHERE cn.credited_invoice_id = ${id}`);
  assert.equal(credited, 6);
  const refused = res.find((r) => r.status !== 303);
  assert.match(decode(refused.text_), /changed by someone else|more than what is still uncredited/);
  checkSums();
});

test('roles: support 403, customers 404 on /admin; the customer sees the credit note in list, view and PDF', async () => {
  const billing = await as('billing');
  const id = await issuedInvoice(billing);
  const { cn } = await credit(billing, id, { q_1: '1' });
  const number = inv(cn).number;
  const support = await as('support');
  assert.equal((await support.get(`/admin/invoices/${id}/credit`)).status, 403);
  const g = await billing.get(`/admin/invoices/${id}/credit`);
  const f = { ...formFields(g.text_, 'credit-form'), full: '1', reason: 'x', confirm: '1' };
  const w = written();
  const sk = keys((await support.get(`/invoices/${id}`)).text_);
  assert.equal((await support.post(`/admin/invoices/${id}/credit`, { ...f, csrf: sk.csrf })).status, 403);
  assert.doesNotMatch((await support.get(`/invoices/${id}`)).text_, /id="act-credit"/);
  const cust = await as('customer');
  const ck = keys((await cust.get('/invoices')).text_);
  assert.equal((await cust.get(`/admin/invoices/${id}/credit`)).status, 404);
  assert.equal((await cust.post(`/admin/invoices/${id}/credit`, { ...f, csrf: ck.csrf })).status, 404);
  assert.equal(written(), w);
  const list = await cust.get('/invoices?sort=number&dir=desc&per_page=100');
  assert.match(list.text_, new RegExp(number));
  const v = await cust.get(`/invoices/${cn}`);
  assert.equal(v.status, 200);
  assert.match(v.text_, /id="inv-credited"/);
  assert.doesNotMatch(v.text_, /act-credit/);
  assert.match((await cust.get(`/invoices/${id}`)).text_, new RegExp(`>${number}</a>`), 'the invoice lists its credit note');
  const pdf = await cust.get(`/invoices/${cn}.pdf`);
  assert.equal(pdf.status, 200);
  const other = await as('customer2');
  assert.equal((await other.get(`/invoices/${cn}`)).status, 404);
});

test('CSRF and double submit', async () => {
  const c = await as('billing');
  const id = await issuedInvoice(c);
  const { r } = await review(c, id, { q_1: '2' });
  const cf = formFields(r.text_, 'credit-confirm');
  const w = written();
  const bad = await c.post(`/admin/invoices/${id}/credit`, { ...cf, csrf: '0'.repeat(64) });
  assert.equal(bad.status, 403);
  const none = await c.post(`/admin/invoices/${id}/credit`, { ...cf, csrf: '' });
  assert.equal(none.status, 403);
  const noOnce = await c.post(`/admin/invoices/${id}/credit`, { ...cf, once: '' });
  assert.equal(noOnce.status, 400);
  assert.equal(written(), w);
  const [one, two] = await Promise.all([c.post(`/admin/invoices/${id}/credit`, cf), c.post(`/admin/invoices/${id}/credit`, cf)]);
  const three = await c.post(`/admin/invoices/${id}/credit`, cf);
  assert.deepEqual([one.status, two.status, three.status], [303, 303, 303]);
  assert.equal(one.headers.get('location'), two.headers.get('location'));
  assert.equal(one.headers.get('location'), three.headers.get('location'));
  assert.equal(n(`SELECT COUNT(*) FROM invoices WHERE credited_invoice_id = ${id}`), 1, 'one credit note');
});
