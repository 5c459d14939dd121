// The figures above the invoice list (DESIGN.md "List figures", the rule in
// lib/listq.h): per currency, Billed = issued invoices minus issued credit
// notes, Paid = allocations (a credit note's allocated part counted negative),
// Balance = what is still owed; drafts and void documents never billed or owed
// and summed on lines of their own. Every figure on the page is compared with
// SQL computed here from the invoices table, for staff and for a customer,
// over filters answered by the trigger-kept sums tables and by counting; the
// rows of credit notes list negative and add up to the sums; amount sorts over
// several currencies group by currency.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { as, sql } from './lib.mjs';

const EXP = { JPY: 0, KWD: 3, BHD: 3, JOD: 3, OMR: 3, TND: 3, IQD: 3, LYD: 3 };
const decode = (s) => s.replace(/<[^>]*>/g, '').replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(+n))
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  .replace(/&amp;/g, '&').trim();
const lines = (q) => { const s = sql(q); return s === '' ? [] : s.split('\n').map((l) => l.split('\t')); };
const q1 = (q) => sql(q);

// DB decimal text ("-7316.920") as the page shows it ("-7,316.92 CZK")
function money(dec, cur) {
  const e = EXP[cur] ?? 2;
  let s = String(dec ?? '0'), sign = '';
  if (s.startsWith('-')) { sign = '-'; s = s.slice(1); }
  const [int, frac = ''] = s.split('.');
  const f = frac.padEnd(3, '0');
  assert.match(f.slice(e), /^0*$/, `${dec} has digits beyond ${cur}'s exponent`);
  if (/^0*$/.test(int + f)) sign = '';
  return `${sign}${int.replace(/\B(?=(\d{3})+$)/g, ',')}${e ? '.' + f.slice(0, e) : ''} ${cur}`;
}
// page text ("-1,234.50 EUR") -> minor units as a BigInt
function minor(text) {
  const m = text.match(/^(-?)([\d,]+)(?:\.(\d+))? ([A-Z]{3})$/);
  assert.ok(m, `not an amount: ${text}`);
  const v = BigInt(m[2].replace(/,/g, '') + (m[3] ?? ''));
  return m[1] ? -v : v;
}

// ---------- reading the page ----------

// { CUR: { issued: {n, billed, paid, balance}, drafts: {n, total}, void: {n, total} } }
function pageSums(html) {
  const out = {};
  const re = /<span class="sum" data-currency="([A-Z]{3})" data-kind="(issued|drafts|void)">([\s\S]*?)<\/span> (?=<span class="sum"|(?:<\/span>)?<\/p>)/g;
  for (const m of html.matchAll(re)) {
    const [, cur, kind, body] = m;
    const field = (cls) => { const f = body.match(new RegExp(`<span class="${cls}">([^<]*)</span>`)); assert.ok(f, `${cur} ${kind}: no ${cls}`); return decode(f[1]); };
    out[cur] ??= {};
    assert.equal(out[cur][kind], undefined, `${cur} ${kind} shown twice`);
    if (kind === 'issued') {
      assert.ok(body.startsWith(`${cur}: `), body);
      out[cur].issued = { n: +field('n'), billed: field('billed'), paid: field('paid'), balance: field('balance') };
    } else {
      out[cur][kind] = { n: +field('n'), total: field('total') };
      const label = kind === 'drafts' ? (out[cur][kind].n === 1 ? 'draft' : 'drafts') : 'cancelled';
      assert.match(decode(body), new RegExp(`^${out[cur][kind].n} ${label}, `), `the ${kind} line reads "N ${label}, amount"`);
    }
  }
  return out;
}
function pageCount(html) {
  const m = html.match(/<span id="count">(\d+)<\/span>/);
  assert.ok(m, 'no count on the page');
  return +m[1];
}
// [{ id, cells }] in page order
function pageRows(html) {
  const t = html.match(/<table class="grid invoices" id="invoices">([\s\S]*?)<\/table>/);
  assert.ok(t, 'no invoice table');
  const out = [];
  for (const m of t[1].matchAll(/<tr data-id="(\d+)"[^>]*>([\s\S]*?)<\/tr>/g)) {
    const cells = {};
    for (const c of m[2].matchAll(/<td class="c-([a-z_]+)[^"]*">([\s\S]*?)<\/td>/g)) cells[c[1]] = decode(c[2]);
    out.push({ id: +m[1], cells });
  }
  return out;
}

// ---------- the truth, from SQL ----------

const SIGN = `IF(i.kind = 'credit', -1, 1)`;
const ISSUED = `i.status IN ('open', 'paid')`;
// Written from DESIGN.md "List figures", not from lib/listq.c.
function truth(where) {
  const out = {};
  for (const [cur, issued, billed, paid, balance, drafts, draftsTotal, voids, voidsTotal] of lines(`SELECT i.currency,
      SUM(${ISSUED}), SUM(IF(${ISSUED}, ${SIGN} * i.total, 0)), SUM(IF(${ISSUED}, ${SIGN} * i.paid_amount, 0)),
      SUM(IF(${ISSUED}, ${SIGN} * (i.total - i.paid_amount), 0)),
      SUM(i.status = 'draft'), SUM(IF(i.status = 'draft', ${SIGN} * i.total, 0)),
      SUM(i.status = 'void'), SUM(IF(i.status = 'void', ${SIGN} * i.total, 0))
      FROM invoices i WHERE ${where} GROUP BY i.currency`)) {
    const s = (out[cur] = {});
    if (+issued) s.issued = { n: +issued, billed: money(billed, cur), paid: money(paid, cur), balance: money(balance, cur) };
    if (+drafts) s.drafts = { n: +drafts, total: money(draftsTotal, cur) };
    if (+voids) s.void = { n: +voids, total: money(voidsTotal, cur) };
  }
  return out;
}
const truthIds = (where) => lines(`SELECT i.id FROM invoices i WHERE ${where} ORDER BY i.id`).map((l) => +l[0]);

// tests/http/run: List.CountCap = 40 (counted filters show sums up to 40 rows)
const CAP = 40;

// ---------- the data: credit notes, drafts and void documents in every form ----------

let admin, customer, CUST, inserted = [];
const T = 'sums-test';

function insert(row) {
  // the schema's checks: issued ones have issued_at, void ones voided_at
  if (row.status !== 'draft') row = { issued_at: `${row.invoice_date} 10:00:00`, ...row };
  if (row.status === 'void') row = { voided_at: `${row.invoice_date} 11:00:00`, ...row };
  const cols = Object.keys(row), vals = cols.map((k) => (row[k] === null ? 'NULL' : `'${row[k]}'`));
  sql(`INSERT INTO invoices (${cols.join(', ')}, notes) VALUES (${vals.join(', ')}, '${T}')`);
  const id = +q1(`SELECT MAX(id) FROM invoices WHERE notes = '${T}'`);
  inserted.push(id);
  return id;
}

before(async () => {
  sql('DELETE FROM login_failures');
  admin = await as('admin');
  customer = await as('customer');
  CUST = +q1("SELECT customer_id FROM users WHERE email = 'customer1@example.com'");
  const name = q1(`SELECT name FROM customers WHERE id = ${CUST}`).replace(/'/g, "\\'");
  const base = { customer_id: CUST, customer_name: name, currency: 'USD', invoice_date: '2026-02-10', due_date: '2026-02-24' };
  // A USD book for the scoped customer, figures worked out by hand below:
  // an invoice of 200.00 paid by a credit note of 50.00 and 150.00 of money,
  const inv = insert({ ...base, number: 'SUMS-USD-1', status: 'paid', total: '200.000', paid_amount: '200.000' });
  insert({ ...base, kind: 'credit', type_code: 381, credited_invoice_id: inv, number: 'SUMS-USD-CN1', status: 'paid',
    total: '50.000', paid_amount: '50.000', invoice_date: '2026-02-20', due_date: '2026-02-20' });
  // an open invoice of 100.00 with 40.00 paid, a credit note of 30.00 not yet allocated,
  const inv2 = insert({ ...base, number: 'SUMS-USD-2', status: 'open', total: '100.000', paid_amount: '40.000' });
  insert({ ...base, kind: 'credit', type_code: 381, credited_invoice_id: inv2, number: 'SUMS-USD-CN2', status: 'open', total: '30.000',
    paid_amount: '0.000', invoice_date: '2026-02-21', due_date: '2026-02-21' });
  // a draft of 30.00, a draft credit note of 5.00, a void invoice of 70.00 and a void credit note of 7.00
  insert({ ...base, number: null, status: 'draft', total: '30.000' });
  insert({ ...base, kind: 'credit', type_code: 381, credited_invoice_id: inv2, number: null, status: 'draft', total: '5.000' });
  insert({ ...base, number: 'SUMS-USD-3', status: 'void', total: '70.000' });
  insert({ ...base, kind: 'credit', type_code: 381, credited_invoice_id: inv, number: 'SUMS-USD-CN3', status: 'void', total: '7.000',
    invoice_date: '2026-02-22', due_date: '2026-02-22' });
  // in the demo's currencies too: a draft and a void credit note, and an open one partly allocated
  const eur = lines("SELECT customer_id, customer_name, id FROM invoices WHERE currency = 'EUR' AND kind = 'invoice' AND status = 'open' ORDER BY id LIMIT 1")[0];
  const e = { customer_id: eur[0], customer_name: eur[1].replace(/'/g, "\\'"), currency: 'EUR', kind: 'credit', type_code: 381,
    credited_invoice_id: eur[2], invoice_date: '2026-03-02', due_date: '2026-03-02' };
  insert({ ...e, number: null, status: 'draft', total: '12.340' });
  insert({ ...e, number: 'SUMS-EUR-CN1', status: 'void', total: '45.670' });
  insert({ ...e, number: 'SUMS-EUR-CN2', status: 'open', total: '80.000', paid_amount: '20.000' });
});

after(() => {
  // credit notes first (they reference their invoices)
  if (inserted.length) sql(`DELETE FROM invoices WHERE id IN (${inserted.join(', ')}) ORDER BY id DESC`);
  // the trigger-kept sums follow the deletes: they equal a rebuild again
  assert.deepEqual(statusTotals(), statusTotalsTruth());
});

const statusTotals = () => lines(`SELECT status, kind, paid_state, currency, n, total, paid, balance FROM invoice_status_totals
  WHERE n <> 0 ORDER BY status, kind, paid_state, currency`);
const statusTotalsTruth = () => lines(`SELECT status, kind, paid_state, currency, COUNT(*), SUM(total), SUM(paid_amount), SUM(balance)
  FROM invoices GROUP BY status, kind, paid_state, currency ORDER BY status, kind, paid_state, currency`);

async function expectSums(c, query, where, { scope = '1' } = {}) {
  const r = await c.get(`/invoices?${query}${query ? '&' : ''}per_page=500&cols=number,total,paid,balance,status`);
  assert.equal(r.status, 200, `${query}: ${r.status} ${r.text_.slice(0, 300)}`);
  const w = `(${where}) AND (${scope})`;
  const ids = truthIds(w);
  assert.deepEqual(pageRows(r.text_).map((x) => x.id).sort((a, b) => a - b), ids, `${query}: the rows`);
  assert.ok(ids.length <= CAP || !/(^|&)(customer|q)=/.test(query), `${query}: ${ids.length} rows, more than the count cap`);
  assert.equal(pageCount(r.text_), ids.length, `${query}: count`);
  const want = truth(w);
  assert.deepEqual(pageSums(r.text_), want, `${query}: sums`);
  // every row's figures add up to the sums (credit notes negative)
  const add = {}, of = new Map(lines(`SELECT i.id, i.status, i.currency FROM invoices i WHERE ${w}`).map((l) => [+l[0], l.slice(1)]));
  for (const row of pageRows(r.text_)) {
    const [status, cur] = of.get(row.id);
    const k = status === 'draft' ? 'drafts' : status === 'void' ? 'void' : 'issued';
    const a = ((add[cur] ??= {})[k] ??= { total: 0n, paid: 0n, balance: 0n });
    a.total += minor(row.cells.total);
    a.paid += minor(row.cells.paid);
    a.balance += minor(row.cells.balance);
  }
  for (const [cur, s] of Object.entries(want)) {
    if (s.issued) {
      assert.equal(add[cur].issued.total, minor(s.issued.billed), `${query}: ${cur} rows add up to billed`);
      assert.equal(add[cur].issued.paid, minor(s.issued.paid), `${query}: ${cur} rows add up to paid`);
      assert.equal(add[cur].issued.balance, minor(s.issued.balance), `${query}: ${cur} rows add up to the balance`);
      // balance = billed - paid, in every currency
      assert.equal(minor(s.issued.billed) - minor(s.issued.paid), minor(s.issued.balance), `${query}: ${cur} balance`);
    }
    if (s.drafts) assert.equal(add[cur].drafts.total, minor(s.drafts.total), `${query}: ${cur} drafts`);
    if (s.void) assert.equal(add[cur].void.total, minor(s.void.total), `${query}: ${cur} void`);
  }
  return { r, want };
}

// ---------- the rule, by hand ----------

test('a USD book worked out by hand: credit counted once, drafts and void ones on their own lines', async () => {
  const { r } = await expectSums(admin, 'currency=USD', "i.currency = 'USD'");
  assert.deepEqual(pageSums(r.text_), { USD: {
    // 200 + 100 invoices, less 50 and 30 of credit notes
    issued: { n: 4, billed: '220.00 USD', paid: '190.00 USD', balance: '30.00 USD' },
    drafts: { n: 2, total: '25.00 USD' },
    void: { n: 2, total: '63.00 USD' },
  } });
  // paid: 200 allocated to the first invoice (150 of money, 50 of credit), 40 to the second,
  // minus the 50 the credit note allocated: the 190 of money received
  // balance: 60 still owed on the open invoice, minus the 30 of credit not yet allocated
  const text = decode(r.text_.match(/<p class="summary" id="summary">([\s\S]*?)<\/p>/)[1]).replace(/\s+/g, ' ');
  assert.match(text, /USD: 4 issued · billed 220\.00 USD · paid 190\.00 USD · balance 30\.00 USD/);
  assert.match(text, /2 drafts, 25\.00 USD/);
  assert.match(text, /2 cancelled, 63\.00 USD/);
  // credit notes list negative: total, paid and balance
  const byNumber = new Map(pageRows(r.text_).map((x) => [x.cells.number, x.cells]));
  assert.deepEqual([byNumber.get('SUMS-USD-CN1').total, byNumber.get('SUMS-USD-CN1').paid, byNumber.get('SUMS-USD-CN1').balance],
    ['-50.00 USD', '-50.00 USD', '0.00 USD']);
  assert.deepEqual([byNumber.get('SUMS-USD-CN2').total, byNumber.get('SUMS-USD-CN2').balance], ['-30.00 USD', '-30.00 USD']);
  assert.equal(byNumber.get('SUMS-USD-CN3').total, '-7.00 USD');
  assert.equal(byNumber.get('SUMS-USD-1').total, '200.00 USD');
});

test('the customer sees the same figures without drafts, and never a drafts line', async () => {
  const scope = `i.customer_id = ${CUST} AND i.status <> 'draft'`;
  const { r } = await expectSums(customer, 'currency=USD', "i.currency = 'USD'", { scope });
  assert.deepEqual(pageSums(r.text_), { USD: {
    issued: { n: 4, billed: '220.00 USD', paid: '190.00 USD', balance: '30.00 USD' },
    void: { n: 2, total: '63.00 USD' },
  } });
  assert.doesNotMatch(r.text_, /data-kind="drafts"/);
});

// ---------- every filter, every role, against SQL ----------

function filters() {
  const TODAY = q1('SELECT UTC_DATE()');
  const cust = q1(`SELECT customer_id FROM invoices GROUP BY customer_id HAVING COUNT(*) <= ${CAP} ORDER BY COUNT(*) DESC LIMIT 1`);
  const dates = lines('SELECT invoice_date FROM invoices ORDER BY invoice_date').map((l) => l[0]);
  const from = dates[Math.floor(dates.length / 3)], to = dates[Math.floor(dates.length * 2 / 3)];
  // a search word that few invoices have: counted, not capped
  const word = q1(`SELECT t.term FROM invoice_terms t GROUP BY t.term HAVING COUNT(DISTINCT t.invoice_id) BETWEEN 3 AND 15 ORDER BY COUNT(*) DESC, t.term LIMIT 1`);
  return [
    ['', '1'],
    ['status=draft', "i.status = 'draft'"],
    ['status=void', "i.status = 'void'"],
    // drafts and due: the rows the page lists (the shown-status rule is tested in list.test.mjs)
    ['status=draft&status=due', null],
    ['status=paid', null],
    ['currency=EUR', "i.currency = 'EUR'"],
    ['currency=USD', "i.currency = 'USD'"],
    [`customer=${cust}`, `i.customer_id = ${cust}`],
    [`customer=${CUST}`, `i.customer_id = ${CUST}`],
    [`from=${from}&to=${to}`, `i.invoice_date BETWEEN '${from}' AND '${to}'`],
    // a range that holds the paid USD invoice but not its credit note: paid by the credit, as the rule says
    ['from=2026-02-01&to=2026-02-15', "i.invoice_date BETWEEN '2026-02-01' AND '2026-02-15'"],
    [`date=due&from=${from}&to=${TODAY}`, `i.due_date BETWEEN '${from}' AND '${TODAY}'`],
    // a word search: the rows the page lists (what search matches is tested in list.test.mjs)
    [`q=${encodeURIComponent(word)}`, null],
    ['q=SUMS-USD', "i.number LIKE 'SUMS-USD%'"],
  ];
}

for (const role of ['admin', 'customer']) {
  test(`every figure above the list matches SQL, as ${role}`, async () => {
    const c = role === 'admin' ? admin : customer;
    const scope = role === 'admin' ? '1' : `i.customer_id = ${CUST} AND i.status <> 'draft'`;
    let credit = 0, drafts = 0, voids = 0;
    for (const [query, where] of filters()) {
      let w = where;
      if (w === null) {
        // the page's own rows, checked for their kind of status: sums over exactly them
        const r = await c.get(`/invoices?${query}&per_page=500&cols=number,status`);
        const ids = pageRows(r.text_).map((x) => x.id);
        w = ids.length ? `i.id IN (${ids.join(', ')})` : '0';
        if (query === 'status=draft&status=due' && role === 'admin')
          assert.ok(lines(`SELECT 1 FROM invoices i WHERE ${w} AND i.status = 'draft'`).length > 0, 'drafts are listed');
      }
      const { want } = await expectSums(c, query, w, { scope });
      for (const s of Object.values(want)) { drafts += s.drafts ? 1 : 0; voids += s.void ? 1 : 0; }
      credit += +q1(`SELECT COUNT(*) FROM invoices i WHERE (${w}) AND (${scope}) AND i.kind = 'credit'`);
    }
    assert.ok(credit > 0 && voids > 0, `the filters cover credit notes (${credit}) and void ones (${voids})`);
    if (role === 'admin') assert.ok(drafts > 0, 'and drafts');
    else assert.equal(drafts, 0, 'a customer never has a drafts line');
  });
}

test('the sums tables follow inserts, updates and deletes in the same statement (triggers)', async () => {
  assert.deepEqual(statusTotals(), statusTotalsTruth(), 'after the inserts');
  const id = inserted[3];   // the open USD credit note
  sql(`UPDATE invoices SET paid_amount = 30.000, status = 'paid' WHERE id = ${id}`);
  try {
    assert.deepEqual(statusTotals(), statusTotalsTruth(), 'after an update');
    const { r } = await expectSums(admin, 'currency=USD', "i.currency = 'USD'");
    // the credit allocated now: paid falls by 30, the balance stays (the invoice's share of it moves later)
    assert.deepEqual(pageSums(r.text_).USD.issued, { n: 4, billed: '220.00 USD', paid: '160.00 USD', balance: '60.00 USD' });
    // the summed path (months and days) agrees with the counted one
    await expectSums(admin, 'currency=USD&from=2026-02-01&to=2026-02-28', "i.currency = 'USD' AND i.invoice_date BETWEEN '2026-02-01' AND '2026-02-28'");
    await expectSums(admin, `currency=USD&customer=${CUST}`, `i.currency = 'USD' AND i.customer_id = ${CUST}`);
  } finally {
    sql(`UPDATE invoices SET paid_amount = 0.000, status = 'open' WHERE id = ${id}`);
  }
  assert.deepEqual(statusTotals(), statusTotalsTruth(), 'after the undo');
});

// ---------- amount sorts over several currencies ----------

test('amount sorts over several currencies group by currency, and the header says so', async () => {
  for (const key of ['total', 'paid', 'balance']) {
    const col = { total: 'i.total', paid: 'i.paid_amount', balance: 'i.balance' }[key];
    for (const dir of ['asc', 'desc']) {
      const D = dir.toUpperCase();
      const r = await admin.get(`/invoices?sort=${key}&dir=${dir}&per_page=500&cols=number,total,paid,balance`);
      assert.equal(r.status, 200);
      const got = pageRows(r.text_).map((x) => x.id);
      const want = lines(`SELECT i.id FROM invoices i ORDER BY i.currency ${D}, ${col} ${D}, i.id ${D}`).map((l) => +l[0]);
      assert.deepEqual(got, want, `sort=${key}&dir=${dir}`);
      // the rows of one currency are together: never JPY amid EUR
      const curs = pageRows(r.text_).map((x) => x.cells.total.slice(-3));
      const runs = curs.filter((c, i) => i === 0 || c !== curs[i - 1]);
      assert.equal(runs.length, new Set(curs).size, `sort=${key}&dir=${dir}: one run per currency`);
      assert.ok(runs.length >= 3, 'several currencies');
      // the column header's tooltip names the rule
      const th = r.text_.match(new RegExp(`<th class="c-${key} num"[^>]*><a href="[^"]*"([^>]*)>`));
      assert.ok(th, `header of ${key}`);
      assert.match(th[1], /title="Sorted by currency, then amount"/);
    }
    // a currency filter: by amount alone, and no tooltip
    const r = await admin.get(`/invoices?sort=${key}&currency=EUR&per_page=500&cols=number,total,paid,balance`);
    const want = lines(`SELECT i.id FROM invoices i WHERE i.currency = 'EUR' ORDER BY ${col}, i.id`).map((l) => +l[0]);
    assert.deepEqual(pageRows(r.text_).map((x) => x.id), want);
    assert.doesNotMatch(r.text_, /title="Sorted by currency, then amount"/);
  }
  // deep pages (List.DeepOffset = 20 in tests/http/run) keep the same order
  const all = lines('SELECT i.id FROM invoices i ORDER BY i.currency DESC, i.total DESC, i.id DESC').map((l) => +l[0]);
  for (let p = 1; p <= Math.ceil(all.length / 10); p++) {
    const r = await admin.get(`/invoices?sort=total&dir=desc&per_page=10&page=${p}`);
    assert.deepEqual(pageRows(r.text_).map((x) => x.id), all.slice((p - 1) * 10, p * 10), `page ${p}`);
  }
});
