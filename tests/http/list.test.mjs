// The invoice list (GET /invoices, POST /invoices/columns): every filter, sort, search and
// paging edge against the truth computed with SQL on the same database, the 400 page for
// bad parameters, the column chooser's persistence, and customer scoping.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Client, as, sql, shownSql, statusWhere, statusWhereTotals, LABEL, PAID_STATE_SQL } from './lib.mjs';

// ---------- reading the page ----------

const ALL_COLS = 'number,customer,date,period,due,total,paid,balance,paid_state,status';

const decode = (s) => s.replace(/<[^>]*>/g, '').replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(+n))
  .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(parseInt(n, 16)))
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  .replace(/&amp;/g, '&').trim();

function table(html) {
  const m = html.match(/<table class="grid invoices" id="invoices">([\s\S]*?)<\/table>/);
  assert.ok(m, 'no invoice table on the page');
  return m[1];
}

// [{ id, draft, cells: { key: text } }] in page order
function rows(html) {
  const out = [];
  for (const m of table(html).matchAll(/<tr data-id="(\d+)"([^>]*)>([\s\S]*?)<\/tr>/g)) {
    const cells = {};
    for (const c of m[3].matchAll(/<td class="c-([a-z_]+)[^"]*">([\s\S]*?)<\/td>/g)) cells[c[1]] = decode(c[2]);
    out.push({ id: +m[1], draft: /class="draft"/.test(m[2]), cells, html: m[3] });
  }
  return out;
}
const ids = (html) => rows(html).map((r) => r.id);
const headers = (html) => [...table(html).matchAll(/<th class="c-([a-z_]+)/g)].map((m) => m[1]);
const rowKeys = (html) => rows(html).map((r) => Object.keys(r.cells));

function count(html) {
  const m = html.match(/<span id="count">(\d+)<\/span>/);
  assert.ok(m, 'no count on the page');
  return +m[1];
}

// per currency: how many (issued, drafts, void ones), billed, paid, balance,
// the drafts' and the void ones' totals (DESIGN.md "List figures"; sums.test.mjs checks each line)
function sums(html) {
  const out = {};
  const f = (body, cls) => (body.match(new RegExp(`<span class="${cls}">([^<]*)</span>`)) || [])[1];
  for (const m of html.matchAll(/<span class="sum" data-currency="([A-Z]{3})" data-kind="(issued|drafts|void)">([\s\S]*?)<\/span> (?=<span class="sum"|(?:<\/span>)?<\/p>)/g)) {
    const s = (out[m[1]] ??= { count: 0 });
    s.count += +f(m[3], 'n');
    if (m[2] === 'issued') Object.assign(s, { billed: f(m[3], 'billed'), paid: f(m[3], 'paid'), balance: f(m[3], 'balance') });
    else s[m[2]] = f(m[3], 'total');
  }
  return out;
}

// ---------- the truth, from SQL ----------

const EXP = { JPY: 0, KWD: 3, BHD: 3, JOD: 3, OMR: 3, TND: 3, IQD: 3, LYD: 3 };
// DB decimal text ("7316.920") as the page shows it ("7,316.92 CZK")
function money(dec, cur) {
  const e = EXP[cur] ?? 2;
  let s = String(dec ?? '0'), sign = '';
  if (s.startsWith('-')) { sign = '-'; s = s.slice(1); }
  const [int, frac = ''] = s.split('.');
  const f = frac.padEnd(3, '0');
  assert.match(f.slice(e), /^0*$/, `${dec} has digits beyond ${cur}'s exponent`);
  return `${sign}${int.replace(/\B(?=(\d{3})+$)/g, ',')}${e ? '.' + f.slice(0, e) : ''} ${cur}`;
}

const lines = (q) => { const s = sql(q); return s === '' ? [] : s.split('\n').map((l) => l.split('\t')); };
const sqlIds = (q) => lines(q).map((r) => +r[0]);
const q1 = (q) => sql(q);
const str = (s) => `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

let TODAY;
// the shown status and the status= conditions (lib.mjs: by the customer's date, credit notes apart)
const SHOWN = () => shownSql();
const STATUS_SQL = () => statusWhere();

// Sort expressions written from the schema (not from lib/listq.c).
const SORT_SQL = {
  number: 'i.number', customer: 'i.customer_name', date: 'i.invoice_date', period: 'i.period_start',
  due: 'i.due_date', total: 'i.total', paid: 'i.paid_amount', balance: "CASE WHEN i.status = 'void' THEN 0 ELSE i.total - i.paid_amount END",
  paid_state: `CASE WHEN i.status = 'paid' THEN 2 WHEN i.status = 'open' AND i.paid_amount > 0 THEN 1 ELSE 0 END`,
  // the shown status as an index walks it (lib/listq.c): stored status, then due date
  status: `FIELD(i.status, 'draft', 'open', 'paid', 'void')`,
};
const orderOf = (key, D) => key === 'status' ? `${SORT_SQL.status} ${D}, i.due_date ${D}` : `${SORT_SQL[key]} ${D}`;

// Amounts over several currencies sort by currency first (lib/listq.h, listq_currency_first).
const AMOUNTS = new Set(['total', 'paid', 'balance']);
const ORDER = (key, D) => `${AMOUNTS.has(key) ? `i.currency ${D}, ` : ''}${orderOf(key, D)}, i.id ${D}`;

// Ids matching `where` (SQL over invoices i), in the order of `order`.
const truthIds = (where, order = 'i.invoice_date DESC, i.id DESC') =>
  sqlIds(`SELECT i.id FROM invoices i WHERE ${where} ORDER BY ${order}`);

// issued documents billed, paid and owed, credit notes negative; drafts and void ones apart
function truthSums(where) {
  const out = {};
  const sg = "IF(i.kind = 'credit', -1, 1)", iss = "i.status IN ('open', 'paid')";
  for (const [cur, n, issued, billed, paid, balance, drafts, draftsTotal, voids, voidsTotal] of lines(`SELECT i.currency, COUNT(*),
      SUM(${iss}), SUM(IF(${iss}, ${sg} * i.total, 0)), SUM(IF(${iss}, ${sg} * i.paid_amount, 0)),
      SUM(IF(${iss}, ${sg} * (i.total - i.paid_amount), 0)), SUM(i.status = 'draft'), SUM(IF(i.status = 'draft', ${sg} * i.total, 0)),
      SUM(i.status = 'void'), SUM(IF(i.status = 'void', ${sg} * i.total, 0))
      FROM invoices i WHERE ${where} GROUP BY i.currency`)) {
    const s = (out[cur] = { count: +n });
    if (+issued) Object.assign(s, { billed: money(billed, cur), paid: money(paid, cur), balance: money(balance, cur) });
    if (+drafts) s.drafts = money(draftsTotal, cur);
    if (+voids) s.void = money(voidsTotal, cur);
  }
  return out;
}

// GETs the list and checks rows (order included), count and per-currency sums against SQL.
// countWhere: the count's and sums' own truth where the sums tables decide
// otherwise (a status filter: lib.mjs statusWhereTotals).
async function expectList(c, query, where, { order, min = 1, countWhere = where } = {}) {
  const r = await c.get(`/invoices?${query}${query ? '&' : ''}per_page=500`);
  assert.equal(r.status, 200, `${query}: ${r.status} ${r.text_.slice(0, 300)}`);
  const want = truthIds(where, order);
  assert.ok(want.length >= min, `${query}: the demo data has only ${want.length} matching invoices`);
  assert.deepEqual(ids(r.text_), want, `${query}: rows`);
  if (!summable(query) && want.length > CAP) {
    // past List.CountCap the page says so and shows no sums rather than counting everything
    assert.match(r.text_, new RegExp(`More than <span id="count-cap">${CAP}</span> invoices match`), `${query}: capped`);
    assert.deepEqual(sums(r.text_), {}, `${query}: no sums when capped`);
    return r;
  }
  // counted from the invoices (not summable): exact, whatever the sums tables would say
  const cw = summable(query) ? countWhere : where;
  assert.equal(count(r.text_), cw === where ? want.length : truthIds(cw).length, `${query}: count`);
  assert.deepEqual(sums(r.text_), truthSums(cw), `${query}: sums`);
  return r;
}

// tests/http/run sets List.CountCap = 40: filters the per-day totals cannot
// answer (customer, search, amounts, billing period) count at most that many.
const CAP = 40;
// Status filters that tell credit notes apart are summed only where the sums
// tables carry the kind (i9-sums' sql/0011; lib/invoice.h INV_TOTALS_KIND).
let TOTALS_KIND;
const summable = (query) => !/(^|&)(customer|q|min|max)=/.test(query) && !/date=period/.test(query)
  && (TOTALS_KIND || !/(^|&)status=(due|partial|overdue|paid)(&|$)/.test(query));

let billing, ALL_N;
before(async () => {
  sql('DELETE FROM login_failures');
  TODAY = q1('SELECT UTC_DATE()');
  TOTALS_KIND = +q1(`SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()
    AND TABLE_NAME = 'invoice_day_totals' AND COLUMN_NAME = 'kind'`) > 0;
  billing = await as('billing');
  ALL_N = +q1('SELECT COUNT(*) FROM invoices');
});

// ---------- filters ----------

test('a filter the per-day totals cannot answer stops counting at List.CountCap', async () => {
  // amounts from 0 up match every invoice: more than the cap
  const r = await billing.get('/invoices?min=0');
  assert.equal(r.status, 200);
  assert.match(r.text_, /More than <span id="count-cap">40<\/span> invoices match, showing 1–50\./);
  assert.doesNotMatch(r.text_, /<span id="count">/);
  assert.deepEqual(sums(r.text_), {});
  assert.equal(ids(r.text_).length, 40 < ALL_N ? Math.min(50, ALL_N) : ALL_N);
  // the pager cannot know the last page: Next, but no Last and no "of N"
  assert.match(r.text_, /rel="next"/);
  assert.doesNotMatch(r.text_, /rel="last"/);
  assert.match(r.text_, /<span>Page 1<\/span>/);
  // the same rows counted exactly when the filter is summable (status, currency, dates)
  const all = await billing.get('/invoices');
  assert.equal(count(all.text_), ALL_N);
});

test('the unfiltered list shows every invoice to staff, newest first, with per-currency sums', async () => {
  const r = await expectList(billing, '', '1', { min: 20 });
  assert.ok(Object.keys(sums(r.text_)).length >= 2, 'the demo has several currencies');
  // the sums never mix currencies: each one's count adds up to the total count
  assert.equal(Object.values(sums(r.text_)).reduce((a, s) => a + s.count, 0), ALL_N);
});

for (const st of ['draft', 'due', 'partial', 'overdue', 'paid', 'void']) {
  test(`status=${st} lists exactly those invoices and shows their status`, async () => {
    const r = await expectList(billing, `status=${st}&cols=${ALL_COLS}`, STATUS_SQL()[st],
      { countWhere: statusWhereTotals()[st] });
    const shown = LABEL[st];
    for (const row of rows(r.text_)) {
      assert.equal(row.cells.status, shown, `invoice ${row.id}`);
      assert.match(row.html, new RegExp(`class="badge st-${st}"`));
    }
    // the active filter is a removable chip
    assert.match(r.text_, /<li class="chip">Status: <strong>/);
  });
}

// Each worker keeps the sums it added up, stamped with invoice_totals_version;
// any change to an invoice's figures moves the version in the same transaction.
test('the sums follow every change at once, whichever worker answers', async () => {
  const pageSums = async () => sums((await billing.get('/invoices')).text_);
  const before = truthSums('1');
  // more requests than workers, so every worker has the sums in hand
  for (let i = 0; i < 8; i++) assert.deepEqual(await pageSums(), before, `warm-up ${i}`);
  const id = +q1("SELECT id FROM invoices WHERE status = 'open' AND total > paid_amount + 1 ORDER BY id LIMIT 1");
  sql(`UPDATE invoices SET paid_amount = paid_amount + 1 WHERE id = ${id}`);
  try {
    const after = truthSums('1');
    assert.notDeepEqual(after, before, 'the change moves a balance');
    for (let i = 0; i < 8; i++) assert.deepEqual(await pageSums(), after, `after the change ${i}`);
  } finally {
    sql(`UPDATE invoices SET paid_amount = paid_amount - 1 WHERE id = ${id}`);
  }
  for (let i = 0; i < 8; i++) assert.deepEqual(await pageSums(), before, `after the undo ${i}`);
});

test('several statuses at once are ORed', async () => {
  const S = STATUS_SQL(), T = statusWhereTotals();
  await expectList(billing, 'status=due&status=overdue&status=void', `(${S.due}) OR (${S.overdue}) OR (${S.void})`,
    { countWhere: `(${T.due}) OR (${T.overdue}) OR (${T.void})` });
  await expectList(billing, 'status=partial&status=paid', `(${S.partial}) OR (${S.paid})`,
    { countWhere: `(${T.partial}) OR (${T.paid})` });
  // every status= value: every invoice but the issued credit notes (their label has no value)
  const every = 'status=draft&status=due&status=partial&status=overdue&status=paid&status=void';
  await expectList(billing, every, `NOT (i.kind = 'credit' AND i.status IN ('open', 'paid'))`,
    { countWhere: Object.values(T).map((w) => `(${w})`).join(' OR ') });
});

test('every row shows the status, the paid state and the number of its invoice', async () => {
  const r = await billing.get(`/invoices?per_page=500&cols=${ALL_COLS}`);
  const truth = new Map(lines(`SELECT i.id, IFNULL(i.number, ''), ${SHOWN()},
      ${PAID_STATE_SQL},
      i.currency, IF(i.kind = 'credit', -1, 1) * i.total, IF(i.kind = 'credit', -1, 1) * i.balance,
      IF(i.kind = 'credit', -1, 1) * i.paid_amount FROM invoices i`).map((l) => [+l[0], l]));
  const seen = new Set();
  for (const row of rows(r.text_)) {
    const [, number, shown, paid, cur, total, balance, paidAmount] = truth.get(row.id);
    seen.add(shown);
    assert.equal(row.cells.status, shown, `status of ${row.id}`);
    assert.equal(row.cells.paid_state, paid, `paid state of ${row.id}`);
    assert.equal(row.cells.number, number || `Draft #${row.id}`, `number of ${row.id}`);
    assert.equal(row.draft, !number, `draft class of ${row.id}`);
    assert.equal(row.cells.total, money(total, cur));
    assert.equal(row.cells.balance, money(balance, cur));
    assert.equal(row.cells.paid, money(paidAmount, cur));
    // no Edit link until invoice-admin has the page
    assert.equal(/\/admin\/invoices\/\d+\/edit/.test(row.html), false, `edit link of ${row.id}`);
  }
  assert.equal(seen.size, 7, `the demo data covers every shown status: ${[...seen]}`);
});

test('customer filter', async () => {
  const cust = lines('SELECT customer_id FROM invoices GROUP BY customer_id ORDER BY COUNT(*) DESC LIMIT 2');
  for (const [id] of cust) {
    const r = await expectList(billing, `customer=${id}`, `i.customer_id = ${id}`);
    // the chip names the customer
    const name = q1(`SELECT name FROM customers WHERE id = ${id}`).replace(/&/g, '&amp;').replace(/'/g, '&#39;');
    assert.ok(r.text_.includes(`Customer: <strong>${name}</strong>`), `chip of customer ${id}`);
  }
  await expectList(billing, 'customer=999999', `i.customer_id = 999999`, { min: 0 });
});

test('currency filter', async () => {
  for (const [cur] of lines('SELECT DISTINCT currency FROM invoices ORDER BY currency')) {
    const r = await expectList(billing, `currency=${cur}`, `i.currency = '${cur}'`);
    assert.deepEqual(Object.keys(sums(r.text_)), [cur]);
  }
  await expectList(billing, 'currency=USD', `i.currency = 'USD'`, { min: 0 });
});

test('from/to on the invoice date, the due date and the billing period (bounds included)', async () => {
  const pick = (col, k) => q1(`SELECT ${col} FROM invoices WHERE ${col} IS NOT NULL ORDER BY ${col} LIMIT 1 OFFSET ${k}`);
  const n = ALL_N;
  const cases = [
    ['invoice', 'i.invoice_date', 'i.invoice_date', pick('invoice_date', Math.floor(n / 4)), pick('invoice_date', Math.floor(n * 3 / 4))],
    ['due', 'i.due_date', 'i.due_date', pick('due_date', Math.floor(n / 3)), pick('due_date', Math.floor(n * 2 / 3))],
    ['period', 'i.period_start', 'i.period_end', pick('period_start', Math.floor(n / 4)), pick('period_end', Math.floor(n * 3 / 4))],
  ];
  for (const [date, fromCol, toCol, from, to] of cases) {
    const both = await expectList(billing, `date=${date}&from=${from}&to=${to}`, `${fromCol} >= '${from}' AND ${toCol} <= '${to}'`);
    // the bounds are inclusive: an invoice exactly on `from` is in
    assert.ok(+q1(`SELECT COUNT(*) FROM invoices i WHERE ${fromCol} = '${from}' AND ${toCol} <= '${to}'`) > 0);
    assert.ok(ids(both.text_).length < n, `${date}: the range filters something out`);
    await expectList(billing, `date=${date}&from=${from}`, `${fromCol} >= '${from}'`);
    await expectList(billing, `date=${date}&to=${to}`, `${toCol} <= '${to}'`);
  }
  // without date= the range is on the invoice date
  const [, , , from, to] = cases[0];
  await expectList(billing, `from=${from}&to=${to}`, `i.invoice_date BETWEEN '${from}' AND '${to}'`);
  await expectList(billing, `from=${from}&to=${from}`, `i.invoice_date = '${from}'`);
});

test('min/max on the total (bounds included)', async () => {
  const t = lines('SELECT total FROM invoices ORDER BY total').map((l) => l[0]);
  const lo = t[Math.floor(t.length / 4)], hi = t[Math.floor(t.length * 3 / 4)];
  await expectList(billing, `min=${lo}`, `i.total >= ${lo}`);
  await expectList(billing, `max=${hi}`, `i.total <= ${hi}`);
  const r = await expectList(billing, `min=${lo}&max=${hi}`, `i.total BETWEEN ${lo} AND ${hi}`);
  assert.ok(ids(r.text_).length < t.length);
  await expectList(billing, `min=${lo}&max=${lo}`, `i.total = ${lo}`);
  await expectList(billing, 'min=100.5', 'i.total >= 100.5');
});

test('filters combine (AND) and the sums cover only the filtered set', async () => {
  const S = STATUS_SQL();
  const cur = q1(`SELECT currency FROM invoices WHERE status = 'paid' GROUP BY currency ORDER BY COUNT(*) DESC LIMIT 1`);
  const lo = q1(`SELECT total FROM invoices WHERE status = 'paid' AND currency = '${cur}' ORDER BY total LIMIT 1 OFFSET 1`);
  await expectList(billing, `status=paid&currency=${cur}&min=${lo}`, `${S.paid} AND i.currency = '${cur}' AND i.total >= ${lo}`);
  const cust = q1(`SELECT customer_id FROM invoices WHERE status = 'open' GROUP BY customer_id ORDER BY COUNT(*) DESC LIMIT 1`);
  await expectList(billing, `customer=${cust}&status=due&status=partial&status=overdue`,
    `i.customer_id = ${cust} AND ((${S.due}) OR (${S.partial}) OR (${S.overdue}))`);
});

// ---------- sorting ----------

for (const key of Object.keys(SORT_SQL)) {
  test(`sort=${key} in both directions, ties broken by id`, async () => {
    for (const dir of ['asc', 'desc']) {
      const D = dir.toUpperCase();
      const r = await expectList(billing, `sort=${key}&dir=${dir}&cols=${ALL_COLS}`, '1', { order: ORDER(key, D) });
      // the header marks the sorted column, and its link flips the direction
      const th = r.text_.match(new RegExp(`<th class="c-${key}(?: num)?"([^>]*)><a href="([^"]*)"`));
      assert.ok(th, `no header for ${key}`);
      assert.match(th[1], new RegExp(`aria-sort="${dir}ending"`));
      if (key === 'date' && dir === 'asc') assert.doesNotMatch(th[2], /sort=/, 'newest first is the default, left out');
      else assert.match(th[2], new RegExp(`sort=${key}&amp;dir=${dir === 'asc' ? 'desc' : 'asc'}`));
      // the other headers sort ascending first
      const other = key === 'number' ? 'total' : 'number';
      assert.match(r.text_, new RegExp(`<th class="c-${other}(?: num)?"><a href="[^"]*sort=${other}&amp;dir=asc`));
      // what the rows show follows the order (columns shown as stored)
      if (['number', 'date', 'due'].includes(key)) {
        const vals = rows(r.text_).map((x) => x.cells[key]).filter((v) => !v.startsWith('Draft #'));
        const sorted = [...vals].sort();
        assert.deepEqual(vals, dir === 'asc' ? sorted : sorted.reverse());
      }
    }
    // sort without dir is ascending
    await expectList(billing, `sort=${key}`, '1', { order: ORDER(key, 'ASC') });
  });
}

// tests/http/run sets List.DeepOffset = 20: with 10 rows a page, pages 3 on come
// from the index-only subquery, and those past the middle are read from the end.
test('deep pages, read from either end, hold the same rows as OFFSET over the whole order', async () => {
  const S = STATUS_SQL();
  for (const [query, where] of [['', '1'], ['status=paid&', S.paid], ['status=paid&status=void&currency=EUR&', `(${S.paid} OR ${S.void}) AND i.currency = 'EUR'`],
    ['currency=EUR&', "i.currency = 'EUR'"], ['status=overdue&', S.overdue], ['min=0&', '1'],
    // the indexes these name (lib/listq.c, index_hint): few statuses, several derived from one
    ['status=draft&status=void&', `${S.draft} OR ${S.void}`], ['status=due&status=partial&', `${S.due} OR ${S.partial}`]]) {
    for (const key of Object.keys(SORT_SQL)) {
      for (const dir of ['asc', 'desc']) {
        const D = dir.toUpperCase();
        const all = truthIds(where, ORDER(key, D));
        const pages = Math.ceil(all.length / 10);
        assert.ok(query || pages >= 6, 'enough invoices for deep pages at both ends');
        assert.ok(all.length > 0, `${query}: some invoices`);
        const got = [];
        for (let p = 1; p <= pages; p++) {
          const r = await billing.get(`/invoices?${query}sort=${key}&dir=${dir}&per_page=10&page=${p}`);
          assert.equal(r.status, 200);
          const page = ids(r.text_);
          assert.deepEqual(page, all.slice((p - 1) * 10, p * 10), `${query}sort=${key}&dir=${dir} page ${p}`);
          got.push(...page);
        }
        assert.deepEqual(got, all);
      }
    }
  }
});

test('the counts deep pages seek by follow every change to an invoice', async () => {
  // invoice_customer_totals (sql/0010) and invoice_amount_totals (0005), kept by triggers
  const set = (rows) => rows.map((r) => r.join('|')).sort();
  const counts = () => [
    set(lines(`SELECT customer_name, status, currency, n FROM invoice_customer_totals WHERE n <> 0`)),
    set(lines(`SELECT col, bucket, status, currency, n FROM invoice_amount_totals WHERE n <> 0`))];
  const truth = () => [
    set(lines(`SELECT customer_name, status, currency, COUNT(*) FROM invoices GROUP BY 1, 2, 3`)),
    set(lines(`SELECT c, b, status, currency, COUNT(*) FROM (
      SELECT 'total' c, invoice_amount_bucket(total) b, status, currency FROM invoices
      UNION ALL SELECT 'paid', invoice_amount_bucket(paid_amount), status, currency FROM invoices
      UNION ALL SELECT 'balance', invoice_amount_bucket(balance), status, currency FROM invoices) x
      GROUP BY 1, 2, 3, 4`))];
  assert.deepEqual(counts(), truth(), 'after the demo load');
  const [id, name, total] = lines(`SELECT id, customer_name, total FROM invoices WHERE status = 'paid' ORDER BY id LIMIT 1`)[0];
  try {
    sql(`UPDATE invoices SET customer_name = 'Zzyzx Renamed Ltd', status = 'void', voided_at = NOW(), total = total + 1000
      WHERE id = ${id}`);
    assert.deepEqual(counts(), truth(), 'after a change of name, status and total');
    // and the deep pages by customer read right past it
    const all = truthIds('1', 'i.customer_name DESC, i.id DESC');
    const r = await billing.get(`/invoices?sort=customer&dir=desc&per_page=10&page=4`);
    assert.deepEqual(ids(r.text_), all.slice(30, 40));
  } finally {
    sql(`UPDATE invoices SET customer_name = ${str(name)}, status = 'paid', voided_at = NULL, total = ${total} WHERE id = ${id}`);
  }
  assert.deepEqual(counts(), truth(), 'after the change is undone');
});

test('sorting keeps the filters, and a sorted filtered list pages consistently', async () => {
  const S = STATUS_SQL();
  await expectList(billing, 'status=paid&sort=total&dir=desc', S.paid, { order: 'i.currency DESC, i.total DESC, i.id DESC' });
  const all = truthIds(S.paid, 'i.customer_name ASC, i.id ASC');
  const r = await billing.get('/invoices?status=paid&sort=customer&per_page=10&page=2');
  assert.deepEqual(ids(r.text_), all.slice(10, 20));
});

// ---------- search ----------

// ł ø ß æ đ ð œ þ ı ħ as sql/0013 folds them (the collation folds the rest)
const FOLD = { ł: 'l', Ł: 'l', ø: 'o', Ø: 'o', ß: 'ss', ẞ: 'ss', æ: 'ae', Æ: 'ae', đ: 'd', Đ: 'd', ð: 'd', Ð: 'd',
  œ: 'oe', Œ: 'oe', þ: 'th', Þ: 'th', ı: 'i', ħ: 'h', Ħ: 'h' };
const fold = (s) => [...s].map((ch) => FOLD[ch] ?? ch).join('');
const esc = (s) => s.replace(/[\\%_]/g, '\\$&');
const searchTruth = (q) => {
  // something shaped like an invoice number (the configured prefixes) searches numbers only
  if (/^(INV|CN)-/i.test(q) && !q.includes(' ')) return `i.number LIKE ${str(esc(q) + '%')}`;
  // bare numbers are not searched as words (they would match the dates in most lines)
  const words = q.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 3 && !/^\p{N}+$/u.test(w));
  // one token of 3+ characters that is not just its one keyword: also the whole text as a term
  // (custom-field values); when some term has it, its pieces are not keywords
  const token = !q.includes(' ') && [...q].length >= 3 && !(words.length === 1 && words[0] === q) ? fold(q) : '';
  const tokenHits = token && +q1(`SELECT COUNT(*) FROM invoice_terms WHERE term LIKE ${str(esc(token) + '%')}`) > 0;
  // every keyword starts a word in some line of the invoice
  const kw = words.length && !tokenHits ? `OR (${words.map((w) => `EXISTS (SELECT 1 FROM invoice_lines l WHERE l.invoice_id = i.id AND
      l.description REGEXP ${str('(^|[^[:alnum:]])' + w)})`).join(' AND ')})` : '';
  const tok = token ? `OR i.id IN (SELECT t.invoice_id FROM invoice_terms t WHERE t.term LIKE ${str(esc(token) + '%')})` : '';
  // a bare number: PREFIX-YYYY-NNNNNN of any series and year
  const bare = /^\d{1,6}$/.test(q) ? `OR i.number LIKE ${str('%-' + q.padStart(6, '0'))}` : '';
  const like = str('%' + esc(fold(q)) + '%');
  // (a bare number is not looked for in names and emails)
  const names = bare ? '' : `OR i.customer_id IN (SELECT c.id FROM customers c WHERE c.name_fold LIKE ${like} OR c.email LIKE ${like})`;
  return `i.number LIKE ${str(esc(q) + '%')} ${bare} ${names} ${kw} ${tok}`;
};

test('search by invoice number: exact and prefix', async () => {
  const [id, number] = lines(`SELECT id, number FROM invoices WHERE number IS NOT NULL AND kind = 'invoice' ORDER BY id DESC LIMIT 1`)[0];
  // the exact number: that invoice only (a number-shaped search looks at numbers alone)
  let r = await expectList(billing, `q=${encodeURIComponent(number)}`, searchTruth(number));
  assert.ok(ids(r.text_).includes(+id), `q=${number} finds invoice ${id}`);
  assert.deepEqual(rows(r.text_).filter((x) => x.cells.number?.startsWith(number.slice(0, 3))).map((x) => x.id), [+id]);
  assert.match(r.text_, new RegExp(`Search: <strong>${number}</strong>`));
  // lower case finds it too
  r = await billing.get(`/invoices?q=${encodeURIComponent(number.toLowerCase())}`);
  assert.ok(ids(r.text_).includes(+id));
  // a prefix finds every number starting with it
  const prefix = number.slice(0, -2);
  const byNumber = truthIds(`i.number LIKE '${prefix}%'`);
  assert.ok(byNumber.length > 1 && byNumber.length < ALL_N, 'the prefix matches several numbers but not all');
  r = await expectList(billing, `q=${encodeURIComponent(prefix)}`, searchTruth(prefix));
  for (const x of byNumber) assert.ok(ids(r.text_).includes(x), `prefix ${prefix} finds ${x}`);
  // a number that is not there
  await expectList(billing, `q=${encodeURIComponent(number + '9')}`, searchTruth(number + '9'), { min: 0 });
  assert.equal(count((await billing.get(`/invoices?q=${encodeURIComponent(number + '9')}`)).text_),
    truthIds(searchTruth(number + '9')).length);
  // a word every number starts with (not number-shaped: no dash) is a word search like any other
  await expectList(billing, 'q=inv', searchTruth('inv'));
  await expectList(billing, 'q=inv&status=paid&sort=due', `(${searchTruth('inv')}) AND ${STATUS_SQL().paid}`,
    { order: 'i.due_date ASC, i.id ASC' });
});

test('search by customer name ignores case and accents', async () => {
  const [cid, oldName] = lines(`SELECT id, name FROM customers ORDER BY id LIMIT 1`)[0];
  const name = 'Zoë Müller GmbH';
  if (oldName !== name) sql(`UPDATE customers SET name = ${str(name)} WHERE id = ${cid}`);
  try {
    for (const q of ['zoe muller', 'ZOË MÜLLER', 'Zoe Muller', 'müller gmbh', 'oe mu']) {
      const r = await expectList(billing, `q=${encodeURIComponent(q)}`, `i.customer_id = ${cid}`);
      assert.ok(count(r.text_) < ALL_N);
    }
    await expectList(billing, `q=${encodeURIComponent('zoe mullerx')}`, '0', { min: 0 });
  } finally {
    if (oldName !== name) sql(`UPDATE customers SET name = ${str(oldName)} WHERE id = ${cid}`);
  }
});

test('search by keywords in line descriptions, whatever the sort', async () => {
  // words of the demo's line descriptions that are in some invoices but not all
  const cands = ['Fibre', 'Backup', 'Trunk', 'IPv4', 'Voice', 'Server', 'outage', 'Cloud', 'Static'];
  const words = cands.filter((w) => {
    const n = truthIds(searchTruth(w)).length;
    return n > 0 && n < ALL_N;
  });
  assert.ok(words.length >= 2, `too few keywords of the demo line descriptions: ${words}`);
  for (const word of words) {
    const only = `EXISTS (SELECT 1 FROM invoice_lines l WHERE l.invoice_id = i.id AND l.description REGEXP ${str('(^|[^[:alnum:]])' + word)})`;
    assert.deepEqual(truthIds(only), truthIds(searchTruth(word)), `${word}: only in line descriptions`);
    await expectList(billing, `q=${word.toLowerCase()}`, only);
    await expectList(billing, `q=${word}&sort=total&dir=desc`, only, { order: 'i.currency DESC, i.total DESC, i.id DESC' });
    await expectList(billing, `q=${word}&sort=number`, only, { order: 'i.number ASC, i.id ASC' });
    // a prefix of the word matches too (keywords are prefixes)
    await expectList(billing, `q=${word.slice(0, 4)}`, searchTruth(word.slice(0, 4)));
    // combined with another filter
    await expectList(billing, `q=${word}&status=paid`, `(${only}) AND ${STATUS_SQL().paid}`, { min: 0 });
  }
  // two words: invoices whose lines have both, in one line or two
  const word = words[0];
  const two = lines(`SELECT description FROM invoice_lines WHERE description LIKE '%${word}%' LIMIT 1`)[0][0]
    .split(/[^\p{L}\p{N}]+/u).filter((w) => /^\p{L}{4,}$/u.test(w) && w.toLowerCase() !== word.toLowerCase())[0];
  assert.ok(two, 'a second word');
  await expectList(billing, `q=${encodeURIComponent(`${word} ${two}`)}`, searchTruth(`${word} ${two}`));
  // the rarer word drives the search wherever it stands
  await expectList(billing, `q=${encodeURIComponent(`${two} ${word}`)}`, searchTruth(`${two} ${word}`));
});

test('keyword prefixes shared by several terms, or held by one', async () => {
  // a prefix one term has is then found by that term's key, several by the pattern
  const [single] = lines(`SELECT LEFT(MIN(term), 4) FROM invoice_terms WHERE term REGEXP '^[[:alpha:]]{6,}$'
    GROUP BY LEFT(term, 4) HAVING COUNT(DISTINCT term) = 1 ORDER BY COUNT(*) DESC LIMIT 1`)[0];
  const [multi] = lines(`SELECT LEFT(MIN(term), 3) FROM invoice_terms WHERE term REGEXP '^[[:alpha:]]{3,}$'
    GROUP BY LEFT(term, 3) HAVING COUNT(DISTINCT term) > 1 ORDER BY COUNT(*) DESC LIMIT 1`)[0];
  assert.ok(single && multi, 'the demo lines have both kinds of prefix');
  for (const q of [single, multi, `${multi} ${single}`, single.toUpperCase()]) {
    await expectList(billing, `q=${encodeURIComponent(q)}`, searchTruth(q), { min: 0 });
    await expectList(billing, `q=${encodeURIComponent(q)}&status=paid&sort=total`, `(${searchTruth(q)}) AND ${STATUS_SQL().paid}`,
      { min: 0, order: 'i.currency ASC, i.total ASC, i.id ASC' });
  }
});

test('a renamed customer is found by its new name at once', async () => {
  // each program keeps the customers a search text names; a rename must show on the next search
  const [cid, oldName] = lines(`SELECT id, name FROM customers ORDER BY id DESC LIMIT 1`)[0];
  const q = 'Xylophonic';
  for (let k = 0; k < 8; k++) await expectList(billing, `q=${q}`, '0', { min: 0 });
  sql(`UPDATE customers SET name = ${str(q + ' Trading')} WHERE id = ${cid}`);
  try {
    for (let k = 0; k < 8; k++) await expectList(billing, `q=${q}`, `i.customer_id = ${cid}`);
  } finally {
    sql(`UPDATE customers SET name = ${str(oldName)} WHERE id = ${cid}`);
  }
  for (let k = 0; k < 8; k++) await expectList(billing, `q=${q}`, '0', { min: 0 });
});

test('a name that more customers have than the search lists still finds them all', async () => {
  // List.SearchNames is 3 here: past it, each statement matches the names itself
  const [part, n] = lines(`SELECT v.l, COUNT(*) FROM (SELECT 'a' l UNION SELECT 'e' UNION SELECT 'i' UNION SELECT 'o'
    UNION SELECT 'n' UNION SELECT 'r') v JOIN customers c ON c.name LIKE CONCAT('%', v.l, '%') GROUP BY v.l ORDER BY COUNT(*) DESC LIMIT 1`)[0];
  assert.ok(+n > 3, `more than 3 customers have "${part}" (${n})`);
  await expectList(billing, `q=${part}`, searchTruth(part));
  await expectList(billing, `q=${part}&sort=customer`, searchTruth(part), { order: 'i.customer_name ASC, i.id ASC' });
});

// invoice_terms follows every change to the lines (triggers), and keywords
// may sit in different lines of the same invoice.
test('keyword search follows line changes and finds words spread over several lines', async () => {
  const [id, pos, desc] = lines(`SELECT l.invoice_id, l.position, l.description FROM invoice_lines l
    JOIN invoices i ON i.id = l.invoice_id WHERE i.status = 'paid' ORDER BY l.id LIMIT 1`)[0];
  const found = async (q) => ids((await billing.get(`/invoices?q=${encodeURIComponent(q)}&per_page=500`)).text_);
  assert.ok(!(await found('Quokkalicious')).includes(+id));
  sql(`UPDATE invoice_lines SET description = CONCAT(description, ' quokkalicious') WHERE invoice_id = ${id} AND position = ${pos}`);
  const other = +q1(`SELECT MAX(position) FROM invoice_lines WHERE invoice_id = ${id}`) + 1;
  try {
    assert.deepEqual(await found('Quokkalicious'), [+id], 'a changed line is searchable at once');
    assert.deepEqual(await found('quokka'), [+id], 'by a prefix, in any case');
    sql(`INSERT INTO invoice_lines (invoice_id, position, description, quantity, unit_code, unit_price, tax_rate,
          net_amount, tax_amount)
        VALUES (${id}, ${other}, 'Wombatish support, Łódź office', 1, 'C62', 0, 0, 0, 0)`);
    assert.deepEqual(await found('wombatish'), [+id], 'a new line is searchable at once');
    assert.deepEqual(await found('ŁODZ wombat'), [+id], 'accents (ó, ź) and case folded');
    // two words in two different lines of the invoice
    assert.deepEqual(await found('quokkalicious wombatish'), [+id]);
    assert.deepEqual(await found('quokkalicious nosuchword'), []);
    sql(`DELETE FROM invoice_lines WHERE invoice_id = ${id} AND position = ${other}`);
    assert.deepEqual(await found('wombatish'), [], 'a deleted line is not');
  } finally {
    sql(`DELETE FROM invoice_lines WHERE invoice_id = ${id} AND position = ${other}`);
    sql(`UPDATE invoice_lines SET description = ${str(desc)} WHERE invoice_id = ${id} AND position = ${pos}`);
  }
  assert.deepEqual(await found('Quokkalicious'), [], 'restored');
  assert.equal(+q1(`SELECT COUNT(*) FROM invoice_terms WHERE term LIKE 'quokka%' OR term LIKE 'wombat%'`), 0);
});

test('search text is a value, never SQL or a pattern', async () => {
  for (const q of [`' OR 1=1 -- `, '%', '_', '\\', 'INV_', '%%%']) {
    await expectList(billing, `q=${encodeURIComponent(q)}`, searchTruth(q.trim()), { min: 0 });
  }
  const r = await billing.get(`/invoices?q=${encodeURIComponent('%')}`);
  assert.equal(count(r.text_), 0, 'a % matches nothing literally');
});

// ---------- paging ----------

test('paging: page 2, per_page, the last page, and the pager links', async () => {
  const all = truthIds('1');
  let r = await billing.get('/invoices?per_page=10&page=2');
  assert.deepEqual(ids(r.text_), all.slice(10, 20));
  assert.equal(count(r.text_), all.length);
  assert.match(r.text_, /showing 11–20\./);
  assert.match(r.text_, /rel="prev"/);
  assert.match(r.text_, /<a href="\/invoices\?per_page=10&amp;page=3" rel="next">/);
  assert.match(r.text_, /<a href="\/invoices\?per_page=10" rel="first">/);
  const pages = Math.ceil(all.length / 10);
  assert.match(r.text_, new RegExp(`<a href="/invoices\\?per_page=10&amp;page=${pages}" rel="last">`));
  assert.match(r.text_, new RegExp(`Page 2 of ${pages}<`));

  r = await billing.get('/invoices?per_page=25');
  assert.deepEqual(ids(r.text_), all.slice(0, 25));
  assert.doesNotMatch(r.text_, /rel="prev"/);
  const last = Math.ceil(all.length / 25);
  r = await billing.get(`/invoices?per_page=25&page=${last}`);
  assert.deepEqual(ids(r.text_), all.slice((last - 1) * 25));
  assert.doesNotMatch(r.text_, /rel="next"/);
  assert.doesNotMatch(r.text_, /id="past-end"/);

  r = await billing.get('/invoices');
  assert.equal(ids(r.text_).length, Math.min(50, all.length), 'the default page has 50 rows');
  for (const n of [10, 500]) {
    r = await billing.get(`/invoices?per_page=${n}`);
    assert.equal(r.status, 200);
    assert.equal(ids(r.text_).length, Math.min(n, all.length));
  }
});

test('a page past the last shows no rows and links back to the last page, filters kept', async () => {
  // a filter the sums tables count exactly (status=paid is counted from the invoices until they carry the kind)
  const cur = q1('SELECT currency FROM invoices GROUP BY currency ORDER BY COUNT(*) DESC LIMIT 1');
  const filter = TOTALS_KIND ? 'status=paid' : `currency=${cur}`;
  const paid = truthIds(TOTALS_KIND ? STATUS_SQL().paid : `i.currency = '${cur}'`);
  const pages = Math.ceil(paid.length / 10);
  assert.ok(pages >= 2);
  const r = await billing.get(`/invoices?${filter}&per_page=10&page=${pages + 5}`);
  assert.equal(r.status, 200);
  assert.deepEqual(ids(r.text_), []);
  assert.equal(count(r.text_), paid.length, 'the count is still the filtered set');
  const m = r.text_.match(/<p class="alert" id="past-end">[^<]*<a href="([^"]*)">/);
  assert.ok(m, 'no link back to the last page');
  const href = m[1].replace(/&amp;/g, '&');
  assert.equal(href, `/invoices?${filter}&per_page=10&page=${pages}`);
  const back = await billing.get(href);
  assert.deepEqual(ids(back.text_), paid.slice((pages - 1) * 10));
  // an empty result past the end links to page 1 (no page= at all)
  const e = await billing.get('/invoices?customer=999999&page=3');
  assert.equal(e.status, 200);
  assert.deepEqual(ids(e.text_), []);
  assert.match(e.text_, /id="past-end">[^<]*<a href="\/invoices\?customer=999999">/);
  // page 1 of an empty result is not "past the end"
  const one = await billing.get('/invoices?customer=999999');
  assert.doesNotMatch(one.text_, /id="past-end"/);
  assert.match(one.text_, /No invoices match/);
});

// ---------- bad parameters ----------

test('bad parameters get a 400 page naming the parameter', async () => {
  const long = (n, c = 'a') => c.repeat(n);
  const bad = [
    ['status=bogus', 'status'], ['status=DUE', 'status'], ['status=paid&status=x', 'status'],
    ['status=' + long(300), 'status'],
    ['customer=0', 'customer'], ['customer=abc', 'customer'], ['customer=-1', 'customer'],
    ['customer=' + long(20, '9'), 'customer'],
    ['currency=XYZ', 'currency'], ['currency=EURO', 'currency'],
    ['date=created', 'date'],
    ['from=2026-02-30', 'from'], ['from=2026-13-01', 'from'], ['from=01.02.2026', 'from'], ['from=2026-1-1', 'from'],
    ['to=tomorrow', 'to'], ['to=2025-02-29', 'to'],
    ['min=abc', 'min'], ['min=1,5,5', 'min'], ['max=1e3', 'max'], ['max=1.0001', 'max'], ['max=' + long(30, '9'), 'max'],
    ['sort=bogus', 'sort'], ['sort=id', 'sort'], ['sort=total%20desc', 'sort'], ['sort=' + long(300), 'sort'],
    ['dir=up', 'dir'], ['dir=ASC', 'dir'],
    ['page=0', 'page'], ['page=-1', 'page'], ['page=1.5', 'page'], ['page=x', 'page'], ['page=' + long(20, '9'), 'page'],
    ['per_page=9', 'per_page'], ['per_page=0', 'per_page'], ['per_page=501', 'per_page'], ['per_page=5000', 'per_page'],
    ['cols=bogus', 'cols'], ['cols=number,number', 'cols'], ['cols=number,', 'cols'],
    ['q=' + long(101, 'x'), 'q'], ['q=' + long(300, 'x'), 'q'],
  ];
  for (const [query, param] of bad) {
    const r = await billing.get(`/invoices?${query}`);
    assert.equal(r.status, 400, `${query}: ${r.status}`);
    const m = r.text_.match(/<code class="param">([^<]*)<\/code>/);
    assert.ok(m, `${query}: the page does not name the parameter`);
    assert.equal(m[1], param, `${query}`);
    assert.match(r.text_, new RegExp(`<p class="alert error" role="alert">The parameter &quot;${param}&quot;`), query);
    assert.doesNotMatch(r.text_, /id="invoices"/, `${query}: no list on the error page`);
  }
  // the limits themselves are accepted
  for (const ok of ['per_page=10', 'per_page=500', 'page=1', 'q=' + 'x'.repeat(100), 'from=2024-02-29', 'min=0', 'dir=desc']) {
    assert.equal((await billing.get(`/invoices?${ok}`)).status, 200, ok);
  }
});

// ---------- the column chooser ----------

const prefOf = (email) => q1(`SELECT IFNULL((SELECT p.value FROM user_prefs p JOIN users u ON u.id = p.user_id
  WHERE u.email = '${email}' AND p.pref = 'invoices.cols'), '')`);
function restorePref(email, value) {
  const uid = q1(`SELECT id FROM users WHERE email = '${email}'`);
  if (value === '') sql(`DELETE FROM user_prefs WHERE user_id = ${uid} AND pref = 'invoices.cols'`);
  else sql(`INSERT INTO user_prefs (user_id, pref, value) VALUES (${uid}, 'invoices.cols', ${str(value)})
    ON DUPLICATE KEY UPDATE value = VALUES(value)`);
}

test('the column chooser saves per user, is restored on the next GET, and cols= overrides without saving', async () => {
  const email = 'support@example.com', other = 'admin@example.com';
  const saved = prefOf(email), otherSaved = prefOf(other);
  try {
    const c = await as('support');
    const a = await as('admin');
    const adminBefore = headers((await a.get('/invoices')).text_);
    const csrf = await c.csrf('/invoices');
    let r = await c.post('/invoices/columns', {
      csrf, back: '/invoices?status=paid',
      show_total: '1', pos_total: '1', show_status: '1', pos_status: '3', show_number: '1', pos_number: '2',
      show_period: '1', pos_period: '4', pos_customer: '5', pos_date: '6',   // customer and date unticked
    });
    assert.equal(r.status, 303, r.text_.slice(0, 300));
    assert.equal(r.headers.get('location'), '/invoices?status=paid');
    assert.equal(prefOf(email), 'total,number,status,period');

    r = await c.get('/invoices');
    const want = ['total', 'number', 'status', 'period'];
    assert.deepEqual(headers(r.text_), want);
    for (const keys of rowKeys(r.text_)) assert.deepEqual(keys, want);
    // the chooser lists the shown columns first, ticked, in their order
    const chooser = [...r.text_.matchAll(/<li draggable="true" data-key="([a-z_]+)">\s*<label><input type="checkbox" name="show_\1" value="1"( checked)?>/g)]
      .map((m) => [m[1], !!m[2]]);
    assert.deepEqual(chooser.slice(0, 4), want.map((k) => [k, true]));
    assert.equal(chooser.length, 10);
    assert.ok(chooser.slice(4).every(([, on]) => !on));

    // cols= in the URL wins for that page and is not saved
    r = await c.get('/invoices?cols=due,customer');
    assert.deepEqual(headers(r.text_), ['due', 'customer']);
    assert.deepEqual(rowKeys(r.text_)[0], ['due', 'customer']);
    assert.match(r.text_, /<input type="hidden" name="cols" value="due,customer">/);
    assert.equal(prefOf(email), 'total,number,status,period');
    assert.deepEqual(headers((await c.get('/invoices')).text_), want);

    // someone else's columns did not change
    assert.deepEqual(headers((await a.get('/invoices')).text_), adminBefore);
    assert.equal(prefOf(other), otherSaved);

    // a new session of the same user gets the saved columns
    const c2 = await as('support');
    assert.deepEqual(headers((await c2.get('/invoices')).text_), want);

    // positions reorder, ties keep the table order
    r = await c.post('/invoices/columns', { csrf, show_balance: '1', pos_balance: '1', show_customer: '1', pos_customer: '1', show_due: '1', pos_due: '0' });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/invoices');
    assert.deepEqual(headers((await c.get('/invoices')).text_), ['due', 'customer', 'balance']);
  } finally {
    restorePref(email, saved);
    restorePref(other, otherSaved);
  }
});

test('the column chooser refuses bad posts and changes nothing', async () => {
  const email = 'support@example.com';
  const saved = prefOf(email);
  try {
    const c = await as('support');
    const csrf = await c.csrf('/invoices');
    const before = prefOf(email);
    // no CSRF token
    let r = await c.post('/invoices/columns', { show_total: '1' });
    assert.ok(r.status === 403 || r.status === 400, `no csrf: ${r.status}`);
    r = await c.post('/invoices/columns', { csrf: 'f'.repeat(64), show_total: '1' });
    assert.ok(r.status === 403 || r.status === 400, `wrong csrf: ${r.status}`);
    // a bad position, a bad checkbox value (nothing ticked saves the defaults: listux.test.mjs)
    r = await c.post('/invoices/columns', { csrf, show_total: '1', pos_total: 'abc' });
    assert.equal(r.status, 400);
    assert.match(r.text_, /<code class="param">pos_total<\/code>/);
    r = await c.post('/invoices/columns', { csrf, show_total: '1', pos_total: '100' });
    assert.equal(r.status, 400);
    r = await c.post('/invoices/columns', { csrf, show_total: 'yes' });
    assert.equal(r.status, 400);
    assert.equal(prefOf(email), before);
    // an off-site or non-list back= is not followed
    for (const back of ['//evil.example/x', 'https://evil.example/', '/admin/users']) {
      r = await c.post('/invoices/columns', { csrf, show_total: '1', back });
      assert.equal(r.status, 303);
      assert.equal(r.headers.get('location'), '/invoices', back);
    }
  } finally {
    restorePref(email, saved);
  }
});

// ---------- customer scoping ----------

test('a customer sees only their own issued invoices, whatever the parameters', async () => {
  const c = await as('customer');
  const cid = q1(`SELECT customer_id FROM users WHERE email = 'customer1@example.com'`);
  const own = `i.customer_id = ${cid} AND i.status <> 'draft'`;
  const other = q1(`SELECT customer_id FROM invoices WHERE customer_id <> ${cid} GROUP BY customer_id ORDER BY COUNT(*) DESC LIMIT 1`);
  const otherNumber = q1(`SELECT number FROM invoices WHERE customer_id = ${other} AND number IS NOT NULL LIMIT 1`);
  const otherName = q1(`SELECT name FROM customers WHERE id = ${other}`);
  const otherPrefix = otherNumber.slice(0, -3);
  assert.ok(+q1(`SELECT COUNT(*) FROM invoices WHERE customer_id = ${cid} AND status = 'draft'`) > 0,
    'the demo customer has a draft to hide');
  const S = STATUS_SQL();
  const allowed = new Set(truthIds(own));
  const cases = [
    ['', own],
    [`customer=${other}`, `${own} AND i.customer_id = ${other}`],
    [`customer=${cid}`, own],
    ['status=draft', `${own} AND ${S.draft}`],
    [`status=draft&customer=${other}`, '0'],
    ['status=draft&status=due&status=overdue', `${own} AND ((${S.due}) OR (${S.overdue}))`],
    [`q=${encodeURIComponent(otherNumber)}`, `${own} AND (${searchTruth(otherNumber)})`],
    [`q=${encodeURIComponent(otherPrefix)}`, `${own} AND (${searchTruth(otherPrefix)})`],
    [`q=${encodeURIComponent(otherName)}`, `${own} AND (${searchTruth(otherName)})`],
    ['sort=customer&dir=desc', own, `i.customer_name DESC, i.id DESC`],
    [`currency=${q1(`SELECT currency FROM customers WHERE id = ${other}`)}`,
      `${own} AND i.currency = '${q1(`SELECT currency FROM customers WHERE id = ${other}`)}'`],
    ['status=void&status=paid&min=0', `${own} AND ((${S.void}) OR (${S.paid}))`],
  ];
  for (const [query, where, order] of cases) {
    const r = await expectList(c, query, where, { min: 0, order });
    for (const id of ids(r.text_)) assert.ok(allowed.has(id), `${query}: invoice ${id} is not the customer's`);
    assert.doesNotMatch(r.text_, /class="draft"|Draft #/, query);
    assert.doesNotMatch(r.text_, /\/edit"/, `${query}: no edit links for customers`);
    assert.doesNotMatch(r.text_, /name="status" value="draft"/, `${query}: no draft checkbox`);
  }
  // their whole list, and the totals only over it
  const r = await expectList(c, '', own, { min: 2 });
  assert.equal(count(r.text_), allowed.size);
  // the export-like page sizes do not widen the scope either
  const page2 = await c.get('/invoices?per_page=10&page=2');
  for (const id of ids(page2.text_)) assert.ok(allowed.has(id));
});

test('the customer Paid column reads Paid / Unpaid / Pending, a dash for void invoices and credit notes', async () => {
  const c = await as('customer');
  const cid = q1(`SELECT customer_id FROM users WHERE email = 'customer1@example.com'`);
  // the status is among the customer's default columns
  assert.ok(headers((await c.get('/invoices')).text_).includes('status'), 'status column by default');
  const r = await c.get('/invoices?cols=number,paid_state,status&per_page=500');
  const truth = new Map(lines(`SELECT i.id, ${PAID_STATE_SQL}
      FROM invoices i WHERE i.customer_id = ${cid} AND i.status <> 'draft'`).map(([id, p]) => [+id, p]));
  const seen = new Set();
  for (const row of rows(r.text_)) {
    assert.equal(row.cells.paid_state, truth.get(row.id), `invoice ${row.id}`);
    seen.add(row.cells.paid_state);
  }
  assert.equal(rows(r.text_).length, truth.size);
  assert.ok(seen.size >= 2, `the demo customer's invoices show several paid states: ${[...seen]}`);
  assert.ok(seen.has('—'), 'void invoices and credit notes show a dash');
  // sorting by it groups Unpaid, Pending, Paid (a dash sorts where its stored state puts it)
  const asc = await c.get('/invoices?cols=number,paid_state&per_page=500&sort=paid_state');
  const order = { Unpaid: 0, Pending: 1, Paid: 2 };
  const vals = rows(asc.text_).filter((x) => x.cells.paid_state !== '—').map((x) => order[x.cells.paid_state]);
  assert.deepEqual(vals, [...vals].sort((a, b) => a - b));
});

test('staff roles see drafts, as "Draft #id"; support cannot edit them', async () => {
  const drafts = truthIds(STATUS_SQL().draft);
  assert.ok(drafts.length > 0);
  for (const role of ['admin', 'support']) {
    const c = await as(role);
    const r = await expectList(c, 'status=draft&cols=number,status', STATUS_SQL().draft);
    for (const row of rows(r.text_)) {
      assert.equal(row.cells.number, `Draft #${row.id}`);
      assert.equal(row.cells.status, 'Draft');
      assert.equal(/\/edit"/.test(row.html), false, `${role}: no edit link to a page that does not exist yet`);
    }
  }
});

test('the list needs a session', async () => {
  const r = await new Client().get('/invoices?status=paid');
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), /^\/login\?next=/);
});
