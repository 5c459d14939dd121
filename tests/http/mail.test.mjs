// Customer notifications end to end: queued once per event in the change's
// transaction (issue with "notify", void), delivered once by
// `invoicectl send-mail` through a capturing sendmail stand-in
// (tests/mail/capture-sendmail) even when two runs overlap, valid MIME for
// Python's email module, a signed link that downloads the invoice's own PDF
// without a login, retries with backoff, interrupted runs, --dry-run.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { as, sql, BASE, Client } from './lib.mjs';

const n = (q) => +sql(q);
const one = (q) => sql(q);
const ROOT = resolve(process.cwd(), '../..');
const CAPTURE = join(ROOT, 'tests/mail/capture-sendmail');
const PARSE = join(ROOT, 'tests/mail/parse.py');
const DIR = mkdtempSync(join(tmpdir(), 'mail-capture-'));
const CFG = join(DIR, 'invoice.hdf');
writeFileSync(CFG, readFileSync(process.env.INVOICE_CONFIG, 'utf8') +
  `\nMail.Sendmail = ${CAPTURE} -t -i\nMail.From = billing@invoices.example\nMail.FromName = Fakturace Müller & Co\nMail.RetrySeconds = 120\nMail.MaxAttempts = 3\n`);

const MAX0 = n('SELECT COALESCE(MAX(id), 0) FROM invoices');
const OUT0 = n('SELECT COALESCE(MAX(id), 0) FROM outbox');
// the demo's own queued mail is not this file's business: park it, put it back after
const PARKED = sql(`SELECT GROUP_CONCAT(id) FROM outbox WHERE status IN ('queued', 'sending')`);
if (PARKED !== 'NULL' && PARKED) sql(`UPDATE outbox SET next_attempt_at = '2100-01-01' WHERE id IN (${PARKED})`);
after(() => {
  sql(`DELETE FROM outbox WHERE id > ${OUT0}`);
  sql(`DELETE FROM invoices WHERE id > ${MAX0}`);
  if (PARKED !== 'NULL' && PARKED) sql(`UPDATE outbox SET next_attempt_at = NOW() WHERE id IN (${PARKED})`);
  rmSync(DIR, { recursive: true, force: true });
});

// the customer of the portal user customer1, with an address and notifications on
const CID = +one(`SELECT customer_id FROM users WHERE email = 'customer1@example.com'`);
sql(`UPDATE customers SET email = 'accounts@kunde.example', notify_issued = 1, notify_payment = 1 WHERE id = ${CID}`);

const keys = (html) => ({
  csrf: html.match(/name="csrf" value="([0-9a-f]{64})"/)[1],
  once: (html.match(/name="once" value="([0-9a-f]{64})"/) || [])[1],
  row_version: (html.match(/name="row_version" value="(\d+)"/) || [])[1],
});

async function draft(c) {
  const k = keys((await c.get('/admin/invoices/new')).text_);
  const r = await c.post('/admin/invoices/new', {
    csrf: k.csrf, once: k.once, rows: '2', tax_rounding: 'line', customer: String(CID), invoice_date: '2026-12-01',
    l1_description: 'Mail test service', l1_quantity: '1', l1_unit_price: '100', l1_tax_rate: '19',
    l1_unit_code: 'C62', l1_tax_description: 'VAT 19%',
  });
  assert.equal(r.status, 303, r.text_.slice(0, 300));
  return +r.headers.get('location').match(/^\/invoices\/(\d+)/)[1];
}
async function act(c, id, action, extra = {}) {
  const k = keys((await c.get(`/admin/invoices/${id}/${action}`)).text_);
  const f = { csrf: k.csrf, once: k.once, row_version: k.row_version, ...extra };
  const a = await c.post(`/admin/invoices/${id}/${action}`, f);
  const b = await c.post(`/admin/invoices/${id}/${action}`, f);    // the same form again: a retry
  assert.equal(a.status, 303, a.text_.slice(0, 300));
  assert.equal(b.status, 303);
}

const sendMail = (args = [], env = {}) => new Promise((res) => {
  execFile(process.env.INVOICECTL, ['-c', CFG, 'send-mail', ...args],
    { env: { ...process.env, MAIL_CAPTURE_DIR: DIR, ...env } }, (err, stdout, stderr) => res({ code: err ? err.code : 0, stdout, stderr }));
});
const captured = () => readdirSync(DIR).filter((f) => f.endsWith('.eml')).sort().map((f) => join(DIR, f));
const parse = (files) => JSON.parse(execFileSync('python3', [PARSE, ...files], { encoding: 'utf8' }));
const clear = () => { for (const f of readdirSync(DIR)) if (/\.(eml|args)$/.test(f)) rmSync(join(DIR, f)); };

let ISSUED, VOIDED;

test('each event queues one message in its own transaction, also when the form is posted twice', async () => {
  const c = await as('billing');
  ISSUED = await draft(c);
  await act(c, ISSUED, 'issue', { notify: '1' });
  VOIDED = await draft(c);
  await act(c, VOIDED, 'issue', { notify: '1' });
  await act(c, VOIDED, 'void', { reason: 'Billed twice' });
  const quiet = await draft(c);
  await act(c, quiet, 'issue');                                  // notify not chosen: no mail
  const rows = sql(`SELECT invoice_id, kind, dedupe_key, to_address, status FROM outbox WHERE id > ${OUT0} ORDER BY id`)
    .split('\n').map((l) => l.split('\t'));
  assert.deepEqual(rows, [
    [String(ISSUED), 'invoice_issued', `invoice_issued:${ISSUED}`, 'accounts@kunde.example', 'queued'],
    [String(VOIDED), 'invoice_issued', `invoice_issued:${VOIDED}`, 'accounts@kunde.example', 'queued'],
    [String(VOIDED), 'invoice_voided', `invoice_voided:${VOIDED}`, 'accounts@kunde.example', 'queued'],
  ]);
  // a customer who turned notifications off gets no void message
  sql(`UPDATE customers SET notify_issued = 0 WHERE id = ${CID}`);
  const off = await draft(c);
  await act(c, off, 'issue', { notify: '1' });
  await act(c, off, 'void', { reason: 'Wrong customer' });
  sql(`UPDATE customers SET notify_issued = 1 WHERE id = ${CID}`);
  assert.equal(n(`SELECT COUNT(*) FROM outbox WHERE invoice_id = ${off} AND kind = 'invoice_voided'`), 0);
  assert.equal(n(`SELECT COUNT(*) FROM outbox WHERE invoice_id = ${off} AND kind = 'invoice_issued'`), 1);
});

test('--dry-run prints what would go out and changes nothing', async () => {
  const before = sql(`SELECT GROUP_CONCAT(CONCAT(id, status, attempts) ORDER BY id) FROM outbox WHERE id > ${OUT0}`);
  const r = await sendMail(['--dry-run']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /4 would be sent/);
  assert.match(r.stdout, /Subject: Cancelled: Invoice INV-/);
  assert.equal(sql(`SELECT GROUP_CONCAT(CONCAT(id, status, attempts) ORDER BY id) FROM outbox WHERE id > ${OUT0}`), before);
  assert.equal(captured().length, 0);
});

test('two overlapping runs deliver every message exactly once', async () => {
  const queued = n(`SELECT COUNT(*) FROM outbox WHERE id > ${OUT0} AND status = 'queued'`);
  assert.equal(queued, 4);
  // the second run starts while the first holds a message (each takes 0.5 s in "sendmail")
  const first = sendMail([], { MAIL_CAPTURE_SLEEP: '0.5' });
  for (let i = 0; i < 100 && n(`SELECT COUNT(*) FROM outbox WHERE id > ${OUT0} AND status = 'sending'`) === 0; i++)
    await new Promise((r) => setTimeout(r, 20));
  const [a, b] = await Promise.all([first, sendMail([], { MAIL_CAPTURE_SLEEP: '0.5' })]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const sent = (s) => +s.match(/sent (\d+)/)[1];
  assert.equal(sent(a.stdout) + sent(b.stdout), 4, a.stdout + b.stdout);
  assert.ok(sent(a.stdout) > 0 && sent(b.stdout) > 0, 'both runs worked at once: ' + a.stdout + b.stdout);
  const files = captured();
  assert.equal(files.length, 4);
  assert.equal(n(`SELECT COUNT(*) FROM outbox WHERE id > ${OUT0} AND status = 'sent' AND attempts = 1 AND sent_at IS NOT NULL`), 4);
  const msgs = parse(files);
  assert.equal(new Set(msgs.map((m) => m.message_id)).size, 4, 'one Message-ID each');
  // the args: -t -i as configured
  for (const f of readdirSync(DIR).filter((x) => x.endsWith('.args'))) assert.equal(readFileSync(join(DIR, f), 'utf8').trim(), '-t -i');
  // a third run finds nothing
  const c = await sendMail();
  assert.match(c.stdout, /sent 0,/);
  assert.equal(captured().length, 4);
});

test('the messages are valid MIME with text and HTML parts and a signed link to the right PDF', async () => {
  const msgs = parse(captured());
  const number = one(`SELECT number FROM invoices WHERE id = ${ISSUED}`);
  const m = msgs.find((x) => x.subject === `Invoice ${number}`);
  assert.ok(m, JSON.stringify(msgs.map((x) => x.subject)));
  assert.deepEqual(m.defects, []);
  assert.equal(m.type, 'multipart/alternative');
  assert.equal(m.mime_version, '1.0');
  assert.equal(m.from, 'Fakturace Müller & Co <billing@invoices.example>', 'RFC 2047 display name decoded');
  assert.equal(m.to, 'accounts@kunde.example');
  assert.match(m.message_id, /^<outbox-\d+\.\d+@invoices\.example>$/);
  assert.ok(!Number.isNaN(Date.parse(m.date)), m.date);
  assert.ok(m.max_line <= 998);
  const text = m.parts['text/plain'].text, html = m.parts['text/html'].text;
  assert.equal(m.parts['text/plain'].charset, 'utf-8');
  assert.equal(m.parts['text/plain'].cte, 'quoted-printable');
  const total = one(`SELECT total FROM invoices WHERE id = ${ISSUED}`);
  assert.ok(text.includes(number) && html.includes(number));
  assert.ok(text.includes(Number(total).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')) || text.includes(Number(total).toFixed(2)), text);
  assert.doesNotMatch(text + html, /password|customer1-pass/i, 'never a password');
  const link = text.match(/(http\S+\/d\/[A-Za-z0-9_-]+)/)[1];
  assert.ok(html.includes(`href="${link}"`), 'the HTML part has the same link');
  // the link works without a login and gives this invoice's PDF, byte for byte
  const path = link.replace(/^https?:\/\/[^/]+/, '');
  const anon = await new Client().get(path);
  assert.equal(anon.status, 200);
  assert.match(anon.headers.get('content-type'), /application\/pdf/);
  const staff = await as('admin');
  const res = await fetch(`${BASE}${path}`);
  const mine = await fetch(`${BASE}/invoices/${ISSUED}.pdf`, { headers: { cookie: staff.cookieHeader() } });
  assert.equal(mine.status, 200);
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), Buffer.from(await mine.arrayBuffer()));
  // the void message says so
  const v = msgs.find((x) => x.subject.startsWith('Cancelled: Invoice'));
  assert.ok(v);
  assert.match(v.parts['text/plain'].text, /has been cancelled/);
});

test('a refusing sendmail: retried with backoff, then failed after Mail.MaxAttempts', async () => {
  clear();
  const c = await as('billing');
  const id = await draft(c);
  await act(c, id, 'issue', { notify: '1' });
  const oid = n(`SELECT id FROM outbox WHERE invoice_id = ${id}`);
  let r = await sendMail([], { MAIL_CAPTURE_FAIL: '75' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /to retry 1/);
  let [status, attempts, err, wait] = sql(`SELECT status, attempts, last_error, TIMESTAMPDIFF(SECOND, NOW(), next_attempt_at) FROM outbox WHERE id = ${oid}`).split('\t');
  assert.equal(status, 'queued');
  assert.equal(attempts, '1');
  assert.match(err, /exit status 75: capture-sendmail: refused as asked/);
  assert.ok(+wait >= 110 && +wait <= 120, `first backoff Mail.RetrySeconds: ${wait}`);
  r = await sendMail();                                          // not due yet
  assert.match(r.stdout, /sent 0,/);
  assert.equal(captured().length, 0);
  sql(`UPDATE outbox SET next_attempt_at = NOW() WHERE id = ${oid}`);
  await sendMail([], { MAIL_CAPTURE_FAIL: '1' });
  [status, attempts, , wait] = sql(`SELECT status, attempts, last_error, TIMESTAMPDIFF(SECOND, NOW(), next_attempt_at) FROM outbox WHERE id = ${oid}`).split('\t');
  assert.equal(attempts, '2');
  assert.ok(+wait >= 230 && +wait <= 240, `doubled: ${wait}`);
  sql(`UPDATE outbox SET next_attempt_at = NOW() WHERE id = ${oid}`);
  r = await sendMail([], { MAIL_CAPTURE_FAIL: '1' });
  assert.match(r.stdout, /failed 1/);
  assert.equal(one(`SELECT status FROM outbox WHERE id = ${oid}`), 'failed');
  sql(`UPDATE outbox SET next_attempt_at = NOW() WHERE id = ${oid}`);
  await sendMail();
  assert.equal(captured().length, 0, 'a failed message is not sent again by cron');
});

test('a run killed halfway: before sendmail it is sent once later, after handing over never again', async () => {
  clear();
  const c = await as('billing');
  const a = await draft(c);
  await act(c, a, 'issue', { notify: '1' });
  const b = await draft(c);
  await act(c, b, 'issue', { notify: '1' });
  const [oa, ob] = [n(`SELECT id FROM outbox WHERE invoice_id = ${a}`), n(`SELECT id FROM outbox WHERE invoice_id = ${b}`)];
  // as a dead run leaves them: claimed, lease run out; b had reached sendmail
  sql(`UPDATE outbox SET status = 'sending', attempts = 1, next_attempt_at = NOW() - INTERVAL 1 SECOND, handed_at = NULL WHERE id = ${oa}`);
  sql(`UPDATE outbox SET status = 'sending', attempts = 1, next_attempt_at = NOW() - INTERVAL 1 SECOND, handed_at = NOW() WHERE id = ${ob}`);
  // a lease still running is left alone
  const r0 = await sendMail();
  assert.match(r0.stdout, /sent 1, to retry 0, failed 0, interrupted 1/);
  assert.equal(sql(`SELECT CONCAT(status, '/', attempts) FROM outbox WHERE id = ${oa}`), 'sent/2');
  assert.equal(one(`SELECT status FROM outbox WHERE id = ${ob}`), 'failed');
  assert.match(one(`SELECT last_error FROM outbox WHERE id = ${ob}`), /interrupted while handing to sendmail/);
  assert.equal(captured().length, 1);
  assert.equal(parse(captured())[0].subject, `Invoice ${one(`SELECT number FROM invoices WHERE id = ${a}`)}`);
  // a claimed row whose lease still runs is not touched
  const d = await draft(c);
  await act(c, d, 'issue', { notify: '1' });
  const od = n(`SELECT id FROM outbox WHERE invoice_id = ${d}`);
  sql(`UPDATE outbox SET status = 'sending', attempts = 1, next_attempt_at = NOW() + INTERVAL 5 MINUTE WHERE id = ${od}`);
  const r1 = await sendMail();
  assert.match(r1.stdout, /sent 0,/);
  assert.equal(one(`SELECT status FROM outbox WHERE id = ${od}`), 'sending');
});

test('staff see the notification history and the link downloads; admin and billing can send again once', async () => {
  const c = await as('billing');
  const page = await c.get(`/invoices/${ISSUED}`);
  assert.equal(page.status, 200);
  const hist = page.text_.match(/<table class="grid" id="mail-history">[\s\S]*?<\/table>/)[0];
  const rowsOf = sql(`SELECT id, status FROM outbox WHERE invoice_id = ${ISSUED} ORDER BY id DESC`).split('\n').map((l) => l.split('\t'));
  for (const [id, st] of rowsOf) assert.match(hist, new RegExp(`data-outbox="${id}" data-status="${st}"`));
  // a failed one shows its error
  const failedInv = one(`SELECT invoice_id FROM outbox WHERE id > ${OUT0} AND status = 'failed' AND last_error LIKE 'exit status%' LIMIT 1`);
  const fp = await c.get(`/invoices/${failedInv}`);
  assert.match(fp.text_, /<span class="mail-error">exit status 1: capture-sendmail: refused as asked<\/span>/);
  // the download by the mailed link was recorded with time and address
  const views = n(`SELECT COUNT(*) FROM link_views WHERE invoice_id = ${ISSUED}`);
  assert.ok(views >= 2, 'the two downloads of the MIME test');
  assert.match(page.text_, new RegExp(`<p id="link-views-total">${views} times</p>`));
  assert.match(page.text_, /<table class="grid" id="link-views"[\s\S]*?<td>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d<\/td><td>127\.0\.0\.1<\/td>/);
  // send again: one new queued row per form, audited; the same form twice sends once
  const src = rowsOf[rowsOf.length - 1][0];
  const csrf = page.text_.match(/name="csrf" value="([0-9a-f]{64})"/)[1];
  const once = page.text_.match(/action="\/admin\/invoices\/\d+\/resend"[\s\S]*?name="once" value="([0-9a-f]{64})"/)[1];
  const before = n(`SELECT COUNT(*) FROM outbox WHERE invoice_id = ${ISSUED}`);
  const f = { csrf, once, outbox: src };
  const [a, b] = await Promise.all([c.post(`/admin/invoices/${ISSUED}/resend`, f), c.post(`/admin/invoices/${ISSUED}/resend`, f)]);
  for (const r of [a, b]) { assert.equal(r.status, 303); assert.equal(r.headers.get('location'), `/invoices/${ISSUED}#notifications`); }
  assert.equal(n(`SELECT COUNT(*) FROM outbox WHERE invoice_id = ${ISSUED}`), before + 1);
  assert.equal(one(`SELECT CONCAT(status, '/', kind, '/', to_address) FROM outbox WHERE invoice_id = ${ISSUED} ORDER BY id DESC LIMIT 1`),
    'queued/invoice_issued/accounts@kunde.example');
  assert.equal(n(`SELECT COUNT(*) FROM audit_events WHERE entity = 'invoice' AND entity_id = ${ISSUED} AND action = 'resend_mail'`), 1);
  clear();
  await sendMail();
  assert.equal(captured().length, 1, 'the copy goes out');
  // another invoice's message id: 404; support: 403; a customer: 404
  const foreign = one(`SELECT id FROM outbox WHERE invoice_id = ${VOIDED} LIMIT 1`);
  const k2 = (await c.get(`/invoices/${ISSUED}`)).text_.match(/action="\/admin\/invoices\/\d+\/resend"[\s\S]*?name="once" value="([0-9a-f]{64})"/)[1];
  assert.equal((await c.post(`/admin/invoices/${ISSUED}/resend`, { csrf, once: k2, outbox: foreign })).status, 404);
  const s = await as('support');
  const sp = await s.get(`/invoices/${ISSUED}`);
  assert.doesNotMatch(sp.text_, /\/resend"/, 'support sees no re-send form');
  assert.match(sp.text_, /id="mail-history"/, 'but sees the history');
  assert.equal((await s.post(`/admin/invoices/${ISSUED}/resend`, { csrf: sp.text_.match(/name="csrf" value="([0-9a-f]{64})"/)[1], once: k2, outbox: src })).status, 403);
  const cu = await as('customer');
  const cp = await cu.get(`/invoices/${ISSUED}`);
  assert.equal(cp.status, 200);
  assert.doesNotMatch(cp.text_, /mail-history|link-views/, 'customers see neither');
});

test('signed-link downloads are rate-limited per address (429, not recorded), per Link.RatePerAddress', async () => {
  const link = execFileSync(process.env.INVOICECTL, ['link', String(ISSUED)], { encoding: 'utf8', env: process.env }).trim();
  const path = link.replace(/^https?:\/\/[^/]+/, '');
  const V0 = n('SELECT COALESCE(MAX(id), 0) FROM link_views');
  try {
    const recent = n(`SELECT COUNT(*) FROM link_views WHERE address = '127.0.0.1' AND viewed_at > NOW() - INTERVAL 10 MINUTE`);
    // fill the window up to one below the default limit of 60
    const fill = 59 - recent;
    if (fill > 0) sql(`INSERT INTO link_views (invoice_id, address) SELECT ${ISSUED}, '127.0.0.1' FROM seq_1_to_${fill}`);
    assert.equal((await fetch(BASE + path)).status, 200);
    const refused = await fetch(BASE + path);
    assert.equal(refused.status, 429);
    assert.match(await refused.text(), /Too many downloads/);
    assert.equal(n(`SELECT COUNT(*) FROM link_views WHERE address = '127.0.0.1' AND viewed_at > NOW() - INTERVAL 10 MINUTE`), 60);
  } finally {
    sql(`DELETE FROM link_views WHERE id > ${V0}`);
  }
  assert.equal((await fetch(BASE + path)).status, 200, 'open again once the window has room');
  sql(`DELETE FROM link_views WHERE id > ${V0}`);
});
