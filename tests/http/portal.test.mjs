// The customer portal: every page as a customer, each figure against SQL,
// drafts never shown or counted, another customer's ids 404, staff refused,
// several users of one customer see one account, the profile form (CSRF,
// one-time key, row version) and the password change with the current one.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { as, sql, ctl, dateIn, Client, USERS } from './lib.mjs';

// the labels lib/payment.c shows for payments.method
const METHOD = { transfer: 'Bank transfer', card: 'Card', cash: 'Cash', other: 'Other', direct_debit: 'Direct debit' };

const n = (q) => +sql(q);
const one = (q) => sql(q);
const rows = (q) => { const s = sql(q); return s ? s.split('\n').map((l) => l.split('\t')) : []; };
const EXP = { JPY: 0, KWD: 3, BHD: 3, JOD: 3, OMR: 3, TND: 3, IQD: 3, LYD: 3 };
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
const unesc = (s) => s.replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(+d)).replace(/&amp;/g, '&')
  .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
const cells = (html, id) => {
  const t = html.match(new RegExp(`<table[^>]*id="${id}"[\\s\\S]*?</table>`));
  assert.ok(t, `no table ${id}`);
  return [...t[0].split('<tbody>')[1].matchAll(/<tr[\s\S]*?<\/tr>/g)].map(([tr]) =>
    [...tr.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map(([, c]) => unesc(c.replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim()));
};

const CID = +one(`SELECT customer_id FROM users WHERE email = '${USERS.customer[0]}'`);
const OTHER = +one(`SELECT customer_id FROM users WHERE email = '${USERS.customer2[0]}'`);
assert.notEqual(CID, OTHER);
const ZONE = one(`SELECT time_zone FROM customers WHERE id = ${CID}`);
const TODAY = dateIn(ZONE);
const MAX0 = n('SELECT COALESCE(MAX(id), 0) FROM invoices');
const SAVED = rows(`SELECT email, notify_issued, notify_payment FROM customers WHERE id = ${CID}`)[0];
const EXTRA = ['portal-second@example.com', 'portal-pw@example.com'];
after(() => {
  sql(`DELETE FROM invoices WHERE id > ${MAX0}`);
  sql(`UPDATE customers SET email = '${SAVED[0]}', notify_issued = ${SAVED[1]}, notify_payment = ${SAVED[2]} WHERE id = ${CID}`);
  sql(`DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE email IN ('${EXTRA.join("','")}'))`);
  sql(`DELETE FROM audit_events WHERE user_id IN (SELECT id FROM users WHERE email IN ('${EXTRA.join("','")}'))`);
  sql(`DELETE FROM users WHERE email IN ('${EXTRA.join("','")}')`);
});

// a draft of this customer, made through the editor like staff do
async function makeDraft() {
  const c = await as('billing');
  const page = (await c.get('/admin/invoices/new')).text_;
  const csrf = page.match(/name="csrf" value="([0-9a-f]{64})"/)[1], once = page.match(/name="once" value="([0-9a-f]{64})"/)[1];
  const r = await c.post('/admin/invoices/new', { csrf, once, rows: '2', tax_rounding: 'line', customer: String(CID),
    invoice_date: TODAY, l1_description: 'Portal secret draft line', l1_quantity: '1', l1_unit_price: '777.77',
    l1_tax_rate: '0', l1_unit_code: 'C62', l1_tax_description: 'none' });
  assert.equal(r.status, 303);
  return +r.headers.get('location').match(/^\/invoices\/(\d+)/)[1];
}

test('staff are refused from every portal page; anonymous visitors are sent to sign in', async () => {
  for (const role of ['admin', 'billing', 'support']) {
    const c = await as(role);
    for (const p of ['/portal', '/portal/payments', '/portal/profile']) {
      const r = await c.get(p);
      assert.equal(r.status, 403, `${role} ${p}`);
      assert.match(r.text_, /href="\/admin"/, 'the header links to the admin area');
    }
    assert.equal((await c.post('/portal/profile', { csrf: 'x' })).status, 403);
  }
  for (const p of ['/portal', '/portal/payments', '/portal/profile']) {
    const r = await new Client().get(p);
    assert.equal(r.status, 303);
    assert.match(r.headers.get('location'), /^\/login/);
  }
});

async function checkHome(c) {
  const r = await c.get('/portal');
  assert.equal(r.status, 200);
  const h = r.text_;
  // balance and overdue per currency (list figures rule; drafts and void ones never owed)
  const truth = rows(`SELECT currency,
      SUM(IF(status IN ('open','paid'), IF(kind = 'credit', -1, 1) * (total - paid_amount), 0)),
      SUM(IF(status = 'open' AND kind = 'invoice' AND due_date < '${TODAY}', total - paid_amount, 0)),
      SUM(status = 'open' AND kind = 'invoice' AND due_date < '${TODAY}')
    FROM invoices WHERE customer_id = ${CID} AND status <> 'draft' GROUP BY currency ORDER BY currency`);
  assert.ok(truth.length > 0, 'the demo customer has issued invoices');
  assert.deepEqual(cells(h, 'portal-balance'), truth.map(([cur, bal, od, odn]) => [cur, money(bal, cur), money(od, cur), odn]));
  // next due
  const next = rows(`SELECT id, number, due_date, total - paid_amount, currency FROM invoices WHERE customer_id = ${CID}
    AND status = 'open' AND kind = 'invoice' AND due_date >= '${TODAY}' ORDER BY due_date, id LIMIT 1`)[0];
  const nd = h.match(/<p id="next-due"[\s\S]*?<\/p>/)[0];
  if (next) {
    assert.ok(nd.includes(`href="/invoices/${next[0]}"`) && nd.includes(next[1]) && nd.includes(next[2]), nd);
    assert.ok(unesc(nd).includes(money(next[3], next[4])), nd);
  } else {
    assert.match(nd, /Nothing is coming due/);
  }
  // latest invoices
  const latest = rows(`SELECT id, number, invoice_date, due_date, IF(kind = 'credit', -total, total), balance, currency
    FROM invoices WHERE customer_id = ${CID} AND status <> 'draft' ORDER BY invoice_date DESC, id DESC LIMIT 5`);
  const got = cells(h, 'portal-latest');
  assert.equal(got.length, latest.length);
  latest.forEach(([id, num, d, due, total, bal, cur], i) => {
    assert.deepEqual(got[i].slice(0, 5), [num, d, due, money(total, cur), money(bal, cur)]);
    assert.ok(h.includes(`href="/invoices/${id}.pdf"`));
  });
  // recent payments
  const pays = rows(`SELECT received_on, amount, currency, method, reference FROM payments WHERE customer_id = ${CID}
    ORDER BY received_on DESC, id DESC LIMIT 5`);
  const gp = cells(h, 'portal-recent-payments');
  if (pays.length) assert.deepEqual(gp, pays.map(([d, a, cur, m, ref]) => [d, money(a, cur), METHOD[m], ref]));
  else assert.deepEqual(gp, [['No payments yet.']]);
  // the chart: an inline SVG per currency, and its table of 12 months against SQL
  for (const [cur] of truth) {
    assert.match(h, new RegExp(`<svg[^>]*aria-labelledby="chart-${cur}-t `), `chart ${cur}`);
    const t = h.match(new RegExp(`<table class="grid months" data-currency="${cur}">[\\s\\S]*?</table>`))[0];
    const months = [...t.matchAll(/<tr data-month="(\d{4}-\d{2})">[\s\S]*?class="num billed">([^<]*)<[\s\S]*?class="num paid">([^<]*)</g)];
    assert.equal(months.length, 12);
    assert.equal(months[11][1], TODAY.slice(0, 7));
    for (const [, ym, billed, paid] of months) {
      const b = one(`SELECT COALESCE(SUM(IF(kind = 'credit', -1, 1) * total), 0) FROM invoices WHERE customer_id = ${CID}
        AND currency = '${cur}' AND status IN ('open', 'paid') AND DATE_FORMAT(invoice_date, '%Y-%m') = '${ym}' AND invoice_date <= '${TODAY}'`);
      const p = one(`SELECT COALESCE(SUM(a.amount), 0) FROM payments p JOIN payment_allocations a ON a.payment_id = p.id
        WHERE p.customer_id = ${CID} AND p.currency = '${cur}' AND DATE_FORMAT(p.received_on, '%Y-%m') = '${ym}' AND p.received_on <= '${TODAY}'`);
      assert.equal(unesc(billed), money(b, cur), `billed ${cur} ${ym}`);
      assert.equal(unesc(paid), money(p, cur), `paid ${cur} ${ym}`);
    }
  }
  return h;
}

test('home: balance, overdue, next due, latest invoices, payments and the chart, each against SQL', async () => {
  await checkHome(await as('customer'));
});

test('payment history against SQL', async () => {
  const c = await as('customer');
  const r = await c.get('/portal/payments');
  assert.equal(r.status, 200);
  const pays = rows(`SELECT received_on, amount, allocated_amount, currency, method, reference FROM payments
    WHERE customer_id = ${CID} ORDER BY received_on DESC, id DESC LIMIT 200`);
  const got = cells(r.text_, 'portal-payments');
  if (pays.length) assert.deepEqual(got, pays.map(([d, a, al, cur, m, ref]) => [d, money(a, cur), money(al, cur), METHOD[m], ref]));
  else assert.deepEqual(got, [['No payments yet.']]);
});

test('drafts never appear in any portal page, list or count; their ids 404 (view, PDF, CSV)', async () => {
  const c = await as('customer');
  const before = (await c.get('/portal')).text_.replace(/name="csrf" value="[0-9a-f]+"/g, '');
  const id = await makeDraft();
  const afterHome = (await c.get('/portal')).text_.replace(/name="csrf" value="[0-9a-f]+"/g, '');
  assert.equal(afterHome, before, 'the home page is unchanged by a draft');
  for (const p of ['/portal', '/portal/payments', '/portal/profile', '/invoices', `/invoices?q=Portal+secret`, `/invoices?status=due&status=overdue&status=draft`]) {
    const r = await c.get(p);
    assert.equal(r.status, 200, p);
    assert.ok(!r.text_.includes(`/invoices/${id}`) && !r.text_.includes('Portal secret draft') && !r.text_.includes('777.77'), p);
  }
  for (const p of [`/invoices/${id}`, `/invoices/${id}.pdf`, `/invoices/${id}.csv`]) assert.equal((await c.get(p)).status, 404, p);
});

test("another customer's invoices answer 404 everywhere", async () => {
  const c = await as('customer');
  const ids = rows(`SELECT id FROM invoices WHERE customer_id = ${OTHER} AND status <> 'draft' ORDER BY id LIMIT 3`).map((x) => x[0]);
  assert.ok(ids.length > 0);
  for (const id of ids)
    for (const p of [`/invoices/${id}`, `/invoices/${id}.pdf`, `/invoices/${id}.csv`]) assert.equal((await c.get(p)).status, 404, p);
  const home = (await c.get('/portal')).text_;
  for (const id of ids) assert.ok(!home.includes(`/invoices/${id}"`));
  // and their own open fine
  const mine = one(`SELECT id FROM invoices WHERE customer_id = ${CID} AND status <> 'draft' ORDER BY id LIMIT 1`);
  assert.equal((await c.get(`/invoices/${mine}`)).status, 200);
  assert.equal((await c.get(`/invoices/${mine}.pdf`)).status, 200);
});

test('several users of one customer see the same account', async () => {
  ctl(['user', 'add', EXTRA[0], '--role', 'customer', '--customer', String(CID), '--name', 'Second User'], 'second-user-pass\n');
  const a = await as('customer');
  const b = new Client();
  assert.equal((await b.login(EXTRA[0], 'second-user-pass')).status, 303);
  const strip = (h) => h.replace(/name="csrf" value="[0-9a-f]+"/g, '').replace(/<p class="whoami">[\s\S]*?<\/p>/, '')
    .replace(/<div class="user-menu">[\s\S]*?<\/div>/, '');
  const ha = await checkHome(a), hb = await checkHome(b);
  assert.equal(strip(hb), strip(ha));
});

test('profile: contact e-mail and notifications saved once (one-time key), stale version 409, bad address 422', async () => {
  const c = await as('customer');
  let r = await c.get('/portal/profile');
  assert.equal(r.status, 200);
  const k = (h) => ({ csrf: h.match(/name="csrf" value="([0-9a-f]{64})"/)[1], once: h.match(/name="once" value="([0-9a-f]{64})"/)[1],
    row_version: h.match(/name="row_version" value="(\d+)"/)[1] });
  const f = { ...k(r.text_), email: 'ap@customer-one.example', notify_payment: '1' };
  const v0 = n(`SELECT row_version FROM customers WHERE id = ${CID}`);
  const events0 = n(`SELECT COUNT(*) FROM audit_events WHERE entity = 'customer' AND entity_id = ${CID} AND action = 'portal_settings'`);
  const [a, b] = await Promise.all([c.post('/portal/profile', f), c.post('/portal/profile', f)]);
  for (const x of [a, b]) { assert.equal(x.status, 303); assert.equal(x.headers.get('location'), '/portal/profile?done=saved'); }
  assert.deepEqual(rows(`SELECT email, notify_issued, notify_payment, row_version FROM customers WHERE id = ${CID}`)[0],
    ['ap@customer-one.example', '0', '1', String(v0 + 1)]);
  assert.equal(n(`SELECT COUNT(*) FROM audit_events WHERE entity = 'customer' AND entity_id = ${CID} AND action = 'portal_settings'`), events0 + 1);
  r = await c.get('/portal/profile?done=saved');
  assert.match(r.text_, /value="ap@customer-one.example"/);
  assert.match(r.text_, /Your settings are saved/);
  // the old form again with a new key: its version is stale
  const stale = { ...f, once: k(r.text_).once, email: 'stale@customer-one.example' };
  const s = await c.post('/portal/profile', stale);
  assert.equal(s.status, 409);
  assert.equal(one(`SELECT email FROM customers WHERE id = ${CID}`), 'ap@customer-one.example');
  // a bad address: 422, nothing changed
  const bad = await c.post('/portal/profile', { ...k(r.text_), email: 'not an address' });
  assert.equal(bad.status, 422);
  assert.match(bad.text_, /Enter one e-mail address/);
  assert.equal(n(`SELECT row_version FROM customers WHERE id = ${CID}`), v0 + 1);
  // no CSRF token: refused, nothing changed
  const nocsrf = await c.post('/portal/profile', { ...k(r.text_), csrf: '0'.repeat(64), email: 'x@y.example' });
  assert.equal(nocsrf.status, 403);
  assert.equal(one(`SELECT email FROM customers WHERE id = ${CID}`), 'ap@customer-one.example');
});

test('password: the current one is required; a change signs out everywhere and the new one signs in', async () => {
  ctl(['user', 'add', EXTRA[1], '--role', 'customer', '--customer', String(CID)], 'first-password-1\n');
  const c = new Client();
  assert.equal((await c.login(EXTRA[1], 'first-password-1')).status, 303);
  const other = new Client();
  assert.equal((await other.login(EXTRA[1], 'first-password-1')).status, 303);
  const hash0 = one(`SELECT password_hash FROM users WHERE email = '${EXTRA[1]}'`);
  const csrf = (await c.get('/portal/profile')).text_.match(/name="csrf" value="([0-9a-f]{64})"/)[1];
  let r = await c.post('/portal/password', { csrf, current: 'wrong-password', password: 'second-password-2', again: 'second-password-2' });
  assert.equal(r.status, 422);
  assert.match(r.text_, /current password is not right/);
  r = await c.post('/portal/password', { csrf, current: 'first-password-1', password: 'short', again: 'short' });
  assert.equal(r.status, 422);
  r = await c.post('/portal/password', { csrf, current: 'first-password-1', password: 'second-password-2', again: 'other-password-3' });
  assert.equal(r.status, 422);
  assert.equal(one(`SELECT password_hash FROM users WHERE email = '${EXTRA[1]}'`), hash0, 'nothing changed yet');
  r = await c.post('/portal/password', { csrf, current: 'first-password-1', password: 'second-password-2', again: 'second-password-2' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/login');
  assert.equal((await other.get('/portal')).status, 303, 'the other session ended');
  assert.notEqual((await new Client().login(EXTRA[1], 'first-password-1')).status, 303, 'the old password no longer works');
  const again = new Client();
  assert.equal((await again.login(EXTRA[1], 'second-password-2')).status, 303);
  assert.equal((await again.get('/portal')).status, 200);
  assert.equal(n(`SELECT COUNT(*) FROM audit_events WHERE entity = 'user' AND action = 'password_change'
    AND entity_id = (SELECT id FROM users WHERE email = '${EXTRA[1]}')`), 1);
});

test('wrong current passwords are throttled like failed sign-ins (429), and nothing changes', async () => {
  const c = new Client();
  assert.equal((await c.login(EXTRA[1], 'second-password-2')).status, 303);
  const csrf = (await c.get('/portal/profile')).text_.match(/name="csrf" value="([0-9a-f]{64})"/)[1];
  const hash0 = one(`SELECT password_hash FROM users WHERE email = '${EXTRA[1]}'`);
  try {
    for (let i = 0; i < 5; i++) {   // Login.AccountFailures = 5 in the test stack
      const r = await c.post('/portal/password', { csrf, current: `wrong-${i}`, password: 'third-password-3', again: 'third-password-3' });
      assert.equal(r.status, 422, `attempt ${i + 1}`);
    }
    const r = await c.post('/portal/password', { csrf, current: 'second-password-2', password: 'third-password-3', again: 'third-password-3' });
    assert.equal(r.status, 429);
    assert.match(r.text_, /Too many failed sign-in attempts/);
    assert.equal(one(`SELECT password_hash FROM users WHERE email = '${EXTRA[1]}'`), hash0);
  } finally {
    sql(`DELETE FROM login_failures WHERE email = '${EXTRA[1]}'`);
  }
});
