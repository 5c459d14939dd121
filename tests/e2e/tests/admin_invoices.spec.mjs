// The invoice editor in a browser: create an invoice with three lines (one from
// a package, edited), issue it, find it in the list by its number and open its
// PDF, with JavaScript on (the package fills the row at once) and off (the
// server fills it on save); the editor at 390 px; axe-core clean on the editor
// (also with errors) and the confirmation pages; screenshots in artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { launch, login, BASE, ARTIFACTS, withContext as withContextOf, expectAxeClean as axeCheck } from '../playwright.config.mjs';


let browser;
before(async () => { browser = await launch(); mkdirSync(ARTIFACTS, { recursive: true }); });
after(async () => { await browser?.close(); });

// CSP is bypassed only so axe can be injected
const withContext = (name, js, fn, viewport) =>
  withContextOf(browser, name, { javaScriptEnabled: js, bypassCSP: true, viewport }, fn);


async function go(page, action) {
  const [res] = await Promise.all([page.waitForNavigation(), action()]);
  return res;
}

// The value of the first option of `select` whose text matches re.
async function optionValue(page, select, re) {
  const opts = await page.locator(`${select} option`).evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
  const hit = opts.find(([v, t]) => v && re.test(t));
  assert.ok(hit, `an option matching ${re} in ${select}`);
  return hit[0];
}

// Fills the editor's empty row (the last one) as line n.
async function fillLine(page, n, l) {
  for (const [k, v] of Object.entries(l)) await page.fill(`#l${n}-${k}`, v);
}

async function flow(page, js, tag) {
  // axe runs as a page script: the pages are checked in the JavaScript run
  const axeClean = js ? axeCheck : async () => {};
  await login(page, 'billing@example.com', 'billing-pass');
  await page.goto('/admin/invoices/new');
  await axeClean(page, 'the new invoice form');
  const cust = await optionValue(page, '#f-customer', /\(EUR\)/);
  await page.selectOption('#f-customer', cust);
  // a refused save first: errors next to the fields, axe still clean
  await fillLine(page, 1, { description: `E2E ${tag} bad`, quantity: '-1', unit_price: '1', tax_rate: '19' });
  let res = await go(page, () => page.click('#save'));
  assert.equal(res.status(), 422);
  assert.match(await page.textContent('#le1-quantity'), /must not be negative/);
  assert.equal(await page.inputValue('#l1-description'), `E2E ${tag} bad`, 'typed value kept');
  await axeClean(page, 'the editor with errors');
  await page.screenshot({ path: `${ARTIFACTS}editor-errors-${tag}.png`, fullPage: true });

  // line 1 from a package in the customer's currency
  await page.fill('#l1-description', '');
  await page.fill('#l1-quantity', '');
  await page.fill('#l1-unit_price', '');
  await page.fill('#l1-tax_rate', '');
  const pkg = await optionValue(page, '#l1-package', /\(EUR /);
  await page.selectOption('#l1-package', pkg);
  if (js) {
    assert.notEqual(await page.inputValue('#l1-quantity'), '', 'the script fills the package values at once');
    await page.fill('#l1-quantity', '2');          // edited
  }
  res = await go(page, () => page.click('button[name=add]'));
  assert.equal(res.status(), 200);
  assert.match(new URL(page.url()).pathname, /^\/admin\/invoices\/\d+\/edit$/);
  const id = new URL(page.url()).pathname.split('/')[3];
  assert.notEqual(await page.inputValue('#l1-unit_price'), '', 'the package price is on the line');
  if (!js) {
    assert.notEqual(await page.inputValue('#l1-description'), '', 'the server filled the blanks');
    await page.fill('#l1-quantity', '2');          // edited
  }
  await fillLine(page, 2, { description: `E2E ${tag} setup`, quantity: '1', unit_price: '49.90', tax_rate: '19', tax_description: 'VAT 19%' });
  await go(page, () => page.click('button[name=add]'));
  await fillLine(page, 3, { description: `E2E ${tag} support`, quantity: '1.5', unit_price: '80', tax_rate: '19', unit_code: 'HUR' });
  await page.screenshot({ path: `${ARTIFACTS}editor-${tag}.png`, fullPage: true });
  await axeClean(page, 'the draft editor');
  res = await go(page, () => page.click('#save'));
  assert.equal(new URL(page.url()).pathname, `/invoices/${id}`);
  assert.equal(await page.locator('#lines tbody tr').count(), 3);

  // issue it from the Update status control
  await go(page, () => page.click('a.act-issue'));
  assert.equal(new URL(page.url()).pathname, `/admin/invoices/${id}/issue`);
  assert.ok(await page.isChecked('#f-notify'), 'notify is on by default');
  await axeClean(page, 'the issue confirmation');
  await page.screenshot({ path: `${ARTIFACTS}issue-confirm-${tag}.png`, fullPage: true });
  await go(page, () => page.click('#confirm'));
  assert.equal(new URL(page.url()).pathname, `/invoices/${id}`);
  const number = (await page.textContent('#inv-number')).trim();
  assert.match(number, /^[A-Z]+-\d{4}-\d{6}$/);
  await axeClean(page, 'the issued invoice with its notifications and link downloads');

  // in the list with its number
  await page.goto(`/invoices?q=${encodeURIComponent(number)}`);
  assert.equal((await page.locator('#invoices tbody tr').first().locator('td.c-number').textContent()).trim(), number);
  // its PDF
  const pdf = await page.request.get(`/invoices/${id}.pdf`);
  assert.equal(pdf.status(), 200);
  assert.equal((await pdf.body()).subarray(0, 5).toString('latin1'), '%PDF-');

  // the void confirmation asks a reason; axe clean there too
  await page.goto(`/invoices/${id}`);
  await go(page, () => page.click('a.act-void'));
  assert.ok(await page.isVisible('#f-reason'));
  await axeClean(page, 'the void confirmation');
}

test('create, issue and find an invoice with JavaScript on', () => withContext('editor-js', true, (page) => flow(page, true, 'js')));

test('the same with JavaScript off', () => withContext('editor-nojs', false, (page) => flow(page, false, 'nojs')));

test('the editor fits a 390 px wide screen', () => withContext('editor-390', true, async (page) => {
  await login(page, 'billing@example.com', 'billing-pass');
  await page.goto('/admin/invoices/new');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.screenshot({ path: `${ARTIFACTS}editor-390.png`, fullPage: true });
  const wide = await page.evaluate(() => [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > 390).slice(0, 8)
    .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`));
  assert.ok(width <= 390, `scrollWidth ${width}: ${wide.join(', ')}`);
}, { width: 390, height: 844 }));
