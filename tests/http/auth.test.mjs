import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Client, as, sql, USERS, BASE, setCookies } from './lib.mjs';

beforeEach(() => sql('DELETE FROM login_failures'));

test('login page renders a form with a csrf field and sets the pre-session cookie', async () => {
  const c = new Client();
  const r = await c.get('/login');
  assert.equal(r.status, 200);
  assert.match(r.text_, /<form method="post" action="\/login"/);
  assert.match(r.text_, /name="csrf" value="[0-9a-f]{64}"/);
  assert.ok(c.cookies.get('lcsrf'));
  assert.match(r.headers.get('set-cookie'), /HttpOnly/);
  assert.match(r.headers.get('content-security-policy'), /default-src 'self'/);
});

test('staff land on /invoices, customers on /portal, with a hardened session cookie', async () => {
  for (const [role, home] of [['admin', '/invoices'], ['billing', '/invoices'], ['support', '/invoices'], ['customer', '/portal']]) {
    const c = new Client();
    const r = await c.login(...USERS[role]);
    assert.equal(r.status, 303, role);
    assert.equal(r.headers.get('location'), home, role);
    const sc = setCookies(r.headers).find((s) => s.startsWith('sid='));
    assert.match(sc, /^sid=[0-9a-f]{64}; Path=\/; Max-Age=\d+; SameSite=Lax; HttpOnly/);
    assert.doesNotMatch(sc, /Secure/, 'plain http must not set Secure');
    const page = await c.get(home);
    assert.equal(page.status, 200);
    assert.match(page.text_, new RegExp(`<span class="badge role-${role}">${role}</span>`));
  }
});

test('the session token is stored hashed, never in clear', async () => {
  const c = await as('admin');
  const token = c.cookies.get('sid');
  const rows = sql(`SELECT COUNT(*) FROM sessions WHERE HEX(token_hash) = UPPER('${token}')`);
  assert.equal(rows, '0');
  const n = sql(`SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = 'admin@example.com'`);
  assert.ok(Number(n) >= 1);
});

test('wrong password: 401 with a clear message, no session', async () => {
  const c = new Client();
  const r = await c.login('admin@example.com', 'wrong-password');
  assert.equal(r.status, 401);
  assert.match(r.text_, /email address or password is not correct/);
  assert.equal(c.cookies.get('sid'), undefined);
  const me = await c.get('/invoices');
  assert.equal(me.status, 303);
  assert.match(me.headers.get('location'), /^\/login\?next=%2Finvoices/);
});

test('unknown email answers exactly like a wrong password', async () => {
  const c = new Client();
  const r = await c.login('nobody@example.com', 'whatever-pass');
  assert.equal(r.status, 401);
  assert.match(r.text_, /email address or password is not correct/);
});

test('failed logins are throttled per account, even with the right password', async () => {
  const c = new Client();
  for (let i = 0; i < 5; i++) {
    const r = await c.login('billing@example.com', `bad-${i}`);
    assert.equal(r.status, 401);
  }
  const r = await c.login(...USERS.billing);
  assert.equal(r.status, 429);
  assert.match(r.text_, /Too many failed sign-in attempts/);
  assert.equal(c.cookies.get('sid'), undefined);
  // another account from the same address still works
  const other = await new Client().login(...USERS.support);
  assert.equal(other.status, 303);
});

test('failed logins are throttled per client address across accounts', async () => {
  // Login.AddressFailures = 40 in the test stack
  sql(`INSERT INTO login_failures (email, address, failed_at) SELECT CONCAT('x', seq, '@example.com'), '127.0.0.1', UTC_TIMESTAMP() FROM seq_1_to_40`);
  const r = await new Client().login(...USERS.admin);
  assert.equal(r.status, 429);
});

test('POST /login without or with a wrong csrf token is refused and logs nobody in', async () => {
  const c = new Client();
  await c.get('/login');
  let r = await c.post('/login', { email: USERS.admin[0], password: USERS.admin[1] });
  assert.equal(r.status, 403);
  assert.match(r.text_, /form has expired or did not come from this site/);
  r = await c.post('/login', { email: USERS.admin[0], password: USERS.admin[1], csrf: 'a'.repeat(64) });
  assert.equal(r.status, 403);
  assert.equal(c.cookies.get('sid'), undefined);
  // a token without the matching cookie (cross-site post) is refused too
  const token = c.cookies.get('lcsrf');
  const stranger = new Client();
  r = await stranger.post('/login', { email: USERS.admin[0], password: USERS.admin[1], csrf: token });
  assert.equal(r.status, 403);
});

test('POST /logout needs the session csrf token, then ends the session server-side', async () => {
  const c = await as('admin');
  const sid = c.cookies.get('sid');
  let r = await c.post('/logout', { csrf: 'b'.repeat(64) });
  assert.equal(r.status, 403);
  assert.equal((await c.get('/invoices')).status, 200, 'still signed in after a forged logout');
  const csrf = (await c.get('/invoices')).text_.match(/name="csrf" value="([0-9a-f]{64})"/)[1];
  r = await c.post('/logout', { csrf });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/login');
  // replaying the old cookie gets nowhere
  const replay = new Client(); replay.cookies.set('sid', sid);
  assert.equal((await replay.get('/invoices')).status, 303);
});

test('login rotates the session: a fixed pre-login sid is not kept', async () => {
  const c = new Client();
  c.cookies.set('sid', 'f'.repeat(64));
  const r = await c.login(...USERS.admin);
  assert.equal(r.status, 303);
  assert.notEqual(c.cookies.get('sid'), 'f'.repeat(64));
});

test('idle-expired and absolutely-expired sessions send the user back to login', async () => {
  const c = await as('support');
  assert.equal((await c.get('/invoices')).status, 200);
  sql(`UPDATE sessions s JOIN users u ON u.id = s.user_id SET s.last_seen_at = UTC_TIMESTAMP() - INTERVAL 31 MINUTE WHERE u.email = 'support@example.com'`);
  let r = await c.get('/invoices');
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), /^\/login/);

  const d = await as('support');
  sql(`UPDATE sessions s JOIN users u ON u.id = s.user_id SET s.expires_at = UTC_TIMESTAMP() - INTERVAL 1 SECOND WHERE u.email = 'support@example.com'`);
  r = await d.get('/invoices');
  assert.equal(r.status, 303);
});

test('an expired session on a form post goes to login and changes nothing', async () => {
  const c = await as('billing');
  const csrf = (await c.get('/invoices')).text_.match(/name="csrf" value="([0-9a-f]{64})"/)[1];
  sql(`DELETE s FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = 'billing@example.com'`);
  const r = await c.post('/logout', { csrf });
  // no session any more: the old csrf matches nothing, so the post is refused
  assert.equal(r.status, 403);
  assert.equal(sql(`SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = 'billing@example.com'`), '0');
});

test('after login the user returns to the page they asked for (local paths only)', async () => {
  const c = new Client();
  const csrf = await c.csrf('/login?next=%2Fadmin');
  let r = await c.post('/login', { email: USERS.admin[0], password: USERS.admin[1], csrf, next: '/admin' });
  assert.equal(r.headers.get('location'), '/admin');
  const d = new Client();
  const csrf2 = await d.csrf();
  r = await d.post('/login', { email: USERS.admin[0], password: USERS.admin[1], csrf: csrf2, next: '//evil.example/' });
  assert.equal(r.status, 400);
  assert.equal(d.cookies.get('sid'), undefined);
});

test('signed-in users visiting /login go to their home', async () => {
  const c = await as('customer');
  const r = await c.get('/login');
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/portal');
});

test('base URL sanity', () => { assert.match(BASE, /^http:\/\/127\.0\.0\.1:\d+$/); });
