// E-invoices (issue 12; cgi-bin/invoice-pdf, lib/einvoice.c): GET /invoices/{id}.xml (UBL 2.1,
// Peppol BIS Billing 3.0) and /invoices/{id}.cii.xml (CII D16B) of issued invoices and credit
// notes, per role: admin, billing and support get any issued document, a customer its own (another
// customer's and drafts: 404), staff asking for a draft's: 409. Every figure in the XML is checked
// against SQL (number, dates, currency, totals, VAT breakdown, each line, buyer, the credited
// invoice); the links on the invoice page and in the list; a document that cannot be an EN 16931
// e-invoice (a 3-decimal currency's fils) is refused with the rule. Conformance to the official
// rules is the layer tests/einvoice/run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { as, sql, ctl, Client, buyerSql } from './lib.mjs';
import { formFields, fieldError } from './admin_lib.mjs';

const rows = (q) => { const s = sql(q); return s === '' ? [] : s.split('\n').map((l) => l.split('\t')); };
const one = (q) => sql(q);

const CUST1 = +one(`SELECT customer_id FROM users WHERE email = 'customer1@example.com'`);
const EXP = { JPY: 0, KWD: 3 };
// a document EN 16931 can carry: amounts with at most two decimals
const TWO = `(i.currency <> 'KWD' OR (MOD(i.total * 1000, 10) = 0 AND MOD(i.net_total * 1000, 10) = 0
  AND NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.invoice_id = i.id AND MOD(l.net_amount * 1000, 10) <> 0)))`;
const pick = (where) => {
  const id = one(`SELECT i.id FROM invoices i WHERE ${where} ORDER BY i.id LIMIT 1`);
  assert.ok(id, `the demo data has an invoice with ${where}`);
  return +id;
};
const OWN = pick(`i.customer_id = ${CUST1} AND i.kind = 'invoice' AND i.status IN ('open', 'paid') AND ${TWO}`);
const OTHER = pick(`i.customer_id <> ${CUST1} AND i.status IN ('open', 'paid') AND ${TWO}`);
const CREDIT = pick(`i.kind = 'credit' AND i.status IN ('open', 'paid') AND ${TWO}`);
const VOID = pick(`i.status = 'void'`);
// a document with an exempt category and its VATEX code (cli/demo.c: E, AE, K, G, O carry one)
const EXEMPT = pick(`i.status IN ('open', 'paid') AND ${TWO} AND EXISTS (SELECT 1 FROM invoice_tax_totals t
  WHERE t.invoice_id = i.id AND t.vat_category NOT IN ('S', 'Z') AND t.exemption_code <> '')`);
const DRAFT_OWN = pick(`i.customer_id = ${CUST1} AND i.status = 'draft'`);
const MISSING = +one('SELECT MAX(id) FROM invoices') + 1000;

// DECIMAL(19,3) text as EN 16931 writes it: the currency's decimals, a third only when not zero
function amount(dec, cur) {
  const e = EXP[cur] ?? 2;
  let [int, frac = ''] = String(dec).split('.');
  frac = frac.padEnd(3, '0');
  if (e === 0) { assert.match(frac, /^0+$/); return int; }
  return `${int}.${e === 3 && frac[2] !== '0' ? frac : frac.slice(0, 2)}`;
}
const all = (xml, tag) => [...xml.matchAll(new RegExp(`<${tag}(?: [^>]*)?>([^<]*)</${tag}>`, 'g'))].map((m) => m[1]);
const first = (xml, tag) => all(xml, tag)[0];
const unxml = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'")
  .replace(/&amp;/g, '&');

function truth(id) {
  const [number, kind, type, cur, date, due, net, tax, total, credited, legal, name, country] = rows(`SELECT i.number,
    i.kind, i.type_code, i.currency, i.invoice_date, i.due_date, i.net_total, i.tax_total, i.total,
    COALESCE(ci.number, ''), ${buyerSql('legal_name')}, ${buyerSql('name')}, ${buyerSql('country')}
    FROM invoices i JOIN customers c ON c.id = i.customer_id LEFT JOIN invoices ci ON ci.id = i.credited_invoice_id
    WHERE i.id = ${id}`)[0];
  const lines = rows(`SELECT position, net_amount, vat_category, unit_code FROM invoice_lines WHERE invoice_id = ${id}
    ORDER BY position`);
  const taxes = rows(`SELECT vat_category, net_amount, tax_amount, exemption_code FROM invoice_tax_totals
    WHERE invoice_id = ${id} ORDER BY tax_rate DESC, vat_category`);
  return { number, kind, type, cur, date, due, net, tax, total, credited, buyer: legal || name, country, lines, taxes };
}

function checkUbl(xml, t) {
  const credit = t.kind === 'credit';
  assert.match(xml, new RegExp(`^<\\?xml version="1.0" encoding="UTF-8"\\?>\n<${credit ? 'CreditNote' : 'Invoice'} `));
  assert.equal(first(xml, 'cbc:CustomizationID'), 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0');
  assert.equal(first(xml, 'cbc:ID'), t.number);
  assert.equal(first(xml, 'cbc:IssueDate'), t.date);
  assert.equal(first(xml, credit ? 'cbc:CreditNoteTypeCode' : 'cbc:InvoiceTypeCode'), t.type);
  assert.equal(first(xml, 'cbc:DocumentCurrencyCode'), t.cur);
  if (!credit) assert.equal(first(xml, 'cbc:DueDate'), t.due);
  const total = xml.match(/<cac:LegalMonetaryTotal>([\s\S]*?)<\/cac:LegalMonetaryTotal>/)[1];
  assert.equal(first(total, 'cbc:LineExtensionAmount'), amount(t.net, t.cur), 'BT-106 = net total');
  assert.equal(first(total, 'cbc:TaxExclusiveAmount'), amount(t.net, t.cur));
  assert.equal(first(total, 'cbc:TaxInclusiveAmount'), amount(t.total, t.cur), 'BT-112 = total');
  assert.equal(first(total, 'cbc:PayableAmount'), amount(t.total, t.cur));
  const tt = xml.match(/<cac:TaxTotal>\n<cbc:TaxAmount currencyID="([A-Z]{3})">([^<]*)<\/cbc:TaxAmount>/);
  assert.deepEqual([tt[1], tt[2]], [t.cur, amount(t.tax, t.cur)], 'BT-110 = tax total');
  const subs = [...xml.matchAll(/<cac:TaxSubtotal>([\s\S]*?)<\/cac:TaxSubtotal>/g)].map((m) => m[1]);
  assert.deepEqual(subs.map((s) => [first(s, 'cbc:ID'), first(s, 'cbc:TaxableAmount'), first(s, 'cbc:TaxAmount')]),
    t.taxes.map(([cat, net, tax]) => [cat, amount(net, t.cur), amount(tax, t.cur)]), 'the VAT breakdown');
  // the stored VATEX codes (S and Z carry none: BR-S-10, BR-Z-10)
  assert.deepEqual(subs.map((s) => first(s, 'cbc:TaxExemptionReasonCode') ?? ''),
    t.taxes.map(([cat, , , code]) => (cat === 'S' || cat === 'Z' ? '' : code)), 'exemption codes');
  const lines = [...xml.matchAll(credit ? /<cac:CreditNoteLine>([\s\S]*?)<\/cac:CreditNoteLine>/g
    : /<cac:InvoiceLine>([\s\S]*?)<\/cac:InvoiceLine>/g)].map((m) => m[1]);
  assert.deepEqual(lines.map((l) => [first(l, 'cbc:ID'), first(l, 'cbc:LineExtensionAmount'),
    first(l.match(/<cac:ClassifiedTaxCategory>[\s\S]*?<\/cac:ClassifiedTaxCategory>/)[0], 'cbc:ID'),
    l.match(/Quantity unitCode="([^"]+)"/)[1]]),
  t.lines.map(([pos, net, cat, unit]) => [pos, amount(net, t.cur), cat, unit]), 'every line');
  const buyer = xml.match(/<cac:AccountingCustomerParty>([\s\S]*?)<\/cac:AccountingCustomerParty>/)[1];
  assert.equal(unxml(first(buyer, 'cbc:RegistrationName')), t.buyer);
  assert.equal(first(buyer, 'cbc:IdentificationCode'), t.country);
  if (credit) assert.match(xml, new RegExp(`<cac:BillingReference>\n<cac:InvoiceDocumentReference>\n<cbc:ID>${t.credited}</cbc:ID>`),
    'BT-25: the credited invoice');
}

function checkCii(xml, t) {
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<rsm:CrossIndustryInvoice /);
  assert.equal(first(xml, 'ram:ID'), 'urn:cen.eu:en16931:2017');
  assert.equal(all(xml, 'ram:ID')[1], t.number);
  assert.equal(all(xml, 'ram:TypeCode')[0], t.type);
  assert.equal(first(xml, 'udt:DateTimeString'), t.date.replace(/-/g, ''));
  assert.equal(first(xml, 'ram:InvoiceCurrencyCode'), t.cur);
  const sum = xml.match(/<ram:SpecifiedTradeSettlementHeaderMonetarySummation>([\s\S]*?)<\/ram:SpecifiedTradeSettlementHeaderMonetarySummation>/)[1];
  assert.equal(first(sum, 'ram:LineTotalAmount'), amount(t.net, t.cur), 'BT-106 = net total');
  assert.equal(first(sum, 'ram:TaxBasisTotalAmount'), amount(t.net, t.cur));
  assert.equal(first(xml, 'ram:TaxTotalAmount'), amount(t.tax, t.cur));
  assert.equal(first(xml, 'ram:GrandTotalAmount'), amount(t.total, t.cur));
  assert.equal(first(xml, 'ram:DuePayableAmount'), amount(t.total, t.cur));
  const items = [...xml.matchAll(/<ram:IncludedSupplyChainTradeLineItem>([\s\S]*?)<\/ram:IncludedSupplyChainTradeLineItem>/g)]
    .map((m) => m[1]);
  assert.deepEqual(items.map((l) => [first(l, 'ram:LineID'), first(l, 'ram:LineTotalAmount'), first(l, 'ram:CategoryCode')]),
    t.lines.map(([pos, net, cat]) => [pos, amount(net, t.cur), cat]), 'every line');
  const heads = [...xml.matchAll(/<ram:ApplicableTradeTax>\n<ram:CalculatedAmount>([^<]*)<[\s\S]*?<ram:BasisAmount>([^<]*)<[\s\S]*?<ram:CategoryCode>([^<]*)</g)]
    .map((m) => [m[3], m[2], m[1]]);
  assert.deepEqual(heads, t.taxes.map(([cat, net, tax]) => [cat, amount(net, t.cur), amount(tax, t.cur)]), 'the VAT breakdown');
  const buyer = xml.match(/<ram:BuyerTradeParty>([\s\S]*?)<\/ram:BuyerTradeParty>/)[1];
  assert.equal(unxml(first(buyer, 'ram:Name')), t.buyer);
  if (t.kind === 'credit') assert.match(xml, new RegExp(`<ram:InvoiceReferencedDocument>\n<ram:IssuerAssignedID>${t.credited}<`));
}

async function fetchXml(c, id, cii) {
  const r = await c.get(`/invoices/${id}${cii ? '.cii.xml' : '.xml'}`);
  assert.equal(r.status, 200, `${id}: ${r.status} ${r.text_.slice(0, 300)}`);
  assert.equal(r.headers.get('content-type'), 'application/xml; charset=utf-8');
  return r;
}

test('staff get the UBL and CII of any issued invoice and credit note, every figure as in SQL', async () => {
  for (const role of ['admin', 'billing', 'support']) {
    const c = await as(role);
    for (const id of [OWN, OTHER, CREDIT, EXEMPT]) {
      const t = truth(id);
      const u = await fetchXml(c, id, false);
      assert.equal(u.headers.get('content-disposition'), `attachment; filename="${t.number}.xml"`);
      checkUbl(u.text_, t);
      const x = await fetchXml(c, id, true);
      assert.equal(x.headers.get('content-disposition'), `attachment; filename="${t.number}.cii.xml"`);
      checkCii(x.text_, t);
    }
  }
});

test('a customer gets its own e-invoices; another customer\'s, drafts and missing ids are 404', async () => {
  const c = await as('customer');
  checkUbl((await fetchXml(c, OWN, false)).text_, truth(OWN));
  checkCii((await fetchXml(c, OWN, true)).text_, truth(OWN));
  for (const id of [OTHER, DRAFT_OWN, MISSING])
    for (const ext of ['.xml', '.cii.xml']) {
      const r = await c.get(`/invoices/${id}${ext}`);
      assert.equal(r.status, 404, `${id}${ext}`);
      assert.doesNotMatch(r.text_, /<\?xml|EN 16931/);
    }
});

test('staff asking for a draft\'s e-invoice: 409, no document; no session: the login page', async () => {
  const c = await as('billing');
  for (const ext of ['.xml', '.cii.xml']) {
    const r = await c.get(`/invoices/${DRAFT_OWN}${ext}`);
    assert.equal(r.status, 409);
    assert.match(r.text_, /draft has no e-invoice/);
    assert.equal((await c.get(`/invoices/${MISSING}${ext}`)).status, 404);
    const anon = await new Client().get(`/invoices/${OWN}${ext}`);
    assert.equal(anon.status, 303);
    assert.equal(anon.headers.get('location'), `/login?next=${encodeURIComponent(`/invoices/${OWN}${ext}`)}`);
  }
});

test('links: the invoice page of an issued document offers UBL and CII, a draft\'s none; the list links issued rows', async () => {
  const c = await as('admin');
  const v = await c.get(`/invoices/${OWN}`);
  assert.match(v.text_, new RegExp(`id="act-ubl" href="/invoices/${OWN}\\.xml"`));
  assert.match(v.text_, new RegExp(`id="act-cii" href="/invoices/${OWN}\\.cii\\.xml"`));
  const d = await c.get(`/invoices/${DRAFT_OWN}`);
  assert.equal(d.status, 200);
  assert.doesNotMatch(d.text_, /id="act-(ubl|cii)"/);
  const cust = await as('customer');
  assert.match((await cust.get(`/invoices/${OWN}`)).text_, new RegExp(`id="act-ubl" href="/invoices/${OWN}\\.xml"`));
  const list = (await c.get(`/invoices?customer=${CUST1}&per_page=100`)).text_;
  const ids = rows(`SELECT id, status FROM invoices WHERE customer_id = ${CUST1}`);
  assert.ok(ids.some(([, s]) => s === 'draft') && ids.some(([, s]) => s !== 'draft'), 'drafts and issued ones to compare');
  for (const [id, status] of ids) {
    if (!list.includes(`<a href="/invoices/${id}">View</a>`)) continue;   // past the page
    assert.equal(list.includes(`<a href="/invoices/${id}.xml"`), status === 'open' || status === 'paid', `list row ${id} (${status})`);
  }
});

test('a document EN 16931 cannot carry (a third decimal) is refused with the rule, not written', async () => {
  // made here: an issued KWD invoice's line with fils, restored afterwards
  const id = OTHER;
  const [cur, net] = rows(`SELECT currency, net_amount FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id
    WHERE i.id = ${id} ORDER BY l.position LIMIT 1`)[0];
  sql(`UPDATE invoices SET currency = 'KWD' WHERE id = ${id}`);
  sql(`UPDATE invoice_lines SET net_amount = net_amount + 0.001 WHERE invoice_id = ${id} ORDER BY position LIMIT 1`);
  try {
    const c = await as('admin');
    for (const ext of ['.xml', '.cii.xml']) {
      const r = await c.get(`/invoices/${id}${ext}`);
      assert.equal(r.status, 409, ext);
      assert.match(r.text_, /EN 16931 rule BR-DEC-23/);
      assert.doesNotMatch(r.text_, /<\?xml/);
    }
  } finally {
    sql(`UPDATE invoice_lines SET net_amount = ${net} WHERE invoice_id = ${id} ORDER BY position LIMIT 1`);
    sql(`UPDATE invoices SET currency = '${cur}' WHERE id = ${id}`);
  }
});

test('the customer\'s e-invoice format: XRechnung needs the Leitweg-ID, then the invoice page offers it', async () => {
  const c = await as('billing');
  const cust = +one(`SELECT customer_id FROM invoices WHERE id = ${OTHER}`);
  const [syntax0, ref0] = rows(`SELECT einvoice_syntax, buyer_reference FROM customers WHERE id = ${cust}`)[0];
  assert.equal(syntax0, 'peppol', 'the default (sql/0025)');
  try {
    const form = formFields((await c.get(`/admin/customers/${cust}/edit`)).text_, 'customer-form');
    assert.equal(form.einvoice_syntax, 'peppol');
    let r = await c.post(`/admin/customers/${cust}`, { ...form, einvoice_syntax: 'xrechnung', buyer_reference: '' });
    assert.equal(r.status, 422);
    assert.match(fieldError(r.text_, 'buyer_reference'), /Leitweg-ID/);
    assert.equal(one(`SELECT einvoice_syntax FROM customers WHERE id = ${cust}`), 'peppol', 'nothing written');
    r = await c.post(`/admin/customers/${cust}`, { ...form, einvoice_syntax: 'nonsense' });
    assert.equal(r.status, 422);
    r = await c.post(`/admin/customers/${cust}`, { ...form, einvoice_syntax: 'xrechnung', buyer_reference: '04011000-12345-34' });
    assert.equal(r.status, 303, r.text_.slice(0, 300));
    assert.deepEqual(rows(`SELECT einvoice_syntax, buyer_reference FROM customers WHERE id = ${cust}`)[0],
      ['xrechnung', '04011000-12345-34']);
    const v = (await c.get(`/invoices/${OTHER}`)).text_;
    assert.match(v, new RegExp(`id="act-xrechnung" href="/invoices/${OTHER}\\.xrechnung\\.xml"`));
    const x = await c.get(`/invoices/${OTHER}.xrechnung.xml`);
    assert.equal(x.status, 200);
    assert.equal(x.headers.get('content-disposition'), `attachment; filename="${truth(OTHER).number}.xrechnung.xml"`);
    assert.equal(first(x.text_, 'cbc:CustomizationID'),
      'urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0');
    // the issued document keeps the buyer reference it was issued with (BT-10 from the invoice)
    const bref = one(`SELECT buyer_reference FROM invoices WHERE id = ${OTHER}`);
    assert.equal(first(x.text_, 'cbc:BuyerReference'), bref || `C${cust}`);
    const t = truth(OTHER);
    assert.equal(first(x.text_.match(/<cac:LegalMonetaryTotal>[\s\S]*<\/cac:LegalMonetaryTotal>/)[0], 'cbc:PayableAmount'),
      amount(t.total, t.cur));
    // the others' pages do not offer it
    assert.doesNotMatch((await c.get(`/invoices/${OWN}`)).text_, /id="act-xrechnung"/);
  } finally {
    sql(`UPDATE customers SET einvoice_syntax = '${syntax0}', buyer_reference = '${ref0}' WHERE id = ${cust}`);
  }
});

test('a cancelled invoice has no e-invoice (it would read as payable): 409, no link', async () => {
  const c = await as('support');
  for (const ext of ['.xml', '.cii.xml', '.xrechnung.xml']) {
    const r = await c.get(`/invoices/${VOID}${ext}`);
    assert.equal(r.status, 409, ext);
    assert.match(r.text_, /cancelled: it has no e-invoice/);
  }
  assert.doesNotMatch((await c.get(`/invoices/${VOID}`)).text_, /id="act-(ubl|cii|xrechnung)"/);
});

test('invoicectl export-xml writes one file per document, named by number, the same bytes as the route', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'einv-export-'));
  try {
    const out = ctl(['export-xml', '--syntax', 'cii', '--dir', dir, String(OWN), String(CREDIT)]);
    const [own, credit] = [truth(OWN), truth(CREDIT)];
    assert.deepEqual(out.trim().split('\n'), [join(dir, `${own.number}.cii.xml`), join(dir, `${credit.number}.cii.xml`)]);
    const c = await as('admin');
    assert.equal(readFileSync(join(dir, `${own.number}.cii.xml`), 'utf8'), (await fetchXml(c, OWN, true)).text_);
    checkCii(readFileSync(join(dir, `${credit.number}.cii.xml`), 'utf8'), credit);
    // default: the customer's format (peppol unless set)
    ctl(['export-xml', '--dir', dir, String(OWN)]);
    checkUbl(readFileSync(join(dir, `${own.number}.xml`), 'utf8'), own);
    // --all: every open and paid document, none of the drafts or cancelled ones
    rmSync(dir, { recursive: true });
    const all = mkdtempSync(join(tmpdir(), 'einv-export-'));
    let refused = '';
    try { ctl(['export-xml', '--all', '--dir', all]); } catch (e) { refused = String(e.stderr); }
    const written = readdirSync(all).length + (refused.match(/BR-DEC/g) || []).length;
    assert.equal(written, +one(`SELECT COUNT(*) FROM invoices WHERE status IN ('open', 'paid')`));
    assert.doesNotMatch(refused.replace(/.*BR-DEC.*\n?/g, ''), /\S/, 'only 3-decimal amounts are refused');
    rmSync(all, { recursive: true });
    // refusals: a draft, a cancelled invoice, a missing id, bad usage
    for (const [args, msg] of [[[String(DRAFT_OWN)], /draft has no e-invoice/], [[String(VOID)], /cancelled/],
      [[String(MISSING)], /no such invoice/], [['--syntax', 'pdf', '1'], /usage/], [[], /usage/]]) {
      assert.throws(() => ctl(['export-xml', '--dir', tmpdir(), ...args]), (e) => e.status === 1 && msg.test(String(e.stderr)),
        args.join(' '));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Peppol needs the customer\'s electronic address: without it the UBL is refused with the rule, the CII is not', async () => {
  const cust = +one(`SELECT customer_id FROM invoices WHERE id = ${OTHER}`);
  const [id0, scheme0] = rows(`SELECT endpoint_id, endpoint_scheme FROM customers WHERE id = ${cust}`)[0];
  assert.ok(id0 && scheme0, 'the demo customer has a Peppol endpoint');
  const c = await as('billing');
  assert.match((await fetchXml(c, OTHER, false)).text_,
    new RegExp(`<cac:AccountingCustomerParty>\n<cac:Party>\n<cbc:EndpointID schemeID="${scheme0}">${id0}</cbc:EndpointID>`));
  sql(`UPDATE customers SET endpoint_id = '', endpoint_scheme = '' WHERE id = ${cust}`);
  try {
    const r = await c.get(`/invoices/${OTHER}.xml`);
    assert.equal(r.status, 409);
    assert.match(r.text_, /PEPPOL-EN16931-R010/);
    assert.match(r.text_, /electronic address/);
    const x = await fetchXml(c, OTHER, true);
    checkCii(x.text_, truth(OTHER));
    assert.doesNotMatch(x.text_.match(/<ram:BuyerTradeParty>[\s\S]*<\/ram:BuyerTradeParty>/)[0], /<ram:URIUniversalCommunication>/);
  } finally {
    sql(`UPDATE customers SET endpoint_id = '${id0}', endpoint_scheme = '${scheme0}' WHERE id = ${cust}`);
  }
});
