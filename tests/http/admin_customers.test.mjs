// Customers in the admin area (cgi-bin/admin_customers.c, lib/customer.c, lib/form.c,
// lib/once.c, lib/audit.c): roles (admin and billing write, support reads and gets 403
// on every POST, customers get 404 on everything under /admin), create / edit /
// archive / restore / delete against the rows in MariaDB, CSRF refusal, validation
// (422, typed values kept, messages next to fields, nothing written), version
// conflicts (409 with what changed, nothing written), double submits (one row, the
// same redirect), the audit rows with before/after, and the summary figures against
// SQL truth for every staff role.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, as, sql } from './lib.mjs';
import { decode, formFields, fieldError } from './admin_lib.mjs';

const q = (s) => `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
const count = (where) => Number(sql(`SELECT COUNT(*) FROM customers WHERE ${where}`));
const idFrom = (loc) => Number(loc.match(/^\/admin\/customers\/(\d+)/)[1]);

// what these tests create goes again at the end, so later files see the demo data as it was
const firstNew = Number(sql('SELECT COALESCE(MAX(id), 0) FROM customers')) + 1;
after(() => sql(`DELETE FROM customers WHERE id >= ${firstNew} AND id NOT IN (SELECT customer_id FROM invoices)
  AND id NOT IN (SELECT customer_id FROM users WHERE customer_id IS NOT NULL)`));

let seq = 0;
const unique = (p) => `${p} ${process.pid}-${++seq}`;

async function newForm(c) {
  const r = await c.get('/admin/customers/new');
  assert.equal(r.status, 200);
  return formFields(r.text_, 'customer-form');
}

function filled(form, over = {}) {
  return { ...form, name: unique('Acme'), email: 'ap@acme.example', street: 'Hauptstr. 1', city: 'Berlin',
    post_code: '10115', country: 'DE', vat_id: 'DE 123 456 789', currency: 'EUR', time_zone: 'Europe/Berlin',
    payment_days: '30', invoice_schedule: 'monthly', line_grouping: 'destination', notify_issued: '1',
    buyer_reference: 'PO-7', endpoint_id: '4000001123452', endpoint_scheme: '0088', ...over };
}

async function create(c, over = {}) {
  const form = filled(await newForm(c), over);
  const r = await c.post('/admin/customers', form);
  assert.equal(r.status, 303, r.text_.slice(0, 500));
  return { id: idFrom(r.headers.get('location')), form, location: r.headers.get('location') };
}

for (const role of ['admin', 'billing']) {
  test(`${role} creates a customer: the row holds what was typed (normalised), one audit event, the key is used`, async () => {
    const c = await as(role);
    const before = count('1');
    const { id, form, location } = await create(c);
    assert.match(location, /\?done=created$/);
    assert.equal(count('1'), before + 1);
    const row = sql(`SELECT name, email, street, city, post_code, country, vat_id, currency, time_zone, payment_days,
      invoice_schedule, line_grouping, notify_issued, buyer_reference, endpoint_id, endpoint_scheme, active, row_version
      FROM customers WHERE id = ${id}`).split('\t');
    assert.deepEqual(row, [form.name, 'ap@acme.example', 'Hauptstr. 1', 'Berlin', '10115', 'DE', 'DE123456789', 'EUR',
      'Europe/Berlin', '30', 'monthly', 'destination', '1', 'PO-7', '4000001123452', '0088', '1', '1']);
    const audit = sql(`SELECT a.action, u.email, JSON_VALUE(a.after_json, '$.name'), JSON_VALUE(a.after_json, '$.vat_id'),
      a.before_json IS NULL FROM audit_events a JOIN users u ON u.id = a.user_id
      WHERE a.entity = 'customer' AND a.entity_id = ${id}`).split('\n');
    assert.equal(audit.length, 1);
    assert.deepEqual(audit[0].split('\t'), ['create', `${role}@example.com`, form.name, 'DE123456789', '1']);
    assert.equal(sql(`SELECT result FROM idempotency_keys WHERE idem_key = ${q(form.once)}`), location);
    // the page after the redirect says so
    const page = await c.get(location);
    assert.equal(page.status, 200);
    assert.match(page.text_, /<p class="flash" role="status">Created\.<\/p>/);
    assert.match(page.text_, new RegExp(`<h1>${form.name.replace(/[.]/g, '\\.')}`));
  });
}

test('support reads customers but every write is 403 and changes nothing', async () => {
  const admin = await as('admin');
  const { id } = await create(admin);
  const s = await as('support');
  assert.equal((await s.get('/admin/customers')).status, 200);
  assert.equal((await s.get(`/admin/customers/${id}`)).status, 200);
  for (const tab of ['invoices', 'payments', 'users', 'history'])
    assert.equal((await s.get(`/admin/customers/${id}?tab=${tab}`)).status, 200, tab);
  const edit = await s.get(`/admin/customers/${id}/edit`);
  assert.equal(edit.status, 200);
  assert.match(edit.text_, /<fieldset disabled>/);
  assert.doesNotMatch(edit.text_, /<button type="submit" class="primary">Save/);
  assert.doesNotMatch((await s.get(`/admin/customers/${id}`)).text_, /\/archive"/, 'no archive button');
  assert.equal((await s.get('/admin/customers/new')).status, 403);
  assert.equal((await s.get(`/admin/customers/${id}/delete`)).status, 403);

  const csrf = await s.csrf('/admin/customers');
  const snapshot = sql(`SELECT name, email, active, row_version FROM customers WHERE id = ${id}`);
  const total = count('1');
  const events = sql('SELECT COUNT(*) FROM audit_events');
  const form = filled({ csrf, once: 'a'.repeat(64), row_version: '1' });
  for (const [path, body] of [['/admin/customers', form], [`/admin/customers/${id}`, { ...form, name: 'Hijack' }],
    [`/admin/customers/${id}/archive`, { csrf, once: 'b'.repeat(64), active: '0' }],
    [`/admin/customers/${id}/delete`, { csrf, once: 'c'.repeat(64) }]]) {
    const r = await s.post(path, body);
    assert.equal(r.status, 403, path);
  }
  assert.equal(count('1'), total);
  assert.equal(sql(`SELECT name, email, active, row_version FROM customers WHERE id = ${id}`), snapshot);
  assert.equal(sql('SELECT COUNT(*) FROM audit_events'), events);
});

test('customers get 404 on every /admin address, GET and POST alike', async () => {
  const c = await as('customer');
  const id = sql('SELECT MIN(id) FROM customers');
  for (const path of ['/admin', '/admin/customers', '/admin/customers/new', `/admin/customers/${id}`,
    `/admin/customers/${id}/edit`, `/admin/customers/${id}/delete`, '/admin/users'])
    assert.equal((await c.get(path)).status, 404, path);
  const csrf = await c.csrf('/invoices');
  const total = count('1');
  assert.equal((await c.post('/admin/customers', filled({ csrf, once: 'd'.repeat(64) }))).status, 404);
  assert.equal((await c.post(`/admin/customers/${id}/archive`, { csrf, once: 'e'.repeat(64), active: '0' })).status, 404);
  assert.equal(count('1'), total);
  assert.equal(count(`id = ${id} AND active = 1`), 1);
});

test('a POST without the right CSRF token is refused (403) and writes nothing', async () => {
  const c = await as('admin');
  const form = filled(await newForm(c));
  const total = count('1');
  for (const csrf of [undefined, '0'.repeat(64)]) {
    const body = { ...form };
    if (csrf === undefined) delete body.csrf; else body.csrf = csrf;
    const r = await c.post('/admin/customers', body);
    assert.equal(r.status, 403);
  }
  assert.equal(count('1'), total);
  assert.equal(count(`name = ${q(form.name)}`), 0);
  assert.equal(sql(`SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = ${q(form.once)}`), '0');
});

test('validation: 422, every message next to its field, what was typed kept, nothing written', async () => {
  const c = await as('billing');
  const form = filled(await newForm(c), {
    name: '  ', email: 'not-an-email', payment_days: '400', country: 'XX', currency: 'XYZ', time_zone: 'Mars/Olympus',
    vat_id: '12345', invoice_schedule: 'yearly', endpoint_id: '4000001123452', endpoint_scheme: '',
    street: 'Kept <b>& typed</b> "street"',
  });
  const total = count('1');
  const events = sql('SELECT COUNT(*) FROM audit_events');
  const r = await c.post('/admin/customers', form);
  assert.equal(r.status, 422);
  assert.equal(count('1'), total);
  assert.equal(sql('SELECT COUNT(*) FROM audit_events'), events);
  assert.equal(sql(`SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = ${q(form.once)}`), '0');
  const want = {
    name: 'Name is required', email: 'Email must be an email address like name@example.com',
    payment_days: 'Payment terms (days) must be between 0 and 365',
    country: 'Country (ISO code) must be an ISO 3166 country code like DE',
    currency: 'Currency must be an ISO 4217 currency code like EUR', time_zone: 'Time zone must be a time zone like Europe/Berlin',
    vat_id: 'VAT id must start with a country code, e.g. DE123456789', invoice_schedule: 'Invoice schedule must be one of the choices',
    endpoint_scheme: 'Electronic address scheme is needed with an electronic address',
  };
  for (const [name, msg] of Object.entries(want)) {
    assert.equal(fieldError(r.text_, name), msg, name);
    assert.match(r.text_, new RegExp(`id="f-${name}" name="${name}"[^>]*aria-describedby="e-${name}[^"]*"[^>]*aria-invalid="true"`), name);
  }
  assert.equal(fieldError(r.text_, 'city'), null);
  assert.match(r.text_, /role="alert" id="form-errors"/);
  // typed values come back (escaped), the once key is the same so a corrected form can be sent
  const again = formFields(r.text_, 'customer-form');
  assert.equal(again.street, form.street);
  assert.match(r.text_, /value="Kept &lt;b&gt;&amp; typed&lt;\/b&gt; &quot;street&quot;"/);
  assert.equal(again.email, 'not-an-email');
  assert.equal(again.payment_days, '400');
  assert.equal(again.once, form.once);
  // fixing the fields and sending the same form works, once
  const fixed = filled(again, { name: unique('Fixed'), street: 'Ok 1' });
  const ok = await c.post('/admin/customers', fixed);
  assert.equal(ok.status, 303);
  assert.equal(count(`name = ${q(fixed.name)}`), 1);
});

test('double submit: the same form posted twice (and twice at once) creates one customer and answers the same', async () => {
  const c = await as('admin');
  const form = filled(await newForm(c));
  const a = await c.post('/admin/customers', form);
  const b = await c.post('/admin/customers', form);
  assert.equal(a.status, 303);
  assert.equal(b.status, 303);
  assert.equal(b.headers.get('location'), a.headers.get('location'));
  assert.equal(count(`name = ${q(form.name)}`), 1);

  const form2 = filled(await newForm(c));
  const rs = await Promise.all([1, 2, 3].map(() => c.post('/admin/customers', form2)));
  for (const r of rs) assert.equal(r.status, 303, r.text_.slice(0, 300));
  assert.equal(new Set(rs.map((r) => r.headers.get('location'))).size, 1);
  assert.equal(count(`name = ${q(form2.name)}`), 1);
  const id = idFrom(rs[0].headers.get('location'));
  assert.equal(sql(`SELECT COUNT(*) FROM audit_events WHERE entity = 'customer' AND entity_id = ${id}`), '1');
  // a key made up by the client is refused
  const r = await c.post('/admin/customers', { ...filled(await newForm(c)), once: 'not-a-key' });
  assert.equal(r.status, 400);
});

test('edit: saved with row_version + 1, drafts follow the name, audit has before and after, history shows it', async () => {
  const c = await as('billing');
  const id = Number(sql("SELECT customer_id FROM invoices WHERE status = 'draft' ORDER BY id LIMIT 1"));
  const old = sql(`SELECT name, row_version, phone FROM customers WHERE id = ${id}`).split('\t');
  const r0 = await c.get(`/admin/customers/${id}/edit`);
  assert.equal(r0.status, 200);
  const form = formFields(r0.text_, 'customer-form');
  assert.equal(form.name, old[0]);
  assert.equal(form.row_version, old[1]);
  const name = unique('Renamed');
  const r = await c.post(`/admin/customers/${id}`, { ...form, name, phone: '+49 30 1234' });
  assert.equal(r.status, 303, r.text_.slice(0, 500));
  assert.equal(r.headers.get('location'), `/admin/customers/${id}?done=saved`);
  assert.deepEqual(sql(`SELECT name, phone, row_version FROM customers WHERE id = ${id}`).split('\t'),
    [name, '+49 30 1234', String(Number(old[1]) + 1)]);
  assert.equal(sql(`SELECT COUNT(*) FROM invoices WHERE customer_id = ${id} AND status = 'draft' AND customer_name <> ${q(name)}`), '0');
  const ev = sql(`SELECT action, JSON_VALUE(before_json, '$.name'), JSON_VALUE(after_json, '$.name'),
    JSON_VALUE(after_json, '$.phone') FROM audit_events WHERE entity = 'customer' AND entity_id = ${id} ORDER BY id DESC LIMIT 1`);
  assert.deepEqual(ev.split('\t'), ['update', old[0], name, '+49 30 1234']);
  const h = await c.get(`/admin/customers/${id}?tab=history`);
  const hist = h.text_.match(/<ol class="history" id="history">([\s\S]*?)<\/ol>/)[1];
  const first = decode(hist.split('<li><span class="when">')[1]);
  assert.match(first, /billing@example\.com update/);
  assert.ok(first.includes(`name: ${old[0]} → ${name}`), first);
  assert.ok(first.includes(`phone: ${old[2] || '(empty)'} → +49 30 1234`), first);
  // back as it was (through the form, so the drafts follow again)
  const back = formFields((await c.get(`/admin/customers/${id}/edit`)).text_, 'customer-form');
  assert.equal((await c.post(`/admin/customers/${id}`, { ...back, name: old[0], phone: old[2] })).status, 303);
  assert.equal(sql(`SELECT COUNT(*) FROM invoices WHERE customer_id = ${id} AND status = 'draft' AND customer_name <> ${q(old[0])}`), '0');
});

test('version conflict: the second of two edits gets 409 with what changed, and writes nothing', async () => {
  const a = await as('admin');
  const b = await as('billing');
  const { id } = await create(a);
  const formA = formFields((await a.get(`/admin/customers/${id}/edit`)).text_, 'customer-form');
  const formB = formFields((await b.get(`/admin/customers/${id}/edit`)).text_, 'customer-form');
  const ra = await a.post(`/admin/customers/${id}`, { ...formA, city: 'Hamburg' });
  assert.equal(ra.status, 303);
  const events = sql(`SELECT COUNT(*) FROM audit_events WHERE entity = 'customer' AND entity_id = ${id}`);
  const rb = await b.post(`/admin/customers/${id}`, { ...formB, city: 'Munich', phone: '555' });
  assert.equal(rb.status, 409);
  assert.deepEqual(sql(`SELECT city, phone, row_version FROM customers WHERE id = ${id}`).split('\t'), ['Hamburg', '', '2']);
  assert.equal(sql(`SELECT COUNT(*) FROM audit_events WHERE entity = 'customer' AND entity_id = ${id}`), events);
  const box = rb.text_.match(/<div class="alert error conflict-box"[\s\S]*?<\/table>/);
  assert.ok(box, 'conflict box with a table');
  const rows = [...box[0].matchAll(/<tr><th scope="row">([^<]*)<\/th><td class="theirs">([^<]*)<\/td><td class="yours">([^<]*)<\/td><\/tr>/g)]
    .map((m) => m.slice(1).map(decode));
  assert.deepEqual(rows, [['Phone', '', '555'], ['City', 'Hamburg', 'Munich']]);
  // the re-shown form keeps B's values and names the current version: saving it now is deliberate
  const again = formFields(rb.text_, 'customer-form');
  assert.equal(again.city, 'Munich');
  assert.equal(again.row_version, '2');
  assert.equal((await b.post(`/admin/customers/${id}`, again)).status, 303);
  assert.equal(sql(`SELECT city FROM customers WHERE id = ${id}`), 'Munich');
});

test('the currency of a customer with invoices cannot change (422, nothing written)', async () => {
  const c = await as('admin');
  const [id, cur] = sql('SELECT customer_id, currency FROM invoices ORDER BY id LIMIT 1').split('\t');
  const form = formFields((await c.get(`/admin/customers/${id}/edit`)).text_, 'customer-form');
  const other = cur === 'USD' ? 'EUR' : 'USD';
  const r = await c.post(`/admin/customers/${id}`, { ...form, currency: other, city: 'Elsewhere' });
  assert.equal(r.status, 422);
  assert.equal(fieldError(r.text_, 'currency'), 'Currency cannot change: the customer has invoices in its currency');
  assert.equal(sql(`SELECT currency FROM customers WHERE id = ${id}`), cur);
  assert.notEqual(sql(`SELECT city FROM customers WHERE id = ${id}`), 'Elsewhere');
});

test('archive and restore: hidden from the default list, badge, audit events; delete refused with invoices', async () => {
  const c = await as('admin');
  const id = Number(sql('SELECT customer_id FROM invoices ORDER BY id LIMIT 1'));
  const name = sql(`SELECT name FROM customers WHERE id = ${id}`);
  let page = await c.get(`/admin/customers/${id}`);
  assert.doesNotMatch(page.text_, /\/delete"/, 'no delete link for a customer with invoices');
  const r = await c.post(`/admin/customers/${id}/archive`, { ...formFields(page.text_, `/admin/customers/${id}/archive`) });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), `/admin/customers/${id}?done=archived`);
  assert.equal(sql(`SELECT active FROM customers WHERE id = ${id}`), '0');
  const search = encodeURIComponent(name);
  assert.doesNotMatch((await c.get(`/admin/customers?q=${search}`)).text_, new RegExp(`data-id="${id}"`));
  const archived = await c.get(`/admin/customers?q=${search}&show=archived`);
  assert.match(archived.text_, new RegExp(`<tr data-id="${id}">.*?<span class="badge archived">Archived</span>`));
  page = await c.get(`/admin/customers/${id}`);
  assert.match(page.text_, /<span class="badge archived">Archived<\/span>/);
  const back = await c.post(`/admin/customers/${id}/archive`, formFields(page.text_, `/admin/customers/${id}/archive`));
  assert.equal(back.status, 303);
  assert.equal(sql(`SELECT active FROM customers WHERE id = ${id}`), '1');
  assert.deepEqual(sql(`SELECT action FROM audit_events WHERE entity = 'customer' AND entity_id = ${id}
    AND action IN ('archive', 'restore') ORDER BY id DESC LIMIT 2`).split('\n'), ['restore', 'archive']);

  const conf = await c.get(`/admin/customers/${id}/delete`);
  assert.equal(conf.status, 200);
  assert.match(conf.text_, /has invoices and cannot be deleted/);
  const csrf = await c.csrf('/admin/customers');
  const del = await c.post(`/admin/customers/${id}/delete`, { csrf, once: 'f'.repeat(63) + '1' });
  assert.equal(del.status, 409);
  assert.match(del.text_, /has invoices: archive it instead/);
  assert.equal(count(`id = ${id}`), 1);
});

test('a customer without invoices is deleted after confirmation, with an audit event', async () => {
  const c = await as('billing');
  const { id, form } = await create(c);
  const conf = await c.get(`/admin/customers/${id}/delete`);
  assert.equal(conf.status, 200);
  const body = formFields(conf.text_, `/admin/customers/${id}/delete`);
  const r = await c.post(`/admin/customers/${id}/delete`, body);
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/admin/customers?done=deleted');
  assert.equal(count(`id = ${id}`), 0);
  assert.deepEqual(sql(`SELECT action, JSON_VALUE(before_json, '$.name'), after_json IS NULL FROM audit_events
    WHERE entity = 'customer' AND entity_id = ${id} ORDER BY id DESC LIMIT 1`).split('\t'), ['delete', form.name, '1']);
  // the same confirmation again: the same answer, nothing else happens
  const again = await c.post(`/admin/customers/${id}/delete`, body);
  assert.equal(again.status, 303);
  assert.equal((await c.get(`/admin/customers/${id}`)).status, 404);
});

test('list: search by name and email, paging, HTML escaped', async () => {
  const c = await as('admin');
  const tag = `zq${process.pid}`;
  await create(c, { name: `<i>${tag}</i> One`, email: `one@${tag}.example` });
  await create(c, { name: `Two ${tag}`, email: 'two@x.example' });
  const byName = await c.get(`/admin/customers?q=${tag}`);
  assert.match(byName.text_, /2 customers/);
  assert.match(byName.text_, new RegExp(`&lt;i&gt;${tag}&lt;/i&gt; One`));
  const byMail = await c.get(`/admin/customers?q=one%40${tag}`);
  assert.match(byMail.text_, /1 customer</);
  const wild = await c.get('/admin/customers?q=%25');
  assert.match(wild.text_, /0 customers/, 'a % is a character, not a wildcard');
  assert.equal((await c.get('/admin/customers?page=0')).status, 400);
  assert.equal((await c.get('/admin/customers?show=gone')).status, 400);
  assert.equal((await c.get('/admin/customers/1?tab=nope')).status, 400);
});

// ---------- figures against SQL truth ----------

// "1,190.00 EUR" / "-12 JPY" -> thousandths as a BigInt string (the DB keeps 3 decimals)
function milli(s) {
  const m = s.replace(/,/g, '').match(/^(-?)(\d+)(?:\.(\d+))?\s+[A-Z]{3}/);
  assert.ok(m, `amount ${s}`);
  return BigInt(`${m[1]}${m[2]}${(m[3] || '').padEnd(3, '0')}`).toString();
}
const dbMilli = (s) => BigInt(s.replace('.', '')).toString();

for (const role of ['admin', 'billing', 'support']) {
  test(`${role}: the summary tab's billed, paid, balance and overdue equal SQL over the invoices`, async () => {
    const c = await as(role);
    const ids = sql(`SELECT customer_id FROM invoices GROUP BY customer_id ORDER BY COUNT(*) DESC LIMIT 2`).split('\n');
    for (const id of ids) {
      const [tz] = sql(`SELECT time_zone FROM customers WHERE id = ${id}`).split('\t');
      const today = sql(`SELECT DATE(CONVERT_TZ(UTC_TIMESTAMP(), '+00:00', '+00:00'))`);
      const truth = sql(`SELECT currency,
        SUM(IF(status IN ('open','paid'), IF(kind='credit',-1,1)*total, 0)),
        SUM(IF(status IN ('open','paid'), IF(kind='credit',-1,1)*paid_amount, 0)),
        SUM(IF(status IN ('open','paid'), IF(kind='credit',-1,1)*(total-paid_amount), 0)),
        SUM(status IN ('open','paid')), SUM(status='draft'), SUM(status='void')
        FROM invoices WHERE customer_id = ${id} GROUP BY currency ORDER BY currency`).split('\n').map((l) => l.split('\t'));
      const r = await c.get(`/admin/customers/${id}`);
      assert.equal(r.status, 200);
      const table = r.text_.match(/<table class="grid figures" id="customer-sums">([\s\S]*?)<\/table>/)[1];
      const rows = [...table.matchAll(/<tr data-currency="([A-Z]{3})">([\s\S]*?)<\/tr>/g)].map((m) => {
        const cells = [...m[2].matchAll(/<t[hd]\b[^>]*>([\s\S]*?)<\/t[hd]>/g)].map((x) => decode(x[1]));
        return { cur: m[1], cells };
      });
      assert.equal(rows.length, truth.length, `currencies of customer ${id}`);
      for (const [i, t] of truth.entries()) {
        const { cur, cells } = rows[i];
        assert.equal(cur, t[0]);
        assert.equal(milli(cells[1]), dbMilli(t[1]), `billed ${cur}`);
        assert.equal(milli(cells[2]), dbMilli(t[2]), `paid ${cur}`);
        assert.equal(milli(cells[3]), dbMilli(t[3]), `balance ${cur}`);
        assert.equal(cells[5], `${t[4]} issued, ${t[5]} drafts, ${t[6]} cancelled`);
        // overdue: open invoices past due in the customer's zone; the page names the day it used
        const day = r.text_.match(/Figures \(as of (\d{4}-\d{2}-\d{2})\)/)[1];
        assert.ok(Math.abs(Date.parse(day) - Date.parse(today)) <= 86400000, `${day} vs ${today} (${tz})`);
        const od = sql(`SELECT COALESCE(SUM(total - paid_amount), 0), COUNT(*) FROM invoices WHERE customer_id = ${id}
          AND currency = '${cur}' AND status = 'open' AND kind = 'invoice' AND due_date < '${day}'`).split('\t');
        assert.equal(milli(cells[4]), dbMilli(od[0]), `overdue ${cur}`);
        assert.match(cells[4], new RegExp(`\\(${od[1]}\\)$`));
      }
      // per month: billed by invoice date within the last 12 months
      const months = r.text_.match(/<table class="grid figures" id="customer-months">([\s\S]*?)<\/table>/)[1];
      const day = r.text_.match(/Figures \(as of (\d{4}-\d{2}-\d{2})\)/)[1];
      const mt = sql(`SELECT DATE_FORMAT(invoice_date, '%Y-%m'), SUM(IF(kind='credit',-1,1)*total) FROM invoices
        WHERE customer_id = ${id} AND status IN ('open','paid')
        AND invoice_date >= DATE_SUB(DATE_FORMAT('${day}', '%Y-%m-01'), INTERVAL 11 MONTH) AND invoice_date <= '${day}'
        GROUP BY 1 ORDER BY 1`);
      for (const line of mt ? mt.split('\n') : []) {
        const [ym, billed] = line.split('\t');
        const m = months.match(new RegExp(`<tr data-month="${ym}"><th scope="row">${ym}</th><td class="num billed">([^<]*)</td>`));
        assert.ok(m, `month ${ym}`);
        assert.equal(milli(decode(m[1])), dbMilli(billed), `billed in ${ym}`);
      }
    }
  });
}

test('the invoices tab links into the shared list scoped to the customer, and to a new invoice', async () => {
  const c = await as('billing');
  const id = sql('SELECT customer_id FROM invoices ORDER BY id LIMIT 1');
  const r = await c.get(`/admin/customers/${id}?tab=invoices`);
  assert.match(r.text_, new RegExp(`href="/invoices\\?customer=${id}"`));
  assert.match(r.text_, new RegExp(`href="/admin/invoices/new\\?customer=${id}"`));
  const s = await as('support');
  assert.doesNotMatch((await s.get(`/admin/customers/${id}?tab=invoices`)).text_, /\/admin\/invoices\/new/);
});

test('the payments and users tabs list that customer\'s rows only', async () => {
  const c = await as('support');
  const cid = sql("SELECT customer_id FROM users WHERE role = 'customer' ORDER BY id LIMIT 1");
  const users = sql(`SELECT email FROM users WHERE customer_id = ${cid} ORDER BY email`).split('\n');
  const r = await c.get(`/admin/customers/${cid}?tab=users`);
  const t = r.text_.match(/<table class="grid" id="customer-users">([\s\S]*?)<\/table>/)[1];
  const shown = [...t.matchAll(/<tr><td>([^<]*)<\/td>/g)].map((m) => decode(m[1]));
  assert.deepEqual(shown, users);
  const pc = sql('SELECT customer_id FROM payments GROUP BY customer_id ORDER BY COUNT(*) DESC LIMIT 1');
  if (pc) {
    const n = Number(sql(`SELECT LEAST(COUNT(*), 200) FROM payments WHERE customer_id = ${pc}`));
    const p = await c.get(`/admin/customers/${pc}?tab=payments`);
    const body = p.text_.match(/<table class="grid" id="customer-payments">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/)[1];
    assert.equal([...body.matchAll(/<tr>/g)].length, n);
  }
});

test('a client without a session is sent to login, and a POST without one changes nothing', async () => {
  const c = new Client();
  const r = await c.get('/admin/customers');
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), /^\/login\?next=/);
});
