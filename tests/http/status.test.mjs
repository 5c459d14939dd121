// One status vocabulary, one rule (lib/invoice.c inv_status_rules): invoices
// written with SQL through the schema (its triggers run) in every state, for
// customers in time zones where it is already tomorrow, still yesterday or
// today relative to UTC (and zones on daylight saving time now), and then the
// list filter (status=...), the list badge and Paid column, sort=status, the
// invoice page, the PDF (pdftotext) and the detailed CSV must all show the
// label the rule gives, for staff and for the customer. Also: issued invoices
// show the buyer they were issued to (buyer_snapshot), drafts the live one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, as, sql, ctl, BASE, dateIn, LABEL } from './lib.mjs';

const q1 = (q) => sql(q);
const lines = (q) => { const s = sql(q); return s === '' ? [] : s.split('\n').map((l) => l.split('\t')); };
const str = (s) => `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const decode = (s) => s.replace(/<[^>]*>/g, '').replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(+n))
  .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(parseInt(n, 16)))
  .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').trim();
const DASH = '\u2014';

// "YYYY-MM-DD" plus n days
const addDays = (d, n) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);

// Zones around the date line and on daylight saving time in December or June
// (Auckland, Santiago, Sydney, New York, Berlin): whatever the hour of the run,
// some are a day ahead of UTC or a day behind.
const ZONES = ['UTC', 'Pacific/Kiritimati', 'Pacific/Auckland', 'Asia/Tokyo', 'Australia/Sydney', 'Europe/Berlin',
  'America/New_York', 'America/Santiago', 'Pacific/Honolulu', 'Pacific/Pago_Pago'];

const TMP = mkdtempSync(join(tmpdir(), 'status-test-'));
const made = { customers: [], invoices: [], users: [] };
// per invoice: id, customer, the state written, the label the rule gives
const cases = [];

// Every column of a table but the generated ones and those in `skip`.
function columns(table, skip) {
  return q1(`SELECT GROUP_CONCAT(COLUMN_NAME ORDER BY ORDINAL_POSITION) FROM information_schema.COLUMNS
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${table}' AND EXTRA NOT LIKE '%GENERATED%'`)
    .split(',').filter((c) => !skip.includes(c));
}

// A copy of row `id` of `table` with some columns set; its new id.
function copyRow(table, id, set) {
  const cols = columns(table, ['id', ...Object.keys(set)]);
  const names = [...cols, ...Object.keys(set)];
  const values = [...cols.map((c) => `t.${c}`), ...Object.values(set)];
  return +q1(`INSERT INTO ${table} (${names.join(', ')}) SELECT ${values.join(', ')} FROM ${table} t WHERE t.id = ${id};
    SELECT LAST_INSERT_ID()`);
}

let TEMPLATE, CUST_TEMPLATE, seq = 0;

// One invoice in a given state for customer c (zone z), due `due`.
function invoice(c, z, { status, kind = 'invoice', paid = 'none', due, credits = null }) {
  const total = q1(`SELECT total FROM invoices WHERE id = ${TEMPLATE}`);
  const n = ++seq;
  const set = {
    customer_id: c.id, customer_name: str(c.name), status: str(status), kind: str(kind),
    type_code: kind === 'credit' ? 381 : 380, credited_invoice_id: credits ?? 'NULL',
    number: status === 'draft' ? 'NULL' : str(`${kind === 'credit' ? 'STC' : 'ST'}-${process.pid}-${n}`),
    invoice_date: str(addDays(due, -14)), due_date: str(due),
    paid_amount: paid === 'none' ? 0 : paid === 'all' ? total : `FLOOR(${total} / 2)`,   // whole units: any currency
    issued_at: status === 'draft' ? 'NULL' : 'UTC_TIMESTAMP()', voided_at: status === 'void' ? 'UTC_TIMESTAMP()' : 'NULL',
    void_reason: 'NULL', pdf_state: "'none'", pdf: 'NULL', pdf_etag: 'NULL', pdf_paid: 'NULL', pdf_rendered_at: 'NULL',
    // the buyer as issued: the customer row at the time (demo data does the same)
    buyer_snapshot: status === 'draft' ? 'NULL' : `(SELECT JSON_OBJECT('name', x.name, 'legal_name', x.legal_name,
      'email', x.email, 'street', x.street, 'address_line2', x.address_line2, 'city', x.city, 'post_code', x.post_code,
      'region', x.region, 'country', x.country, 'vat_id', x.vat_id) FROM customers x WHERE x.id = ${c.id})`,
  };
  const id = copyRow('invoices', TEMPLATE, set);
  made.invoices.push(id);
  return id;
}

// the rule, written here from DESIGN.md: overdue when the due date is before the customer's date
function expected(state, today, due) {
  if (state.status === 'draft') return 'Draft';
  if (state.status === 'void') return 'Cancelled';
  if (state.kind === 'credit') return 'Credit note';
  if (state.status === 'paid') return 'Paid';
  if (due < today) return 'Overdue';
  return state.paid === 'half' ? 'Partly paid' : 'Due';
}
const paidState = (state) => state.status === 'draft' || state.status === 'void' || state.kind === 'credit' ? DASH
  : state.status === 'paid' ? 'Paid' : state.paid === 'half' ? 'Pending' : 'Unpaid';

let billing, customer, NOW;
before(async () => {
  sql('DELETE FROM login_failures');
  NOW = new Date();
  TEMPLATE = +q1(`SELECT id FROM invoices WHERE status = 'open' AND kind = 'invoice' AND total > 10 ORDER BY id LIMIT 1`);
  CUST_TEMPLATE = +q1(`SELECT customer_id FROM invoices WHERE id = ${TEMPLATE}`);
  for (const z of ZONES) {
    const name = `Status Test ${z}`;
    const id = copyRow('customers', CUST_TEMPLATE, { name: str(name), legal_name: str(`${name} Ltd`), time_zone: str(z),
      email: str(`status-${z.replace(/\W/g, '-').toLowerCase()}@example.com`), street: str('1 Original Street') });
    made.customers.push(id);
    const c = { id, name, zone: z, today: dateIn(z, NOW) };
    const yesterday = addDays(c.today, -1), tomorrow = addDays(c.today, 1);
    const states = [
      { status: 'draft', due: tomorrow },
      { status: 'open', due: tomorrow },
      { status: 'open', due: c.today },                     // due today: not overdue yet
      { status: 'open', due: yesterday },                   // overdue since the customer's midnight
      { status: 'open', paid: 'half', due: c.today },
      { status: 'open', paid: 'half', due: yesterday },     // overdue wins over partly paid
      { status: 'paid', paid: 'all', due: yesterday },
      { status: 'void', due: yesterday },
    ];
    for (const s of states) {
      const iid = invoice(c, z, s);
      cases.push({ id: iid, c, state: s, label: expected(s, c.today, s.due), paidState: paidState(s) });
    }
    // a credit note for the paid one: never Paid, never Overdue
    const paidId = cases[cases.length - 2].id;
    const cs = { status: 'paid', kind: 'credit', paid: 'all', due: yesterday };
    cases.push({ id: invoice(c, z, { ...cs, credits: paidId }), c, state: cs, label: 'Credit note', paidState: DASH });
  }
  // a customer user for the first zone ahead of UTC (or the first zone)
  const ahead = made.customers[ZONES.findIndex((z) => dateIn(z, NOW) > dateIn('UTC', NOW))] ?? made.customers[0];
  ctl(['user', 'add', `status-customer-${process.pid}@example.com`, '--role', 'customer', '--customer', String(ahead)],
    'status-pass\n');
  made.users.push(`status-customer-${process.pid}@example.com`);
  billing = await as('billing');
  customer = new Client();
  const r = await customer.login(`status-customer-${process.pid}@example.com`, 'status-pass');
  assert.equal(r.status, 303, 'the test customer signs in');
  customer.customerId = ahead;
});

after(() => {
  if (made.invoices.length) {
    // credit notes first (they reference the invoices they credit)
    sql(`DELETE FROM invoices WHERE id IN (${made.invoices.join(',')}) AND kind = 'credit'`);
    sql(`DELETE FROM invoices WHERE id IN (${made.invoices.join(',')})`);
  }
  for (const u of made.users) sql(`DELETE s FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = ${str(u)};
    DELETE FROM user_prefs WHERE user_id IN (SELECT id FROM users WHERE email = ${str(u)});
    DELETE FROM users WHERE email = ${str(u)}`);
  if (made.customers.length) sql(`DELETE FROM customers WHERE id IN (${made.customers.join(',')})`);
  rmSync(TMP, { recursive: true, force: true });
});

// ---------- reading ----------

function listRows(html) {
  const body = html.match(/<tbody[^>]*>([\s\S]*?)<\/tbody>/);
  if (!body) return [];
  return [...body[1].matchAll(/<tr data-id="(\d+)"[^>]*>([\s\S]*?)<\/tr>/g)].map(([, id, tr]) => {
    const cells = {};
    for (const [, key, html] of tr.matchAll(/<td class="c-([a-z_]+)[^"]*">([\s\S]*?)<\/td>/g)) cells[key] = { text: decode(html), html };
    return { id: +id, cells };
  });
}

async function bytes(client, path) {
  const res = await fetch(BASE + path, { headers: { cookie: client.cookieHeader() }, redirect: 'manual' });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

let nfile = 0;
function pdfText(buf) {
  const f = join(TMP, `${++nfile}.pdf`);
  writeFileSync(f, buf);
  return execFileSync('pdftotext', ['-layout', f, '-'], { encoding: 'utf8' });
}
// "Status      Overdue" in the PDF's header block
const pdfStatus = (text) => (text.match(/^.*\bStatus +(\S.*?)\s*$/m) || [])[1];

function parseCsv(buf) {
  const s = buf.toString('utf8').replace(/^\uFEFF/, '');
  const rows = [];
  let row = [], field = '', q = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (q) {
      if (ch === '"' && s[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') q = false; else field += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += ch;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

const label = (key) => LABEL[key];
const byCustomer = (cid) => cases.filter((k) => k.c.id === cid);

// ---------- tests ----------

test('the written invoices cover every label, and some customers are on another date than UTC', () => {
  assert.deepEqual(new Set(cases.map((k) => k.label)), new Set(Object.values(LABEL)));
  const utc = dateIn('UTC', NOW);
  assert.ok(ZONES.some((z) => dateIn(z, NOW) !== utc), 'a zone on another date (there always is one)');
  // the schema's triggers ran: the per-customer counts know the new invoices
  for (const cid of made.customers)
    assert.equal(+q1(`SELECT COALESCE(SUM(n), 0) FROM invoice_customer_totals t JOIN customers c ON c.name = t.customer_name
      WHERE c.id = ${cid}`), byCustomer(cid).length);
});

test('list: each row\'s badge and Paid column, for staff and for the customer', async () => {
  for (const [who, client, cids] of [['billing', billing, made.customers], ['customer', customer, [customer.customerId]]]) {
    for (const cid of cids) {
      const q = who === 'billing' ? `customer=${cid}&` : '';
      const r = await client.get(`/invoices?${q}cols=number,due,paid_state,status&per_page=500`);
      assert.equal(r.status, 200, r.text_.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').slice(0, 400));
      const got = new Map(listRows(r.text_).map((x) => [x.id, x]));
      for (const k of byCustomer(cid)) {
        const row = got.get(k.id);
        if (who === 'customer' && k.state.status === 'draft') { assert.equal(row, undefined, 'customers never see drafts'); continue; }
        assert.ok(row, `${who}: invoice ${k.id} listed`);
        assert.equal(row.cells.status.text, k.label, `${who} ${k.c.zone} ${k.state.status}/${k.state.paid ?? 'none'} due ${k.state.due} (today there ${k.c.today})`);
        assert.match(row.cells.status.html, new RegExp(`class="badge st-${k.label === 'Credit note' ? 'credit' : Object.keys(LABEL).find((x) => LABEL[x] === k.label)}"`));
        assert.equal(row.cells.paid_state.text, k.paidState, `${who}: paid state of ${k.id}`);
      }
    }
  }
});

test('list: status= lists exactly the invoices with that label (credit notes under none)', async () => {
  for (const key of ['draft', 'due', 'partial', 'overdue', 'paid', 'void']) {
    for (const cid of made.customers) {
      const r = await billing.get(`/invoices?customer=${cid}&status=${key}&cols=number,status&per_page=500`);
      assert.equal(r.status, 200);
      const rows = listRows(r.text_);
      const want = byCustomer(cid).filter((k) => k.label === label(key)).map((k) => k.id).sort((a, b) => a - b);
      assert.deepEqual(rows.map((x) => x.id).sort((a, b) => a - b), want, `status=${key}, customer ${cid}`);
      for (const x of rows) assert.equal(x.cells.status.text, label(key));
    }
  }
  // every status= value at once: all but the credit notes
  const cid = made.customers[0];
  const r = await billing.get(`/invoices?customer=${cid}&status=draft&status=due&status=partial&status=overdue&status=paid&status=void&per_page=500`);
  assert.deepEqual(listRows(r.text_).map((x) => x.id).sort((a, b) => a - b),
    byCustomer(cid).filter((k) => k.label !== 'Credit note').map((k) => k.id).sort((a, b) => a - b));
  // the filter's labels are the vocabulary's
  assert.match(r.text_, /> Partly paid<\/label>/);
  assert.match(r.text_, /> Cancelled<\/label>/);
});

test('list: sort=status orders Draft, then the open ones by due date (Overdue first), Paid, Cancelled', async () => {
  const rank = { draft: 0, open: 1, paid: 2, void: 3 };
  for (const cid of made.customers) {
    for (const dir of ['asc', 'desc']) {
      const r = await billing.get(`/invoices?customer=${cid}&sort=status&dir=${dir}&cols=number,due,status&per_page=500`);
      const rows = listRows(r.text_);
      // SQL truth, written from the schema: stored status, due date, id
      const D = dir.toUpperCase();
      const truth = lines(`SELECT id FROM invoices WHERE customer_id = ${cid}
        ORDER BY FIELD(status, 'draft', 'open', 'paid', 'void') ${D}, due_date ${D}, id ${D}`).map((l) => +l[0]);
      assert.deepEqual(rows.map((x) => x.id), truth, `customer ${cid} ${dir}`);
      // and what that means for the labels: among the open invoices, every Overdue before every Due / Partly paid
      const seq = rows.map((x) => cases.find((k) => k.id === x.id)).filter((k) => k.state.status === 'open' && k.state.kind !== 'credit')
        .map((k) => k.label);
      const ordered = dir === 'asc' ? seq : [...seq].reverse();
      const lastOverdue = ordered.lastIndexOf('Overdue'), firstOther = ordered.findIndex((l) => l !== 'Overdue');
      assert.ok(firstOther === -1 || lastOverdue < firstOther, `customer ${cid} ${dir}: ${ordered.join(', ')}`);
      const stored = rows.map((x) => rank[cases.find((k) => k.id === x.id).state.status]);
      assert.deepEqual(stored, [...stored].sort((a, b) => (dir === 'asc' ? a - b : b - a)));
    }
  }
});

test('the invoice page, the PDF and the CSV show the same label as the list', async () => {
  for (const k of cases) {
    for (const [who, client] of [['billing', billing], ['customer', customer]]) {
      if (who === 'customer' && (k.c.id !== customer.customerId || k.state.status === 'draft')) continue;
      const ctx = `${who} ${k.c.zone} invoice ${k.id} (${k.label})`;
      const page = await client.get(`/invoices/${k.id}`);
      assert.equal(page.status, 200, ctx);
      const badge = page.text_.match(/<span class="badge status st-([a-z]+)" id="inv-status">([^<]+)<\/span>/);
      assert.ok(badge, `${ctx}: badge`);
      assert.equal(decode(badge[2]), k.label, `${ctx}: page`);
      assert.equal(page.text_.includes('data-watermark="CANCELLED"'), k.label === 'Cancelled', `${ctx}: cancelled mark`);
      const pdf = await bytes(client, `/invoices/${k.id}.pdf`);
      assert.equal(pdf.status, 200, ctx);
      const text = pdfText(pdf.body);
      assert.equal(pdfStatus(text), k.label, `${ctx}: PDF status line`);
      // documents agree with the page: pay instructions only while something is to pay
      const open = ['Due', 'Partly paid', 'Overdue'].includes(k.label);
      assert.equal(/Please pay/.test(text), open, `${ctx}: payment instructions`);
      if (k.label === 'Draft') assert.doesNotMatch(text, /IBAN/, `${ctx}: a draft names no bank account`);
      if (k.label === 'Cancelled') assert.doesNotMatch(text, /Balance due/, `${ctx}: nothing due on a cancelled invoice`);
      const csv = parseCsv((await bytes(client, `/invoices/${k.id}.csv`)).body);
      const col = csv[0].indexOf('status');
      assert.ok(col >= 0);
      for (const row of csv.slice(1)) assert.equal(row[col], k.label, `${ctx}: CSV`);
    }
  }
});

test('a stored PDF says Overdue once the due date has passed in the customer\'s zone', async () => {
  const k = cases.find((x) => x.label === 'Due' && x.state.due > x.c.today);
  const first = pdfText((await bytes(billing, `/invoices/${k.id}.pdf`)).body);
  assert.equal(pdfStatus(first), 'Due');
  assert.equal(q1(`SELECT pdf_state FROM invoices WHERE id = ${k.id}`), 'issued');
  // the due date moves to the customer's yesterday (the row as stored stays: no re-render is forced)
  sql(`UPDATE invoices SET due_date = ${str(addDays(k.c.today, -1))}, invoice_date = ${str(addDays(k.c.today, -20))},
    updated_at = updated_at WHERE id = ${k.id}`);
  const again = pdfText((await bytes(billing, `/invoices/${k.id}.pdf`)).body);
  assert.equal(pdfStatus(again), 'Overdue');
  assert.equal(q1(`SELECT pdf_state FROM invoices WHERE id = ${k.id}`), 'overdue');
  k.label = 'Overdue';
  const r = await billing.get(`/invoices?customer=${k.c.id}&status=overdue&per_page=500`);
  assert.ok(listRows(r.text_).some((x) => x.id === k.id), 'and the list filter agrees');
});

test('payment means print the same label on the page and the PDF', async () => {
  const k = cases.find((x) => x.label === 'Due');
  for (const [code, name] of [['58', 'SEPA credit transfer'], ['30', 'Credit transfer'], ['49', 'Direct debit'], ['48', 'Bank card']]) {
    sql(`UPDATE invoices SET payment_means = '${code}', pdf_state = 'none', pdf = NULL, pdf_etag = NULL, pdf_paid = NULL,
      updated_at = updated_at WHERE id = ${k.id}`);
    const page = await billing.get(`/invoices/${k.id}`);
    assert.match(decode(page.text_.replace(/<\/dt>/g, ': ')), new RegExp(`Payment means: ${name}`), `page ${code}`);
    const text = pdfText((await bytes(billing, `/invoices/${k.id}.pdf`)).body);
    assert.match(text, new RegExp(`Payment means +${name}`), `PDF ${code}`);
  }
});

test('an issued invoice keeps the buyer it was issued to; a draft shows the customer as it is', async () => {
  const cid = made.customers[0];
  const issued = cases.find((k) => k.c.id === cid && k.label === 'Due').id;
  const draft = cases.find((k) => k.c.id === cid && k.label === 'Draft').id;
  const buyerBlock = (html) => decode((html.match(/id="buyer"[\s\S]*?<\/address>/) || [''])[0]);
  const snap = async (id) => ({
    pdf: pdfText((await bytes(billing, `/invoices/${id}.pdf`)).body),
    page: buyerBlock((await billing.get(`/invoices/${id}`)).text_),
    csv: parseCsv((await bytes(billing, `/invoices/${id}.csv`)).body),
  });
  const before = { issued: await snap(issued), draft: await snap(draft) };
  assert.match(before.issued.pdf, /1 Original Street/);
  assert.match(before.issued.page, /1 Original Street/);
  const [oldName, oldLegal, oldStreet] = lines(`SELECT name, legal_name, street FROM customers WHERE id = ${cid}`)[0];
  try {
    sql(`UPDATE customers SET name = 'Renamed Buyer GmbH', legal_name = 'Renamed Buyer GmbH', street = '99 Moved Avenue'
      WHERE id = ${cid}`);
    // no stored rendering to hide behind: both are drawn again
    sql(`UPDATE invoices SET pdf_state = 'none', pdf = NULL, pdf_etag = NULL, pdf_paid = NULL, updated_at = updated_at
      WHERE id IN (${issued}, ${draft})`);
    const after = { issued: await snap(issued), draft: await snap(draft) };
    assert.equal(after.issued.pdf, before.issued.pdf, 'the issued PDF\'s text is the same');
    assert.equal(after.issued.page, before.issued.page, 'the issued page\'s buyer is the same');
    assert.deepEqual(after.issued.csv, before.issued.csv, 'the issued CSV is the same');
    assert.doesNotMatch(after.issued.pdf, /Renamed Buyer|Moved Avenue/);
    assert.notEqual(after.draft.pdf, before.draft.pdf, 'the draft\'s PDF follows the customer');
    assert.match(after.draft.pdf, /Renamed Buyer GmbH/);
    assert.match(after.draft.pdf, /99 Moved Avenue/);
    assert.match(after.draft.page, /99 Moved Avenue/);
  } finally {
    sql(`UPDATE customers SET name = ${str(oldName)}, legal_name = ${str(oldLegal)}, street = ${str(oldStreet)} WHERE id = ${cid}`);
  }
});
