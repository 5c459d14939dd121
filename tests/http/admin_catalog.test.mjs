// Packages and custom field definitions in the admin area (cgi-bin/admin_catalog.c,
// lib/catalog.c): create / edit / archive / restore as admin and billing against the
// rows in MariaDB, support reads and gets 403 on every POST, customers get 404,
// validation (6 decimals, negative prices, VAT category vs rate, unknown currency,
// a taken name) writes nothing and re-shows what was typed, version conflicts
// give 409 and write nothing, double submits create one row, audit rows carry
// before/after.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { as, sql } from './lib.mjs';
import { decode, formFields, fieldError } from './admin_lib.mjs';

const q = (s) => `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
// what these tests create goes again at the end, so later files see the demo data as it was
const firstPkg = Number(sql('SELECT COALESCE(MAX(id), 0) FROM packages')) + 1;
const firstField = Number(sql('SELECT COALESCE(MAX(id), 0) FROM custom_field_defs')) + 1;
after(() => {
  sql(`DELETE FROM packages WHERE id >= ${firstPkg} AND id NOT IN (SELECT package_id FROM invoice_lines WHERE package_id IS NOT NULL)`);
  sql(`DELETE FROM custom_field_defs WHERE id >= ${firstField} AND id NOT IN (SELECT field_id FROM invoice_custom_fields)`);
});

let seq = 0;
const unique = (p) => `${p} ${process.pid}-${++seq}`;

async function form(c, path) {
  const r = await c.get(path);
  assert.equal(r.status, 200, path);
  return formFields(r.text_, 'entity-form');
}

const pkg = (f, over = {}) => ({ ...f, name: unique('Fibre 1000'), description: 'Symmetric, with "static" IP & router',
  kind: 'recurring', currency: 'eur', unit_price: '49.9', unit_code: 'MON', default_quantity: '1', tax_rate: '19',
  vat_category: 'S', tax_description: 'VAT 19%', ...over });

for (const role of ['admin', 'billing']) {
  test(`${role} creates, edits, archives and restores a package; each step audited`, async () => {
    const c = await as(role);
    const f = pkg(await form(c, '/admin/packages/new'));
    const r = await c.post('/admin/packages', f);
    assert.equal(r.status, 303, r.text_.slice(0, 400));
    const id = Number(r.headers.get('location').match(/^\/admin\/packages\/(\d+)\?done=created$/)[1]);
    assert.deepEqual(sql(`SELECT name, description, kind, currency, unit_price, unit_code, default_quantity, tax_rate,
      vat_category, tax_description, active, row_version FROM packages WHERE id = ${id}`).split('\t'),
    [f.name, f.description, 'recurring', 'EUR', '49.900000', 'MON', '1.000000', '19.0000', 'S', 'VAT 19%', '1', '1']);
    assert.deepEqual(sql(`SELECT action, JSON_VALUE(after_json, '$.unit_price') FROM audit_events
      WHERE entity = 'package' AND entity_id = ${id}`).split('\t'), ['create', '49.900000']);

    const e = await form(c, `/admin/packages/${id}`);
    assert.equal(e.unit_price, '49.900000');
    assert.equal(e.row_version, '1');
    const u = await c.post(`/admin/packages/${id}`, { ...e, unit_price: '0.004500', unit_code: 'MIN', default_quantity: '60' });
    assert.equal(u.status, 303);
    assert.deepEqual(sql(`SELECT unit_price, unit_code, default_quantity, row_version FROM packages WHERE id = ${id}`).split('\t'),
      ['0.004500', 'MIN', '60.000000', '2']);
    assert.deepEqual(sql(`SELECT JSON_VALUE(before_json, '$.unit_price'), JSON_VALUE(after_json, '$.unit_price')
      FROM audit_events WHERE entity = 'package' AND entity_id = ${id} AND action = 'update'`).split('\t'),
    ['49.900000', '0.004500']);

    const page = await c.get(`/admin/packages/${id}`);
    const a = await c.post(`/admin/packages/${id}/archive`, formFields(page.text_, 'archive-form'));
    assert.equal(a.status, 303);
    assert.equal(sql(`SELECT active FROM packages WHERE id = ${id}`), '0');
    assert.doesNotMatch((await c.get('/admin/packages')).text_, new RegExp(`data-id="${id}"`));
    assert.match((await c.get('/admin/packages?show=archived')).text_,
      new RegExp(`data-id="${id}">.*?<span class="badge archived">Archived</span>`));
    const back = await c.post(`/admin/packages/${id}/archive`,
      formFields((await c.get(`/admin/packages/${id}`)).text_, 'archive-form'));
    assert.equal(back.status, 303);
    assert.equal(sql(`SELECT active FROM packages WHERE id = ${id}`), '1');
    assert.equal(sql(`SELECT GROUP_CONCAT(action ORDER BY id) FROM audit_events WHERE entity = 'package' AND entity_id = ${id}`),
      'create,update,archive,restore');
    // the package's page shows its history, newest first, with what the update changed
    const hist = (await c.get(`/admin/packages/${id}`)).text_.match(/<ol class="history" id="history">([\s\S]*?)<\/ol>/)[1];
    const actions = [...hist.matchAll(/<strong class="action">([^<]*)<\/strong>/g)].map((m) => m[1]);
    assert.deepEqual(actions, ['restore', 'archive', 'update', 'create']);
    assert.ok(decode(hist).includes('unit_price: 49.900000 → 0.004500'), decode(hist));
  });
}

test('package validation: every message, typed values kept, nothing written', async () => {
  const c = await as('billing');
  const taken = sql('SELECT name, currency FROM packages ORDER BY id LIMIT 1').split('\t');
  const cases = [
    [{ unit_price: '0.0000001' }, 'unit_price', 'Unit price at most 6 decimals'],
    [{ unit_price: '-1' }, 'unit_price', 'Unit price must not be negative'],
    [{ unit_price: 'abc' }, 'unit_price', 'Unit price must be a number like 12.50'],
    [{ default_quantity: '1.1234567' }, 'default_quantity', 'Default quantity at most 6 decimals'],
    [{ tax_rate: '19.12345' }, 'tax_rate', 'Tax rate (%) at most 4 decimals'],
    [{ tax_rate: '100' }, 'tax_rate', 'Tax rate (%) must be below 100%'],
    [{ tax_rate: '0' }, 'tax_rate', 'Tax rate (%) must be above 0 for the standard rate category'],
    [{ vat_category: 'AE' }, 'tax_rate', 'Tax rate (%) must be 0 for this VAT category'],
    [{ vat_category: 'X' }, 'vat_category', 'VAT category must be one of the choices'],
    [{ currency: 'XYZ' }, 'currency', 'Currency must be an ISO 4217 currency code like EUR'],
    [{ unit_code: 'XXX' }, 'unit_code', 'Unit must be one of the choices'],
    [{ name: '' }, 'name', 'Name is required'],
    [{ name: taken[0], currency: taken[1] }, 'name', 'Name is taken by another package in this currency'],
  ];
  const total = sql('SELECT COUNT(*) FROM packages');
  const events = sql("SELECT COUNT(*) FROM audit_events WHERE entity = 'package'");
  for (const [over, field, msg] of cases) {
    const f = pkg(await form(c, '/admin/packages/new'), over);
    const r = await c.post('/admin/packages', f);
    assert.equal(r.status, 422, JSON.stringify(over));
    assert.equal(fieldError(r.text_, field), msg, JSON.stringify(over));
    const again = formFields(r.text_, 'entity-form');
    for (const k of ['name', 'unit_price', 'tax_rate', 'description']) assert.equal(again[k], f[k], k);
    assert.equal(again.once, f.once);
  }
  assert.equal(sql('SELECT COUNT(*) FROM packages'), total);
  assert.equal(sql("SELECT COUNT(*) FROM audit_events WHERE entity = 'package'"), events);
  // zero-rated with 0 is fine
  const ok = await c.post('/admin/packages', pkg(await form(c, '/admin/packages/new'), { vat_category: 'Z', tax_rate: '0' }));
  assert.equal(ok.status, 303);
});

test('package: double submit creates one row; a version conflict is 409 and writes nothing', async () => {
  const a = await as('admin');
  const b = await as('billing');
  const f = pkg(await form(a, '/admin/packages/new'));
  const rs = await Promise.all([a.post('/admin/packages', f), a.post('/admin/packages', f)]);
  for (const r of rs) assert.equal(r.status, 303);
  assert.equal(rs[0].headers.get('location'), rs[1].headers.get('location'));
  assert.equal(sql(`SELECT COUNT(*) FROM packages WHERE name = ${q(f.name)}`), '1');
  const id = Number(rs[0].headers.get('location').match(/(\d+)/)[1]);

  const fa = await form(a, `/admin/packages/${id}`);
  const fb = await form(b, `/admin/packages/${id}`);
  assert.equal((await a.post(`/admin/packages/${id}`, { ...fa, tax_description: 'USt. 19%' })).status, 303);
  const r = await b.post(`/admin/packages/${id}`, { ...fb, unit_price: '59.0', tax_description: 'MwSt' });
  assert.equal(r.status, 409);
  assert.deepEqual(sql(`SELECT unit_price, tax_description, row_version FROM packages WHERE id = ${id}`).split('\t'),
    ['49.900000', 'USt. 19%', '2']);
  const rows = [...r.text_.matchAll(/<tr><th scope="row">([^<]*)<\/th><td class="theirs">([^<]*)<\/td><td class="yours">([^<]*)<\/td><\/tr>/g)]
    .map((m) => m.slice(1).map(decode));
  // 49.900000 and 59.0 differ; 49.9 typed as 49.900000 would not be listed
  assert.deepEqual(rows, [['Unit price', '49.900000', '59.0'], ['Tax description', 'USt. 19%', 'MwSt']]);
});

test('custom fields: create with a key from the label, edit, archive; type locked once values exist', async () => {
  const c = await as('admin');
  const label = `PO number ${process.pid}`;
  const f = { ...(await form(c, '/admin/fields/new')), label, field_type: 'text', visible_to_customer: '1', print_on_pdf: '1', position: '5' };
  const r = await c.post('/admin/fields', f);
  assert.equal(r.status, 303, r.text_.slice(0, 300));
  const id = Number(r.headers.get('location').match(/^\/admin\/fields\/(\d+)\?done=created$/)[1]);
  assert.deepEqual(sql(`SELECT field_key, label, field_type, visible_to_customer, print_on_pdf, position, active
    FROM custom_field_defs WHERE id = ${id}`).split('\t'), [`po_number_${process.pid}`, label, 'text', '1', '1', '5', '1']);
  // the same label again gets the next free key
  const r2 = await c.post('/admin/fields', { ...(await form(c, '/admin/fields/new')), label, field_type: 'date' });
  assert.equal(r2.status, 303);
  const id2 = Number(r2.headers.get('location').match(/(\d+)/)[1]);
  assert.equal(sql(`SELECT field_key FROM custom_field_defs WHERE id = ${id2}`), `po_number_${process.pid}_2`);

  const e = await form(c, `/admin/fields/${id}`);
  assert.equal(e.visible_to_customer, '1');
  const { visible_to_customer, ...rest } = e;
  assert.equal(visible_to_customer, '1');
  const u = await c.post(`/admin/fields/${id}`, { ...rest, field_type: 'number' });   // checkbox unticked
  assert.equal(u.status, 303);
  assert.deepEqual(sql(`SELECT field_type, visible_to_customer, print_on_pdf, row_version FROM custom_field_defs WHERE id = ${id}`)
    .split('\t'), ['number', '0', '1', '2']);
  assert.deepEqual(sql(`SELECT JSON_VALUE(before_json, '$.visible_to_customer'), JSON_VALUE(after_json, '$.visible_to_customer')
    FROM audit_events WHERE entity = 'custom_field' AND entity_id = ${id} AND action = 'update'`).split('\t'), ['1', '0']);

  // a value on an invoice locks the type
  const inv = sql('SELECT id FROM invoices ORDER BY id LIMIT 1');
  sql(`INSERT INTO invoice_custom_fields (invoice_id, field_id, value) VALUES (${inv}, ${id}, '42')`);
  const e2 = await form(c, `/admin/fields/${id}`);
  const locked = await c.post(`/admin/fields/${id}`, { ...e2, field_type: 'date' });
  assert.equal(locked.status, 422);
  assert.equal(fieldError(locked.text_, 'field_type'), 'Type cannot change: invoices hold values of this field');
  assert.equal(sql(`SELECT field_type FROM custom_field_defs WHERE id = ${id}`), 'number');
  sql(`DELETE FROM invoice_custom_fields WHERE field_id = ${id}`);

  const bad = await c.post('/admin/fields', { ...(await form(c, '/admin/fields/new')), label: '', field_type: 'colour', position: '-1' });
  assert.equal(bad.status, 422);
  assert.equal(fieldError(bad.text_, 'label'), 'Label is required');
  assert.equal(fieldError(bad.text_, 'field_type'), 'Type must be one of the choices');
  assert.equal(fieldError(bad.text_, 'position'), 'Position must be between 0 and 1000');

  const page = await c.get(`/admin/fields/${id}`);
  assert.equal((await c.post(`/admin/fields/${id}/archive`, formFields(page.text_, 'archive-form'))).status, 303);
  assert.equal(sql(`SELECT active FROM custom_field_defs WHERE id = ${id}`), '0');
  assert.equal(sql(`SELECT action FROM audit_events WHERE entity = 'custom_field' AND entity_id = ${id} ORDER BY id DESC LIMIT 1`), 'archive');
});

test('support reads packages and fields, every POST is 403 and writes nothing; customers get 404', async () => {
  const s = await as('support');
  const pid = sql('SELECT MIN(id) FROM packages');
  assert.equal((await s.get('/admin/packages')).status, 200);
  assert.equal((await s.get('/admin/fields')).status, 200);
  const page = await s.get(`/admin/packages/${pid}`);
  assert.equal(page.status, 200);
  assert.match(page.text_, /<fieldset disabled>/);
  assert.doesNotMatch(page.text_, /id="archive-form"/);
  assert.equal((await s.get('/admin/packages/new')).status, 403);
  assert.equal((await s.get('/admin/fields/new')).status, 403);
  const csrf = await s.csrf('/admin/packages');
  const snap = sql(`SELECT name, unit_price, active, row_version FROM packages WHERE id = ${pid}`);
  const n = sql('SELECT (SELECT COUNT(*) FROM packages) + (SELECT COUNT(*) FROM custom_field_defs)');
  const body = pkg({ csrf, once: '9'.repeat(64), row_version: '1', label: 'x', field_type: 'text' });
  for (const path of ['/admin/packages', `/admin/packages/${pid}`, `/admin/packages/${pid}/archive`, '/admin/fields'])
    assert.equal((await s.post(path, { ...body, active: '0' })).status, 403, path);
  assert.equal(sql(`SELECT name, unit_price, active, row_version FROM packages WHERE id = ${pid}`), snap);
  assert.equal(sql('SELECT (SELECT COUNT(*) FROM packages) + (SELECT COUNT(*) FROM custom_field_defs)'), n);

  const cu = await as('customer');
  for (const path of ['/admin/packages', `/admin/packages/${pid}`, '/admin/packages/new', '/admin/fields', '/admin/fields/new'])
    assert.equal((await cu.get(path)).status, 404, path);
  const ccsrf = await cu.csrf('/invoices');
  assert.equal((await cu.post('/admin/packages', { ...body, csrf: ccsrf })).status, 404);
  assert.equal(sql('SELECT (SELECT COUNT(*) FROM packages) + (SELECT COUNT(*) FROM custom_field_defs)'), n);
});

test('a POST to the catalogue without the right CSRF token is 403 and writes nothing', async () => {
  const c = await as('admin');
  const f = pkg(await form(c, '/admin/packages/new'));
  const r = await c.post('/admin/packages', { ...f, csrf: 'f'.repeat(64) });
  assert.equal(r.status, 403);
  assert.equal(sql(`SELECT COUNT(*) FROM packages WHERE name = ${q(f.name)}`), '0');
});
