// Faults and edges (issue 9): a hung database, a list statement past its time limit, parallel
// wrong passwords, CSRF only from the body, cache and security headers of PDFs, 405s and
// nginx's own pages, the `/` redirect and the Host header, housekeeping.
// The test that stops a program restarts it, and the one that stops MariaDB always resumes it.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, openSync, closeSync, existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { Client, as, sql, ctl, USERS, BASE } from './lib.mjs';

const DIR = process.env.STACK_DIR;
const SECURITY = ['content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A request with node:http, which (unlike fetch) sends any Host header and any method.
function raw(method, path, { headers = {}, client, body } = {}) {
  const h = { ...headers };
  if (client && client.cookies.size) h.cookie = client.cookieHeader();
  if (body !== undefined) h['content-length'] = Buffer.byteLength(body);
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const req = http.request(BASE + path, { method, headers: h }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks),
        text: Buffer.concat(chunks).toString('utf8'), ms: Date.now() - t0 }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function securityHeaders(r, what) {
  assert.match(r.headers['content-security-policy'] || '', /default-src 'self'/, `${what}: CSP`);
  assert.match(r.headers['content-security-policy'] || '', /frame-ancestors 'none'/, `${what}: frame-ancestors`);
  assert.equal(r.headers['x-content-type-options'], 'nosniff', `${what}: nosniff`);
  assert.equal(r.headers['x-frame-options'], 'DENY', `${what}: X-Frame-Options`);
  assert.equal(r.headers['referrer-policy'], 'same-origin', `${what}: Referrer-Policy`);
}

// Words a page for people must never show: what the programs and the database say in logs.
function noInternals(text, what) {
  for (const w of [/\b2013\b/, /\b1969\b/, /Lost connection/i, /mysql|mariadb/i, /max_statement_time/i,
    /db unavailable/i, /nginx/i]) {
    assert.doesNotMatch(text, w, `${what}: no internals (${w})`);
  }
}

const csrfOf = (html) => html.match(/name="csrf" value="([0-9a-f]{64})"/)[1];

beforeEach(() => sql('DELETE FROM login_failures'));

// ---------- a hung database ----------

test('a stopped (hung) MariaDB: a 503 product page within 5 s, for every role; the next request works again', async () => {
  const pid = +readFileSync(`${DIR}/run/mysqld.pid`, 'utf8').trim();
  const clients = {};
  for (const role of ['admin', 'customer']) clients[role] = await as(role);
  const answers = [];
  process.kill(pid, 'SIGSTOP');
  try {
    for (const [role, path] of [['admin', '/invoices'], ['customer', '/portal'], ['admin', '/invoices?q=cloud']]) {
      const r = await raw('GET', path, { client: clients[role] });
      answers.push([role, path, r]);
    }
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  for (const [role, path, r] of answers) {
    const what = `${role} ${path}`;
    assert.equal(r.status, 503, `${what}: ${r.status} after ${r.ms} ms`);
    assert.ok(r.ms < 5000, `${what}: answered in ${r.ms} ms (DB.ReadTimeout 2 s, no retry of a timed-out read)`);
    assert.match(r.text, /temporarily unavailable/, what);
    assert.match(r.text, /<h1>503 Service Unavailable<\/h1>/, `${what}: the product's error page`);
    assert.equal(r.headers['retry-after'], '5', what);
    securityHeaders(r, what);
    noInternals(r.text, what);
  }
  // the workers reconnect: every one of them answers again (4 workers, 8 requests each)
  for (const [role, path] of [['admin', '/invoices'], ['customer', '/portal']]) {
    for (let i = 0; i < 8; i++) {
      const r = await raw('GET', path, { client: clients[role] });
      assert.equal(r.status, 200, `${role} ${path} after SIGCONT (#${i}): ${r.status}`);
    }
  }
});

// ---------- a list statement past List.MaxStatementSeconds ----------

test('a list statement past List.MaxStatementSeconds (1 s): a 503 "refine your search" page with the filters kept', async () => {
  const pass = readFileSync(`${DIR}/dbpass`, 'utf8').trim();
  const admin = await as('admin');
  const cust = await as('customer');
  // Another session holds a write lock on invoices: every list statement waits on it, as a
  // search of common words that rarely meet runs on the big data set, until MariaDB stops it.
  // Statements go in on stdin, so the lock ends as soon as the test says so (--unbuffered:
  // "locked" is printed when the lock is held, not when the client exits).
  const locker = spawn('mariadb', ['--no-defaults', '--unbuffered', `--socket=${DIR}/run/mysqld.sock`, '-uinvoice',
    `-p${pass}`, 'invoice'], { stdio: ['pipe', 'pipe', 'inherit'] });
  locker.stdin.write('LOCK TABLES invoices WRITE;\nSELECT "locked";\n');
  const results = [];
  try {
    await new Promise((resolve, reject) => {
      locker.stdout.on('data', (d) => { if (/locked/.test(String(d))) resolve(); });
      locker.on('exit', () => reject(new Error('the lock session ended early')));
    });
    for (const [role, c] of [['admin', admin], ['customer', cust]]) {
      const r = await raw('GET', '/invoices?q=cloud+voice&status=due&sort=total&dir=desc&page=3', { client: c });
      results.push([role, r]);
    }
  } finally {
    locker.stdin.end('UNLOCK TABLES;\n');
    await new Promise((resolve) => (locker.exitCode !== null ? resolve() : locker.on('exit', resolve)));
  }
  for (const [role, r] of results) {
    assert.equal(r.status, 503, `${role}: ${r.status} ${r.text.slice(0, 300)}`);
    assert.ok(r.ms >= 900 && r.ms < 3000, `${role}: stopped at the limit, ${r.ms} ms`);
    assert.match(r.text, /<h1>Refine your search<\/h1>/, role);
    assert.match(r.text, /took longer than 1 s and was stopped/, role);
    assert.match(r.text, /<input type="search" name="q" id="q" value="cloud voice"/, `${role}: the search kept`);
    for (const [k, v] of [['status', 'due'], ['sort', 'total'], ['dir', 'desc']]) {
      assert.match(r.text, new RegExp(`<input type="hidden" name="${k}" value="${v}">`), `${role}: ${k} kept`);
    }
    assert.doesNotMatch(r.text, /name="page"/, `${role}: back to page 1`);
    assert.match(r.text, /href="\/invoices\?status=due&amp;sort=total&amp;dir=desc">Show the list without this search/, role);
    assert.equal(r.headers['cache-control'], 'private, no-store', role);
    securityHeaders(r, role);
    noInternals(r.text, role);
  }
  // the lock is gone: the same search answers
  for (const c of [admin, cust]) {
    const r = await raw('GET', '/invoices?q=cloud+voice&status=due', { client: c });
    assert.equal(r.status, 200);
    assert.match(r.text, /<h1>Invoices<\/h1>/);
  }
});

// ---------- login throttling under parallel attempts ----------

test('40 parallel wrong passwords for one account: at most Login.AccountFailures (5) are checked; then even the right one waits for the window', async () => {
  const email = USERS.billing[0];
  const c = new Client();
  const csrf = await c.csrf('/login');
  const cookie = c.cookieHeader();
  const body = (password) => new URLSearchParams({ email, password, csrf }).toString();
  const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => raw('POST', '/login', {
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: body(`wrong-${i}`) })));
  const wrong = answers.filter((r) => r.status === 401 && /email address or password is not correct/.test(r.text)).length;
  const refused = answers.filter((r) => r.status === 429 && /Too many failed sign-in attempts/.test(r.text)).length;
  assert.equal(wrong + refused, 40, `every answer is one of the two: ${answers.map((r) => r.status).join(' ')}`);
  assert.ok(wrong >= 1 && wrong <= 5, `${wrong} passwords checked (at most 5), ${refused} refused before the check`);
  // the failures on record are exactly the checked attempts (refusals do not move the window)
  assert.equal(+sql(`SELECT COUNT(*) FROM login_failures WHERE email = '${email}'`), wrong);
  // the right password is refused now...
  let r = await c.login(...USERS.billing);
  assert.equal(r.status, 429);
  assert.equal(c.cookies.get('sid'), undefined);
  // ...and taken once the window (Login.WindowMinutes, 15) has passed
  sql(`UPDATE login_failures SET failed_at = failed_at - INTERVAL 16 MINUTE WHERE email = '${email}'`);
  r = await c.login(...USERS.billing);
  assert.equal(r.status, 303);
  assert.equal(+sql(`SELECT COUNT(*) FROM login_failures WHERE email = '${email}'`), 0, 'a success clears the record');
});

// ---------- CSRF from the body only ----------

test('a POST with the csrf token only in the query string is refused (403) and changes nothing', async () => {
  // signed in: logout and the column chooser
  const c = await as('admin');
  const csrf = csrfOf((await c.get('/invoices')).text_);
  const userId = sql(`SELECT id FROM users WHERE email = '${USERS.admin[0]}'`);
  const prefs = () => sql(`SELECT COALESCE(MAX(CONCAT(pref, '=', value)), '') FROM user_prefs WHERE user_id = ${userId} AND pref = 'invoices.cols'`);
  const before = prefs();
  let r = await c.req('POST', `/invoices/columns?csrf=${csrf}`, { form: { show_number: '1', show_total: '1' } });
  assert.equal(r.status, 403);
  assert.match(r.text_, /did not come from this site/);
  assert.equal(prefs(), before, 'the column choice is unchanged');
  r = await c.req('POST', `/logout?csrf=${csrf}`, { form: { x: '1' } });
  assert.equal(r.status, 403);
  assert.equal((await c.get('/invoices')).status, 200, 'still signed in');
  // the same token in the body works
  r = await c.req('POST', `/logout`, { form: { csrf } });
  assert.equal(r.status, 303);
  // before login: the double-submit token only in the query string
  const d = new Client();
  const lcsrf = await d.csrf('/login');
  r = await d.req('POST', `/login?csrf=${lcsrf}`, { form: { email: USERS.admin[0], password: USERS.admin[1] } });
  assert.equal(r.status, 403);
  assert.equal(d.cookies.get('sid'), undefined);
  assert.equal(+sql('SELECT COUNT(*) FROM login_failures'), 0, 'not even counted as an attempt');
});

// ---------- PDFs: Cache-Control like the pages ----------

test('stored PDFs (program and X-Accel-Redirect), drafts, CSVs and signed-link PDFs go out private, no-store', async () => {
  const admin = await as('admin');
  const cust = await as('customer');
  const id = +sql(`SELECT i.id FROM invoices i JOIN users u ON u.customer_id = i.customer_id
    WHERE u.email = '${USERS.customer[0]}' AND i.status = 'open' ORDER BY i.id LIMIT 1`);
  const draft = +sql(`SELECT id FROM invoices WHERE status = 'draft' ORDER BY id LIMIT 1`);
  assert.ok(id > 0 && draft > 0, 'test data has an issued invoice of customer1 and a draft');
  const direct = await raw('GET', `/invoices/${id}.pdf`, { client: admin });      // stores it, writes the file
  const viaNginx = await raw('GET', `/invoices/${id}.pdf`, { client: cust });     // sent from the file copy
  assert.equal(viaNginx.headers['accept-ranges'], 'bytes', 'the second download is sent by nginx (X-Accel-Redirect)');
  const token = new URL(ctl(['link', String(id)]).trim()).pathname;
  const link = await raw('GET', token);
  const cases = [['direct', direct], ['X-Accel', viaNginx], ['/d/ link', link],
    ['draft', await raw('GET', `/invoices/${draft}.pdf`, { client: admin })],
    ['csv', await raw('GET', `/invoices/${id}.csv`, { client: admin })]];
  for (const [what, r] of cases) {
    assert.equal(r.status, 200, what);
    assert.equal(r.headers['cache-control'], 'private, no-store', `${what}: Cache-Control`);
    assert.equal(r.headers.expires, undefined, `${what}: no Expires`);
    securityHeaders(r, what);
  }
  assert.ok(link.body.equals(direct.body) && viaNginx.body.equals(direct.body), 'the same document every way');
  // a revalidation says the same
  const nm = await raw('GET', `/invoices/${id}.pdf`, { client: admin, headers: { 'if-none-match': direct.headers.etag } });
  assert.equal(nm.status, 304);
  assert.equal(nm.headers['cache-control'], 'private, no-store');
});

// ---------- 405 carries Allow ----------

test('405 answers carry Allow, for methods the programs know and for ones they do not', async () => {
  const admin = await as('admin');
  for (const [method, path, allow] of [
    ['DELETE', '/invoices', 'GET, HEAD'], ['PUT', '/invoices', 'GET, HEAD'], ['POST', '/invoices', 'GET, HEAD'],
    ['PUT', '/login', 'GET, HEAD, POST'], ['GET', '/logout', 'POST'], ['DELETE', '/logout', 'POST'],
    ['PATCH', '/invoices/columns', 'POST'], ['DELETE', `/invoices/1.pdf`, 'GET, HEAD'],
  ]) {
    const r = await raw(method, path, { client: admin });
    assert.equal(r.status, 405, `${method} ${path}`);
    assert.equal(r.headers.allow, allow, `${method} ${path}: Allow`);
    securityHeaders(r, `${method} ${path}`);
  }
});

// ---------- nginx's own answers ----------

test('nginx\'s own 405 (a POST to a static file) carries Allow and the security headers', async () => {
  for (const method of ['POST', 'PUT', 'DELETE']) {
    const r = await raw(method, '/static/app.css', { body: 'x=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(r.status, 405, method);
    assert.equal(r.headers.allow, 'GET, HEAD', `${method}: Allow`);
    assert.match(r.text, /<title>405 Method Not Allowed · Invoice Manager<\/title>/, `${method}: the product's page`);
    securityHeaders(r, `${method} /static/app.css`);
    noInternals(r.text, method);
  }
  assert.equal((await raw('GET', '/static/app.css')).status, 200);
});

test('nginx\'s own 404 and 413 are the product\'s pages with the security headers', async () => {
  for (const path of ['/nope', '/static/nope.css', '/admin.php', '/_error/error-404.html', '/_stored-pdf/x.pdf']) {
    const r = await raw('GET', path);
    assert.equal(r.status, 404, path);
    assert.match(r.text, /<title>404 Not Found · Invoice Manager<\/title>/, `${path}: the product's page`);
    assert.match(r.text, /There is nothing at this address/, path);
    assert.equal(r.headers['cache-control'], 'no-store', path);
    securityHeaders(r, path);
    noInternals(r.text, path);
  }
  const big = 'x='.concat('a'.repeat(1100 * 1024));
  const r = await raw('POST', '/login', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: big });
  assert.equal(r.status, 413);
  assert.match(r.text, /The request is too large/);
  securityHeaders(r, '413');
  noInternals(r.text, '413');
});

test('the / redirect and the programs\' redirects do not echo the Host header', async () => {
  for (const host of ['evil.example', 'evil.example:666', '127.0.0.1']) {
    let r = await raw('GET', '/', { headers: { host } });
    assert.equal(r.status, 302);
    assert.equal(r.headers.location, '/invoices', `Host ${host}`);
    r = await raw('GET', '/invoices', { headers: { host } });
    assert.equal(r.status, 303);
    assert.equal(r.headers.location, '/login?next=%2Finvoices', `Host ${host}`);
  }
});

// ---------- housekeeping ----------

const HK_LINE = (s, f, k, l) => `removed ${s} expired sessions, ${f} old login failures, ${k} old form keys and ${l} old password links`;
// what housekeeping should take, counted by SQL from the documented rules (README "Configuration")
const HK_SQL = {
  sessions: 'SELECT COUNT(*) FROM sessions WHERE expires_at <= UTC_TIMESTAMP() OR last_seen_at <= UTC_TIMESTAMP() - INTERVAL 30 MINUTE',
  failures: 'SELECT COUNT(*) FROM login_failures WHERE failed_at <= UTC_TIMESTAMP() - INTERVAL 15 MINUTE',
  keys: 'SELECT COUNT(*) FROM idempotency_keys WHERE created_at <= UTC_TIMESTAMP() - INTERVAL 7 DAY',
  links: `SELECT COUNT(*) FROM password_tokens WHERE used_at <= UTC_TIMESTAMP() - INTERVAL 1 DAY
    OR expires_at <= UTC_TIMESTAMP() - INTERVAL 1 DAY`,
};
const hkExpected = (q = HK_SQL) => HK_LINE(...['sessions', 'failures', 'keys', 'links'].map((k) => +sql(q[k])));

test('invoicectl housekeeping deletes expired sessions, old login failures, form keys and password links, and keeps live ones', async () => {
  const live = await as('support');
  const uid = sql(`SELECT id FROM users WHERE email = '${USERS.support[0]}'`);
  const mk = (tag, last, expires) => sql(`INSERT INTO sessions (token_hash, user_id, csrf, address, created_at, last_seen_at, expires_at)
    VALUES (UNHEX(SHA2('${tag}-${Date.now()}', 256)), ${uid}, REPEAT('a', 64), 'hk-${tag}', UTC_TIMESTAMP() - INTERVAL 2 HOUR,
    ${last}, ${expires})`);
  mk('expired', 'UTC_TIMESTAMP()', 'UTC_TIMESTAMP() - INTERVAL 1 SECOND');
  mk('idle', 'UTC_TIMESTAMP() - INTERVAL 31 MINUTE', 'UTC_TIMESTAMP() + INTERVAL 5 HOUR');   // Session.IdleMinutes 30
  mk('recent', 'UTC_TIMESTAMP() - INTERVAL 29 MINUTE', 'UTC_TIMESTAMP() + INTERVAL 5 HOUR');
  sql(`INSERT INTO login_failures (email, address, failed_at) VALUES
    ('old@example.com', 'hk', UTC_TIMESTAMP() - INTERVAL 16 MINUTE),
    ('new@example.com', 'hk', UTC_TIMESTAMP() - INTERVAL 14 MINUTE)`);
  // one-time form keys: kept 7 days (Housekeeping.FormKeyDays)
  // (created now - INTERVAL age: '7 DAY - INTERVAL 1 MINUTE' is 7 days and a minute ago)
  const key = (tag, age) => `(RPAD('hk-${tag}', 64, '0'), ${uid}, 'hk.test', '/x', UTC_TIMESTAMP() - INTERVAL ${age})`;
  sql(`INSERT INTO idempotency_keys (idem_key, user_id, action, result, created_at) VALUES
    ${key('old1', '8 DAY')}, ${key('old2', '7 DAY - INTERVAL 1 MINUTE')}, ${key('new1', '7 DAY + INTERVAL 1 MINUTE')}, ${key('new2', '1 HOUR')}`);
  // password links: kept 1 day after their use or expiry (Housekeeping.PasswordLinkDays)
  const link = (tag, expires, used) => `(UNHEX(SHA2('hk-${tag}', 256)), ${uid}, UTC_TIMESTAMP() - INTERVAL 5 DAY, ${expires}, ${used})`;
  sql(`INSERT INTO password_tokens (token_hash, user_id, created_at, expires_at, used_at) VALUES
    ${link('used-old', 'UTC_TIMESTAMP() + INTERVAL 1 DAY', 'UTC_TIMESTAMP() - INTERVAL 25 HOUR')},
    ${link('used-new', 'UTC_TIMESTAMP() + INTERVAL 1 DAY', 'UTC_TIMESTAMP() - INTERVAL 23 HOUR')},
    ${link('expired-old', 'UTC_TIMESTAMP() - INTERVAL 25 HOUR', 'NULL')},
    ${link('expired-new', 'UTC_TIMESTAMP() - INTERVAL 23 HOUR', 'NULL')},
    ${link('open', 'UTC_TIMESTAMP() + INTERVAL 1 HOUR', 'NULL')}`);
  const expired = +sql(HK_SQL.sessions);
  assert.ok(expired >= 2);
  assert.ok(+sql(HK_SQL.keys) >= 2 && +sql(HK_SQL.links) >= 2);
  const expect = hkExpected();
  const out = ctl(['housekeeping']);
  assert.equal(out.trim(), expect);
  assert.equal(sql(`SELECT GROUP_CONCAT(address ORDER BY address) FROM sessions WHERE address LIKE 'hk-%'`), 'hk-recent');
  assert.equal(sql(`SELECT GROUP_CONCAT(email) FROM login_failures WHERE address = 'hk'`), 'new@example.com');
  assert.equal(sql(`SELECT GROUP_CONCAT(LEFT(idem_key, 7) ORDER BY idem_key) FROM idempotency_keys WHERE action = 'hk.test'`), 'hk-new1,hk-new2');
  assert.equal(sql(`SELECT GROUP_CONCAT(id ORDER BY id) FROM password_tokens
    WHERE token_hash IN (UNHEX(SHA2('hk-used-new', 256)), UNHEX(SHA2('hk-expired-new', 256)), UNHEX(SHA2('hk-open', 256)))`).split(',').length, 3,
    'the recently used, the recently expired and the open link stay');
  assert.equal(+sql(`SELECT COUNT(*) FROM password_tokens WHERE token_hash IN (UNHEX(SHA2('hk-used-old', 256)), UNHEX(SHA2('hk-expired-old', 256)))`), 0);
  for (const q of Object.values(HK_SQL)) assert.equal(+sql(q), 0, q);
  assert.equal((await live.get('/invoices')).status, 200, 'a live session still works');
  assert.equal(ctl(['housekeeping']).trim(), HK_LINE(0, 0, 0, 0), 'nothing left the second time');
  sql(`DELETE FROM sessions WHERE address LIKE 'hk-%'`);
  sql(`DELETE FROM login_failures WHERE address = 'hk'`);
  sql(`DELETE FROM idempotency_keys WHERE action = 'hk.test'`);
  sql(`DELETE FROM password_tokens WHERE user_id = ${uid} AND created_at <= UTC_TIMESTAMP() - INTERVAL 5 DAY`);
});

test('invoicectl housekeeping deletes in batches until nothing old is left', () => {
  const uid = sql(`SELECT id FROM users WHERE email = '${USERS.support[0]}'`);
  const rows = [];
  for (let i = 0; i < 7; i++) rows.push(`(RPAD('hkb-${i}', 64, '0'), ${uid}, 'hk.batch', '', UTC_TIMESTAMP() - INTERVAL ${i < 5 ? 30 : 1} DAY)`);
  sql(`INSERT INTO idempotency_keys (idem_key, user_id, action, result, created_at) VALUES ${rows.join(', ')}`);
  // 5 old keys in batches of 2: three batches (2, 2, 1)
  const cfg = `${DIR}/hk-batch.hdf`;
  writeFileSync(cfg, `${readFileSync(process.env.INVOICE_CONFIG, 'utf8')}\nHousekeeping.BatchRows = 2\n`);
  const expect = hkExpected();
  assert.match(expect, / 5 old form keys /, 'only the five test keys are old');
  assert.equal(ctl(['-c', cfg, 'housekeeping']).trim(), expect);
  assert.equal(sql(`SELECT COUNT(*) FROM idempotency_keys WHERE action = 'hk.batch'`), '2');
  // the retention is a setting: with 1 day the two 1-day-old keys go too, the rest of this run's stay
  writeFileSync(cfg, `${readFileSync(process.env.INVOICE_CONFIG, 'utf8')}\nHousekeeping.FormKeyDays = 1\n`);
  const byDay = { ...HK_SQL, keys: 'SELECT COUNT(*) FROM idempotency_keys WHERE created_at <= UTC_TIMESTAMP() - INTERVAL 1 DAY' };
  assert.equal(+sql(byDay.keys), 2);
  const want = hkExpected(byDay);
  assert.equal(ctl(['-c', cfg, 'housekeeping']).trim(), want);
  assert.equal(sql(`SELECT COUNT(*) FROM idempotency_keys WHERE action = 'hk.batch'`), '0');
});

// ---------- a program that is down (last: it restarts the program) ----------

test('a stopped program: nginx\'s 502 is the product\'s page with the security headers; the program restarts', async () => {
  const prog = 'portal';
  const pidFile = `${DIR}/run/${prog}.pid`;
  const pid = +readFileSync(pidFile, 'utf8').trim();
  const cust = await as('customer');
  assert.equal((await raw('GET', '/portal', { client: cust })).status, 200);
  process.kill(pid, 'SIGTERM');
  const gone = async () => { try { process.kill(pid, 0); return false; } catch { return true; } };
  for (let i = 0; i < 100 && !(await gone()); i++) await sleep(50);
  let r;
  try {
    r = await raw('GET', '/portal', { client: cust });
  } finally {
    // start it again as scripts/dev does, so the stack stays whole for the other test files
    const sock = `${DIR}/run/${prog}.sock`;
    const log = openSync(`${DIR}/log/${prog}.log`, 'a');
    const child = spawn(`${process.env.INVOICE_BUILD}/cgi-bin/${prog}`, ['--listen', sock, '--workers', '2'],
      { env: { ...process.env, INVOICE_CONFIG: `${DIR}/invoice.hdf` }, detached: true, stdio: ['ignore', log, log] });
    child.unref();
    closeSync(log);
    writeFileSync(pidFile, String(child.pid));
    const up = () => new Promise((resolve) => {
      const s = net.connect(sock, () => { s.end(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    for (let i = 0; i < 100 && !(existsSync(sock) && (await up())); i++) await sleep(50);
  }
  assert.equal(r.status, 502);
  assert.match(r.text, /<title>Service unavailable · Invoice Manager<\/title>/);
  assert.match(r.text, /temporarily unavailable/);
  assert.equal(r.headers['cache-control'], 'no-store');
  securityHeaders(r, '502');
  noInternals(r.text, '502');
  let back;
  for (let i = 0; i < 40; i++) {
    back = await raw('GET', '/portal', { client: cust });
    if (back.status === 200) break;
    await sleep(100);
  }
  assert.equal(back.status, 200, 'the program answers again');
});
