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
  // user add is audited too, the password set in the same transaction
  assert.equal(sql(`SELECT actor, JSON_VALUE(after_json, '$.role') FROM audit_events WHERE entity = 'user'
    AND action = 'create' AND entity_id = ${userId(u[0])}`), 'invoicectl\tbilling');
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

// ---------- /admin/users ----------

// The csrf token and the one-time key of the form with this id on a page.
function formKeys(html, id) {
  const at = html.indexOf(`id="${id}"`);
  assert.ok(at >= 0, `no form #${id}`);
  const form = html.slice(at, html.indexOf('</form>', at));
  const csrf = form.match(/name="csrf" value="([0-9a-f]{64})"/);
  const once = form.match(/name="once" value="([0-9a-f]{64})"/);
  assert.ok(csrf && once, `form #${id} lacks csrf or once`);
  return { csrf: csrf[1], once: once[1] };
}

async function pageKeys(c, path, id) {
  const r = await c.get(path);
  assert.equal(r.status, 200, `${path}: ${r.status}`);
  return formKeys(r.text_, id);
}

const totals = () => sql(`SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM audit_events),
  (SELECT COUNT(*) FROM password_tokens), (SELECT COUNT(*) FROM outbox),
  (SELECT GROUP_CONCAT(CONCAT(id, role, IFNULL(customer_id, '-'), active, password_hash) ORDER BY id) FROM users)`);

test('billing, support and customers are refused every users page and action, and nothing changes', async () => {
  const target = addUser('refuse', 'support');
  const id = userId(target[0]);
  const expect = { billing: 403, support: 403, customer: 404 };
  for (const [role, code] of Object.entries(expect)) {
    const c = await as(role);
    for (const path of ['/admin/users', '/admin/users/new', `/admin/users/${id}`]) {
      const r = await c.get(path);
      assert.equal(r.status, code, `${role} GET ${path}`);
      assert.doesNotMatch(r.text_, /id="users"|id="user-role"|id="user-new"/);
    }
    // a real csrf token of their own session, and a well-formed one-time key
    const csrf = (await c.get('/invoices')).text_.match(/name="csrf" value="([0-9a-f]{64})"/)[1];
    const once = 'ab'.repeat(32);
    const before = totals();
    const posts = [
      ['/admin/users/new', { email: mail(`by-${role}`), role: 'admin', name: 'x' }],
      [`/admin/users/${id}/role`, { role: 'admin' }],
      [`/admin/users/${id}/disable`, {}],
      [`/admin/users/${id}/enable`, {}],
      [`/admin/users/${id}/password-link`, { hours: '72' }],
    ];
    for (const [path, form] of posts) {
      const r = await c.post(path, { csrf, once, ...form });
      assert.equal(r.status, code, `${role} POST ${path}`);
    }
    assert.equal(totals(), before, `${role}: nothing changed`);
  }
});

test('the list shows every user with role, customer, state and last sign-in', async () => {
  const u = addUser('listed', 'billing');
  await signIn(u);
  ctl(['user', 'add', mail('never'), '--role', 'customer', '--customer', someCustomer(), '--name', 'N <b>ever</b>'], 'never-pass-1\n');
  const c = await as('admin');
  const r = await c.get('/admin/users');
  assert.equal(r.status, 200);
  const rows = r.text_.match(/<tr data-user="\d+"[\s\S]*?<\/tr>/g);
  assert.equal(rows.length, Number(sql('SELECT COUNT(*) FROM users')), 'one row per user');
  const row = rows.find((x) => x.includes(u[0]));
  assert.match(row, /role-billing/);
  const last = sql(`SELECT DATE_FORMAT(last_login_at, '%Y-%m-%d %H:%i') FROM users WHERE email = '${u[0]}'`);
  assert.notEqual(last, 'NULL');
  assert.ok(row.includes(last), 'last sign-in from the database');
  const never = rows.find((x) => x.includes(mail('never')));
  assert.match(never, /never<\/td>/);
  assert.match(never, /N &lt;b&gt;ever&lt;\/b&gt;/);
  const cname = sql(`SELECT name FROM customers WHERE id = ${someCustomer()}`);
  assert.ok(never.includes(`(${someCustomer()})`), 'the customer id is shown');
  assert.ok(cname.length > 0);
});

test('add a user: form, link shown once and mailed, audit, double submit adds once, the link works', async () => {
  const c = await as('admin');
  const r0 = await c.get('/admin/users/new');
  assert.equal(r0.status, 200);
  // the customer picker lists exactly the active customers
  const opts = [...r0.text_.matchAll(/<option value="(\d+)"/g)].map((m) => m[1]);
  assert.deepEqual(opts, sql('SELECT id FROM customers WHERE active = 1 ORDER BY name, id').split('\n'));
  const k = formKeys(r0.text_, 'user-new');
  const email = mail('added');
  const form = { ...k, email: email.toUpperCase(), name: 'Added Person', role: 'support', customer: '', send_link: '1' };
  const r = await c.post('/admin/users/new', form);
  assert.equal(r.status, 200);
  const url = r.text_.match(/id="new-link" type="text" readonly size="60" value="([^"]+)"/)[1];
  const tok = linkToken(url);
  assert.equal(userRow(email), 'support\t-\t1', 'email stored lower-cased');
  const id = userId(email);
  assert.equal(sql(`SELECT password_hash FROM users WHERE id = ${id}`), '', 'no password until the link is used');
  assert.equal(sql(`SELECT COUNT(*) FROM outbox WHERE kind = 'password_set' AND to_address = '${email}' AND LOCATE('${tok}', body) > 0`), '1');
  const ev = sql(`SELECT a.actor, u.email, JSON_VALUE(a.after_json, '$.role') FROM audit_events a JOIN users u ON u.id = a.user_id
    WHERE a.entity = 'user' AND a.entity_id = ${id} AND a.action = 'create'`);
  assert.equal(ev, 'admin@example.com\tadmin@example.com\tsupport');
  assert.equal(auditCount(email, 'password_link'), 1);
  // the same form again (double click, reload): nothing new, sent to the user's page
  const again = await c.post('/admin/users/new', form);
  assert.equal(again.status, 303);
  assert.equal(again.headers.get('location'), `/admin/users/${id}?done=user_added`);
  assert.equal(sql(`SELECT COUNT(*) FROM users WHERE email = '${email}'`), '1');
  assert.equal(sql(`SELECT COUNT(*) FROM password_tokens WHERE user_id = ${id}`), '1');
  assert.equal(auditCount(email, 'create'), 1);
  const page = await c.get(`/admin/users/${id}?done=user_added`);
  assert.match(page.text_, /User added\./);
  assert.doesNotMatch(page.text_, /id="new-link"/, 'the link is never shown again');
  assert.match(page.text_, /<strong class="action">create<\/strong>/, 'the history shows the event');
  assert.match(page.text_, /<span class="who">admin@example\.com<\/span>/);
  // the new user sets a password and signs in
  const p = new Client();
  const csrf = (await p.get(`/login/password/${tok}`)).text_.match(/name="csrf" value="([0-9a-f]{64})"/)[1];
  const done = await p.post(`/login/password/${tok}`, { csrf, password: 'chosen-pass-1', password2: 'chosen-pass-1' });
  assert.equal(done.status, 200);
  await signIn([email, 'chosen-pass-1']);
  // without a link: a plain redirect to the user's page
  const k2 = await pageKeys(c, '/admin/users/new', 'user-new');
  const r2 = await c.post('/admin/users/new', { ...k2, email: mail('nolink'), role: 'customer', customer: someCustomer() });
  assert.equal(r2.status, 303);
  assert.equal(userRow(mail('nolink')), `customer\t${someCustomer()}\t1`);
  assert.equal(sql(`SELECT COUNT(*) FROM password_tokens WHERE user_id = ${userId(mail('nolink'))}`), '0');
});

test('add a user: every validation error answers 422 at its field and writes nothing', async () => {
  const c = await as('admin');
  const archived = sql(`SELECT id FROM customers WHERE active = 1 ORDER BY id DESC LIMIT 1`);
  sql(`UPDATE customers SET active = 0 WHERE id = ${archived}`);
  try {
    const cases = [
      [{ email: '', role: 'billing' }, 'email', /Email is required/],
      [{ email: 'not-an-email', role: 'billing' }, 'email', /Email /],
      [{ email: mail('v1'), role: 'boss' }, 'role', /Role /],
      [{ email: mail('v2'), role: 'customer', customer: '' }, 'customer', /is required for a customer user/],
      [{ email: mail('v3'), role: 'billing', customer: someCustomer() }, 'customer', /must be empty/],
      [{ email: mail('v4'), role: 'customer', customer: 'abc' }, 'customer', /Customer /],
      [{ email: mail('v5'), role: 'customer', customer: archived }, 'customer', /must be an active customer/],
      [{ email: mail('v6'), role: 'customer', customer: '999999999' }, 'customer', /must be an active customer/],
      [{ email: 'ADMIN@example.com', role: 'billing' }, 'email', /is used by another user already/],
      [{ email: mail('v7'), role: 'billing', name: 'é'.repeat(201) }, 'name', /too long/],
    ];
    for (const [fields, field, msg] of cases) {
      const k = await pageKeys(c, '/admin/users/new', 'user-new');
      const before = totals();
      const r = await c.post('/admin/users/new', { ...k, name: '', send_link: '1', ...fields });
      assert.equal(r.status, 422, JSON.stringify(fields));
      assert.match(r.text_, new RegExp(`id="e-${field}"`), `${JSON.stringify(fields)}: message at ${field}`);
      assert.match(r.text_, msg);
      assert.match(r.text_, /nothing was saved/);
      assert.equal(totals(), before, `${JSON.stringify(fields)}: nothing written`);
      // what was typed is kept, and the same key can be posted again once corrected
      if (fields.email) assert.ok(r.text_.includes(`value="${fields.email}"`));
      assert.equal(formKeys(r.text_, 'user-new').once, k.once);
    }
  } finally {
    sql(`UPDATE customers SET active = 1 WHERE id = ${archived}`);
  }
});

test('CSRF: a post without the form token, or with another session\'s, is refused and changes nothing', async () => {
  const u = addUser('csrf', 'billing');
  const id = userId(u[0]);
  const c = await as('admin');
  const k = await pageKeys(c, `/admin/users/${id}`, 'user-disable');
  const other = await as('admin');
  const foreign = (await other.get('/admin/users')).text_.match(/name="csrf" value="([0-9a-f]{64})"/)[1];
  const before = totals();
  for (const form of [{ once: k.once }, { once: k.once, csrf: foreign }, { once: k.once, csrf: '0'.repeat(64) }]) {
    const r = await c.post(`/admin/users/${id}/disable`, form);
    assert.equal(r.status, 403);
    assert.match(r.text_, /did not come from this site/);
  }
  // the token in the query string does not count either
  const r = await c.req('POST', `/admin/users/${id}/disable?csrf=${k.csrf}`, { form: { once: k.once } });
  assert.equal(r.status, 403);
  assert.equal(totals(), before);
  // a form without its one-time key, or with a malformed one: 400, nothing written
  for (const once of [undefined, 'xyz']) {
    const r2 = await c.post(`/admin/users/${id}/disable`, once ? { csrf: k.csrf, once } : { csrf: k.csrf });
    assert.equal(r2.status, 400);
    assert.match(r2.text_, /one-time key/);
  }
  assert.equal(totals(), before);
  // with it: done
  assert.equal((await c.post(`/admin/users/${id}/disable`, k)).status, 303);
  assert.equal(userRow(u[0]), 'billing\t-\t0');
});

test('change role, disable and enable from the user page; a disabled user is out at once', async () => {
  const u = addUser('page', 'support');
  const id = userId(u[0]);
  const victim = await signIn(u);
  const c = await as('admin');
  // role: support -> customer of a customer -> billing
  let k = await pageKeys(c, `/admin/users/${id}`, 'user-role');
  let r = await c.post(`/admin/users/${id}/role`, { ...k, role: 'customer', customer: '' });
  assert.equal(r.status, 422);
  assert.match(r.text_, /is required for a customer user/);
  assert.equal(userRow(u[0]), 'support\t-\t1');
  r = await c.post(`/admin/users/${id}/role`, { ...k, role: 'customer', customer: someCustomer() });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), `/admin/users/${id}?done=role`);
  assert.equal(userRow(u[0]), `customer\t${someCustomer()}\t1`);
  // the role applies to the open session at once
  assert.equal((await victim.get('/portal')).status, 200);
  assert.equal((await victim.get('/admin')).status, 404);
  const ev = sql(`SELECT JSON_VALUE(before_json, '$.role'), JSON_VALUE(after_json, '$.role'), JSON_VALUE(after_json, '$.customer_id')
    FROM audit_events WHERE entity = 'user' AND entity_id = ${id} AND action = 'role'`);
  assert.equal(ev, `support\tcustomer\t${someCustomer()}`);
  const hist = (await c.get(`/admin/users/${id}`)).text_;
  assert.match(hist, /<span class="field">role<\/span>: <del>support<\/del> → <ins>customer<\/ins>/, 'the history shows the change');
  // the same role form posted again changes nothing more
  r = await c.post(`/admin/users/${id}/role`, { ...k, role: 'customer', customer: someCustomer() });
  assert.equal(r.status, 303);
  assert.equal(auditCount(u[0], 'role'), 1);
  k = await pageKeys(c, `/admin/users/${id}`, 'user-role');
  r = await c.post(`/admin/users/${id}/role`, { ...k, role: 'billing', customer: '' });
  assert.equal(r.status, 303);
  assert.equal(userRow(u[0]), 'billing\t-\t1');
  assert.equal(auditCount(u[0], 'role'), 2);
  // disable: the open session ends now, sign-in refused
  assert.equal((await victim.get('/invoices')).status, 200);
  k = await pageKeys(c, `/admin/users/${id}`, 'user-disable');
  r = await c.post(`/admin/users/${id}/disable`, k);
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), `/admin/users/${id}?done=disabled`);
  assert.equal(userRow(u[0]), 'billing\t-\t0');
  assert.equal(sessionsOf(u[0]), 0);
  assert.equal((await victim.get('/invoices')).status, 303);
  assert.equal((await new Client().login(...u)).status, 401);
  const page = await c.get(`/admin/users/${id}?done=disabled`);
  assert.match(page.text_, /their sessions have ended/);
  assert.match(page.text_, /id="user-enable"/);
  assert.doesNotMatch(page.text_, /id="user-link"/, 'no password link for a disabled user');
  // a link for a disabled user is refused (409) and writes nothing
  const before = totals();
  r = await c.post(`/admin/users/${id}/password-link`, { csrf: k.csrf, once: 'cd'.repeat(32), hours: '72' });
  assert.equal(r.status, 409);
  assert.match(r.text_, /disabled/);
  assert.equal(totals(), before);
  // enable
  k = formKeys(page.text_, 'user-enable');
  r = await c.post(`/admin/users/${id}/enable`, k);
  assert.equal(r.status, 303);
  assert.equal(userRow(u[0]), 'billing\t-\t1');
  assert.equal(auditCount(u[0], 'disable'), 1);
  assert.equal(auditCount(u[0], 'enable'), 1);
  await signIn(u);
  // unknown user: 404
  assert.equal((await c.get('/admin/users/999999999')).status, 404);
  r = await c.post('/admin/users/999999999/disable', { csrf: k.csrf, once: 'ef'.repeat(32) });
  assert.equal(r.status, 404);
});

test('the last active admin can be neither disabled nor demoted; two admins demoting each other: one stays', async () => {
  assert.equal(activeAdmins(), 1);
  const c = await as('admin');
  const me = userId('admin@example.com');
  const before = totals();
  let k = await pageKeys(c, `/admin/users/${me}`, 'user-disable');
  let r = await c.post(`/admin/users/${me}/disable`, k);
  assert.equal(r.status, 409);
  assert.match(r.text_, /last active admin/);
  k = await pageKeys(c, `/admin/users/${me}`, 'user-role');
  r = await c.post(`/admin/users/${me}/role`, { ...k, role: 'billing', customer: '' });
  assert.equal(r.status, 409);
  assert.match(r.text_, /last active admin/);
  assert.equal(totals(), before);
  assert.equal((await c.get('/admin/users')).status, 200, 'still admin');

  for (let round = 0; round < 3; round++) {
    const a2 = addUser(`duel${round}`, 'admin');
    const b = await signIn(a2);
    const a2id = userId(a2[0]);
    const ka = await pageKeys(c, `/admin/users/${a2id}`, 'user-role');
    const kb = await pageKeys(b, `/admin/users/${me}`, 'user-role');
    const res = await Promise.all([
      c.post(`/admin/users/${a2id}/role`, { ...ka, role: 'support', customer: '' }),
      b.post(`/admin/users/${me}/role`, { ...kb, role: 'support', customer: '' }),
    ]);
    const codes = res.map((x) => x.status).sort();
    assert.equal(codes.filter((s) => s === 303).length, 1, `round ${round}: exactly one demotion: ${codes}`);
    // the other is refused: 409 (last admin) or 403 when its session was demoted first
    assert.ok(codes.includes(409) || codes.includes(403), String(codes));
    assert.equal(activeAdmins(), 1);
    assert.equal(Number(sql(`SELECT COUNT(*) FROM audit_events WHERE entity = 'user' AND entity_id IN (${me}, ${a2id}) AND action = 'role'`)) >= 1, true);
    ctl(['user', 'role', 'admin@example.com', 'admin']);
    ctl(['user', 'disable', a2[0]]);
  }
  assert.equal(userRow('admin@example.com'), 'admin\t-\t1');
});

test('password link from the user page: hours checked, shown once, mailed, works once', async () => {
  const u = addUser('pagelink', 'billing');
  const id = userId(u[0]);
  const c = await as('admin');
  let k = await pageKeys(c, `/admin/users/${id}`, 'user-link');
  const before = totals();
  let r = await c.post(`/admin/users/${id}/password-link`, { ...k, hours: '0' });
  assert.equal(r.status, 422);
  assert.match(r.text_, /id="e-hours"/);
  r = await c.post(`/admin/users/${id}/password-link`, { ...k, hours: '721' });
  assert.equal(r.status, 422);
  assert.equal(totals(), before);
  r = await c.post(`/admin/users/${id}/password-link`, { ...k, hours: '5' });
  assert.equal(r.status, 200);
  assert.match(r.text_, /for 5 hours/);
  const tok = linkToken(r.text_.match(/id="new-link" type="text" readonly size="60" value="([^"]+)"/)[1]);
  assert.equal(sql(`SELECT TIMESTAMPDIFF(HOUR, created_at, expires_at), created_by FROM password_tokens WHERE user_id = ${id}`),
    `5\t${userId('admin@example.com')}`);
  assert.equal(sql(`SELECT COUNT(*) FROM outbox WHERE to_address = '${u[0]}' AND LOCATE('${tok}', body) > 0`), '1');
  // double submit: no second link
  r = await c.post(`/admin/users/${id}/password-link`, { ...k, hours: '5' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), `/admin/users/${id}?done=link`);
  assert.equal(sql(`SELECT COUNT(*) FROM password_tokens WHERE user_id = ${id}`), '1');
  assert.equal(auditCount(u[0], 'password_link'), 1);
  const p = new Client();
  const pcsrf = (await p.get(`/login/password/${tok}`)).text_.match(/name="csrf" value="([0-9a-f]{64})"/)[1];
  assert.equal((await p.post(`/login/password/${tok}`, { csrf: pcsrf, password: 'from-page-pass', password2: 'from-page-pass' })).status, 200);
  assert.equal((await p.get(`/login/password/${tok}`)).status, 410);
  await signIn([u[0], 'from-page-pass']);
});
