// Bad input gets a clear 4xx answer and changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, as, sql, BASE } from './lib.mjs';

const count = (t) => sql(`SELECT COUNT(*) FROM ${t}`);

test('invalid UTF-8 in the query string is a 400', async () => {
  const r = await fetch(`${BASE}/login?next=%C3%28`, { redirect: 'manual' });
  assert.equal(r.status, 400);
  assert.match(await r.text(), /not valid UTF-8/);
});

test('invalid UTF-8 and malformed encoding in a form body are 400s and log nobody in', async () => {
  const c = new Client();
  const csrf = await c.csrf();
  const before = count('sessions');
  let r = await c.req('POST', '/login', { raw: `email=admin%40example.com&password=%FF%FE&csrf=${csrf}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 400);
  r = await c.req('POST', '/login', { raw: `email=admin%4&password=x&csrf=${csrf}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 400);
  r = await c.req('POST', '/login', { raw: `email=admin%00x&password=x&csrf=${csrf}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 400);
  assert.equal(count('sessions'), before);
});

test('too many parameters and oversized values are refused', async () => {
  const many = Array.from({ length: 500 }, (_, i) => `p${i}=1`).join('&');
  let r = await fetch(`${BASE}/login?${many}`);
  assert.equal(r.status, 400);
  assert.match(await r.text(), /Too many parameters/);
  const c = new Client();
  const csrf = await c.csrf();
  r = await c.post('/login', { email: 'admin@example.com', password: 'x', csrf, next: '/' + 'a'.repeat(17000) });
  assert.equal(r.status, 400);
  assert.match(r.text_, /too long/);
});

test('a body over the limit is refused with 413', async () => {
  const c = new Client();
  const csrf = await c.csrf();
  const r = await c.req('POST', '/login', { raw: `csrf=${csrf}&pad=${'x'.repeat(2 * 1024 * 1024)}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 413);
});

test('forms in another encoding are refused with 415', async () => {
  const c = new Client();
  const csrf = await c.csrf();
  const r = await c.req('POST', '/login', { raw: JSON.stringify({ csrf }), headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 415);
});

test('a malformed email is a 400 that names the problem and records no failure', async () => {
  const c = new Client();
  const csrf = await c.csrf();
  const before = count('login_failures');
  const r = await c.post('/login', { email: 'not-an-email', password: 'x', csrf });
  assert.equal(r.status, 400);
  assert.match(r.text_, /valid email address/);
  assert.equal(count('login_failures'), before);
});

test('unknown paths are 404 and wrong methods 415/405-style refusals, without internals', async () => {
  const c = await as('admin');
  let r = await c.get('/admin/nope');
  assert.equal(r.status, 404);
  assert.match(r.text_, /There is nothing at this address/);
  r = await c.req('DELETE', '/login');
  assert.ok(r.status >= 400 && r.status < 500);
  r = await c.get('/logout');
  assert.ok(r.status >= 400 && r.status < 500);
  assert.doesNotMatch(r.text_, /mysql|mariadb|errno|stack/i);
});

test('reflected values are escaped on the login form', async () => {
  const c = new Client();
  const csrf = await c.csrf();
  const r = await c.post('/login', { email: '"><script>x</script>@e.com', password: 'x', csrf });
  assert.doesNotMatch(r.text_, /<script>x<\/script>/);
});

test('invoicectl user add refuses bad input and changes nothing', async () => {
  const { ctl } = await import('./lib.mjs');
  const before = count('users');
  assert.throws(() => ctl(['user', 'add', 'someone@example.com', '--role', 'king'], 'longenough\n'));
  assert.throws(() => ctl(['user', 'add', 'someone@example.com', '--role', 'customer'], 'longenough\n'));
  assert.throws(() => ctl(['user', 'add', 'admin@example.com', '--role', 'admin'], 'longenough\n'));
  assert.throws(() => ctl(['user', 'add', 'someone@example.com', '--role', 'admin'], 'short\n'));
  assert.equal(count('users'), before);
  const out = ctl(['user', 'add', 'New.Person@example.com', '--role', 'billing', '--name', 'Zoë Müller'], 'a-long-password\n');
  assert.match(out, /new\.person@example\.com|New\.Person@example\.com/);
  try {
    const c = new Client();
    const r = await c.login('new.person@example.com', 'a-long-password');
    assert.equal(r.status, 303);
    assert.match((await c.get('/invoices')).text_, /Zoë Müller/);
    assert.match(ctl(['user', 'list']), /new\.person@example\.com\tbilling/);
  } finally {
    sql(`DELETE FROM users WHERE email = 'new.person@example.com'`);
  }
});
