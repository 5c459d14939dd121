// Invoice documents (cgi-bin/invoice-pdf): GET /invoices/{id}.pdf checked with qpdf, pdfinfo and
// pdftotext against the database (number, buyer, every line, totals, non-ASCII text and the glyphs
// for it, page count of a 500-line invoice), the stored PDF (once per state and paid amount, the
// same bytes every time, ETag and 304), the DRAFT and CANCELLED watermarks, scoping, the detailed
// CSV (RFC 4180, formula guard, one row per line) and signed links (/d/{token}: expiry, tampering,
// revocation with its audit event, drafts, nothing but the one PDF).
// File copies (PDF.Files + PDF.AccelRedirect, set by scripts/dev): a stored PDF is also a file
// <id>-<etag>.pdf in the stack's pdf-files directory, and later downloads are headers only from
// the program with X-Accel-Redirect: nginx sends the file, with the program's headers, after
// the same checks (scope, link epoch); the internal location is not reachable from outside.
// Every change made here is undone in a finally block or in after().
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { as, sql, ctl, BASE, setCookies, buyerSql, customerTodaySql } from './lib.mjs';

// ---------- SQL ----------

// mariadb -B escapes \n \t \\ and NUL in values
const unescape = (s) => s.replace(/\\(.)/g, (_, c) => ({ n: '\n', t: '\t', r: '\r', 0: '\0' })[c] ?? c);
const rows = (q) => { const s = sql(q); return s === '' ? [] : s.split('\n').map((l) => l.split('\t').map(unescape)); };
const q1 = (q) => sql(q);
const str = (s) => `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\r/g, '\\r').replace(/\n/g, '\\n')}'`;

const CUST1 = +q1(`SELECT customer_id FROM users WHERE email = 'customer1@example.com'`);
const CUST2 = +q1(`SELECT customer_id FROM users WHERE email = 'customer2@example.com'`);
const one = (where, order = 'i.id') => {
  const id = q1(`SELECT i.id FROM invoices i WHERE ${where} ORDER BY ${order} LIMIT 1`);
  assert.ok(id, `the demo data has an invoice with ${where}`);
  return +id;
};
const nlines = (id) => `(SELECT COUNT(*) FROM invoice_lines l WHERE l.invoice_id = ${id})`;
// customer 1: issued with payments and several lines; issued and unpaid; a draft
const PARTIAL = one(`i.customer_id = ${CUST1} AND i.status = 'open' AND i.paid_amount > 0 AND i.balance > 1
  AND ${nlines('i.id')} > 1`);
const UNPAID1 = one(`i.customer_id = ${CUST1} AND i.status = 'open' AND i.paid_amount = 0 AND ${nlines('i.id')} > 0`);
const DRAFT1 = one(`i.customer_id = ${CUST1} AND i.status = 'draft' AND ${nlines('i.id')} > 1`);
const DRAFT2 = one(`i.customer_id = ${CUST2} AND i.status = 'draft'`);
const OTHER = one(`i.customer_id = ${CUST2} AND i.status <> 'draft'`);
const MISSING = +q1('SELECT MAX(id) FROM invoices') + 1000;
const SECRET = Buffer.from(readFileSync(`${process.env.STACK_DIR}/secret`, 'utf8').trim(), 'hex');
// the file copies of stored PDFs (PDF.Files in the stack's invoice.hdf)
const FILES = join(process.env.STACK_DIR, 'pdf-files');

const EXP = { JPY: 0, KWD: 3, BHD: 3, JOD: 3, OMR: 3, TND: 3, IQD: 3, LYD: 3 };
const group = (int) => int.replace(/\B(?=(\d{3})+$)/g, ',');
// DB decimal text ("7316.920") as documents print it ("7,316.92 EUR"; without the code in the line table)
function money(dec, cur, withCode = true) {
  const e = EXP[cur] ?? 2;
  let s = String(dec), neg = '';
  if (s.startsWith('-')) { neg = '-'; s = s.slice(1); }
  const [int, frac = ''] = s.split('.');
  const f = frac.padEnd(3, '0');
  assert.match(f.slice(e), /^0*$/, `${dec} has digits beyond ${cur}'s exponent`);
  const v = `${neg}${group(int)}${e ? '.' + f.slice(0, e) : ''}`;
  return withCode ? `${v} ${cur}` : v;
}
// the plain decimal with the currency's exponent ("7316.920" -> "7316.92"), as the CSV writes amounts
function plain(dec, cur) {
  const e = EXP[cur] ?? 2;
  const [int, frac = ''] = String(dec).split('.');
  return e ? `${int}.${frac.padEnd(e, '0').slice(0, e)}` : int;
}

function truth(id) {
  const [h] = rows(`SELECT i.id, COALESCE(i.number, ''), i.kind, i.status, i.currency, i.net_total, i.tax_total,
      i.total, i.paid_amount, i.balance, ${buyerSql('name')}, ${buyerSql('legal_name')}, COALESCE(ci.number, ''),
      i.customer_id, i.invoice_date, i.due_date, ${buyerSql('vat_id')}, i.link_epoch
    FROM invoices i JOIN customers c ON c.id = i.customer_id LEFT JOIN invoices ci ON ci.id = i.credited_invoice_id
    WHERE i.id = ${id}`);
  const [, number, kind, status, cur, net, tax, total, paid, balance, name, legal, credited, customer, date, due,
    vat, epoch] = h;
  return {
    id, number, kind, status, cur, net, tax, total, paid, balance, name, buyer: legal || name, credited,
    customer: +customer, date, due, vat, epoch: +epoch, title: number || `Draft #${id}`,
    lines: rows(`SELECT position, description, quantity, unit_code, unit_price, tax_rate, vat_category,
        tax_description, net_amount, tax_amount, net_amount + tax_amount FROM invoice_lines
        WHERE invoice_id = ${id} ORDER BY position`),
  };
}

// Changed rows get their updated_at back; stored PDFs of invoices touched here go back to
// "nothing stored" if that is how they were found.
const found = new Map();
function touch(id) {
  if (!found.has(id)) {
    const r = rows(`SELECT pdf_state, updated_at FROM invoices WHERE id = ${id}`)[0];
    if (r) found.set(id, { pdf: r[0], updated: r[1] });
  }
}
// The state an issued invoice's stored PDF is rendered for (lib/invoice.c inv_pdf_want): its
// status line says Overdue once the due date has passed in the customer's zone.
const stateOf = (id) => q1(`SELECT CASE WHEN i.status = 'void' THEN 'void' WHEN i.status = 'open' AND i.kind = 'invoice'
  AND i.due_date < ${customerTodaySql()} THEN 'overdue' ELSE 'issued' END FROM invoices i WHERE i.id = ${id}`);
const UNSTORE = `pdf_state = 'none', pdf = NULL, pdf_etag = NULL, pdf_paid = NULL, pdf_rendered_at = NULL`;
// per-day totals rows the triggers created for states we made up (and left empty again)
const dayTotalsMax = () => +q1('SELECT COALESCE(MAX(id), 0) FROM invoice_day_totals');
const DAY_MAX = dayTotalsMax();
const AUDIT_MAX = +q1('SELECT COALESCE(MAX(id), 0) FROM audit_events');

// ---------- HTTP and the PDF tools ----------

const TMP = mkdtempSync(join(tmpdir(), 'pdf-test-'));
let nfile = 0;

after(() => {
  for (const [id, f] of found) {
    sql(`UPDATE invoices SET ${f.pdf === 'none' ? `${UNSTORE}, ` : ''}updated_at = ${str(f.updated)} WHERE id = ${id}`);
  }
  sql(`DELETE FROM invoice_day_totals WHERE id > ${DAY_MAX} AND n = 0 AND total = 0 AND paid = 0 AND balance = 0`);
  rmSync(TMP, { recursive: true, force: true });
});

// GET with the client's session (or none); the body as bytes
async function get(client, path, headers = {}) {
  const h = { ...headers };
  if (client && client.cookies.size) h.cookie = client.cookieHeader();
  const m = path.match(/^\/invoices\/(\d+)\.(pdf|csv)$/);
  if (m) touch(+m[1]);
  const res = await fetch(BASE + path, { headers: h, redirect: 'manual' });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}
const sha256 = (b) => createHash('sha256').update(b).digest('hex');

// The file copy of an invoice's stored PDF for a response's ETag, and every file of an invoice.
const fileOf = (id, etag) => join(FILES, `${id}-${etag.replace(/"/g, '')}.pdf`);
const filesOf = (id) => readdirSync(FILES).filter((n) => n.startsWith(`${id}-`)).sort();
// nginx's static handler announces ranges; answers from the FastCGI programs never do
const fromNginx = (r) => r.headers.get('accept-ranges') === 'bytes';
// GET with the raw header list (fetch joins repeated headers into one)
function rawGet(client, path, headers = {}) {
  const h = { ...headers };
  if (client && client.cookies.size) h.cookie = client.cookieHeader();
  const m = path.match(/^\/invoices\/(\d+)\.pdf$/);
  if (m) touch(+m[1]);
  return new Promise((resolve, reject) => {
    http.get(BASE + path, { headers: h }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const counts = {};
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const k = res.rawHeaders[i].toLowerCase();
          counts[k] = (counts[k] || 0) + 1;
        }
        resolve({ status: res.statusCode, headers: res.headers, counts, body: Buffer.concat(chunks) });
      });
    }).on('error', reject);
  });
}
const tool = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
const flat = (s) => s.replace(/\s+/g, ' ').trim();

// A downloaded PDF: structure checked by qpdf, then its text (pdftotext -raw: reading order, the
// wrapped lines of a cell together), page count and title (pdfinfo), uncompressed content (qpdf --qdf).
function inspect(body, what) {
  assert.equal(body.subarray(0, 5).toString('latin1'), '%PDF-', `${what}: a PDF`);
  const path = join(TMP, `${++nfile}.pdf`);
  writeFileSync(path, body);
  const check = tool('qpdf', ['--check', path]);   // throws on errors and warnings (exit 2, 3)
  assert.match(check, /No syntax or stream encoding errors found/, `${what}: qpdf --check`);
  const info = tool('pdfinfo', [path]);
  const pages = +info.match(/^Pages:\s+(\d+)$/m)[1];
  const title = (info.match(/^Title:\s+(.*)$/m) || [])[1];
  const text = tool('pdftotext', ['-raw', '-enc', 'UTF-8', path, '-']);
  const page = (p) => tool('pdftotext', ['-raw', '-enc', 'UTF-8', '-f', String(p), '-l', String(p), path, '-']);
  const qdfPath = `${path}.qdf`;
  tool('qpdf', ['--qdf', '--object-streams=disable', path, qdfPath]);
  const qdf = readFileSync(qdfPath, 'latin1');
  return { path, pages, title, text, flat: flat(text), page, qdf, qdfPath };
}

// "<0044...>": how the UTF-8 Type0 font writes ASCII text in content streams (CID = code point)
const cidHex = (s) => `<${[...s].map((c) => c.codePointAt(0).toString(16).padStart(4, '0')).join('')}>`;
const count = (hay, needle) => hay.split(needle).length - 1;
const ROTATED = '0.70711 0.70711 -0.70711 0.70711';
function marks(doc) {
  return { draft: count(doc.qdf, cidHex('DRAFT')), cancelled: count(doc.qdf, cidHex('CANCELLED')),
    rotated: count(doc.qdf, ROTATED) };
}

// The glyph id the document's font maps a code point to (its CIDToGIDMap: 2 bytes per CID, CID = code point).
function glyphs(doc, text) {
  const m = doc.qdf.match(/\/CIDToGIDMap (\d+) 0 R/);
  assert.ok(m, 'the font has a CIDToGIDMap');
  const map = execFileSync('qpdf', [`--show-object=${m[1]}`, '--filtered-stream-data', doc.qdfPath],
    { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 24 });
  const out = {};
  for (const ch of new Set(text)) {
    const cp = ch.codePointAt(0);
    out[ch] = 2 * cp + 1 < map.length ? map.readUInt16BE(2 * cp) : 0;
  }
  return out;
}

// The document against the database: number, buyer, every line (in order, with its amounts),
// totals, paid and balance, page footers.
function checkDocument(doc, t, who) {
  const ctx = `${who} invoice ${t.id}`;
  const lines = doc.text.split('\n');
  const has = (re, msg) => assert.ok(lines.some((l) => re.test(l)), `${ctx}: ${msg}`);
  assert.equal(doc.title, `${t.kind === 'credit' ? 'Credit note' : 'Invoice'} ${t.title}`, `${ctx}: title`);
  has(new RegExp(`^${esc(t.title)}$`), `number ${t.title}`);
  has(new RegExp(`^${esc(t.buyer)}$`), `buyer ${t.buyer}`);
  if (t.name && t.name !== t.buyer) has(new RegExp(`^${esc(t.name)}$`), `buyer display name ${t.name}`);
  if (t.vat) has(new RegExp(`VAT ID: ${esc(t.vat)}$`), 'buyer VAT id');
  if (t.kind === 'credit') has(new RegExp(`^Credits invoice ${esc(t.credited)}$`), 'credited invoice');
  let at = doc.flat.search(/Description (Period )?Quantity/);
  assert.ok(at >= 0, `${ctx}: the line table`);
  for (const [pos, desc, , , , , , , net, tax, gross] of t.lines) {
    const d = flat(desc);
    const i = doc.flat.indexOf(d, at);
    assert.ok(i >= 0, `${ctx}: line ${pos} description ${JSON.stringify(d)}`);
    const amounts = `${money(net, t.cur, false)} ${money(tax, t.cur, false)} ${money(gross, t.cur, false)}`;
    const j = doc.flat.indexOf(amounts, i + d.length);
    assert.ok(j >= 0, `${ctx}: line ${pos} amounts ${amounts}`);
    at = i + d.length;
  }
  has(new RegExp(`^Net total ${esc(money(t.net, t.cur))}$`), `net total ${money(t.net, t.cur)}`);
  has(new RegExp(`^Tax ${esc(money(t.tax, t.cur))}$`), `tax total ${money(t.tax, t.cur)}`);
  has(new RegExp(`^Total ${esc(money(t.total, t.cur))}$`), `total ${money(t.total, t.cur)}`);
  if (t.kind !== 'credit' && t.status !== 'draft') {
    has(new RegExp(`^Paid ${esc(money(t.paid, t.cur))}$`), `paid ${money(t.paid, t.cur)}`);
    // a cancelled invoice owes nothing: no balance due (as on the page)
    if (t.status === 'void') assert.doesNotMatch(doc.text, /^Balance due/m, `${ctx}: no balance due when cancelled`);
    else has(new RegExp(`^Balance due ${esc(money(t.balance, t.cur))}$`), `balance ${money(t.balance, t.cur)}`);
  }
  const footers = [...doc.text.matchAll(/Page (\d+) of (\d+)/g)];
  assert.deepEqual(footers.map((f) => [+f[1], +f[2]]), Array.from({ length: doc.pages }, (_, k) => [k + 1, doc.pages]),
    `${ctx}: "Page x of ${doc.pages}" once on every page`);
}
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// ---------- signed links ----------

function sign(id, expires, epoch, key = SECRET) {
  touch(id);
  const p = Buffer.alloc(20);
  p.writeBigUInt64BE(BigInt(id), 0);
  p.writeBigUInt64BE(BigInt(expires), 8);
  p.writeUInt32BE(epoch, 16);
  return Buffer.concat([p, createHmac('sha256', key).update(p).digest()]).toString('base64url');
}
const now = () => Math.floor(Date.now() / 1000);
const epochOf = (id) => +q1(`SELECT link_epoch FROM invoices WHERE id = ${id}`);
// the token's payload as link.h lays it out, and the MAC checked with the stack's secret
function readToken(tok) {
  assert.match(tok, /^[A-Za-z0-9_-]{70}$/, 'token shape');
  const raw = Buffer.from(tok, 'base64url');
  assert.equal(raw.length, 52);
  const mac = createHmac('sha256', SECRET).update(raw.subarray(0, 20)).digest();
  assert.ok(mac.equals(raw.subarray(20)), 'HMAC-SHA256 with the server secret');
  return { id: Number(raw.readBigUInt64BE(0)), expires: Number(raw.readBigUInt64BE(8)), epoch: raw.readUInt32BE(16) };
}
function link(id, ...args) {
  touch(id);
  const out = ctl(['link', String(id), ...args]).trim();
  const u = new URL(out);
  assert.equal(u.origin, new URL(BASE).origin, 'the URL is on the configured site');
  const m = u.pathname.match(/^\/d\/([A-Za-z0-9_-]+)$/);
  assert.ok(m, `a /d/ URL: ${out}`);
  return { url: out, path: u.pathname, token: m[1] };
}
function ctlFails(args) {
  assert.throws(() => execFileSync(process.env.INVOICECTL, args, { stdio: 'pipe', env: process.env }),
    (e) => e.status !== 0 && e.stderr.toString().trim().length > 0, `invoicectl ${args.join(' ')} fails with a reason`);
}
async function anon(path) {
  const r = await get(null, path);
  // link holders get no session (an error page may set the login form's CSRF cookie, nothing else)
  const cookies = setCookies(r.headers);
  assert.ok(!cookies.some((c) => /^sid=/.test(c)), `${path}: no session cookie`);
  if (r.status === 200) assert.deepEqual(cookies, [], `${path}: no cookie with the PDF`);
  return r;
}

sql('DELETE FROM login_failures');

// ---------- documents ----------

test('a PDF download: headers, a valid document that matches the database, for staff and the customer', async () => {
  const t = truth(PARTIAL);
  assert.ok(t.lines.length > 1);
  for (const role of ['admin', 'billing', 'support', 'customer']) {
    const c = await as(role);
    const r = await get(c, `/invoices/${PARTIAL}.pdf`);
    assert.equal(r.status, 200, role);
    assert.equal(r.headers.get('content-type'), 'application/pdf');
    assert.equal(r.headers.get('content-disposition'), `attachment; filename="${t.number}.pdf"`);
    assert.equal(+r.headers.get('content-length'), r.body.length);
    const doc = inspect(r.body, role);
    checkDocument(doc, t, role);
    assert.deepEqual(marks(doc), { draft: 0, cancelled: 0, rotated: 0 }, 'no watermark on an issued invoice');
  }
});

test('every status, kind and currency exponent matches the database', async () => {
  const ids = new Set();
  for (const where of [`i.status = 'draft'`, `i.status = 'paid'`, `i.status = 'void'`, `i.kind = 'credit'`,
    `i.status = 'open' AND i.paid_amount = 0`, `i.currency = 'JPY'`, `i.currency = 'KWD'`,
    `(SELECT COUNT(*) FROM invoice_tax_totals x WHERE x.invoice_id = i.id) > 1`,
    `(SELECT MAX(CHAR_LENGTH(l.description)) FROM invoice_lines l WHERE l.invoice_id = i.id) > 120`]) {
    const id = q1(`SELECT i.id FROM invoices i WHERE ${where} ORDER BY i.id DESC LIMIT 1`);
    if (where.includes('JPY') || where.includes('KWD') || where.includes('CHAR_LENGTH')) { if (id) ids.add(+id); continue; }
    assert.ok(id, `the demo data has an invoice with ${where}`);
    ids.add(+id);
  }
  const c = await as('billing');
  for (const id of ids) {
    const t = truth(id);
    const r = await get(c, `/invoices/${id}.pdf`);
    assert.equal(r.status, 200, `invoice ${id}`);
    assert.equal(r.headers.get('content-disposition'),
      `attachment; filename="${t.number ? t.number : `draft-${id}`}.pdf"`);
    const doc = inspect(r.body, `invoice ${id}`);
    checkDocument(doc, t, 'billing');
    const m = marks(doc);
    assert.equal(m.draft, t.status === 'draft' ? doc.pages : 0, `invoice ${id} (${t.status}): DRAFT on every page`);
    assert.equal(m.cancelled, t.status === 'void' ? doc.pages : 0, `invoice ${id} (${t.status}): CANCELLED on every page`);
    assert.equal(m.rotated, ['draft', 'void'].includes(t.status) ? doc.pages : 0, `invoice ${id}: watermark rotated`);
  }
});

test('non-ASCII names, descriptions and currency signs come out intact, with glyphs in the font', async () => {
  const id = UNPAID1;
  const t0 = truth(id);
  const [oldName, oldLegal, oldUpdated] = rows(`SELECT name, legal_name, updated_at FROM customers WHERE id = ${t0.customer}`)[0];
  const oldSnap = q1(`SELECT buyer_snapshot FROM invoices WHERE id = ${id}`);
  const [pos, oldDesc] = t0.lines[0];
  const name = 'Škoda Zoë Müller';
  const legal = 'Łódź Sp. z o.o. — Zoë Müller & Škoda';
  const desc = 'Łódź – Zürich: 5 € · 4 £ · 600 ¥, Ærøskøbing «Größe» ½';
  try {
    sql(`UPDATE customers SET name = ${str(name)}, legal_name = ${str(legal)}, updated_at = updated_at WHERE id = ${t0.customer}`);
    sql(`UPDATE invoice_lines SET description = ${str(desc)} WHERE invoice_id = ${id} AND position = ${pos}`);
    touch(id);
    // an issued invoice shows the buyer it was issued to: the names go into its snapshot too
    sql(`UPDATE invoices SET buyer_snapshot = JSON_SET(buyer_snapshot, '$.name', ${str(name)}, '$.legal_name', ${str(legal)}),
      updated_at = updated_at WHERE id = ${id}`);
    sql(`UPDATE invoices SET ${UNSTORE} WHERE id = ${id}`);   // a stored PDF would show the old names
    const c = await as('admin');
    const r = await get(c, `/invoices/${id}.pdf`);
    assert.equal(r.status, 200);
    const doc = inspect(r.body, 'non-ASCII');
    const t = truth(id);
    assert.equal(t.buyer, legal, 'the database holds what we wrote');
    assert.equal(t.lines[0][1], desc);
    checkDocument(doc, t, 'admin');
    assert.ok(doc.text.split('\n').includes(legal), 'legal name on a line of its own');
    assert.ok(doc.text.split('\n').includes(name), 'display name on a line of its own');
    assert.ok(doc.flat.includes(desc), 'description');
    assert.match(doc.text, /^Currency EUR \(€\)$/m);
    const g = glyphs(doc, (name + legal + desc).replace(/[\x00-\x7f]/g, ''));
    for (const [ch, gid] of Object.entries(g)) assert.ok(gid > 0, `a glyph for ${ch} (U+${ch.codePointAt(0).toString(16)})`);
    // and the detailed CSV, byte for byte UTF-8
    const csv = await get(c, `/invoices/${id}.csv`);
    const table = parseCsv(csv.body);
    assert.equal(table[1][COL.customer_name], legal);
    assert.equal(table[1][COL.description], desc);
  } finally {
    sql(`UPDATE customers SET name = ${str(oldName)}, legal_name = ${str(oldLegal)}, updated_at = ${str(oldUpdated)}
      WHERE id = ${t0.customer}`);
    sql(`UPDATE invoice_lines SET description = ${str(oldDesc)} WHERE invoice_id = ${id} AND position = ${pos}`);
    sql(`UPDATE invoices SET ${UNSTORE}, buyer_snapshot = ${str(oldSnap)}, updated_at = updated_at WHERE id = ${id}`);
  }
  assert.equal(truth(id).buyer, t0.buyer);
});

test('a 500-line invoice: every line once, in order, on as many pages as the layout gives', async (tc) => {
  const tpl = truth(UNPAID1);
  const number = `T500-${process.pid}`;
  const D = (n) => `Row ${String(n).padStart(3, '0')} of 500: managed hosting${n % 50 === 0 ? ' Škoda €' : ''}`;
  let id = 0;
  try {
    // an issued invoice of customer 1 on the dates of an existing one
    id = +sql(`INSERT INTO invoices (kind, type_code, number, customer_id, customer_name, status, currency, invoice_date,
        due_date, period_start, period_end, issued_at, payment_means, buyer_reference)
      SELECT 'invoice', 380, ${str(number)}, customer_id, customer_name, 'open', currency, invoice_date, due_date,
        period_start, period_end, UTC_TIMESTAMP(), payment_means, buyer_reference FROM invoices WHERE id = ${UNPAID1};
      SELECT LAST_INSERT_ID();`);
    assert.ok(id > 0);
    sql(`INSERT INTO invoice_lines (invoice_id, position, description, quantity, unit_code, unit_price, tax_rate,
        vat_category, tax_description, net_amount, tax_amount)
      SELECT ${id}, seq, CONCAT('Row ', LPAD(seq, 3, '0'), ' of 500: managed hosting', IF(seq % 50 = 0, ' Škoda €', '')),
        1, 'C62', 1 + seq / 100, 19, 'S', 'VAT 19%', 1 + seq / 100, ROUND((1 + seq / 100) * 0.19, 2)
      FROM seq_1_to_500`);
    sql(`INSERT INTO invoice_tax_totals (invoice_id, vat_category, tax_rate, net_amount, tax_amount)
      SELECT ${id}, 'S', 19, SUM(net_amount), SUM(tax_amount) FROM invoice_lines WHERE invoice_id = ${id}`);
    sql(`UPDATE invoices i JOIN (SELECT SUM(net_amount) n, SUM(tax_amount) x FROM invoice_lines WHERE invoice_id = ${id}) s
      SET i.net_total = s.n, i.tax_total = s.x, i.total = s.n + s.x WHERE i.id = ${id}`);
    const t = truth(id);
    assert.equal(t.lines.length, 500);
    // consistent totals: net = 1 + n/100 per row, 19% tax rounded per line (half away from zero)
    let netC = 0, taxC = 0;
    for (let n = 1; n <= 500; n++) { netC += 100 + n; taxC += Math.floor(((100 + n) * 19 + 50) / 100); }
    assert.equal(t.net, (netC / 100).toFixed(3));
    assert.equal(t.tax, (taxC / 100).toFixed(3));
    assert.equal(t.total, ((netC + taxC) / 100).toFixed(3));

    const c = await as('customer');
    const r = await get(c, `/invoices/${id}.pdf`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-disposition'), `attachment; filename="${number}.pdf"`);
    const doc = inspect(r.body, '500 lines');
    checkDocument(doc, t, 'customer');
    // every line exactly once
    for (let n = 1; n <= 500; n++) assert.equal(count(doc.flat, `${D(n)} `), 1, `row ${n} once`);
    // pages: more than one, "Page x of y" once per page with the real page count
    const y = doc.pages;
    assert.ok(y > 1, `${y} pages`);
    const perPage = [];
    for (let p = 1; p <= y; p++) {
      const txt = doc.page(p);
      assert.equal(count(txt, `Page ${p} of ${y}`), 1, `footer on page ${p}`);
      assert.equal([...txt.matchAll(/Page \d+ of \d+/g)].length, 1, `one footer on page ${p}`);
      const nums = [...txt.matchAll(/^Row (\d{3}) of 500/gm)].map((m) => +m[1]);
      perPage.push(nums);
      if (nums.length) assert.match(txt, /^Description Quantity /m, `the table header repeated on page ${p}`);
      if (p > 1) assert.ok(txt.includes(number), `page ${p} names the invoice`);
    }
    // the rows run 1..500 across the pages in order; the layout fills every page but the last
    // to the same height (the first has the document header above the table)
    assert.deepEqual(perPage.flat(), Array.from({ length: 500 }, (_, k) => k + 1));
    const counts = perPage.map((p) => p.length);
    const full = counts[1];
    assert.ok(counts[0] > 0 && counts[0] < full, `page 1 holds fewer rows (${counts[0]}) than a full page (${full})`);
    const withRows = counts.filter((n) => n > 0).length;
    assert.equal(withRows, 1 + Math.ceil((500 - counts[0]) / full), `rows per page ${counts}`);
    for (let p = 1; p < withRows - 1; p++) assert.equal(counts[p], full, `page ${p + 1} is full: ${counts}`);
    assert.ok(y === withRows || (y === withRows + 1 && counts[y - 1] === 0), 'at most one more page, for the totals');
    tc.diagnostic(`500 lines on ${y} pages: ${counts.join(' ')}`);
    // totals on the last page
    assert.match(doc.page(y), new RegExp(`^Total ${esc(money(t.total, t.cur))}$`, 'm'));
    // stored like any issued invoice
    assert.equal(q1(`SELECT pdf_state FROM invoices WHERE id = ${id}`), stateOf(id));
  } finally {
    if (id) sql(`DELETE FROM invoices WHERE id = ${id}`);   // lines and tax totals cascade
    found.delete(id);
  }
  assert.equal(q1(`SELECT COUNT(*) FROM invoices WHERE number = ${str(number)}`), '0');
});

// ---------- stored PDFs, ETag ----------

test('the same invoice gives the same bytes every time: ETag, 304, one stored document for everyone', async () => {
  const id = PARTIAL;
  const admin = await as('admin');
  const cust = await as('customer');
  touch(id);
  sql(`UPDATE invoices SET ${UNSTORE} WHERE id = ${id}`);
  const a = await get(admin, `/invoices/${id}.pdf`);
  assert.equal(a.status, 200);
  const etag = a.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]{32,64}"$/);
  assert.ok(sha256(a.body).startsWith(etag.slice(1, -1)), 'the ETag names the bytes');
  assert.match(a.headers.get('cache-control'), /\bprivate\b/);
  assert.equal(a.headers.get('cache-control'), 'private, no-store', 'kept by no cache, like the pages');
  const [state, dbEtag, dbHash, paid, dbPaid] = rows(`SELECT pdf_state, pdf_etag, SHA2(pdf, 256), paid_amount, pdf_paid
    FROM invoices WHERE id = ${id}`)[0];
  assert.equal(state, stateOf(id));
  assert.equal(`"${dbEtag}"`, etag);
  assert.equal(dbHash, sha256(a.body), 'stored exactly what was sent');
  assert.equal(dbPaid, paid);
  // again, as the customer, through a link: the same bytes and tag
  const b = await get(cust, `/invoices/${id}.pdf`);
  assert.equal(b.status, 200);
  assert.ok(b.body.equals(a.body), 'the customer gets the same bytes');
  assert.equal(b.headers.get('etag'), etag);
  const l = await anon(link(id).path);
  assert.equal(l.status, 200);
  assert.ok(l.body.equals(a.body), 'the link gives the same bytes');
  // rendered again from nothing: still the same bytes (no timestamps or random ids inside)
  sql(`UPDATE invoices SET ${UNSTORE} WHERE id = ${id}`);
  const c = await get(cust, `/invoices/${id}.pdf`);
  assert.ok(c.body.equals(a.body), 'a fresh rendering is identical');
  assert.equal(c.headers.get('etag'), etag);
  // conditional requests
  for (const [inm, want] of [[etag, 304], [`"0000", ${etag}`, 304], [`W/${etag}`, 304], ['"0123456789abcdef0123456789abcdef"', 200],
    [etag.slice(0, -2) + '"', 200]]) {
    for (const client of [admin, cust]) {
      const r = await get(client, `/invoices/${id}.pdf`, { 'if-none-match': inm });
      assert.equal(r.status, want, `If-None-Match: ${inm}`);
      if (want === 304) {
        assert.equal(r.body.length, 0, '304 has no body');
        assert.equal(r.headers.get('etag'), etag);
      } else {
        assert.ok(r.body.equals(a.body));
      }
    }
  }
  // the tag of one invoice does not answer for another
  const other = await get(admin, `/invoices/${UNPAID1}.pdf`, { 'if-none-match': etag });
  assert.equal(other.status, 200);
  assert.notEqual(other.headers.get('etag'), etag);
});

test('issued PDFs are stored once per state: served from storage, re-rendered when voided and restored', async () => {
  const id = UNPAID1;
  const c = await as('billing');
  const before = rows(`SELECT status, updated_at FROM invoices WHERE id = ${id}`)[0];
  assert.equal(before[0], 'open');
  const lnk = link(id);   // signed while open: still opens the (now cancelled) invoice
  touch(id);
  sql(`UPDATE invoices SET ${UNSTORE} WHERE id = ${id}`);
  assert.equal(q1(`SELECT pdf_state FROM invoices WHERE id = ${id}`), 'none');
  let first;
  try {
    first = await get(c, `/invoices/${id}.pdf`);
    assert.equal(first.status, 200);
    assert.equal(q1(`SELECT pdf_state FROM invoices WHERE id = ${id}`), stateOf(id), 'stored after the first download');
    const file = fileOf(id, first.headers.get('etag'));
    assert.equal(sha256(readFileSync(file)), sha256(first.body), 'the file copy written with the stored PDF');
    // the next download comes from storage (the file copy, sent by nginx), not from a new
    // rendering: mark the file
    sql(`UPDATE invoices SET pdf_rendered_at = '2001-01-01 00:00:00' WHERE id = ${id}`);
    const marked = Buffer.concat([first.body, Buffer.from('%stored-copy')]);
    writeFileSync(file, marked);
    try {
      const second = await get(c, `/invoices/${id}.pdf`);
      assert.ok(second.body.equals(marked), 'served from the file copy');
      assert.ok(fromNginx(second), 'sent by nginx');
      assert.equal(second.headers.get('etag'), first.headers.get('etag'));
    } finally {
      writeFileSync(file, first.body);
    }
    assert.equal(q1(`SELECT pdf_rendered_at FROM invoices WHERE id = ${id}`), '2001-01-01 00:00:00', 'not rendered again');
    // without the file: the stored bytes from the database, and the file is written again
    unlinkSync(file);
    const third = await get(c, `/invoices/${id}.pdf`);
    assert.equal(third.status, 200);
    assert.ok(third.body.equals(first.body), 'the stored bytes');
    assert.ok(!fromNginx(third), 'sent by the program');
    assert.equal(q1(`SELECT pdf_rendered_at FROM invoices WHERE id = ${id}`), '2001-01-01 00:00:00',
      'from the stored blob, not rendered again');
    assert.equal(sha256(readFileSync(file)), sha256(first.body), 'the file copy written again');
    assert.equal(statSync(file).mode & 0o777, 0o640);
    const fourth = await get(c, `/invoices/${id}.pdf`);
    assert.ok(fromNginx(fourth) && fourth.body.equals(first.body), 'and sent by nginx again');
    const firstDoc = inspect(first.body, 'issued');
    assert.deepEqual(marks(firstDoc), { draft: 0, cancelled: 0, rotated: 0 });

    // voided: the stored PDF is stale, the next download renders the cancelled one and stores it
    sql(`UPDATE invoices SET status = 'void', voided_at = UTC_TIMESTAMP() WHERE id = ${id}`);
    const voided = await get(c, `/invoices/${id}.pdf`, { 'if-none-match': first.headers.get('etag') });
    assert.equal(voided.status, 200, 'the old tag no longer matches');
    assert.notEqual(voided.headers.get('etag'), first.headers.get('etag'));
    assert.ok(!voided.body.equals(first.body));
    const vdoc = inspect(voided.body, 'void');
    assert.deepEqual(marks(vdoc), { draft: 0, cancelled: vdoc.pages, rotated: vdoc.pages }, 'CANCELLED on every page');
    checkDocument(vdoc, truth(id), 'billing');
    const [st, rendered] = rows(`SELECT pdf_state, pdf_rendered_at FROM invoices WHERE id = ${id}`)[0];
    assert.equal(st, 'void');
    assert.notEqual(rendered, '2001-01-01 00:00:00');
    sql(`UPDATE invoices SET pdf_rendered_at = '2001-01-01 00:00:00' WHERE id = ${id}`);
    const again = await get(c, `/invoices/${id}.pdf`);
    assert.ok(again.body.equals(voided.body));
    assert.equal(q1(`SELECT pdf_rendered_at FROM invoices WHERE id = ${id}`), '2001-01-01 00:00:00', 'stored once for void');
    // a link signed before the void opens the cancelled document
    const viaLink = await anon(lnk.path);
    assert.equal(viaLink.status, 200);
    assert.ok(viaLink.body.equals(voided.body));
  } finally {
    sql(`UPDATE invoices SET status = ${str(before[0])}, voided_at = NULL, updated_at = ${str(before[1])} WHERE id = ${id}`);
  }
  // restored: rendered again for its state, identical to the first rendering
  const back = await get(c, `/invoices/${id}.pdf`);
  assert.equal(q1(`SELECT pdf_state FROM invoices WHERE id = ${id}`), stateOf(id));
  assert.ok(back.body.equals(first.body), 'the same bytes as before the void');
  assert.deepEqual(marks(inspect(back.body, 'restored')), { draft: 0, cancelled: 0, rotated: 0 });
});

test('a change of the paid amount renders the stored PDF again', async () => {
  const id = PARTIAL;
  const c = await as('admin');
  const before = rows(`SELECT paid_amount, updated_at FROM invoices WHERE id = ${id}`)[0];
  const first = await get(c, `/invoices/${id}.pdf`);
  assert.equal(first.status, 200);
  assert.equal(q1(`SELECT pdf_paid FROM invoices WHERE id = ${id}`), before[0]);
  try {
    sql(`UPDATE invoices SET paid_amount = paid_amount + 1 WHERE id = ${id}`);
    const t = truth(id);
    const r = await get(c, `/invoices/${id}.pdf`, { 'if-none-match': first.headers.get('etag') });
    assert.equal(r.status, 200);
    assert.notEqual(r.headers.get('etag'), first.headers.get('etag'));
    const doc = inspect(r.body, 'paid changed');
    checkDocument(doc, t, 'admin');   // the new paid amount and balance
    assert.deepEqual(rows(`SELECT pdf_state, pdf_paid FROM invoices WHERE id = ${id}`)[0], [stateOf(id), t.paid]);
    assert.deepEqual(filesOf(id), [`${id}-${r.headers.get('etag').slice(1, -1)}.pdf`], 'the new file, not the old one');
    const again = await get(c, `/invoices/${id}.pdf`);
    assert.ok(again.body.equals(r.body));
  } finally {
    sql(`UPDATE invoices SET paid_amount = ${before[0]}, updated_at = ${str(before[1])} WHERE id = ${id}`);
  }
  const back = await get(c, `/invoices/${id}.pdf`);
  assert.ok(back.body.equals(first.body), 'the old amount gives the old bytes');
  assert.equal(back.headers.get('etag'), first.headers.get('etag'));
  assert.deepEqual(filesOf(id), [`${id}-${first.headers.get('etag').slice(1, -1)}.pdf`]);
});

test('drafts render on each request with a DRAFT watermark and are never stored', async () => {
  const id = DRAFT1;
  const c = await as('admin');
  touch(id);
  const t = truth(id);
  const [pos, oldDesc] = t.lines[0];
  const a = await get(c, `/invoices/${id}.pdf`);
  assert.equal(a.status, 200);
  assert.equal(a.headers.get('content-disposition'), `attachment; filename="draft-${id}.pdf"`);
  const doc = inspect(a.body, 'draft');
  checkDocument(doc, t, 'admin');
  assert.deepEqual(marks(doc), { draft: doc.pages, cancelled: 0, rotated: doc.pages }, 'DRAFT on every page');
  const b = await get(c, `/invoices/${id}.pdf`);
  assert.ok(b.body.equals(a.body), 'the same draft gives the same bytes');
  assert.deepEqual(rows(`SELECT pdf_state, pdf IS NULL FROM invoices WHERE id = ${id}`)[0], ['none', '1']);
  assert.deepEqual(filesOf(id), [], 'no file copy of a draft');
  assert.ok(!fromNginx(b), 'sent by the program every time');
  // an edit shows on the next download
  const desc = `Edited draft line ${process.pid}`;
  try {
    sql(`UPDATE invoice_lines SET description = ${str(desc)} WHERE invoice_id = ${id} AND position = ${pos}`);
    const r = await get(c, `/invoices/${id}.pdf`, a.headers.get('etag') ? { 'if-none-match': a.headers.get('etag') } : {});
    assert.equal(r.status, 200);
    const d2 = inspect(r.body, 'edited draft');
    assert.ok(d2.flat.includes(desc));
    assert.ok(!d2.flat.includes(flat(oldDesc)) || t.lines.slice(1).some((l) => flat(l[1]).includes(flat(oldDesc))));
  } finally {
    sql(`UPDATE invoice_lines SET description = ${str(oldDesc)} WHERE invoice_id = ${id} AND position = ${pos}`);
  }
  const back = await get(c, `/invoices/${id}.pdf`);
  assert.ok(back.body.equals(a.body));
  assert.equal(q1(`SELECT pdf_state FROM invoices WHERE id = ${id}`), 'none');
});

test('internal custom fields stay out of the document, whoever downloads it first', async () => {
  const id = UNPAID1;
  const pub = `pt_pub_${process.pid}`, priv = `pt_priv_${process.pid}`;
  sql(`INSERT INTO custom_field_defs (field_key, label, visible_to_customer, position) VALUES
    (${str(pub)}, 'Project code', 1, 90), (${str(priv)}, 'Internal margin note', 0, 91)`);
  try {
    sql(`INSERT INTO invoice_custom_fields (invoice_id, field_id, value)
      SELECT ${id}, id, IF(field_key = ${str(pub)}, 'PRJ-4242', 'margin-secret-77') FROM custom_field_defs
      WHERE field_key IN (${str(pub)}, ${str(priv)})`);
    touch(id);
    for (const first of ['admin', 'customer']) {
      sql(`UPDATE invoices SET ${UNSTORE} WHERE id = ${id}`);
      const order = first === 'admin' ? ['admin', 'customer'] : ['customer', 'admin'];
      const bodies = [];
      for (const role of order) {
        const r = await get(await as(role), `/invoices/${id}.pdf`);
        assert.equal(r.status, 200);
        const doc = inspect(r.body, role);
        assert.ok(doc.flat.includes('Project code') && doc.flat.includes('PRJ-4242'), `${role}: the visible field`);
        assert.ok(!doc.flat.includes('margin-secret-77') && !doc.flat.includes('Internal margin note'),
          `${role} (after ${order[0]}): no internal field`);
        bodies.push(r.body);
      }
      assert.ok(bodies[0].equals(bodies[1]));
    }
    const l = await anon(link(id).path);
    assert.ok(!inspect(l.body, 'link').flat.includes('margin-secret-77'), 'not through a link either');
  } finally {
    sql(`DELETE f FROM invoice_custom_fields f JOIN custom_field_defs d ON d.id = f.field_id
      WHERE d.field_key IN (${str(pub)}, ${str(priv)})`);
    sql(`DELETE FROM custom_field_defs WHERE field_key IN (${str(pub)}, ${str(priv)})`);
    sql(`UPDATE invoices SET ${UNSTORE} WHERE id = ${id}`);
  }
});

// ---------- file copies sent by nginx (X-Accel-Redirect) ----------

const SECURITY = ['x-content-type-options', 'x-frame-options', 'referrer-policy', 'content-security-policy'];

test('a second download is sent by nginx from the file copy, with the program\'s headers once each', async () => {
  const id = PARTIAL;
  const admin = await as('admin');
  touch(id);
  sql(`UPDATE invoices SET ${UNSTORE} WHERE id = ${id}`);
  for (const f of filesOf(id)) unlinkSync(join(FILES, f));
  const first = await rawGet(admin, `/invoices/${id}.pdf`);
  assert.equal(first.status, 200);
  assert.equal(first.headers['accept-ranges'], undefined, 'the first download is rendered and sent by the program');
  for (const [h, n] of Object.entries(first.counts)) assert.equal(n, 1, `direct download: ${h} once`);
  const etag = first.headers.etag;
  assert.match(etag, /^"[0-9a-f]{32}"$/);
  const file = fileOf(id, etag);
  assert.deepEqual(filesOf(id), [`${id}-${etag.slice(1, -1)}.pdf`], 'one file, named by id and ETag');
  assert.equal(sha256(readFileSync(file)), sha256(first.body), 'the file holds the stored bytes');
  assert.equal(statSync(file).mode & 0o777, 0o640);
  for (const role of ['admin', 'customer']) {
    const c = role === 'admin' ? admin : await as(role);
    const r = await rawGet(c, `/invoices/${id}.pdf`);
    assert.equal(r.status, 200, role);
    assert.equal(r.headers['accept-ranges'], 'bytes', `${role}: sent by nginx (a static-file answer)`);
    assert.equal(sha256(r.body), sha256(readFileSync(file)), `${role}: the file's bytes`);
    assert.ok(r.body.equals(first.body));
    assert.equal(+r.headers['content-length'], r.body.length);
    for (const h of ['content-type', 'content-disposition', 'etag', 'cache-control', ...SECURITY]) {
      assert.ok(first.headers[h], `the direct download has ${h}`);
      assert.equal(r.headers[h], first.headers[h], `${role}: ${h} as in the direct download`);
    }
    for (const [h, n] of Object.entries(r.counts)) assert.equal(n, 1, `${role}: ${h} once`);
    assert.equal(r.headers['x-accel-redirect'], undefined, 'the redirect stays inside');
    assert.equal(r.headers['last-modified'], undefined, 'revalidation by the ETag only, as from the program');
  }
  // revalidation stays with the program; ranges come with the file
  const nm = await rawGet(admin, `/invoices/${id}.pdf`, { 'if-none-match': etag });
  assert.equal(nm.status, 304);
  assert.equal(nm.headers.etag, etag);
  assert.equal(nm.body.length, 0);
  const part = await rawGet(admin, `/invoices/${id}.pdf`, { range: 'bytes=0-99' });
  assert.equal(part.status, 206);
  assert.ok(part.body.equals(first.body.subarray(0, 100)));
  assert.equal(part.headers.etag, etag);
});

test('the internal location of the file copies cannot be reached from outside', async () => {
  const id = PARTIAL;
  const admin = await as('admin');
  const r0 = await get(admin, `/invoices/${id}.pdf`);
  const name = `${id}-${r0.headers.get('etag').slice(1, -1)}.pdf`;
  assert.ok(existsSync(join(FILES, name)), 'the file exists');
  for (const p of [`/_stored-pdf/${name}`, '/_stored-pdf/', `/_stored-pdf//${name}`, `/_stored-pdf/./${name}`,
    `/_stored-pdf%2F${name}`, `/%5Fstored-pdf/${name}`, `/_stored-pdf/${name}?x=1`]) {
    for (const c of [null, admin]) {
      const r = await get(c, p);
      assert.equal(r.status, 404, `${p} ${c ? 'with' : 'without'} a session`);
      assert.notEqual(r.headers.get('content-type'), 'application/pdf', p);
    }
  }
});

test('the file is sent only after the scope check: another customer gets the 404 of a missing id', async () => {
  const id = PARTIAL;
  const own = await get(await as('customer'), `/invoices/${id}.pdf`);
  assert.equal(own.status, 200);
  assert.ok(existsSync(fileOf(id, own.headers.get('etag'))), 'the file exists');
  const c2 = await as('customer2');
  const missing = await get(c2, `/invoices/${MISSING}.pdf`);
  assert.equal(missing.status, 404);
  const r = await get(c2, `/invoices/${id}.pdf`);
  assert.equal(r.status, 404);
  assert.ok(r.body.equals(missing.body), 'the same page as for a missing id');
  assert.ok(!fromNginx(r));
  assert.equal(r.headers.get('content-disposition'), null);
  assert.equal(r.headers.get('etag'), null);
  assert.equal((await get(null, `/invoices/${id}.pdf`)).status, 303, 'no session: the login');
});

test('a link download gets the same file from nginx; a revoked link is a 410 though the file exists', async () => {
  const id = UNPAID1;
  const staff = await get(await as('admin'), `/invoices/${id}.pdf`);
  assert.equal(staff.status, 200);
  const file = fileOf(id, staff.headers.get('etag'));
  assert.ok(existsSync(file), 'the file exists');
  const [epoch0, updated] = rows(`SELECT link_epoch, updated_at FROM invoices WHERE id = ${id}`)[0];
  const auditMax = +q1('SELECT COALESCE(MAX(id), 0) FROM audit_events');
  const l = link(id);
  const r = await anon(l.path);
  assert.equal(r.status, 200);
  assert.ok(fromNginx(r), 'sent by nginx');
  assert.equal(sha256(r.body), sha256(readFileSync(file)), 'the file');
  assert.ok(r.body.equals(staff.body));
  for (const h of ['content-type', 'content-disposition', 'etag', 'cache-control', ...SECURITY]) {
    assert.equal(r.headers.get(h), staff.headers.get(h), h);
  }
  try {
    ctl(['revoke-links', String(id)]);
    const g = await anon(l.path);
    assert.equal(g.status, 410, 'a revoked link');
    assert.match(g.body.toString(), /withdrawn/);
    assert.notEqual(g.headers.get('content-type'), 'application/pdf');
    assert.ok(!fromNginx(g));
    assert.ok(existsSync(file), 'the file is still there');
  } finally {
    sql(`UPDATE invoices SET link_epoch = ${epoch0}, updated_at = ${str(updated)} WHERE id = ${id}`);
    sql(`DELETE FROM audit_events WHERE id > ${auditMax} AND entity = 'invoice' AND entity_id = ${id}
      AND action = 'revoke_links'`);
  }
  assert.equal((await anon(l.path)).status, 200, 'restored');
});

test('voiding writes the cancelled document\'s file and removes the old one; restoring swaps back', async () => {
  const id = one(`i.status = 'open' AND i.paid_amount = 0 AND i.id NOT IN (${PARTIAL}, ${UNPAID1})
    AND ${nlines('i.id')} > 0`);
  const c = await as('billing');
  const before = rows(`SELECT status, updated_at FROM invoices WHERE id = ${id}`)[0];
  touch(id);
  const open = await get(c, `/invoices/${id}.pdf`);
  assert.equal(open.status, 200);
  const openName = `${id}-${open.headers.get('etag').slice(1, -1)}.pdf`;
  assert.deepEqual(filesOf(id), [openName]);
  try {
    sql(`UPDATE invoices SET status = 'void', voided_at = UTC_TIMESTAMP() WHERE id = ${id}`);
    const v = await get(c, `/invoices/${id}.pdf`);
    assert.equal(v.status, 200);
    assert.notEqual(v.headers.get('etag'), open.headers.get('etag'));
    assert.ok(!fromNginx(v), 'rendered for the new state and sent by the program');
    assert.ok(marks(inspect(v.body, 'void')).cancelled > 0, 'the cancelled document');
    const voidName = `${id}-${v.headers.get('etag').slice(1, -1)}.pdf`;
    assert.deepEqual(filesOf(id), [voidName], 'the new file written, the old one removed');
    assert.equal(sha256(readFileSync(join(FILES, voidName))), sha256(v.body));
    const again = await get(c, `/invoices/${id}.pdf`);
    assert.ok(fromNginx(again) && again.body.equals(v.body), 'then sent by nginx');
  } finally {
    sql(`UPDATE invoices SET status = ${str(before[0])}, voided_at = NULL, updated_at = ${str(before[1])} WHERE id = ${id}`);
  }
  const back = await get(c, `/invoices/${id}.pdf`);
  assert.ok(back.body.equals(open.body), 'restored: the first document again');
  assert.deepEqual(filesOf(id), [openName], 'its file again, the cancelled one removed');
  assert.equal(sha256(readFileSync(join(FILES, openName))), sha256(open.body));
});

// ---------- scoping ----------

test('customers get the same 404 for another customer\'s invoice, any draft and a missing id (PDF and CSV)', async () => {
  const c = await as('customer');
  for (const ext of ['pdf', 'csv']) {
    const missing = await get(c, `/invoices/${MISSING}.${ext}`);
    assert.equal(missing.status, 404);
    for (const id of [OTHER, DRAFT1, DRAFT2]) {
      const state = q1(`SELECT pdf_state FROM invoices WHERE id = ${id}`);
      const r = await get(c, `/invoices/${id}.${ext}`);
      assert.equal(r.status, 404, `customer1 ${id}.${ext}`);
      assert.ok(r.body.equals(missing.body), `the 404 for ${id}.${ext} looks like a missing id`);
      assert.equal(r.headers.get('content-disposition'), null);
      assert.equal(q1(`SELECT pdf_state FROM invoices WHERE id = ${id}`), state, 'nothing rendered or stored');
    }
    assert.equal((await get(c, `/invoices/${PARTIAL}.${ext}`)).status, 200, `own ${ext}`);
  }
  const c2 = await as('customer2');
  assert.equal((await get(c2, `/invoices/${OTHER}.pdf`)).status, 200);
  assert.equal((await get(c2, `/invoices/${PARTIAL}.pdf`)).status, 404);
  assert.equal((await get(c2, `/invoices/${DRAFT2}.pdf`)).status, 404, 'not even their own draft');
  // staff see drafts; nobody gets a PDF without a session
  const s = await as('support');
  for (const id of [OTHER, DRAFT1, DRAFT2]) assert.equal((await get(s, `/invoices/${id}.pdf`)).status, 200, `support ${id}`);
  for (const ext of ['pdf', 'csv']) {
    const r = await get(null, `/invoices/${PARTIAL}.${ext}`);
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), `/login?next=${encodeURIComponent(`/invoices/${PARTIAL}.${ext}`)}`);
  }
  for (const p of [`/invoices/0.pdf`, `/invoices/0${PARTIAL}.pdf`, `/invoices/${PARTIAL}.PDF`, `/invoices/${PARTIAL}.pdf/`,
    `/invoices/${PARTIAL}.pdfx`, `/invoices/99999999999999999999.pdf`]) {
    assert.equal((await get(s, p)).status, 404, p);
  }
});

// ---------- CSV ----------

// Strict RFC 4180: quoted fields start at the field, quotes doubled inside, every record ends in CRLF.
function parseCsv(body) {
  assert.ok(body.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'a UTF-8 BOM first');
  const s = body.subarray(3).toString('utf8');
  const out = [];
  let i = 0;
  while (i < s.length) {
    const rec = [];
    for (;;) {
      let f = '';
      if (s[i] === '"') {
        for (i++; ; i++) {
          assert.ok(i < s.length, 'unterminated quoted field');
          if (s[i] === '"') { if (s[i + 1] === '"') { f += '"'; i++; } else { i++; break; } } else f += s[i];
        }
      } else {
        while (i < s.length && !',\r\n'.includes(s[i])) { assert.notEqual(s[i], '"', 'a quote in an unquoted field'); f += s[i++]; }
      }
      rec.push(f);
      if (s[i] === ',') { i++; continue; }
      assert.equal(s.slice(i, i + 2), '\r\n', `record ${out.length + 1} ends in CRLF`);
      i += 2;
      break;
    }
    out.push(rec);
  }
  return out;
}
const HEADER = ['invoice_number', 'invoice_id', 'kind', 'status', 'invoice_date', 'due_date', 'period_start',
  'period_end', 'currency', 'customer_id', 'customer_name', 'customer_vat_id', 'line', 'description',
  'line_period_start', 'line_period_end', 'quantity', 'unit_code', 'unit_price', 'tax_rate', 'vat_category',
  'tax_description', 'line_net', 'line_tax', 'line_gross', 'invoice_net', 'invoice_tax', 'invoice_total',
  'invoice_paid', 'invoice_balance'];
const COL = Object.fromEntries(HEADER.map((h, i) => [h, i]));
const guard = (s) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);

function checkCsv(table, t, ctx) {
  assert.deepEqual(table[0], HEADER, `${ctx}: header row`);
  assert.equal(table.length, 1 + Math.max(1, t.lines.length), `${ctx}: one row per line`);
  table.forEach((r, k) => assert.equal(r.length, HEADER.length, `${ctx}: row ${k} has every column`));
  table.slice(1).forEach((r, k) => {
    const c = (name) => r[COL[name]];
    // the invoice's header fields on every row
    assert.equal(c('invoice_number'), guard(t.number || `Draft #${t.id}`), `${ctx} row ${k + 1}: number`);
    assert.equal(c('invoice_id'), String(t.id));
    assert.equal(c('kind'), t.kind);
    assert.equal(c('invoice_date'), t.date);
    assert.equal(c('due_date'), t.due);
    assert.equal(c('currency'), t.cur);
    assert.equal(c('customer_id'), String(t.customer));
    assert.equal(c('customer_name'), guard(t.buyer), `${ctx} row ${k + 1}: customer`);
    assert.equal(c('customer_vat_id'), guard(t.vat));
    assert.equal(c('invoice_net'), plain(t.net, t.cur));
    assert.equal(c('invoice_tax'), plain(t.tax, t.cur));
    assert.equal(c('invoice_total'), plain(t.total, t.cur));
    assert.equal(c('invoice_paid'), plain(t.paid, t.cur));
    assert.equal(c('invoice_balance'), plain(t.balance, t.cur));
    if (t.status === 'draft') assert.equal(c('status'), 'Draft');
    if (t.status === 'void') assert.equal(c('status'), 'Cancelled');
    if (t.kind === 'credit' && t.status !== 'draft' && t.status !== 'void') assert.equal(c('status'), 'Credit note');
    // the line
    const l = t.lines[k];
    if (!l) return;
    const [pos, desc, qty, unit, price, rate, cat, taxDesc, net, tax, gross] = l;
    assert.equal(c('line'), pos);
    assert.equal(c('description'), guard(desc), `${ctx} row ${k + 1}: description`);
    // as stored, trailing zeros trimmed (19.950002, 19.95, 3)
    assert.equal(c('quantity'), qty.replace(/\.?0+$/, ''));
    assert.equal(c('unit_code'), unit);
    assert.equal(c('unit_price'), price);
    assert.equal(c('tax_rate'), rate);
    assert.equal(c('vat_category'), cat);
    assert.equal(c('tax_description'), guard(taxDesc));
    assert.equal(c('line_net'), plain(net, t.cur));
    assert.equal(c('line_tax'), plain(tax, t.cur));
    assert.equal(c('line_gross'), plain(gross, t.cur));
  });
}

test('the detailed CSV: RFC 4180, a header row, one row per line with the invoice fields repeated', async () => {
  const ids = [PARTIAL, one(`i.status = 'paid'`), one(`i.status = 'void'`), one(`i.kind = 'credit'`), DRAFT1];
  for (const cur of ['JPY', 'KWD']) {
    const id = q1(`SELECT id FROM invoices WHERE currency = '${cur}' AND status <> 'draft' LIMIT 1`);
    if (id) ids.push(+id);
  }
  const c = await as('billing');
  for (const id of ids) {
    const t = truth(id);
    const r = await get(c, `/invoices/${id}.csv`);
    assert.equal(r.status, 200, `csv ${id}`);
    assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(r.headers.get('content-disposition'), `attachment; filename="${t.number || `draft-${id}`}.csv"`);
    checkCsv(parseCsv(r.body), t, `csv ${id}`);
  }
  // the customer's own invoice: the same file
  const mine = await get(await as('customer'), `/invoices/${PARTIAL}.csv`);
  assert.equal(mine.status, 200);
  checkCsv(parseCsv(mine.body), truth(PARTIAL), 'customer csv');
});

test('CSV quoting and the formula guard on real data', async () => {
  const id = DRAFT1;
  const t0 = truth(id);
  const [oldLegal, oldUpdated] = rows(`SELECT legal_name, updated_at FROM customers WHERE id = ${t0.customer}`)[0];
  const old = t0.lines.slice(0, 2).map((l) => [l[0], l[1]]);
  const values = [
    'Fibre, "premium"\r\nsecond line',
    '=HYPERLINK("http://evil.example","click")',
  ];
  const legal = '@Zoë "Quoted", GmbH';
  try {
    sql(`UPDATE customers SET legal_name = ${str(legal)}, updated_at = updated_at WHERE id = ${t0.customer}`);
    old.forEach(([pos], k) => sql(`UPDATE invoice_lines SET description = ${str(values[k])}
      WHERE invoice_id = ${id} AND position = ${pos}`));
    const t = truth(id);
    assert.equal(t.lines[0][1], values[0], 'CR LF stored');
    const r = await get(await as('admin'), `/invoices/${id}.csv`);
    assert.equal(r.status, 200);
    const raw = r.body.toString('utf8');
    assert.ok(raw.includes(',"Fibre, ""premium""\r\nsecond line",'), 'quotes doubled, the field quoted, CRLF kept inside');
    assert.ok(raw.includes(`,"'=HYPERLINK(""http://evil.example"",""click"")",`), 'formula guarded and quoted');
    assert.ok(raw.includes(`,"'@Zoë ""Quoted"", GmbH",`), 'name guarded and quoted');
    assert.ok(raw.includes(`\r\nDraft #${id},${id},`), 'drafts are named by id');
    const table = parseCsv(r.body);
    checkCsv(table, t, 'special');
    assert.equal(table[1][COL.description], values[0]);
    assert.equal(table[2][COL.description], `'${values[1]}`);
    assert.equal(table[1][COL.customer_name], `'${legal}`);
  } finally {
    sql(`UPDATE customers SET legal_name = ${str(oldLegal)}, updated_at = ${str(oldUpdated)} WHERE id = ${t0.customer}`);
    old.forEach(([pos, desc]) => sql(`UPDATE invoice_lines SET description = ${str(desc)}
      WHERE invoice_id = ${id} AND position = ${pos}`));
  }
  assert.deepEqual(truth(id).lines.slice(0, 2).map((l) => [l[0], l[1]]), old);
});

// ---------- signed links ----------

test('invoicectl link prints a URL that downloads the PDF without a login; --days sets the expiry', async () => {
  const id = PARTIAL;
  const t = truth(id);
  const staff = await get(await as('admin'), `/invoices/${id}.pdf`);
  for (const [args, days] of [[[], 30], [['--days', '2'], 2], [['--days', '1'], 1], [['--days', '3650'], 3650]]) {
    const l = link(id, ...args);
    const tok = readToken(l.token);
    assert.equal(tok.id, id, 'the link names this invoice');
    assert.equal(tok.epoch, t.epoch, 'with the current link epoch');
    assert.ok(Math.abs(tok.expires - (now() + days * 86400)) < 600, `expires in ${days} days`);
    const r = await anon(l.path);
    assert.equal(r.status, 200, l.url);
    assert.equal(r.headers.get('content-type'), 'application/pdf');
    assert.equal(r.headers.get('content-disposition'), `attachment; filename="${t.number}.pdf"`);
    assert.ok(r.body.equals(staff.body), 'the same document staff get');
  }
  checkDocument(inspect(staff.body, 'link'), t, 'link');
  for (const bad of [['--days', '0'], ['--days', '-1'], ['--days', '3651'], ['--days', 'x'], ['--days']]) {
    ctlFails(['link', String(id), ...bad]);
  }
  ctlFails(['link', String(DRAFT1)]);
  ctlFails(['link', String(MISSING)]);
  ctlFails(['link']);
});

test('links: one changed character is a 404, an expired link a 410, another key a 404', async () => {
  const id = PARTIAL;
  const epoch = epochOf(id);
  const good = sign(id, now() + 3600, epoch);
  assert.equal((await anon(`/d/${good}`)).status, 200, 'a link signed here with the stack secret works');
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  // a character in the id, the expiry, the epoch, the MAC, and the last one
  for (const pos of [0, 10, 13, 21, 26, 27, 40, 55, 68, 69]) {
    for (const delta of [1, 32]) {
      const ch = A[(A.indexOf(good[pos]) + delta) % 64];
      const bad = good.slice(0, pos) + ch + good.slice(pos + 1);
      const r = await anon(`/d/${bad}`);
      assert.equal(r.status, 404, `character ${pos} changed to ${ch}`);
      assert.match(r.body.toString(), /not valid/);
      assert.notEqual(r.headers.get('content-type'), 'application/pdf');
    }
  }
  // expired: 410, also a second after; a changed expired token is still a 404
  for (const exp of [now() - 1, now() - 86400, 1]) {
    const tok = sign(id, exp, epoch);
    const r = await anon(`/d/${tok}`);
    assert.equal(r.status, 410, `expired at ${exp}`);
    assert.match(r.body.toString(), /expired/);
    const bad = tok.slice(0, 30) + (tok[30] === 'A' ? 'B' : 'A') + tok.slice(31);
    assert.equal((await anon(`/d/${bad}`)).status, 404);
  }
  // another key, malformed tokens
  assert.equal((await anon(`/d/${sign(id, now() + 3600, epoch, randomBytes(32))}`)).status, 404);
  // (standard base64 differs from base64url only where the token has - or _)
  const std = Buffer.from(good, 'base64url').toString('base64').replace(/=+$/, '');
  for (const p of ['/d/', '/d/x', `/d/${good.slice(0, 69)}`, `/d/${good}A`, `/d/${good}=`, `/d/${good}==`,
    ...(std !== good ? [`/d/${std}`] : [])]) {
    const r = await anon(p);
    assert.equal(r.status, 404, p);
  }
});

test('links: revoked links are 410 and the revocation is audited; drafts and other invoices are out of reach', async () => {
  const id = UNPAID1;
  const [epoch0, updated] = rows(`SELECT link_epoch, updated_at FROM invoices WHERE id = ${id}`)[0].map((v, k) => (k ? v : +v));
  const auditMax = +q1('SELECT COALESCE(MAX(id), 0) FROM audit_events');
  const before = link(id);
  assert.equal((await anon(before.path)).status, 200);
  try {
    const out = ctl(['revoke-links', String(id)]);
    assert.match(out, new RegExp(`\\b${id}\\b`));
    assert.equal(epochOf(id), epoch0 + 1, 'the epoch is bumped');
    const audit = rows(`SELECT entity, entity_id, action, actor, JSON_VALUE(before_json, '$.link_epoch'),
        JSON_VALUE(after_json, '$.link_epoch') FROM audit_events WHERE id > ${auditMax} AND entity_id = ${id}`);
    assert.deepEqual(audit, [['invoice', String(id), 'revoke_links', 'invoicectl', String(epoch0), String(epoch0 + 1)]],
      'one audit event');
    const r = await anon(before.path);
    assert.equal(r.status, 410, 'a revoked link');
    assert.match(r.body.toString(), /withdrawn/);
    assert.notEqual(r.headers.get('content-type'), 'application/pdf');
    // signed with an old or a future epoch: the same
    assert.equal((await anon(`/d/${sign(id, now() + 3600, epoch0)}`)).status, 410);
    assert.equal((await anon(`/d/${sign(id, now() + 3600, epoch0 + 7)}`)).status, 410);
    // a new link works
    const fresh = link(id);
    assert.equal(readToken(fresh.token).epoch, epoch0 + 1);
    assert.equal((await anon(fresh.path)).status, 200);
    ctlFails(['revoke-links', String(MISSING)]);
    ctlFails(['revoke-links']);
  } finally {
    sql(`UPDATE invoices SET link_epoch = ${epoch0}, updated_at = ${str(updated)} WHERE id = ${id}`);
    sql(`DELETE FROM audit_events WHERE id > ${auditMax} AND entity = 'invoice' AND entity_id = ${id}
      AND action = 'revoke_links'`);
  }
  assert.equal((await anon(before.path)).status, 200, 'restored');

  // drafts: a correctly signed link is still a 404, like a missing invoice
  for (const d of [DRAFT1, DRAFT2]) {
    const r = await anon(`/d/${sign(d, now() + 3600, epochOf(d))}`);
    assert.equal(r.status, 404, `draft ${d}`);
    assert.match(r.body.toString(), /not valid/);
    assert.equal(q1(`SELECT pdf_state FROM invoices WHERE id = ${d}`), 'none');
  }
  assert.equal((await anon(`/d/${sign(MISSING, now() + 3600, 0)}`)).status, 404);
});

test('a link opens its one invoice and nothing else', async () => {
  const A = PARTIAL, B = OTHER;
  const ta = truth(A), tb = truth(B);
  const l = link(A);
  const r = await anon(l.path);
  assert.equal(r.status, 200);
  const doc = inspect(r.body, 'link A');
  assert.ok(doc.text.split('\n').includes(ta.number));
  assert.ok(!doc.flat.includes(tb.number), 'not the other invoice');
  for (const p of [`${l.path}/${B}`, `${l.path}/`, `${l.path}.pdf`, `${l.path}/x`, `${l.path}%2F${B}`,
    `/d/${B}/${l.token}`, `/d/${l.token}/../${B}`]) {
    const x = await anon(p);
    assert.notEqual(x.status, 200, p);
    assert.notEqual(x.headers.get('content-type'), 'application/pdf', p);
  }
  // query strings change nothing: still invoice A
  for (const q of [`?id=${B}`, `?invoice=${B}&token=${l.token}`]) {
    const x = await anon(`${l.path}${q}`);
    if (x.status === 200) assert.ok(x.body.equals(r.body), `${q}: still A's document`);
  }
  // the link is no session: the app stays closed
  for (const p of [`/invoices/${A}.pdf`, `/invoices/${A}.csv`, `/invoices/${A}`, `/invoices/${B}.pdf`, '/invoices',
    `/invoices/${A}.pdf?token=${l.token}`]) {
    const x = await get(null, p);
    assert.equal(x.status, 303, p);
    assert.match(x.headers.get('location'), /^\/login\?next=/);
  }
  // the token does not work in place of an id
  assert.equal((await get(await as('admin'), `/invoices/${l.token}.pdf`)).status, 404);
});
