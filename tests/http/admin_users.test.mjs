// Users and roles (issue 10): /admin/users for admins, the password-set link
// page of the auth program, and the same verbs in invoicectl. Every change is
// checked in MariaDB (the row, its sessions, the audit event, the outbox).
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { Client, as, sql, ctl, BASE } from './lib.mjs';

const TAG = `u${process.pid}`;
const mail = (name) => `${TAG}-${name}@example.test`;

beforeEach(() => sql('DELETE FROM login_failures'));

// invoicectl, expected to fail: its exit status and one-line reason
function ctlFails(args) {
  try {
    ctl(args);
  } catch (e) {
    return { status: e.status, stderr: String(e.stderr) };
  }
  assert.fail(`invoicectl ${args.join(' ')} succeeded`);
}

function ctlAsync(args) {
  return new Promise((resolve) => {
    execFile(process.env.INVOICECTL, args, { env: process.env }, (err, stdout, stderr) =>
      resolve({ status: err ? err.code : 0, stdout, stderr }));
  });
}

const userRow = (email) => sql(`SELECT role, IFNULL(customer_id, '-'), active FROM users WHERE email = '${email}'`);
const userId = (email) => sql(`SELECT id FROM users WHERE email = '${email}'`);
const auditCount = (email, action) => Number(sql(`SELECT COUNT(*) FROM audit_events a JOIN users u ON u.id = a.entity_id
  WHERE a.entity = 'user' AND u.email = '${email}' AND a.action = '${action}'`));
const sessionsOf = (email) => Number(sql(`SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = '${email}'`));
const activeAdmins = () => Number(sql(`SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1`));
const someCustomer = () => sql('SELECT MIN(id) FROM customers WHERE active = 1');

// A user with a known password (invoicectl user add reads it on stdin).
function addUser(name, role, extra = []) {
  const email = mail(name);
  ctl(['user', 'add', email, '--role', role, ...extra], `${name}-password-1\n`);
  return [email, `${name}-password-1`];
}

async function signIn([email, password]) {
  const c = new Client();
  const r = await c.login(email, password);
  assert.equal(r.status, 303, `login ${email}: ${r.status}`);
  return c;
}

// ---------- invoicectl ----------

test('invoicectl user disable / enable: sessions end at once, login refused, audit rows', async () => {
  const u = addUser('ctl1', 'billing');
  const c = await signIn(u);
  assert.equal((await c.get('/invoices')).status, 200);
  assert.match(ctl(['user', 'disable', u[0]]), /disabled/);
  assert.equal(userRow(u[0]), 'billing\t-\t0');
  assert.equal(sessionsOf(u[0]), 0);
  assert.equal((await c.get('/invoices')).status, 303, 'the open session stops working');
  assert.equal((await new Client().login(...u)).status, 401, 'a disabled user cannot sign in');
  assert.equal(auditCount(u[0], 'disable'), 1);
  const ev = sql(`SELECT actor, JSON_EXTRACT(before_json, '$.active'), JSON_EXTRACT(after_json, '$.active')
    FROM audit_events WHERE entity = 'user' AND entity_id = ${userId(u[0])} AND action = 'disable'`);
  assert.equal(ev, 'invoicectl\ttrue\tfalse');
  ctl(['user', 'enable', u[0]]);
  assert.equal(userRow(u[0]), 'billing\t-\t1');
  assert.equal(auditCount(u[0], 'enable'), 1);
  await signIn(u);
  sql('DELETE FROM login_failures');
});

test('invoicectl user role: role/customer rules, the last admin stays', async () => {
  const u = addUser('ctl2', 'support');
  ctl(['user', 'role', u[0], 'billing']);
  assert.equal(userRow(u[0]), 'billing\t-\t1');
  assert.equal(auditCount(u[0], 'role'), 1);
  const cust = someCustomer();
  let f = ctlFails(['user', 'role', u[0], 'customer']);
  assert.notEqual(f.status, 0);
  assert.match(f.stderr, /^invoicectl: A customer user needs a customer\.\n$/);
  f = ctlFails(['user', 'role', u[0], 'support', '--customer', cust]);
  assert.match(f.stderr, /Only customer users belong to a customer/);
  f = ctlFails(['user', 'role', u[0], 'boss']);
  assert.match(f.stderr, /unknown role boss/);
  assert.equal(userRow(u[0]), 'billing\t-\t1', 'refusals change nothing');
  ctl(['user', 'role', u[0], 'customer', '--customer', cust]);
  assert.equal(userRow(u[0]), `customer\t${cust}\t1`);
  // the only active admin (demo data) can be neither demoted nor disabled
  assert.equal(activeAdmins(), 1);
  const before = sql('SELECT COUNT(*) FROM audit_events');
  f = ctlFails(['user', 'role', 'admin@example.com', 'billing']);
  assert.match(f.stderr, /last active admin/);
  f = ctlFails(['user', 'disable', 'admin@example.com']);
  assert.match(f.stderr, /last active admin/);
  assert.equal(userRow('admin@example.com'), 'admin\t-\t1');
  assert.equal(sql('SELECT COUNT(*) FROM audit_events'), before, 'no event for a refusal');
  f = ctlFails(['user', 'disable', mail('nobody')]);
  assert.match(f.stderr, /no user with the email/);
});

test('invoicectl: two admins demoted in parallel, one always stays', async () => {
  for (let round = 0; round < 3; round++) {
    const a2 = addUser(`par${round}`, 'admin');
    assert.equal(activeAdmins(), 2);
    const res = await Promise.all([
      ctlAsync(['user', 'role', 'admin@example.com', 'support']),
      ctlAsync(['user', 'role', a2[0], 'support']),
    ]);
    const ok = res.filter((r) => r.status === 0);
    assert.equal(ok.length, 1, JSON.stringify(res));
    assert.match(res.find((r) => r.status !== 0).stderr, /last active admin/);
    assert.equal(activeAdmins(), 1);
    // put the demo admin back as the only admin
    ctl(['user', 'role', 'admin@example.com', 'admin']);
    ctl(['user', 'disable', a2[0]]);
    assert.equal(activeAdmins(), 1);
  }
});

// ---------- password-set links ----------

function linkToken(url) {
  const m = url.trim().match(/^(.*)\/login\/password\/([0-9a-f]{64})$/);
  assert.ok(m, `not a password link: ${url}`);
  assert.equal(m[1], BASE, 'the URL starts with Site.BaseURL');
  return m[2];
}

test('invoicectl user set-password-link: hash stored, mail queued, link works once', async () => {
  const u = addUser('link1', 'support');
  const old = await signIn(u);
  const url = ctl(['user', 'set-password-link', u[0]]);
  const tok = linkToken(url);
  const id = userId(u[0]);
  // only a hash is stored, never the token; 72 h by default
  assert.equal(sql(`SELECT COUNT(*) FROM password_tokens WHERE user_id = ${id}`), '1');
  assert.equal(sql(`SELECT COUNT(*) FROM password_tokens WHERE HEX(token_hash) = UPPER('${tok}')`), '0');
  assert.equal(sql(`SELECT TIMESTAMPDIFF(HOUR, created_at, expires_at) FROM password_tokens WHERE user_id = ${id}`), '72');
  assert.equal(sql(`SELECT COUNT(*) FROM outbox WHERE kind = 'password_set' AND to_address = '${u[0]}' AND status = 'queued' AND LOCATE('${tok}', body) > 0`), '1');
  assert.equal(auditCount(u[0], 'password_link'), 1);

  const c = new Client();
  let r = await c.get(`/login/password/${tok}`);
  assert.equal(r.status, 200);
  assert.match(r.text_, new RegExp(`<strong class="email">${u[0]}</strong>`));
  assert.match(r.text_, /name="password2"/);
  const csrf = r.text_.match(/name="csrf" value="([0-9a-f]{64})"/)[1];
  const hashBefore = sql(`SELECT password_hash FROM users WHERE id = ${id}`);
  // too short, and not the same twice: 400, nothing written
  r = await c.post(`/login/password/${tok}`, { csrf, password: 'short', password2: 'short' });
  assert.equal(r.status, 400);
  assert.match(r.text_, /at least 10 characters/);
  r = await c.post(`/login/password/${tok}`, { csrf, password: 'new-password-1', password2: 'new-password-2' });
  assert.equal(r.status, 400);
  assert.match(r.text_, /not the same/);
  // no CSRF token: refused, nothing written
  r = await c.post(`/login/password/${tok}`, { password: 'new-password-1', password2: 'new-password-1' });
  assert.equal(r.status, 403);
  assert.equal(sql(`SELECT password_hash FROM users WHERE id = ${id}`), hashBefore);
  assert.equal(sql(`SELECT COUNT(*) FROM password_tokens WHERE user_id = ${id} AND used_at IS NULL`), '1');
  // the real thing
  r = await c.post(`/login/password/${tok}`, { csrf, password: 'new-password-1', password2: 'new-password-1' });
  assert.equal(r.status, 200);
  assert.match(r.text_, /Password set/);
  assert.match(sql(`SELECT password_hash FROM users WHERE id = ${id}`), /^\$argon2id\$/);
  assert.notEqual(sql(`SELECT password_hash FROM users WHERE id = ${id}`), hashBefore);
  assert.equal(sql(`SELECT COUNT(*) FROM password_tokens WHERE user_id = ${id} AND used_at IS NOT NULL`), '1');
  assert.equal(auditCount(u[0], 'password_set'), 1);
  // other sessions ended; the old password is gone, the new one works
  assert.equal((await old.get('/invoices')).status, 303);
  assert.equal((await new Client().login(...u)).status, 401);
  await signIn([u[0], 'new-password-1']);
  // a second use: 410, and the form is gone
  r = await c.get(`/login/password/${tok}`);
  assert.equal(r.status, 410);
  assert.match(r.text_, /used already/);
  assert.doesNotMatch(r.text_, /name="password2"/);
  r = await c.post(`/login/password/${tok}`, { csrf, password: 'other-password-9', password2: 'other-password-9' });
  assert.equal(r.status, 410);
  await signIn([u[0], 'new-password-1']);
});

test('password links: expired 410, forged 404, disabled user 410, bad --hours refused', async () => {
  const u = addUser('link2', 'billing');
  const tok = linkToken(ctl(['user', 'set-password-link', u[0], '--hours', '1']));
  const id = userId(u[0]);
  assert.equal(sql(`SELECT TIMESTAMPDIFF(HOUR, created_at, expires_at) FROM password_tokens WHERE user_id = ${id}`), '1');
  const c = new Client();
  assert.equal((await c.get(`/login/password/${tok}`)).status, 200);
  sql(`UPDATE password_tokens SET expires_at = UTC_TIMESTAMP() - INTERVAL 1 SECOND WHERE user_id = ${id}`);
  let r = await c.get(`/login/password/${tok}`);
  assert.equal(r.status, 410);
  assert.match(r.text_, /expired/);
  const csrf = await c.csrf('/login');
  r = await c.post(`/login/password/${tok}`, { csrf, password: 'expired-pass-1', password2: 'expired-pass-1' });
  assert.equal(r.status, 410);
  assert.equal(sql(`SELECT password_hash FROM users WHERE id = ${id}`).startsWith('$argon2id$'), true);
  assert.equal((await new Client().login(u[0], 'expired-pass-1')).status, 401);
  // a forged token (right shape, never issued) and a malformed one
  const forged = tok.replace(/^./, tok[0] === 'a' ? 'b' : 'a');
  r = await c.get(`/login/password/${forged}`);
  assert.equal(r.status, 404);
  assert.match(r.text_, /not valid/);
  r = await c.post(`/login/password/${forged}`, { csrf, password: 'forged-pass-1', password2: 'forged-pass-1' });
  assert.equal(r.status, 404);
  assert.equal((await c.get('/login/password/xyz')).status, 404);
  assert.equal((await c.get(`/login/password/${tok.toUpperCase()}`)).status, 404);
  // a link of a user disabled since
  const tok2 = linkToken(ctl(['user', 'set-password-link', u[0]]));
  ctl(['user', 'disable', u[0]]);
  r = await c.get(`/login/password/${tok2}`);
  assert.equal(r.status, 410);
  // no link for a disabled user
  let f = ctlFails(['user', 'set-password-link', u[0]]);
  assert.match(f.stderr, /disabled/);
  f = ctlFails(['user', 'set-password-link', u[0], '--hours', '0']);
  assert.match(f.stderr, /--hours takes 1 to 720/);
});
