// The invoice page (GET /invoices/{id}, cgi-bin/invoice-view): scoping (404 exactly like a
// missing id), the document against the truth computed with SQL on the same database
// (header, buyer, lines, tax summary, totals, paid/balance, payments, custom fields), the
// print layout, the staff-only signed download link, and HTML escaping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client, as, sql, BASE, shownSql, LABEL } from './lib.mjs';

// ---------- reading the page ----------

const decode = (s) => s.replace(/<[^>]*>/g, '').replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(+n))
  .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(parseInt(n, 16)))
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  .replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();

// The inner HTML of the element with this id (tables and sections do not nest their own kind here).
function byId(html, id, tag) {
  const re = new RegExp(`<(${tag || '[a-z][a-z0-9]*'})\\b[^>]*\\bid="${id}"[^>]*>([\\s\\S]*?)</\\1>`);
  const m = html.match(re);
  return m ? m[2] : null;
}
// From the first match of `start` up to the next `end` (for blocks with nested elements).
function between(html, start, end) {
  const i = html.indexOf(start);
  if (i < 0) return null;
  const j = html.indexOf(end, i + start.length);
  return j < 0 ? null : html.slice(i, j);
}
const text = (html, id, tag) => { const s = byId(html, id, tag); return s === null ? null : decode(s); };

// Body rows of a table as arrays of cell texts.
function tableRows(tableHtml) {
  const body = tableHtml.match(/<tbody>([\s\S]*?)<\/tbody>/);
  assert.ok(body, 'table without tbody');
  return [...body[1].matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)]
    .map((r) => [...r[1].matchAll(/<t[dh]\b[^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => decode(c[1])));
}

// "Label" -> "value" of the <dl> inside an element
function dl(html) {
  const out = {};
  for (const m of html.matchAll(/<dt>([\s\S]*?)<\/dt><dd[^>]*>([\s\S]*?)<\/dd>/g)) out[decode(m[1])] = decode(m[2]);
  return out;
}

// ---------- the truth, from SQL ----------

const rows = (q) => { const s = sql(q); return s === '' ? [] : s.split('\n').map((l) => l.split('\t')); };
const q1 = (q) => sql(q);
const str = (s) => `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const EXP = { JPY: 0, KWD: 3, BHD: 3, JOD: 3, OMR: 3, TND: 3, IQD: 3, LYD: 3 };
const group = (int) => int.replace(/\B(?=(\d{3})+$)/g, ',');
// DB decimal text ("7316.920") as the page shows it ("7,316.92 CZK"; without the code in table cells)
function money(dec, cur, withCode = true) {
  const e = EXP[cur] ?? 2;
  let s = String(dec ?? '0'), sign = '';
  if (s.startsWith('-')) { sign = '-'; s = s.slice(1); }
  const [int, frac = ''] = s.split('.');
  const f = frac.padEnd(3, '0');
  assert.match(f.slice(e), /^0*$/, `${dec} has digits beyond ${cur}'s exponent`);
  const v = `${sign}${group(int)}${e ? '.' + f.slice(0, e) : ''}`;
  return withCode ? `${v} ${cur}` : v;
}
// 6-decimal DB text trimmed, keeping at least `min` decimals: "1.200000" -> "1.2", ("79.900000", 2) -> "79.90"
function fixed(dec, min = 0) {
  const [int, frac = ''] = String(dec).split('.');
  let f = frac.replace(/0+$/, '');
  if (f.length < min) f = f.padEnd(min, '0');
  return `${group(int)}${f ? '.' + f : ''}`;
}
const rate = (dec) => `${fixed(dec)}%`;

const CUST1 = +q1(`SELECT customer_id FROM users WHERE email = 'customer1@example.com'`);
const CUST2 = +q1(`SELECT customer_id FROM users WHERE email = 'customer2@example.com'`);
const one = (where) => {
  const id = q1(`SELECT i.id FROM invoices i WHERE ${where} ORDER BY i.id LIMIT 1`);
  assert.ok(id, `the demo data has an invoice with ${where}`);
  return +id;
};
// an issued invoice of customer 1 with payments, more than one line
const PARTIAL = one(`i.customer_id = ${CUST1} AND i.status = 'open' AND i.paid_amount > 0
  AND (SELECT COUNT(*) FROM invoice_lines l WHERE l.invoice_id = i.id) > 1`);
const DRAFT1 = one(`i.customer_id = ${CUST1} AND i.status = 'draft'`);
const DRAFT2 = one(`i.customer_id = ${CUST2} AND i.status = 'draft'`);
const OTHER = one(`i.customer_id = ${CUST2} AND i.status = 'open'`);
const MISSING = +q1('SELECT MAX(id) FROM invoices') + 1000;

// the shown status by the customer's date (lib.mjs), and each label's badge class
const SHOWN_SQL = shownSql();
const KEY = Object.fromEntries(Object.entries(LABEL).map(([k, l]) => [l, k]));
// the buyer an issued invoice was issued to (buyer_snapshot); a draft's is the customer row
const BUYER_SQL = `IF(i.status <> 'draft' AND i.buyer_snapshot IS NOT NULL,
  COALESCE(NULLIF(JSON_VALUE(i.buyer_snapshot, '$.legal_name'), ''), JSON_VALUE(i.buyer_snapshot, '$.name')),
  COALESCE(NULLIF(c.legal_name, ''), c.name))`;

function truth(id) {
  const [h] = rows(`SELECT i.id, COALESCE(i.number, ''), i.kind, i.status, i.currency, i.invoice_date, i.due_date,
      COALESCE(i.period_start, ''), COALESCE(i.period_end, ''), i.net_total, i.tax_total, i.total, i.paid_amount,
      i.balance, ${BUYER_SQL}, ${SHOWN_SQL}, ABS(DATEDIFF(i.due_date, CURDATE())),
      COALESCE(ci.number, ''), i.link_epoch
    FROM invoices i JOIN customers c ON c.id = i.customer_id LEFT JOIN invoices ci ON ci.id = i.credited_invoice_id
    WHERE i.id = ${id}`);
  const [, number, kind, status, cur, date, due, ps, pe, net, tax, total, paid, balance, buyer, shown, dueDist,
    credited, epoch] = h;
  return {
    id, number, kind, status, cur, date, due, ps, pe, net, tax, total, paid, balance, buyer, shown,
    // both sides take the customer's date (a request across midnight aside)
    shownSure: dueDist !== undefined, credited, epoch: +epoch,
    lines: rows(`SELECT description, quantity, unit_price, tax_rate, tax_description, net_amount, tax_amount,
        net_amount + tax_amount FROM invoice_lines WHERE invoice_id = ${id} ORDER BY position`),
    taxes: rows(`SELECT tax_rate, net_amount, tax_amount FROM invoice_tax_totals WHERE invoice_id = ${id}
        ORDER BY tax_rate DESC, vat_category`),
    payments: rows(`SELECT COALESCE(p.received_on, DATE(a.created_at)), a.amount FROM payment_allocations a
        LEFT JOIN payments p ON p.id = a.payment_id WHERE a.invoice_id = ${id} ORDER BY 1, a.id`),
  };
}

// Checks the whole document against the database.
function checkDocument(html, t, who) {
  const ctx = `${who} invoice ${t.id}`;
  const cur = t.cur;
  // header
  assert.equal(text(html, 'inv-number'), t.number || `Draft #${t.id}`, `${ctx}: number`);
  const title = decode(html.match(/<title>([\s\S]*?)<\/title>/)[1]);
  const doc = t.kind === 'credit' ? 'Credit note' : 'Invoice';
  assert.ok(title.startsWith(t.number ? `${doc} ${t.number}` : `Draft #${t.id}`), `${ctx}: title ${title}`);
  const badge = html.match(/<span class="badge status st-([a-z]+)" id="inv-status">([^<]+)<\/span>/);
  assert.ok(badge, `${ctx}: status badge`);
  assert.equal(KEY[badge[2]], badge[1], `${ctx}: badge class matches its status`);
  if (t.shownSure) assert.equal(badge[2], t.shown, `${ctx}: status`);
  const meta = dl(byId(html, 'inv-meta', 'dl'));
  assert.equal(meta['Invoice date'], t.date, `${ctx}: invoice date`);
  if (t.kind !== 'credit') assert.equal(meta['Due date'], t.due, `${ctx}: due date`);
  assert.equal(meta.Currency, cur, `${ctx}: currency`);
  if (t.ps) assert.equal(meta['Billing period'], t.ps === t.pe ? t.ps : `${t.ps} – ${t.pe}`, `${ctx}: period`);
  if (t.kind === 'credit') assert.equal(meta['Credits invoice'], t.credited, `${ctx}: credited invoice`);
  // buyer
  const buyer = between(html, 'id="buyer"', '</address>');
  assert.ok(buyer, `${ctx}: buyer block`);
  assert.equal(decode(buyer.match(/class="buyer-name">([\s\S]*?)<\/div>/)[1]), t.buyer, `${ctx}: buyer`);
  // lines, in order
  const lines = tableRows(byId(html, 'lines', 'table'));
  assert.equal(lines.length, t.lines.length || 1, `${ctx}: line count`);
  t.lines.forEach(([desc, qty, price, r, taxDesc, net, tax, gross], i) => {
    const cells = lines[i];
    const c = cells.length === 9 ? { desc: 1, qty: 3, price: 4, tax: 5, net: 6, taxa: 7, gross: 8 }
      : { desc: 1, qty: 2, price: 3, tax: 4, net: 5, taxa: 6, gross: 7 };
    assert.equal(cells[c.desc], decode(desc.replace(/\\n/g, '\n')), `${ctx}: line ${i + 1} description`);
    assert.match(cells[c.qty], new RegExp(`^${fixed(qty).replace(/\./g, '\\.')}( |$)`), `${ctx}: line ${i + 1} quantity`);
    assert.equal(cells[c.price], fixed(price, EXP[cur] ?? 2), `${ctx}: line ${i + 1} unit price`);
    assert.ok(cells[c.tax].startsWith(rate(r)), `${ctx}: line ${i + 1} tax rate ${cells[c.tax]}`);
    if (taxDesc && taxDesc !== rate(r)) assert.ok(cells[c.tax].endsWith(taxDesc), `${ctx}: line ${i + 1} tax description`);
    assert.equal(cells[c.net], money(net, cur, false), `${ctx}: line ${i + 1} net`);
    assert.equal(cells[c.taxa], money(tax, cur, false), `${ctx}: line ${i + 1} tax`);
    assert.equal(cells[c.gross], money(gross, cur, false), `${ctx}: line ${i + 1} gross`);
  });
  // tax summary per rate
  const taxes = tableRows(byId(html, 'tax-summary', 'table'));
  assert.deepEqual(taxes.map((r) => [r[0], r[2], r[3]]),
    t.taxes.map(([r, net, tax]) => [rate(r), money(net, cur, false), money(tax, cur, false)]), `${ctx}: tax summary`);
  // totals
  const totals = Object.fromEntries(tableRows(byId(html, 'totals', 'table')).map(([k, v]) => [k, v]));
  assert.equal(totals['Net total'], money(t.net, cur), `${ctx}: net total`);
  assert.equal(totals.Tax, money(t.tax, cur), `${ctx}: tax total`);
  assert.equal(totals.Total, money(t.total, cur), `${ctx}: total`);
  if (t.status === 'draft') {
    assert.equal(text(html, 'paid'), null, `${ctx}: a draft has nothing paid yet`);
  } else {
    assert.equal(text(html, 'paid'), money(t.paid, cur), `${ctx}: paid`);
    if (t.status === 'void') assert.equal(text(html, 'balance'), null, `${ctx}: nothing is due on a void invoice`);
    else assert.equal(text(html, 'balance'), money(t.balance, cur), `${ctx}: balance`);
  }
  // payment history
  if (t.status !== 'draft' && t.kind !== 'credit') {
    const section = byId(html, 'payments', 'section');
    assert.ok(section, `${ctx}: payment history`);
    const got = section.includes('<table') ? tableRows(section).map((r) => [r[0], r[3]]) : [];
    assert.deepEqual(got, t.payments.map(([d, a]) => [d, money(a, cur)]), `${ctx}: payments`);
  }
}

const shares = (html) => html.match(/<input type="text" id="share-url"[^>]*value="([^"]*)"/);

// ---------- tests ----------

sql('DELETE FROM login_failures');

test('every role views an invoice in its scope, and the document matches the database', async () => {
  const t = truth(PARTIAL);
  assert.ok(t.lines.length > 1 && t.payments.length > 0);
  for (const role of ['admin', 'billing', 'support', 'customer']) {
    const c = await as(role);
    const r = await c.get(`/invoices/${PARTIAL}`);
    assert.equal(r.status, 200, role);
    assert.match(r.headers.get('content-type'), /^text\/html/);
    checkDocument(r.text_, t, role);
  }
  const c2 = await as('customer2');
  const r = await c2.get(`/invoices/${OTHER}`);
  assert.equal(r.status, 200);
  checkDocument(r.text_, truth(OTHER), 'customer2');
});

test('invoices in every status, kind and currency exponent match the database', async () => {
  const ids = new Set();
  for (const where of [`i.status = 'draft'`, `i.status = 'paid'`, `i.status = 'void'`, `i.kind = 'credit'`,
    `i.status = 'open' AND i.paid_amount = 0`, `i.currency = 'JPY'`, `i.currency = 'KWD'`,
    `(SELECT COUNT(*) FROM invoice_tax_totals x WHERE x.invoice_id = i.id) > 1`,
    `(SELECT COUNT(*) FROM payment_allocations x WHERE x.invoice_id = i.id) > 1`]) {
    const id = q1(`SELECT i.id FROM invoices i WHERE ${where} ORDER BY i.id DESC LIMIT 1`);
    if (where.includes('JPY') || where.includes('KWD')) { if (id) ids.add(+id); continue; }
    assert.ok(id, `the demo data has an invoice with ${where}`);
    ids.add(+id);
  }
  const c = await as('billing');
  for (const id of ids) {
    const r = await c.get(`/invoices/${id}`);
    assert.equal(r.status, 200, `invoice ${id}`);
    checkDocument(r.text_, truth(id), 'billing');
  }
});

test('drafts are titled "Draft #id"; credit notes name the invoice they credit', async () => {
  const c = await as('admin');
  let r = await c.get(`/invoices/${DRAFT1}`);
  assert.equal(r.status, 200);
  assert.equal(text(r.text_, 'inv-number'), `Draft #${DRAFT1}`);
  assert.match(r.text_, /<span class="badge status st-draft" id="inv-status">Draft<\/span>/);
  assert.match(r.text_, /data-watermark="DRAFT"/);
  const [cn, cnNumber, credited] = rows(`SELECT i.id, i.number, ci.number FROM invoices i
    JOIN invoices ci ON ci.id = i.credited_invoice_id WHERE i.kind = 'credit' ORDER BY i.id LIMIT 1`)[0];
  r = await c.get(`/invoices/${cn}`);
  assert.equal(r.status, 200);
  assert.match(r.text_, /<div class="doc-kind">Credit note<\/div>/);
  assert.equal(text(r.text_, 'inv-number'), cnNumber);
  assert.equal(text(r.text_, 'inv-credited', 'dd'), credited);
  assert.match(r.text_, new RegExp(`<title>Credit note ${cnNumber} `));
});

test('a customer gets the same 404 for another customer\'s invoice, any draft and a missing id', async () => {
  const c = await as('customer');
  const missing = await c.get(`/invoices/${MISSING}`);
  assert.equal(missing.status, 404);
  assert.match(missing.text_, /There is nothing at this address/);
  const otherNumber = q1(`SELECT number FROM invoices WHERE id = ${OTHER}`);
  for (const id of [OTHER, DRAFT1, DRAFT2]) {
    for (const q of ['', '?print=1']) {
      const r = await c.get(`/invoices/${id}${q}`);
      assert.equal(r.status, 404, `customer1 GET /invoices/${id}${q}`);
      assert.equal(r.text_, missing.text_, `the 404 for ${id}${q} looks like a missing id`);
      assert.doesNotMatch(r.text_, new RegExp(otherNumber));
    }
  }
  // staff see all of them
  const a = await as('support');
  for (const id of [OTHER, DRAFT1, DRAFT2]) assert.equal((await a.get(`/invoices/${id}`)).status, 200, `support ${id}`);
  assert.equal((await a.get(`/invoices/${MISSING}`)).status, 404);
});

test('malformed ids are 404s', async () => {
  const c = await as('admin');
  for (const p of ['/invoices/0', `/invoices/0${PARTIAL}`, '/invoices/abc', '/invoices/-1', `/invoices/${PARTIAL}x`,
    '/invoices/99999999999999999999', `/invoices/${PARTIAL}/`, `/invoices/+${PARTIAL}`]) {
    const r = await c.get(p);
    assert.equal(r.status, 404, p);
    assert.doesNotMatch(r.text_, /id="inv-number"/, p);
  }
});

test('anonymous visitors are sent to the login page', async () => {
  const r = await new Client().get(`/invoices/${PARTIAL}`);
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), `/login?next=${encodeURIComponent(`/invoices/${PARTIAL}`)}`);
});

test('the seller block comes from the configuration', async () => {
  const hdf = readFileSync(`${process.env.STACK_DIR}/invoice.hdf`, 'utf8');
  const cfg = (k) => (hdf.match(new RegExp(`^${k.replace('.', '\\.')} = (.*)$`, 'm')) || [])[1];
  const c = await as('customer');
  const html = (await c.get(`/invoices/${PARTIAL}`)).text_;
  const seller = between(html, 'id="seller"', 'class="doc-title"');
  assert.ok(seller);
  assert.equal(decode(seller.match(/class="seller-name">([\s\S]*?)<\/div>/)[1]), cfg('Seller.Name'));
  assert.equal(decode(seller.match(/<address>([\s\S]*?)<\/address>/)[1].replace(/<\/span><span>/g, ', ')),
    cfg('Seller.Address'));
  assert.equal(dl(seller)['VAT ID'], cfg('Seller.TaxId'));
  const iban = cfg('Seller.IBAN');
  assert.match(html, new RegExp(iban.replace(/(.{4})(?!$)/g, '$1 ')), 'the IBAN, grouped by four');
  assert.doesNotMatch(seller, /<img/, 'no logo configured, no image');
});

test('links: PDF, detailed CSV and print', async () => {
  const c = await as('customer');
  const html = (await c.get(`/invoices/${PARTIAL}`)).text_;
  assert.match(html, new RegExp(`<a class="btn primary" id="act-pdf" href="/invoices/${PARTIAL}\\.pdf" download>`));
  assert.match(html, new RegExp(`id="act-csv" href="/invoices/${PARTIAL}\\.csv"`));
  assert.match(html, new RegExp(`id="act-print" href="/invoices/${PARTIAL}\\?print=1"`));
  assert.match(html, /<link rel="stylesheet" href="\/static\/invoice\.css">/);
});

test('custom fields: staff see every field, customers only the visible ones', async () => {
  const pub = `vt_pub_${process.pid}`, priv = `vt_priv_${process.pid}`;
  sql(`INSERT INTO custom_field_defs (field_key, label, visible_to_customer, position) VALUES
    (${str(pub)}, 'Project <b>code</b>', 1, 90), (${str(priv)}, 'Internal margin note', 0, 91)`);
  try {
    sql(`INSERT INTO invoice_custom_fields (invoice_id, field_id, value)
      SELECT ${PARTIAL}, id, CASE WHEN field_key = ${str(pub)} THEN 'PRJ-"42" & <i>' ELSE 'margin-secret-77' END
      FROM custom_field_defs WHERE field_key IN (${str(pub)}, ${str(priv)})`);
    const staff = (await (await as('support')).get(`/invoices/${PARTIAL}`)).text_;
    let f = dl(byId(staff, 'fields', 'div'));
    assert.equal(f['Project <b>code</b>'], 'PRJ-"42" & <i>');
    assert.equal(f['Internal margin note'], 'margin-secret-77');
    assert.match(staff, /Project &lt;b&gt;code&lt;\/b&gt;/, 'labels are escaped');
    assert.match(staff, /PRJ-&quot;42&quot; &amp; &lt;i&gt;/, 'values are escaped');
    const cust = (await (await as('customer')).get(`/invoices/${PARTIAL}`)).text_;
    f = dl(byId(cust, 'fields', 'div'));
    assert.equal(f['Project <b>code</b>'], 'PRJ-"42" & <i>');
    assert.equal(f['Internal margin note'], undefined);
    assert.doesNotMatch(cust, /margin-secret-77|Internal margin note/);
  } finally {
    sql(`DELETE f FROM invoice_custom_fields f JOIN custom_field_defs d ON d.id = f.field_id
      WHERE d.field_key IN (${str(pub)}, ${str(priv)})`);
    sql(`DELETE FROM custom_field_defs WHERE field_key IN (${str(pub)}, ${str(priv)})`);
  }
});

test('print layout: the document without navigation or actions; print accepts only 1', async () => {
  for (const role of ['admin', 'customer']) {
    const c = await as(role);
    const normal = await c.get(`/invoices/${PARTIAL}`);
    assert.match(normal.text_, /class="topbar"/);
    assert.match(normal.text_, /class="main-nav"/);
    assert.match(normal.text_, /id="act-pdf"/);
    const r = await c.get(`/invoices/${PARTIAL}?print=1`);
    assert.equal(r.status, 200, role);
    checkDocument(r.text_, truth(PARTIAL), `${role} print`);
    assert.match(r.text_, /<body class="print-view">/);
    assert.match(r.text_, /<link rel="stylesheet" href="\/static\/invoice\.css">/);
    for (const gone of [/class="topbar"/, /<nav\b/, /Sign out/, /id="act-pdf"/, /class="inv-actions"/,
      /id="share-url"/, /class="admin-actions"/, /<form\b/]) assert.doesNotMatch(r.text_, gone, `${role}: ${gone}`);
    for (const q of ['print=2', 'print=0', 'print=yes', 'print=01', 'print=1&print=1', 'print=%201']) {
      const bad = await c.get(`/invoices/${PARTIAL}?${q}`);
      assert.equal(bad.status, 400, q);
      assert.match(bad.text_, /<code class="param">print<\/code>/, q);
      assert.doesNotMatch(bad.text_, /id="inv-number"/, q);
    }
    // an empty value is no value: the normal page
    assert.equal((await c.get(`/invoices/${PARTIAL}?print=`)).status, 200);
  }
});

test('the stylesheet prints the normal page without navigation and actions', async () => {
  const r = await fetch(`${BASE}/static/invoice.css`);
  assert.equal(r.status, 200);
  const css = await r.text();
  const print = css.slice(css.indexOf('@media print'));
  assert.ok(css.includes('@media print'));
  for (const sel of ['.topbar', '.inv-toolbar', '.staff-tools', '.no-print']) {
    assert.match(print, new RegExp(`\\${sel}\\b[^{]*\\{[^}]*display: none`), sel);
  }
});

test('the copy-link box: staff on issued invoices only, with a valid signed 30-day link', async () => {
  const secret = Buffer.from(readFileSync(`${process.env.STACK_DIR}/secret`, 'utf8').trim(), 'hex');
  const issued = [PARTIAL, one(`i.status = 'paid'`), one(`i.status = 'void'`)];
  // a revoked-before invoice: its links carry the current epoch
  sql(`UPDATE invoices SET link_epoch = link_epoch + 3 WHERE id = ${issued[1]}`);
  try {
    // customers never see it, not even on their own issued invoices
    const cust = await as('customer');
    for (const id of [PARTIAL, one(`i.customer_id = ${CUST1} AND i.status = 'paid'`)]) {
      const html = (await cust.get(`/invoices/${id}`)).text_;
      assert.equal(shares(html), null, `customer, invoice ${id}`);
      assert.doesNotMatch(html, /\/d\/[A-Za-z0-9_-]{20,}|id="share-link"|invoice\.js/);
    }
    for (const role of ['admin', 'billing', 'support']) {
      const c = await as(role);
      const draft = (await c.get(`/invoices/${DRAFT1}`)).text_;
      assert.equal(shares(draft), null, `${role}: no link for a draft`);
      assert.doesNotMatch(draft, /\/d\//);
      for (const id of issued) {
        const html = (await c.get(`/invoices/${id}`)).text_;
        const m = shares(html);
        assert.ok(m, `${role}: a link for issued invoice ${id}`);
        assert.match(html, /<button type="button" class="btn" id="copy-share" data-copy="share-url" hidden>Copy<\/button>/);
        assert.match(html, /<script src="\/static\/invoice\.js" defer><\/script>/);
        assert.doesNotMatch(html, /<script>|onclick=/, 'no inline script (CSP)');
        const url = new URL(m[1]);
        assert.equal(url.origin, new URL(BASE).origin);
        const tok = url.pathname.match(/^\/d\/([A-Za-z0-9_-]{70})$/);
        assert.ok(tok, `token shape: ${url.pathname}`);
        const raw = Buffer.from(tok[1], 'base64url');
        assert.equal(raw.length, 52);
        assert.equal(raw.readBigUInt64BE(0), BigInt(id), 'the link names this invoice');
        const expires = Number(raw.readBigUInt64BE(8));
        assert.ok(Math.abs(expires - (Date.now() / 1000 + 30 * 86400)) < 600, `expires in 30 days: ${expires}`);
        assert.equal(raw.readUInt32BE(16), truth(id).epoch, 'signed with the current link epoch');
        const mac = createHmac('sha256', secret).update(raw.subarray(0, 20)).digest();
        assert.ok(mac.equals(raw.subarray(20)), 'HMAC with the server secret');
      }
    }
  } finally {
    sql(`UPDATE invoices SET link_epoch = link_epoch - 3 WHERE id = ${issued[1]}`);
  }
});

test('the signed link opens the PDF without a login', async () => {
  const c = await as('billing');
  const m = shares((await c.get(`/invoices/${PARTIAL}`)).text_);
  assert.ok(m);
  const r = await fetch(m[1], { redirect: 'manual' });
  assert.equal(r.status, 200);
  const body = Buffer.from(await r.arrayBuffer());
  assert.equal(body.subarray(0, 5).toString('latin1'), '%PDF-');
});

test('the Update status control offers only the allowed next states, to staff with write rights', async () => {
  const due = +sql(`SELECT id FROM invoices WHERE status = 'open' AND paid_amount = 0 AND kind = 'invoice' ORDER BY id LIMIT 1`);
  const draft = +sql(`SELECT id FROM invoices WHERE status = 'draft' ORDER BY id LIMIT 1`);
  const expect = { [PARTIAL]: [], [due]: ['void'], [draft]: ['edit', 'issue', 'discard'] };
  for (const [role, writes] of [['admin', true], ['billing', true], ['support', false], ['customer', false]]) {
    const c = await as(role);
    for (const [id, acts] of Object.entries(expect)) {
      const r = await c.get(`/invoices/${id}`);
      if (role === 'customer' && +id === draft) { assert.equal(r.status, 404); continue; }
      const all = [...r.text_.matchAll(new RegExp(`href="/admin/invoices/${id}/([a-z]+)"`, 'g'))].map((m) => m[1]);
      const links = all.filter((a) => a !== 'credit');
      assert.deepEqual(links, writes ? acts : [], `${role} on ${id}`);
      // "Create credit note" beside the group, on issued invoices only
      assert.equal(all.includes('credit'), writes && +id !== draft, `${role} on ${id}: Create credit note`);
      const group = r.text_.match(/<div class="admin-actions" data-for="admin" role="group" aria-labelledby="update-status">/);
      assert.equal(!!group, writes && acts.length > 0, `${role} on ${id}: the group only with links in it`);
    }
  }
});

test('a line description with markup is escaped', async () => {
  const [lineId, orig] = rows(`SELECT id, description FROM invoice_lines WHERE invoice_id = ${PARTIAL}
    ORDER BY position LIMIT 1`)[0];
  const evil = `<script>alert("x")</script> & <img src=x onerror=alert(1)>`;
  sql(`UPDATE invoice_lines SET description = ${str(evil)} WHERE id = ${lineId}`);
  try {
    for (const role of ['admin', 'customer']) {
      for (const q of ['', '?print=1']) {
        const html = (await (await as(role)).get(`/invoices/${PARTIAL}${q}`)).text_;
        assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; &lt;img src=x onerror=alert\(1\)&gt;/);
        assert.doesNotMatch(html, /<script>alert|<img src=x/);
        assert.equal(tableRows(byId(html, 'lines', 'table'))[0][1], evil);
      }
    }
  } finally {
    sql(`UPDATE invoice_lines SET description = ${str(orig.replace(/\\n/g, '\n').replace(/\\t/g, '\t'))} WHERE id = ${lineId}`);
  }
});
