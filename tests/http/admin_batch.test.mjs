// The list's batch actions (cgi-bin/admin_batch.c): the list's check boxes and
// batch form, batch issue (confirmation, each draft in its own transaction,
// result page with consecutive numbers and reasons, a repeated post changes
// nothing), role and CSRF refusals, the PDFs as one zip, "every invoice this
// filter matches" against SQL.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { as, sql } from './lib.mjs';
import { attr, decode } from './admin_lib.mjs';

const rows = (q) => { const s = sql(q); return s === '' ? [] : s.split('\n').map((l) => l.split('\t')); };
const n = (q) => +sql(q);

sql('DELETE FROM login_failures');
const MAX0 = n('SELECT COALESCE(MAX(id), 0) FROM invoices');
after(() => {
  sql(`DELETE FROM outbox WHERE invoice_id > ${MAX0}`);
  sql(`DELETE FROM invoices WHERE id > ${MAX0}`);
});

// Two active customers: the batch's list is filtered to the first.
const CUSTS = rows(`SELECT id FROM customers WHERE active = 1 AND currency = 'EUR' ORDER BY id LIMIT 2`).map((r) => +r[0]);
assert.equal(CUSTS.length, 2, 'the demo data has two active EUR customers');
const [CID, OTHER] = CUSTS;

const keys = (html) => ({
  csrf: html.match(/name="csrf" value="([0-9a-f]{64})"/)[1],
  once: (html.match(/name="once" value="([0-9a-f]{64})"/) || [])[1],
});
const why = (r) => `${r.status}: ${(r.text_.match(/role="alert">([\s\S]*?)<\//) || [])[1] || r.text_.slice(0, 300)}`;

// A one-line draft through the editor's form.
async function draft(c, customer) {
  const k = keys((await c.get('/admin/invoices/new')).text_);
  const r = await c.post('/admin/invoices/new', {
    csrf: k.csrf, once: k.once, rows: '2', tax_rounding: 'line', customer: String(customer), invoice_date: '2026-12-01',
    l1_description: 'Batch test line', l1_quantity: '2', l1_unit_price: '10.50', l1_tax_rate: '19', l1_unit_code: 'C62',
    l1_tax_description: 'VAT 19%',
  });
  assert.equal(r.status, 303, why(r));
  return +r.headers.get('location').match(/^\/invoices\/(\d+)/)[1];
}

// The list's batch form: its action (with the list's filter) and CSRF token.
async function batchForm(c, query) {
  const r = await c.get(`/invoices?${query}`);
  assert.equal(r.status, 200);
  const m = r.text_.match(/<form method="post" action="([^"]*)" id="batch-form"/);
  assert.ok(m, 'the list has the batch form');
  return { action: attr(m[1]), csrf: keys(r.text_).csrf, html: r.text_ };
}
const pairs = (o, ids) => [...Object.entries(o), ...ids.map((id) => ['id', String(id)])];

test('the list: a check box per row for staff, bound to the batch form; none for customers', async () => {
  const b = await as('billing');
  const { html, action } = await batchForm(b, `customer=${CID}`);
  assert.match(action, new RegExp(`^/admin/invoices/batch\\?.*customer=${CID}`));
  const ids = [...html.matchAll(/<tr data-id="(\d+)"[^>]*>\s*<td class="sel"><input type="checkbox" name="id" form="batch-form" value="(\d+)"/g)];
  assert.ok(ids.length > 0);
  assert.ok(ids.every((m) => m[1] === m[2]));
  assert.match(html, /<option value="issue">/);
  const s = await as('support');
  const sh = (await s.get('/invoices')).text_;
  assert.match(sh, /id="batch-form"/);
  assert.doesNotMatch(sh, /<option value="issue">/, 'support may download, not issue');
  const cu = (await (await as('customer')).get('/invoices')).text_;
  assert.doesNotMatch(cu, /batch-form|class="sel"/);
});

test('batch issue: 5 drafts issued with consecutive numbers, an issued and another customer\'s refused; a repeat changes nothing', async () => {
  const b = await as('billing');
  const drafts = [];
  for (let i = 0; i < 5; i++) drafts.push(await draft(b, CID));
  const issued = n(`SELECT id FROM invoices WHERE customer_id = ${CID} AND status = 'open' ORDER BY id LIMIT 1`);
  assert.ok(issued > 0, 'the customer has an issued invoice');
  const foreign = await draft(b, OTHER);
  const all = [...drafts, issued, foreign];
  const { action, csrf } = await batchForm(b, `customer=${CID}`);

  const conf = await b.post(action, pairs({ csrf, action: 'issue' }, all));
  assert.equal(conf.status, 200, why(conf));
  assert.equal(decode(conf.text_.match(/id="batch-drafts">([^<]*)</)[1]), '5');
  const items = [...conf.text_.matchAll(/<tr data-id="(\d+)">/g)].map((m) => +m[1]);
  assert.deepEqual(items, all, 'the confirmation lists every selected invoice');
  assert.equal(n(`SELECT COUNT(*) FROM invoices WHERE id IN (${drafts}) AND status = 'draft'`), 5, 'the confirmation changes nothing');

  const form = conf.text_.match(/<form method="post" action="([^"]*)">([\s\S]*?)<\/form>/);
  const hidden = (name) => attr(form[2].match(new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`))[1]);
  assert.equal(hidden('ids'), all.join(','), 'the confirmation carries the selection in one field');
  const versions = hidden('vers').split(',').map(Number);
  assert.deepEqual(versions.slice(0, 5), drafts.map((id) => n(`SELECT row_version FROM invoices WHERE id = ${id}`)));
  const post = [['csrf', keys(form[2]).csrf], ['once', keys(form[2]).once], ['notify', '1'], ['ids', hidden('ids')],
    ['vers', hidden('vers')]];
  const seq0 = n(`SELECT COALESCE(MAX(next_value), 0) FROM number_sequences`);
  const res = await b.post(attr(form[1]), post);
  assert.equal(res.status, 200, why(res));
  const got = [...res.text_.matchAll(/<tr data-id="(\d+)"><td class="number"><a [^>]*>([^<]+)<\/a>/g)].map((m) => [+m[1], m[2]]);
  assert.deepEqual(got.map((g) => g[0]), drafts, 'the five drafts are issued, in order');
  const seqs = got.map((g) => +g[1].match(/(\d+)$/)[1]);
  seqs.forEach((s, i) => assert.equal(s, seqs[0] + i, 'consecutive numbers'));
  for (const [id, number] of got)
    assert.deepEqual(rows(`SELECT status, number FROM invoices WHERE id = ${id}`)[0], ['open', number], 'SQL agrees');
  const refused = Object.fromEntries([...res.text_.matchAll(/<tr data-id="(\d+)"><td>[\s\S]*?<td class="reason">([^<]*)</g)]
    .map((m) => [+m[1], decode(m[2])]));
  assert.match(refused[issued], /Not a draft/);
  assert.match(refused[foreign], /Another customer/);
  assert.equal(sql(`SELECT status FROM invoices WHERE id = ${foreign}`), 'draft');
  const MAILS = sql(`SELECT email <> '' FROM customers WHERE id = ${CID}`) === '1' ? 5 : 0;
  assert.equal(n(`SELECT COUNT(*) FROM outbox WHERE invoice_id IN (${drafts})`), MAILS, 'one notification each');
  const events = n(`SELECT COUNT(*) FROM audit_events WHERE entity = 'invoice' AND action = 'issue' AND entity_id IN (${drafts})`);
  assert.equal(events, 5);

  // the same post again: the same page, nothing issued twice, no number taken
  const seq1 = n(`SELECT COALESCE(MAX(next_value), 0) FROM number_sequences`);
  assert.ok(seq1 >= seq0);
  const again = await b.post(attr(form[1]), post);
  assert.equal(again.status, 200, why(again));
  const got2 = [...again.text_.matchAll(/<tr data-id="(\d+)"><td class="number"><a [^>]*>([^<]+)<\/a>/g)].map((m) => [+m[1], m[2]]);
  assert.deepEqual(got2, got, 'a repeat shows the same numbers');
  assert.equal(n(`SELECT COALESCE(MAX(next_value), 0) FROM number_sequences`), seq1, 'no number taken');
  assert.equal(n(`SELECT COUNT(*) FROM audit_events WHERE entity = 'invoice' AND action = 'issue' AND entity_id IN (${drafts})`), 5);
  assert.equal(n(`SELECT COUNT(*) FROM outbox WHERE invoice_id IN (${drafts})`), MAILS);
});

test('support gets 403 on batch issue, customers 404 on every batch address; without CSRF 403; nothing changes', async () => {
  const b = await as('billing');
  const id = await draft(b, CID);
  for (const [role, code] of [['support', 403], ['customer', 404]]) {
    const c = await as(role);
    const csrf = keys((await c.get('/invoices')).text_).csrf;
    let r = await c.post('/admin/invoices/batch', pairs({ csrf, action: 'issue' }, [id]));
    assert.equal(r.status, code, `${role} confirmation`);
    r = await c.post('/admin/invoices/batch/issue', pairs({ csrf, once: randomBytes(32).toString('hex'), notify: '1' }, [id]));
    assert.equal(r.status, code, `${role} issue`);
    if (role === 'customer') {
      r = await c.post('/admin/invoices/batch', pairs({ csrf, action: 'zip' }, [id]));
      assert.equal(r.status, 404, 'customers get no zip');
    }
  }
  let r = await b.post('/admin/invoices/batch/issue', pairs({ once: randomBytes(32).toString('hex'), notify: '1' }, [id]));
  assert.equal(r.status, 403, 'no CSRF token');
  r = await b.post('/admin/invoices/batch/issue', pairs({ csrf: randomBytes(32).toString('hex'), once: randomBytes(32).toString('hex') }, [id]));
  assert.equal(r.status, 403, 'a wrong CSRF token');
  assert.equal(sql(`SELECT status FROM invoices WHERE id = ${id}`), 'draft');
  // bad input: no selection, no action, junk ids
  const { csrf } = await batchForm(b, '');
  assert.equal((await b.post('/admin/invoices/batch', { csrf, action: 'zip' })).status, 400, 'an empty selection');
  assert.equal((await b.post('/admin/invoices/batch', pairs({ csrf }, [id]))).status, 400, 'no action');
  assert.equal((await b.post('/admin/invoices/batch', pairs({ csrf, action: 'zip' }, ['x1']))).status, 400, 'a junk id');
  assert.equal(sql(`SELECT status FROM invoices WHERE id = ${id}`), 'draft');
});

function unzip(buf) {
  const dir = mkdtempSync(join(tmpdir(), 'batch-zip-'));
  writeFileSync(join(dir, 'a.zip'), buf);
  execFileSync('unzip', ['-tq', join(dir, 'a.zip')]);
  const names = execFileSync('unzip', ['-Z1', join(dir, 'a.zip')], { encoding: 'utf8' }).trim().split('\n');
  execFileSync('unzip', ['-q', '-d', join(dir, 'x'), join(dir, 'a.zip')]);
  return { dir, names };
}

test('the selected invoices\' PDFs as one zip: names from the numbers, each PDF valid and showing its number', async () => {
  const s = await as('support');   // support may download
  const picked = rows(`SELECT id, number FROM invoices WHERE customer_id = ${CID} AND status IN ('open', 'paid') ORDER BY id LIMIT 3`);
  assert.equal(picked.length, 3);
  const { action, csrf } = await batchForm(s, `customer=${CID}`);
  const r = await s.req('POST', action, { form: pairs({ csrf, action: 'zip' }, picked.map((p) => p[0])) });
  assert.equal(r.status, 200, why(r));
  assert.equal(r.headers.get('content-type'), 'application/zip');
  assert.match(r.headers.get('content-disposition'), /attachment; filename="invoices-\d{4}-\d{2}-\d{2}\.zip"/);
  // the client read it as text: fetch it again as bytes
  const body = await fetch(process.env.BASE_URL + action, {
    method: 'POST', headers: { cookie: s.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(pairs({ csrf, action: 'zip' }, picked.map((p) => p[0]))).toString(),
  });
  const { dir, names } = unzip(Buffer.from(await body.arrayBuffer()));
  try {
    assert.deepEqual(names, picked.map((p) => `${p[1]}.pdf`));
    for (const [, number] of picked) {
      const f = join(dir, 'x', `${number}.pdf`);
      execFileSync('qpdf', ['--check', f]);
      assert.match(execFileSync('pdftotext', [f, '-'], { encoding: 'utf8' }), new RegExp(number));
    }
  } finally { rmSync(dir, { recursive: true }); }
  // an id outside the list's customer: 404 before any byte of the zip
  const foreign = n(`SELECT id FROM invoices WHERE customer_id = ${OTHER} AND status <> 'draft' ORDER BY id LIMIT 1`);
  const r2 = await s.req('POST', action, { form: pairs({ csrf, action: 'zip' }, [picked[0][0], foreign]) });
  assert.equal(r2.status, 404);
});

test('"every invoice this filter matches" takes the filter\'s ids (SQL truth), not just the page', async () => {
  const b = await as('billing');
  const query = `customer=${CID}&per_page=10&status=paid&status=due&status=overdue&status=partial`;
  const { action, csrf } = await batchForm(b, query);
  const truth = rows(`SELECT id, number FROM invoices WHERE customer_id = ${CID} AND status IN ('open', 'paid') AND kind = 'invoice' ORDER BY id`);
  assert.ok(truth.length > 10, `more matches (${truth.length}) than one page`);
  const body = await fetch(process.env.BASE_URL + action, {
    method: 'POST', headers: { cookie: b.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, action: 'zip', all: '1' }).toString(),
  });
  assert.equal(body.status, 200);
  const { dir, names } = unzip(Buffer.from(await body.arrayBuffer()));
  rmSync(dir, { recursive: true });
  assert.deepEqual(names.sort(), truth.map((t) => `${t[1]}.pdf`).sort());
  // the confirmation of a batch issue over a draft filter lists exactly the customer's drafts
  const d = await batchForm(b, `customer=${CID}&status=draft`);
  const conf = await b.post(d.action, { csrf: d.csrf, action: 'issue', all: '1' });
  assert.equal(conf.status, 200, why(conf));
  const items = [...conf.text_.matchAll(/<tr data-id="(\d+)">/g)].map((m) => +m[1]).sort((x, y) => x - y);
  const dtruth = rows(`SELECT id FROM invoices WHERE customer_id = ${CID} AND status = 'draft' ORDER BY id`).map((r) => +r[0]);
  assert.deepEqual(items, dtruth);
});

test('one PDF to print: every selected invoice\'s pages (pdfinfo), every number in the text', async () => {
  const b = await as('billing');
  const picked = rows(`SELECT id, number FROM invoices WHERE customer_id = ${CID} AND status IN ('open', 'paid') ORDER BY id LIMIT 4`);
  assert.equal(picked.length, 4);
  const { action, csrf } = await batchForm(b, `customer=${CID}`);
  const post = (ids) => fetch(process.env.BASE_URL + action, {
    method: 'POST', headers: { cookie: b.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(pairs({ csrf, action: 'pdf' }, ids)).toString(),
  });
  const dir = mkdtempSync(join(tmpdir(), 'batch-pdf-'));
  try {
    const pagesOf = (f) => +execFileSync('pdfinfo', [f], { encoding: 'utf8' }).match(/^Pages:\s+(\d+)/m)[1];
    let sum = 0;
    for (const [id] of picked) {   // each alone, as /invoices/{id}.pdf serves it
      const r = await b.get(`/invoices/${id}.pdf`);
      assert.equal(r.status, 200);
      const one = await fetch(`${process.env.BASE_URL}/invoices/${id}.pdf`, { headers: { cookie: b.cookieHeader() } });
      writeFileSync(join(dir, `${id}.pdf`), Buffer.from(await one.arrayBuffer()));
      sum += pagesOf(join(dir, `${id}.pdf`));
    }
    const r = await post(picked.map((p) => p[0]));
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/pdf');
    const f = join(dir, 'all.pdf');
    writeFileSync(f, Buffer.from(await r.arrayBuffer()));
    execFileSync('qpdf', ['--check', f]);
    assert.equal(pagesOf(f), sum, 'pages = the sum of each invoice\'s pages');
    const text = execFileSync('pdftotext', [f, '-'], { encoding: 'utf8' });
    for (const [, number] of picked) assert.match(text, new RegExp(number));
  } finally { rmSync(dir, { recursive: true }); }
});

test('more than Batch.Max (60 in the test stack, 500 by default) selected is refused with the reason (400), nothing written', async () => {
  const b = await as('billing');
  const total = n('SELECT COUNT(*) FROM invoices');
  assert.ok(total > 60, 'the demo data has more invoices than the cap');
  const { action, csrf } = await batchForm(b, 'status=draft&status=due&status=overdue&status=partial&status=paid&status=void');
  const snap = () => sql('SELECT COUNT(*), SUM(row_version), SUM(status = \'draft\') FROM invoices');
  const before = snap();
  let r = await b.post(action, { csrf, action: 'issue', all: '1' });
  assert.equal(r.status, 400);
  assert.match(decode(r.text_), /More than 60 invoices are selected: a batch takes at most 60/);
  const ids = rows('SELECT id FROM invoices ORDER BY id LIMIT 61').map((x) => x[0]);
  r = await b.post('/admin/invoices/batch/issue', [['csrf', csrf], ['once', randomBytes(32).toString('hex')], ['ids', ids.join(',')]]);
  assert.equal(r.status, 400);
  r = await b.post('/admin/invoices/batch/issue', [['csrf', csrf], ['once', randomBytes(32).toString('hex')], ['ids', '1,,2']]);
  assert.equal(r.status, 400, 'a malformed id list');
  assert.equal(snap(), before);
});
