// The dashboard at /admin (lib/dashboard.c over the trigger-kept totals):
// every figure on it — receivables per currency, counts by shown status, each
// aging cell, each month's billed and paid — compared with SQL computed here
// from the invoices table by DESIGN.md "List figures" (issued invoices minus
// issued credit notes; drafts and void ones never billed or owed), for admin,
// billing and support; customers get 404; each aging cell's link opens the
// list, whose balance equals the cell. "Today" is the configured zone's date
// (UTC in the test stack), as the list's sums tables decide it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { as, sql, dateIn } from './lib.mjs';

const EXP = { JPY: 0, KWD: 3, BHD: 3, JOD: 3, OMR: 3, TND: 3, IQD: 3, LYD: 3 };
const decode = (s) => s.replace(/<[^>]*>/g, '').replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(+n))
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  .replace(/&amp;/g, '&').trim();
const lines = (q) => { const s = sql(q); return s === '' ? [] : s.split('\n').map((l) => l.split('\t')); };

// DB decimal text ("-7316.920") as the page shows it ("-7,316.92 CZK")
function money(dec, cur) {
  const e = EXP[cur] ?? 2;
  let s = String(dec ?? '0'), sign = '';
  if (s === 'NULL') s = '0';
  if (s.startsWith('-')) { sign = '-'; s = s.slice(1); }
  const [int, frac = ''] = s.split('.');
  const f = frac.padEnd(3, '0');
  if (/^0*$/.test(int + f)) sign = '';
  return `${sign}${(int.replace(/^0+(?=\d)/, '') || '0').replace(/\B(?=(\d{3})+$)/g, ',')}${e ? '.' + f.slice(0, e) : ''} ${cur}`;
}

// ---------- the page ----------

function page(html) {
  const out = { cur: {}, counts: {}, aging: {}, months: {} };
  const rec = html.match(/<table class="grid receivables"[\s\S]*?<\/table>/);
  for (const m of (rec ? rec[0] : '').matchAll(/<tr data-currency="([A-Z]{3})">([\s\S]*?)<\/tr>/g)) {
    const cell = (cls) => decode(m[2].match(new RegExp(`<td class="num ${cls}">([\\s\\S]*?)</td>`))[1]);
    out.cur[m[1]] = { billed: cell('billed'), paid: cell('paid'), outstanding: cell('outstanding'),
      overdue: cell('overdue'), overdue_n: +cell('overdue-n') };
  }
  for (const m of html.matchAll(/<li data-status="([a-z]+)">([\s\S]*?)<\/li>/g))
    out.counts[m[1]] = +m[2].match(/<strong class="n">(\d+)<\/strong>/)[1];
  for (const t of html.matchAll(/<table class="grid aging" data-currency="([A-Z]{3})">([\s\S]*?)<\/table>/g)) {
    const a = (out.aging[t[1]] = {});
    for (const m of t[2].matchAll(/<td class="num" data-bucket="([a-z0-9-]+)" data-n="(\d+)"><a href="([^"]*)">([^<]*)<\/a><\/td>/g))
      a[m[1]] = { n: +m[2], href: decode(m[3]), amount: decode(m[4]) };
  }
  for (const t of html.matchAll(/<table class="grid months" data-currency="([A-Z]{3})">([\s\S]*?)<\/table>/g)) {
    const a = (out.months[t[1]] = {});
    for (const m of t[2].matchAll(/<tr data-month="(\d{4}-\d\d)">[\s\S]*?<a href="([^"]*)">[\s\S]*?<td class="num billed">([^<]*)<\/td><td class="num paid">([^<]*)<\/td><\/tr>/g))
      a[m[1]] = { href: decode(m[2]), billed: decode(m[3]), paid: decode(m[4]) };
  }
  return out;
}

// the list's issued balance for a currency (its sums line), or null when it shows none
function listBalance(html, cur) {
  const m = html.match(new RegExp(`<span class="sum" data-currency="${cur}" data-kind="issued">([\\s\\S]*?)</span> (?=<span class="sum"|</span>|</p>)`));
  if (!m) return null;
  return decode(m[1].match(/<span class="balance">([^<]*)<\/span>/)[1]);
}

// ---------- the truth, from SQL (written from DESIGN.md, not from lib/) ----------

const SIGN = `IF(i.kind = 'credit', -1, 1)`;
const ISSUED = `i.status IN ('open', 'paid')`;
const OPEN_INV = `i.status = 'open' AND i.kind = 'invoice'`;
const BUCKETS = [['current', -1e9, 0], ['1-30', 1, 30], ['31-60', 31, 60], ['61-90', 61, 90], ['over-90', 91, 1e9]];

function truth(today) {
  const t = { cur: {}, counts: {}, aging: {}, months: {} };
  for (const [cur, billed, paid, bal, od, odn] of lines(`SELECT i.currency,
      SUM(IF(${ISSUED}, ${SIGN} * i.total, 0)), SUM(IF(${ISSUED}, ${SIGN} * i.paid_amount, 0)),
      SUM(IF(${ISSUED}, ${SIGN} * (i.total - i.paid_amount), 0)),
      SUM(IF(${OPEN_INV} AND i.due_date < '${today}', i.total - i.paid_amount, 0)),
      SUM(${OPEN_INV} AND i.due_date < '${today}')
      FROM invoices i GROUP BY i.currency`))
    t.cur[cur] = { billed: money(billed, cur), paid: money(paid, cur), outstanding: money(bal, cur),
      overdue: money(od, cur), overdue_n: +odn };
  for (const [k, n] of lines(`SELECT CASE WHEN i.status = 'draft' THEN 'draft' WHEN i.status = 'void' THEN 'void'
      WHEN i.kind = 'credit' THEN 'credit' WHEN i.status = 'paid' THEN 'paid'
      WHEN i.due_date < '${today}' THEN 'overdue' WHEN i.paid_amount > 0 THEN 'partial' ELSE 'due' END k, COUNT(*)
      FROM invoices i GROUP BY k`)) t.counts[k] = +n;
  for (const k of ['draft', 'due', 'partial', 'overdue', 'paid', 'void', 'credit']) t.counts[k] ??= 0;
  for (const cur of Object.keys(t.cur)) {
    t.aging[cur] = {};
    for (const [key, lo, hi] of BUCKETS) {
      const [n, bal] = lines(`SELECT COUNT(*), COALESCE(SUM(i.total - i.paid_amount), 0) FROM invoices i
        WHERE ${OPEN_INV} AND i.currency = '${cur}' AND DATEDIFF('${today}', i.due_date) BETWEEN ${lo} AND ${hi}`)[0];
      t.aging[cur][key] = { n: +n, amount: money(bal, cur) };
    }
    t.months[cur] = {};
    for (let k = 11; k >= 0; k--) {
      const [ym, from, to] = lines(`SELECT DATE_FORMAT(d, '%Y-%m'), d, LAST_DAY(d) FROM
        (SELECT DATE_FORMAT('${today}', '%Y-%m-01') - INTERVAL ${k} MONTH AS d) x`)[0];
      const [billed, paid] = lines(`SELECT COALESCE(SUM(${SIGN} * i.total), 0), COALESCE(SUM(${SIGN} * i.paid_amount), 0)
        FROM invoices i WHERE ${ISSUED} AND i.currency = '${cur}' AND i.invoice_date BETWEEN '${from}' AND '${to}'`)[0];
      t.months[cur][ym] = { billed: money(billed, cur), paid: money(paid, cur), from, to };
    }
  }
  return t;
}

// ---------- data: every aging boundary, a credit note, a negative month ----------

const T = 'dash-test';
const inserted = [];
function insert(row) {
  if (row.status !== 'draft') row = { issued_at: `${row.invoice_date} 10:00:00`, ...row };
  if (row.status === 'void') row = { voided_at: `${row.invoice_date} 11:00:00`, ...row };
  const cols = Object.keys(row), vals = cols.map((k) => (row[k] === null ? 'NULL' : `'${row[k]}'`));
  sql(`INSERT INTO invoices (${cols.join(', ')}, notes) VALUES (${vals.join(', ')}, '${T}')`);
  const id = +sql(`SELECT MAX(id) FROM invoices WHERE notes = '${T}'`);
  inserted.push(id);
  return id;
}
const addDays = (d, n) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);

let TODAY;
before(() => {
  sql('DELETE FROM login_failures');
  TODAY = dateIn('UTC');
  const [cid, name] = lines("SELECT c.id, c.name FROM customers c JOIN users u ON u.customer_id = c.id WHERE u.email = 'customer1@example.com'")[0];
  const base = { customer_id: cid, customer_name: name.replace(/'/g, "\\'"), currency: 'JPY' };
  // open JPY invoices due on each side of every bucket boundary (0 = due today)
  let k = 0, first;
  for (const days of [-3, 0, 1, 30, 31, 60, 61, 90, 91, 200]) {
    const due = addDays(TODAY, -days);
    const id = insert({ ...base, number: `DASH-JPY-${++k}`, status: 'open', invoice_date: addDays(due, -14), due_date: due,
      total: `${1000 * k}.000`, paid_amount: k % 3 === 0 ? '100.000' : '0.000' });
    first ??= id;
  }
  // a paid one, a draft, a void one; an open credit note of 2,500 JPY dated today outweighing this month's invoices
  insert({ ...base, number: 'DASH-JPY-P', status: 'paid', invoice_date: addDays(TODAY, -40), due_date: addDays(TODAY, -26), total: '700.000', paid_amount: '700.000' });
  insert({ ...base, number: null, status: 'draft', invoice_date: TODAY, due_date: addDays(TODAY, 14), total: '333.000' });
  insert({ ...base, number: 'DASH-JPY-V', status: 'void', invoice_date: TODAY, due_date: addDays(TODAY, 14), total: '444.000' });
  insert({ ...base, kind: 'credit', type_code: 381, credited_invoice_id: first, number: 'DASH-JPY-CN', status: 'open',
    invoice_date: TODAY, due_date: TODAY, total: '25000.000', paid_amount: '0.000' });
});

after(() => {
  if (inserted.length) sql(`DELETE FROM invoices WHERE id IN (${inserted.join(', ')}) ORDER BY id DESC`);
});

for (const role of ['admin', 'billing', 'support']) {
  test(`${role}: every dashboard figure equals SQL over the invoices`, async () => {
    const c = await as(role);
    const r = await c.get('/admin');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('server-timing') ?? '', /app;dur=/);
    const got = page(r.text_), want = truth(TODAY);
    assert.ok(Object.keys(want.cur).includes('JPY') && Object.keys(want.cur).length >= 2, 'several currencies in the data');
    assert.deepEqual(got.cur, want.cur, 'receivables per currency');
    assert.deepEqual(got.counts, want.counts, 'counts by shown status');
    for (const cur of Object.keys(want.cur)) {
      const a = {};
      for (const [k, v] of Object.entries(got.aging[cur] ?? {})) a[k] = { n: v.n, amount: v.amount };
      assert.deepEqual(a, want.aging[cur], `aging ${cur}`);
      const m = {};
      for (const [k, v] of Object.entries(got.months[cur] ?? {})) m[k] = { billed: v.billed, paid: v.paid };
      const wm = Object.fromEntries(Object.entries(want.months[cur]).map(([k, v]) => [k, { billed: v.billed, paid: v.paid }]));
      assert.deepEqual(m, wm, `months ${cur}`);
      for (const [ym, v] of Object.entries(got.months[cur]))
        assert.equal(v.href, `/invoices?date=invoice&from=${want.months[cur][ym].from}&to=${want.months[cur][ym].to}&currency=${cur}`);
    }
    // the hand-made JPY book: each boundary day in its bucket
    assert.deepEqual(Object.fromEntries(Object.entries(got.aging.JPY).map(([k, v]) => [k, v.n])),
      Object.fromEntries(Object.entries(want.aging.JPY).map(([k, v]) => [k, v.n])));
    assert.ok(got.aging.JPY['1-30'].n >= 2 && got.aging.JPY['over-90'].n >= 2 && got.aging.JPY.current.n >= 2);
    // the credit note outweighs this month: a negative month in the table and the chart
    assert.match(got.months.JPY[TODAY.slice(0, 7)].billed, /^-/);
    assert.match(r.text_, /<svg [^>]*role="img"[^>]*aria-labelledby="chart-JPY-t chart-JPY-d"/);
    assert.match(r.text_, /<title id="chart-JPY-t">Billed and paid per month, JPY<\/title>/);
  });
}

test('each aging cell opens the list, whose balance equals the cell', async () => {
  const c = await as('support');
  const got = page((await c.get('/admin')).text_);
  let checked = 0;
  for (const [cur, cells] of Object.entries(got.aging)) {
    for (const [key, cell] of Object.entries(cells)) {
      const [from, to] = [cell.href.match(/from=([\d-]+)/)?.[1], cell.href.match(/to=([\d-]+)/)?.[1]];
      if (key === 'current') assert.equal(cell.href, `/invoices?status=due&status=partial&date=due&from=${TODAY}&currency=${cur}`);
      else {
        assert.match(cell.href, new RegExp(`^/invoices\\?status=overdue&date=due(&from=[\\d-]+)?&to=[\\d-]+&currency=${cur}$`));
        const b = BUCKETS.find((x) => x[0] === key);
        assert.equal(to, addDays(TODAY, -b[1]), `${cur} ${key}: to`);
        if (b[2] < 1e9) assert.equal(from, addDays(TODAY, -b[2]), `${cur} ${key}: from`); else assert.equal(from, undefined);
      }
      const r = await c.get(cell.href);
      assert.equal(r.status, 200, cell.href);
      const bal = listBalance(r.text_, cur);
      if (cell.n === 0) assert.ok(bal === null || /^0(\.0+)? /.test(bal), `${cell.href}: ${bal}`);
      else { assert.equal(bal, cell.amount, `${cell.href}: the list's balance`); checked++; }
    }
  }
  assert.ok(checked >= 5, `${checked} non-empty cells compared`);
});

test('outstanding and overdue open the list with the same balance', async () => {
  const c = await as('admin');
  const html = (await c.get('/admin')).text_;
  const got = page(html);
  for (const [cur, v] of Object.entries(got.cur)) {
    const row = html.match(new RegExp(`<tr data-currency="${cur}">([\\s\\S]*?)</tr>`))[1];
    const all = decode(row.match(/<td class="num outstanding"><a href="([^"]*)"/)[1]);
    const od = decode(row.match(/<td class="num overdue"><a href="([^"]*)"/)[1]);
    assert.equal(all, `/invoices?currency=${cur}`);
    assert.equal(od, `/invoices?status=overdue&currency=${cur}`);
    const b1 = listBalance((await c.get(all)).text_, cur);
    assert.equal(b1 ?? `0 ${cur}`, b1 === null ? `0 ${cur}` : v.outstanding, `${cur} outstanding`);
    if (v.overdue_n) assert.equal(listBalance((await c.get(od)).text_, cur), v.overdue, `${cur} overdue`);
  }
});

test('the month links open the list with the same billed and paid', async () => {
  const c = await as('billing');
  const got = page((await c.get('/admin')).text_);
  const m = got.months.JPY[TODAY.slice(0, 7)];
  const r = await c.get(m.href);
  assert.equal(r.status, 200);
  const s = r.text_.match(/<span class="sum" data-currency="JPY" data-kind="issued">([\s\S]*?)<\/span> (?=<span class="sum"|<\/span>|<\/p>)/);
  assert.ok(s, 'the list shows JPY sums');
  assert.equal(decode(s[1].match(/<span class="billed">([^<]*)<\/span>/)[1]), m.billed);
  assert.equal(decode(s[1].match(/<span class="paid">([^<]*)<\/span>/)[1]), m.paid);
});

test('customers get 404 on the dashboard; the chart has no script and escapes its text', async () => {
  const cu = await as('customer');
  const r = await cu.get('/admin');
  assert.equal(r.status, 404);
  assert.doesNotMatch(r.text_, /receivables|aging/i);
  const a = await as('admin');
  const html = (await a.get('/admin')).text_;
  assert.doesNotMatch(html, /<script/i);
  assert.match(html, /<desc id="chart-JPY-d">Bar chart, 12 months/);
  // a table fallback per currency with each month
  assert.equal((html.match(/<table class="grid months"/g) ?? []).length, (html.match(/<svg /g) ?? []).length);
});

// sql/0020: the open documents per due date, which the aging reads for the
// last 90 days of due dates ("over 90" is every open document less those)
const dueTruthDiff = () => sql(`SELECT COUNT(*) FROM (
    SELECT due_date, currency, kind, paid_state, COUNT(*) n, SUM(total) t, SUM(paid_amount) p, SUM(total - paid_amount) b
      FROM invoices WHERE status = 'open' GROUP BY due_date, currency, kind, paid_state) x
  LEFT JOIN invoice_due_totals s USING (due_date, currency, kind, paid_state)
  WHERE s.n IS NULL OR s.n <> x.n OR s.total <> x.t OR s.paid <> x.p OR s.balance <> x.b`)
  + '/' + sql(`SELECT COUNT(*) FROM invoice_due_totals s WHERE s.n <> 0 AND NOT EXISTS (SELECT 1 FROM invoices i
      WHERE i.status = 'open' AND i.due_date = s.due_date AND i.currency = s.currency AND i.kind = s.kind
      AND i.paid_state = s.paid_state)`);

test('the open-by-due-date sums follow every change, and the aging with them', async () => {
  assert.equal(dueTruthDiff(), '0/0', 'after the inserts');
  const [a, b, c2] = inserted.slice(0, 3);
  try {
    // an open invoice paid off, one moved past 90 days, one partly paid, one voided
    sql(`UPDATE invoices SET status = 'paid', paid_amount = total WHERE id = ${a}`);
    sql(`UPDATE invoices SET invoice_date = '${addDays(TODAY, -134)}', due_date = '${addDays(TODAY, -120)}' WHERE id = ${b}`);
    sql(`UPDATE invoices SET paid_amount = 1 WHERE id = ${c2}`);
    sql(`UPDATE invoices SET status = 'void', voided_at = UTC_TIMESTAMP() WHERE id = ${inserted[4]}`);
    assert.equal(dueTruthDiff(), '0/0', 'after the changes');
    const c = await as('admin');
    const got = page((await c.get('/admin')).text_), want = truth(TODAY);
    for (const cur of Object.keys(want.cur)) {
      const g = {};
      for (const [k, v] of Object.entries(got.aging[cur] ?? {})) g[k] = { n: v.n, amount: v.amount };
      assert.deepEqual(g, want.aging[cur], `aging ${cur} after the changes`);
    }
    assert.deepEqual(got.counts, want.counts);
  } finally {
    sql(`DELETE FROM invoices WHERE id IN (${inserted.join(', ')}) ORDER BY id DESC`);
    inserted.length = 0;
  }
  assert.equal(dueTruthDiff(), '0/0', 'after the deletes');
});
