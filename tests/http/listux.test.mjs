// The list as people use it: forgiving form input and messages beside the
// fields (f=1) against a 400 for hand-made URLs, the customer filter by name
// (picker JSON and the no-script pick list), search by bare number, email,
// custom-field value and folded letters, the 404 page under /invoices/, the
// page past the end, the column chooser's empty choice and no dead links.
// Every list is compared with the rows SQL selects, for staff and customers.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { as, sql, statusWhere } from './lib.mjs';

const decode = (s) => s.replace(/<[^>]*>/g, '').replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(+n))
  .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(parseInt(n, 16)))
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  .replace(/&amp;/g, '&').trim();
const lines = (q) => { const s = sql(q); return s === '' ? [] : s.split('\n').map((l) => l.split('\t')); };
const sqlIds = (q) => lines(q).map((r) => +r[0]);
const str = (s) => `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function ids(html) {
  const m = html.match(/<table class="grid invoices" id="invoices">([\s\S]*?)<\/table>/);
  assert.ok(m, 'no invoice table on the page');
  return [...m[1].matchAll(/<tr data-id="(\d+)"/g)].map((x) => +x[1]);
}
const chips = (html) => [...html.matchAll(/<li class="chip">([\s\S]*?)<a /g)].map((m) => decode(m[1]).replace(/\s+/g, ' '));
const fieldError = (html, param) => {
  const m = html.match(new RegExp(`<span class="field-error" id="err-${param}">([^<]*)</span>`));
  return m ? decode(m[1]) : null;
};

// rows in the page's default order, for a role's scope
const ORDER = 'i.invoice_date DESC, i.id DESC';
const scopeSql = (role) => (role === 'customer' ? `i.customer_id = ${CUST} AND i.status <> 'draft'` : '1');
const truth = (role, where) => sqlIds(`SELECT i.id FROM invoices i WHERE ${scopeSql(role)} AND (${where}) ORDER BY ${ORDER}`);

let CUST, clients;
before(async () => {
  sql('DELETE FROM login_failures');
  CUST = +sql("SELECT customer_id FROM users WHERE email = 'customer1@example.com'");
  clients = { admin: await as('admin'), billing: await as('billing'), support: await as('support'), customer: await as('customer') };
});
const ROLES = ['admin', 'billing', 'support', 'customer'];

async function list(role, query) {
  const r = await clients[role].get(`/invoices?${query}&per_page=500`);
  assert.equal(r.status, 200, `${role} ${query}: ${r.status} ${r.text_.slice(0, 300)}`);
  return r;
}

// ---------- forgiving input ----------

const FORGIVING = [
  // [form query, what the chip shows, the SQL the filter means]
  ['min=100%2C50', 'Total at least: 100.50', 'i.total >= 100.50'],
  ['min=100.50', 'Total at least: 100.50', 'i.total >= 100.50'],
  ['max=1%2C234.50', 'Total at most: 1,234.50', 'i.total <= 1234.50'],
  ['max=1.234%2C50', 'Total at most: 1,234.50', 'i.total <= 1234.50'],
  ['min=2%20000&max=100', 'Total at least: 100.00', 'i.total BETWEEN 100 AND 2000'],   // swapped
  ['currency=eur', 'Currency: EUR', "i.currency = 'EUR'"],
  ['from=2026-06-30&to=2026-01-01', 'Invoice date from: 2026-01-01', "i.invoice_date BETWEEN '2026-01-01' AND '2026-06-30'"],
];

for (const role of ROLES) {
  test(`forgiving input as ${role}: decimal commas, thousands separators, eur, reversed ranges`, async () => {
    for (const [query, chip, where] of FORGIVING) {
      const r = await list(role, `f=1&${query}`);
      assert.ok(chips(r.text_).includes(chip), `${role} ${query}: chips ${JSON.stringify(chips(r.text_))}`);
      assert.deepEqual(ids(r.text_), truth(role, where), `${role} ${query}: rows`);
      assert.equal(fieldError(r.text_, 'min'), null);
      // the same reading without the form marker: it is not an error either
      const u = await list(role, query);
      assert.deepEqual(ids(u.text_), truth(role, where), `${role} ${query} (URL): rows`);
    }
  });
}

test('a form value still wrong re-shows the page, the message beside its field, every other filter kept', async () => {
  for (const role of ROLES) {
    const r = await list(role, 'f=1&status=paid&min=12x&currency=EURO&q=&from=2026-02-30&max=5000');
    assert.match(fieldError(r.text_, 'min'), /Use an amount such as 1250\.50/, role);
    assert.match(fieldError(r.text_, 'currency'), /currency code such as EUR/, role);
    assert.match(fieldError(r.text_, 'from'), /date such as/, role);
    // as typed, marked invalid, described by the message
    assert.match(r.text_, /name="min" id="f-min" size="8" value="12x" aria-invalid="true" aria-describedby="err-min"/);
    assert.match(r.text_, /name="currency" id="f-currency" maxlength="3" size="4" value="EURO" aria-invalid="true"/);
    assert.match(r.text_, /id="form-errors"/);
    // the status and max filters apply, the bad ones do not
    assert.deepEqual(ids(r.text_), truth(role, `${statusWhere().paid} AND i.total <= 5000`), `${role}: rows`);
    assert.ok(chips(r.text_).some((c) => c.toLowerCase() === 'status: paid'), role);
    assert.ok(chips(r.text_).includes('Total at most: 5,000.00'), role);
    assert.ok(!chips(r.text_).some((c) => c.startsWith('Currency')), role);
  }
});

test('every form field that can be wrong has its message beside it', async () => {
  const r = await list('billing', 'f=1&customer=abc&date=created&per_page=7&q=' + 'x'.repeat(101));
  assert.match(fieldError(r.text_, 'customer'), /Choose a customer/);
  assert.match(fieldError(r.text_, 'date'), /invoice date, due date or billing period/);
  assert.match(fieldError(r.text_, 'per_page'), /10 to 500 rows/);
  assert.match(fieldError(r.text_, 'q'), /at most 100 characters/);
  assert.match(r.text_, /name="q" id="q" value="x{101}"/);
  // none of them applies: the default page (per_page=7 came first, so 50 rows)
  assert.deepEqual(ids(r.text_), truth('billing', '1').slice(0, 50));
});

test('hand-made URLs (no f=1) still get the 400 naming the parameter; links-only parameters too', async () => {
  for (const [query, param] of [['min=12x', 'min'], ['currency=EURO', 'currency'], ['from=2026-02-30', 'from'],
    ['per_page=9', 'per_page'], ['f=1&sort=bogus', 'sort'], ['f=1&page=0', 'page'], ['f=1&cols=nope', 'cols']]) {
    const r = await clients.billing.get(`/invoices?${query}`);
    assert.equal(r.status, 400, query);
    assert.match(r.text_, new RegExp(`<code class="param">${param}</code>`), query);
  }
});

// ---------- search ----------

// the search's truth, as DESIGN and README say: number (prefix, or a bare
// number's PREFIX-YYYY-NNNNNN), the customer's folded name or email, the
// keywords, or the whole text as a term (a customer-visible custom field)
async function expectSearch(q, where, { min = 1 } = {}) {
  for (const role of ROLES) {
    const want = truth(role, where);
    if (role !== 'customer') assert.ok(want.length >= min, `${q}: the data has ${want.length} matches`);
    const r = await list(role, `q=${encodeURIComponent(q)}`);
    assert.deepEqual(ids(r.text_), want, `${role} q=${q}: rows`);
  }
}

test('a bare number finds INV-…-000047 (and 000047), whatever the year or series', async () => {
  const n = +sql("SELECT MIN(CAST(SUBSTRING_INDEX(number, '-', -1) AS UNSIGNED)) FROM invoices WHERE number LIKE 'INV-%' AND CAST(SUBSTRING_INDEX(number, '-', -1) AS UNSIGNED) >= 10");
  // and custom-field words starting with the digits; not the customers whose email has them
  const where = (q) => `i.number LIKE ${str(`%-${q.padStart(6, '0')}`)}`
    + (q.length >= 3 ? ` OR i.id IN (SELECT f.invoice_id FROM invoice_custom_fields f JOIN custom_field_defs d
      ON d.id = f.field_id AND d.visible_to_customer = 1 WHERE f.value REGEXP ${str(`(^|[^0-9A-Za-z])${q}`)})` : '');
  const six = String(n).padStart(6, '0');
  await expectSearch(String(n), where(String(n)));
  await expectSearch(six, where(six));
  assert.ok(truth('admin', `i.number LIKE ${str(`%-${six}`)}`).length >= 1);
  // a credit note's number too
  const cn = sql("SELECT number FROM invoices WHERE number LIKE 'CN-%' ORDER BY id LIMIT 1");
  if (cn) {
    await expectSearch(String(+cn.split('-')[2]), where(String(+cn.split('-')[2])));
    assert.ok((await list('admin', `q=${+cn.split('-')[2]}`)).text_.includes(cn));
  }
});

test("the customer's email finds their invoices", async () => {
  const [cid, email] = lines('SELECT id, email FROM customers WHERE id = 3')[0];
  await expectSearch(email, `i.customer_id = ${cid}`);
  await expectSearch('customer3.example', `i.customer_id = ${cid}`);
});

test('custom-field values shown to customers are searchable: the whole value, its start, one of its words', async () => {
  const [value] = lines(`SELECT f.value FROM invoice_custom_fields f JOIN custom_field_defs d ON d.id = f.field_id
    WHERE d.field_key = 'po_number' ORDER BY f.id LIMIT 1`)[0];
  const visible = (cond) => `i.id IN (SELECT f.invoice_id FROM invoice_custom_fields f JOIN custom_field_defs d
    ON d.id = f.field_id AND d.visible_to_customer = 1 WHERE ${cond})`;
  await expectSearch(value, visible(`f.value LIKE ${str(value + '%')}`));
  await expectSearch(value.toLowerCase(), visible(`f.value LIKE ${str(value + '%')}`));
  const word = value.split('-').pop();   // "33093"
  assert.match(word, /^\d{3,}$/);
  await expectSearch(word, `${visible(`f.value REGEXP ${str(`(^|[^0-9A-Za-z])${word}`)}`)} OR i.number LIKE ${str(`%-${word.padStart(6, '0')}`)}`);
  // a contract id finds that contract's invoices, not every contract ("ctr")
  const [ctr] = lines(`SELECT f.value FROM invoice_custom_fields f JOIN custom_field_defs d ON d.id = f.field_id
    WHERE d.field_key = 'contract_id' ORDER BY f.id LIMIT 1`)[0];
  await expectSearch(ctr, visible(`f.value = ${str(ctr)}`));
  // an internal field (visible_to_customer = 0) is not a search term for anyone
  const [internal] = lines(`SELECT f.value FROM invoice_custom_fields f JOIN custom_field_defs d ON d.id = f.field_id
    WHERE d.visible_to_customer = 0 ORDER BY f.id LIMIT 1`)[0];
  const r = await list('admin', `q=${encodeURIComponent(internal)}`);
  assert.deepEqual(ids(r.text_), []);
  // a value changed is found by its new text at once (triggers)
  const fid = +sql(`SELECT f.id FROM invoice_custom_fields f JOIN custom_field_defs d ON d.id = f.field_id
    WHERE d.field_key = 'po_number' ORDER BY f.id DESC LIMIT 1`);
  const inv = +sql(`SELECT invoice_id FROM invoice_custom_fields WHERE id = ${fid}`);
  const before = sql(`SELECT value FROM invoice_custom_fields WHERE id = ${fid}`);
  sql(`UPDATE invoice_custom_fields SET value = 'PO-ZETA-777123' WHERE id = ${fid}`);
  try {
    const a = await list('admin', 'q=po-zeta-777');
    assert.deepEqual(ids(a.text_), [inv]);
  } finally {
    sql(`UPDATE invoice_custom_fields SET value = ${str(before)} WHERE id = ${fid}`);
  }
});

test('lodz finds Łódź; ł ø ß æ đ œ þ fold in names and line keywords', async () => {
  const lodz = +sql("SELECT id FROM customers WHERE name LIKE 'Łódź%'");
  assert.ok(lodz, 'the demo has Łódź');
  for (const q of ['lodz', 'LODZ', 'Łódź', 'łodz']) await expectSearch(q, `i.customer_id = ${lodz}`);
  // a line with the other letters, on an invoice the customer may see
  const inv = +sql(`SELECT id FROM invoices WHERE customer_id = ${CUST} AND status <> 'draft' ORDER BY id LIMIT 1`);
  const pos = +sql(`SELECT MAX(position) FROM invoice_lines WHERE invoice_id = ${inv}`) + 1;
  sql(`INSERT INTO invoice_lines (invoice_id, position, description, quantity, unit_code, unit_price, tax_rate,
       net_amount, tax_amount)
       VALUES (${inv}, ${pos}, 'Øresund Straße Ærø Đakovo Œuvre Þingvellir transit', 1, 'C62', 0, 0, 0, 0)`);
  try {
    for (const q of ['oresund', 'strasse', 'aero', 'dakovo', 'oeuvre', 'thingvellir', 'Øresund straße']) {
      for (const role of ['admin', 'customer']) {
        const r = await list(role, `q=${encodeURIComponent(q)}`);
        assert.ok(ids(r.text_).includes(inv), `${role} q=${q} finds invoice ${inv}`);
        assert.deepEqual(ids(r.text_), truth(role, `i.id = ${inv}`), `${role} q=${q}: only that invoice`);
      }
    }
  } finally {
    sql(`DELETE FROM invoice_lines WHERE invoice_id = ${inv} AND position = ${pos}`);
  }
});

// ---------- customer filter by name ----------

test('staff filter by customer name: one match filters, the chip and heading name the customer', async () => {
  const lodz = +sql("SELECT id FROM customers WHERE name LIKE 'Łódź%'");
  const name = sql(`SELECT name FROM customers WHERE id = ${lodz}`);
  for (const role of ['admin', 'billing', 'support']) {
    const r = await list(role, 'f=1&customer_name=lodz');
    assert.deepEqual(ids(r.text_), truth(role, `i.customer_id = ${lodz}`), role);
    assert.ok(chips(r.text_).includes(`Customer: ${name}`), `${role}: ${JSON.stringify(chips(r.text_))}`);
    assert.equal(decode(r.text_.match(/<span class="heading-customer" id="heading-customer">([^<]*)<\/span>/)[1]), `· ${name}`);
    assert.ok(!chips(r.text_).some((c) => /#\d/.test(c)));
    // the field shows the name, the chosen id rides along
    assert.match(r.text_, new RegExp(`<input type="hidden" name="customer" value="${lodz}">`));
    // customer=ID from a link shows the name too
    const l = await list(role, `customer=${lodz}`);
    assert.ok(chips(l.text_).includes(`Customer: ${name}`));
    // the same name sent again keeps it; an emptied field drops it
    const again = await list(role, `f=1&customer=${lodz}&customer_name=${encodeURIComponent(name)}`);
    assert.deepEqual(ids(again.text_), truth(role, `i.customer_id = ${lodz}`));
    const cleared = await list(role, `f=1&customer=${lodz}&customer_name=`);
    assert.deepEqual(ids(cleared.text_), truth(role, '1'));
  }
});

test('several customers match: the page lists them to pick from (links that filter), none: a message', async () => {
  const matches = lines("SELECT id, name FROM customers WHERE name_fold LIKE '%telecom%' OR email LIKE '%telecom%' ORDER BY name, id");
  assert.ok(matches.length >= 2);
  const r = await list('billing', 'f=1&customer_name=telecom&status=paid');
  const pick = r.text_.match(/<div class="pick" id="customer-pick">([\s\S]*?)<\/div>/);
  assert.ok(pick, 'a pick list');
  const links = [...pick[1].matchAll(/<a href="([^"]*)">([^<]*)<\/a>/g)].map((m) => [decode(m[1]), decode(m[2])]);
  assert.deepEqual(links.map((l) => l[1]), matches.map((m) => m[1]));
  for (const [href] of links) assert.match(href, /^\/invoices\?status=paid&customer=\d+&per_page=500$/);
  // no customer filter until one is picked; the field keeps what was typed
  assert.deepEqual(ids(r.text_), truth('billing', statusWhere().paid));
  assert.match(r.text_, /id="customer_name" maxlength="100" autocomplete="off" list="customer-names" value="telecom"/);
  // following a link filters
  const p = await list('billing', links[0][0].slice('/invoices?'.length));
  assert.deepEqual(ids(p.text_), truth('billing', `${statusWhere().paid} AND i.customer_id = ${matches[0][0]}`));

  const none = await list('billing', 'f=1&customer_name=zzzqqq&status=paid');
  assert.match(fieldError(none.text_, 'customer_name'), /No customer's name or email contains this/);
  assert.match(none.text_, /list="customer-names" value="zzzqqq" placeholder="Name or email" aria-invalid="true"/);
  assert.deepEqual(ids(none.text_), truth('billing', statusWhere().paid));
});

test('customers never see the customer field, and customer_name does nothing for them', async () => {
  const r = await list('customer', 'f=1&customer_name=lodz');
  assert.doesNotMatch(r.text_, /name="customer_name"/);
  assert.doesNotMatch(r.text_, /picker\.js/);
  assert.deepEqual(ids(r.text_), truth('customer', '1'));
  // another customer's id shows no name (and no rows)
  const other = +sql(`SELECT id FROM customers WHERE id <> ${CUST} ORDER BY id LIMIT 1`);
  const otherName = sql(`SELECT name FROM customers WHERE id = ${other}`);
  const o = await list('customer', `customer=${other}`);
  assert.deepEqual(ids(o.text_), []);
  assert.doesNotMatch(o.text_, new RegExp(otherName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
});

test('the picker endpoint suggests matching customers as JSON, to staff only', async () => {
  for (const role of ['admin', 'billing', 'support']) {
    const r = await clients[role].get('/invoices/customers?q=tel');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    const want = lines("SELECT id, name FROM customers WHERE name_fold LIKE '%tel%' OR email LIKE '%tel%' ORDER BY name, id LIMIT 20")
      .map(([id, name]) => ({ id: +id, name }));
    assert.deepEqual(JSON.parse(r.text_), { customers: want, more: false });
    const f = await clients[role].get('/invoices/customers?q=lodz');
    assert.deepEqual(JSON.parse(f.text_).customers.map((c) => c.name), [sql("SELECT name FROM customers WHERE name LIKE 'Łódź%'")]);
  }
  const c = await clients.customer.get('/invoices/customers?q=tel');
  assert.equal(c.status, 403);
  assert.doesNotMatch(c.text_, /"customers"/);
});

// ---------- pages and links ----------

test('/invoices/abc and other unknown paths under /invoices/ get the product 404 page', async () => {
  for (const path of ['/invoices/abc', '/invoices/12abc', '/invoices/1/x', '/invoices/customers/1']) {
    const r = await clients.billing.get(path);
    assert.equal(r.status, 404, path);
    assert.match(r.text_, /<section class="error-page">/, path);
    assert.match(r.text_, /<h1>404 Not Found<\/h1>/, path);
    assert.match(r.headers.get('content-security-policy') || '', /default-src 'self'/, path);
  }
});

test('a page past the end says which page is last, with a link to it', async () => {
  for (const role of ['billing', 'customer']) {
    const n = truth(role, '1').length;
    const last = Math.max(1, Math.ceil(n / 10));
    const r = await clients[role].get('/invoices?page=999&per_page=10');
    assert.equal(r.status, 200);
    const m = r.text_.match(/<p class="alert" id="past-end">([\s\S]*?)<\/p>/);
    assert.ok(m, role);
    assert.equal(decode(m[1]), `No rows on page 999 — last page is ${last}.`);
    const href = last > 1 ? `/invoices?per_page=10&amp;page=${last}` : '/invoices?per_page=10';   // page 1 is the default
    assert.ok(m[1].includes(`<a href="${href}">${last}</a>`), `${role}: ${m[1]}`);
  }
});

test('no columns ticked saves the default columns', async () => {
  const c = await as('support');
  const csrf = await c.csrf('/invoices');
  const r = await c.post('/invoices/columns', { csrf, back: '/invoices' });
  assert.equal(r.status, 303);
  const l = await c.get('/invoices');
  const heads = [...l.text_.matchAll(/<th class="c-([a-z_]+)/g)].map((m) => m[1]);
  assert.deepEqual(heads, ['number', 'customer', 'date', 'due', 'total', 'balance', 'paid_state', 'status']);
});

test('drafts show no Edit link to a page that does not exist yet; the chooser is linked from the top', async () => {
  const r = await list('admin', 'status=draft');
  assert.ok(ids(r.text_).length > 0);
  assert.doesNotMatch(r.text_, /\/edit"/);
  const head = r.text_.slice(0, r.text_.indexOf('<table class="grid invoices"'));
  assert.match(head, /<a class="to-chooser" href="#chooser"/);
  assert.match(head, /<details class="chooser" id="chooser">/);
});

test('the print view has Back, and a Print button only a script shows', async () => {
  const id = +sql("SELECT id FROM invoices WHERE status = 'open' ORDER BY id LIMIT 1");
  const r = await clients.billing.get(`/invoices/${id}?print=1`);
  assert.equal(r.status, 200);
  assert.match(r.text_, new RegExp(`<a class="btn" id="print-back" href="/invoices/${id}">`));
  assert.match(r.text_, /<button type="button" class="btn primary" id="print-now" hidden>Print<\/button>/);
  assert.match(r.text_, /<script src="\/static\/print\.js" defer><\/script>/);
  assert.match(r.text_, /<div class="print-bar no-print"/);
});
