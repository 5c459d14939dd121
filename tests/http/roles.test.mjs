// Each role reaches the areas DESIGN.md's role table gives it and is refused the rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, as, sql } from './lib.mjs';

const AREAS = {
  //                 admin billing support customer
  '/invoices':      [200, 200, 200, 200],
  '/admin':         [200, 200, 200, 404],
  '/admin/users':   [200, 403, 403, 404],
  '/portal':        [403, 403, 403, 200],
};
const ROLES = ['admin', 'billing', 'support', 'customer'];

sql('DELETE FROM login_failures');

for (const [i, role] of ROLES.entries()) {
  test(`${role}: areas of the role table`, async () => {
    const c = await as(role);
    for (const [path, codes] of Object.entries(AREAS)) {
      const r = await c.get(path);
      assert.equal(r.status, codes[i], `${role} GET ${path}`);
      if (codes[i] === 403) {
        assert.match(r.text_, /You do not have access to this page/);
        assert.doesNotMatch(r.text_, /<table class="grid" id="users"/);
      }
    }
  });
}

test('anonymous visitors are sent to login from every protected area', async () => {
  const c = new Client();
  for (const path of Object.keys(AREAS)) {
    const r = await c.get(path);
    assert.equal(r.status, 303, path);
    assert.equal(r.headers.get('location'), `/login?next=${encodeURIComponent(path)}`);
  }
});

test('the users page lists users for admins, HTML-escaped', async () => {
  sql(`INSERT INTO users (email, name, password_hash, role) VALUES ('xss@example.com', '<script>alert(1)</script>', 'x', 'support')`);
  try {
    const c = await as('admin');
    const r = await c.get('/admin/users');
    assert.equal(r.status, 200);
    assert.match(r.text_, /admin@example\.com/);
    assert.match(r.text_, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.doesNotMatch(r.text_, /<script>alert/);
  } finally {
    sql(`DELETE FROM users WHERE email = 'xss@example.com'`);
  }
});

test('support sees the admin area read-only; billing sees it writable', async () => {
  const s = await as('support');
  assert.match((await s.get('/admin')).text_, /\(read only\)/);
  const b = await as('billing');
  assert.doesNotMatch((await b.get('/admin')).text_, /\(read only\)/);
});

test('a disabled user cannot sign in and loses the open session', async () => {
  const c = await as('customer2');
  assert.equal((await c.get('/portal')).status, 200);
  sql(`UPDATE users SET active = 0 WHERE email = 'customer2@example.com'`);
  try {
    assert.equal((await c.get('/portal')).status, 303);
    const r = await new Client().login('customer2@example.com', 'customer2-pass');
    assert.equal(r.status, 401);
  } finally {
    sql(`UPDATE users SET active = 1 WHERE email = 'customer2@example.com'`);
    sql('DELETE FROM login_failures');
  }
});

// The list's "New invoice" button: only for the roles that may create drafts
// (admin, billing), leading to the editor, which opens for them; support gets
// no button and a 403 from the editor, a customer no button and a 404.
const NEW_INVOICE = /<a class="button primary new-invoice" id="new-invoice" href="([^"]*)">New invoice<\/a>/;
for (const [role, shown, editor] of [['admin', true, 200], ['billing', true, 200], ['support', false, 403], ['customer', false, 404]]) {
  test(`${role}: the invoice list ${shown ? 'offers' : 'does not offer'} "New invoice"`, async () => {
    const c = await as(role);
    const r = await c.get('/invoices');
    assert.equal(r.status, 200);
    const m = r.text_.match(NEW_INVOICE);
    assert.equal(Boolean(m), shown, `${role}: button on /invoices`);
    assert.equal(/New invoice/.test(r.text_), shown, `${role}: no other "New invoice" text`);
    if (m) assert.equal(m[1], '/admin/invoices/new');
    const ed = await c.get(m ? m[1] : '/admin/invoices/new');
    assert.equal(ed.status, editor, `${role}: GET /admin/invoices/new`);
    if (editor === 200) assert.match(ed.text_, /<form method="post" id="invoice-form" action="\/admin\/invoices\/new"/);
    if (shown) {
      // the list scoped to one customer opens the editor for that customer
      const cid = sql(`SELECT id FROM customers WHERE active = 1 ORDER BY id LIMIT 1`);
      const s = await c.get(`/invoices?customer=${cid}`);
      const sm = s.text_.match(NEW_INVOICE);
      assert.ok(sm, `${role}: button on the customer's list`);
      assert.equal(sm[1], `/admin/invoices/new?customer=${cid}`);
      assert.equal((await c.get(sm[1])).status, 200);
    }
  });
}
