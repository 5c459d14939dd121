// The admin master data in a browser: create a customer and a package with
// JavaScript on and off (the forms are plain HTML posts), see a validation error
// next to its field with the typed value kept, and axe-core clean on every admin
// page of customers, packages and custom fields (forms with and without errors).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { launch, login, BASE, ARTIFACTS, withContext as withContextOf, expectAxeClean as axeClean } from '../playwright.config.mjs';


let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// CSP is bypassed only so axe can be injected
const withContext = (name, js, fn) => withContextOf(browser, name, { javaScriptEnabled: js, bypassCSP: true }, fn);


async function submit(page, selector = 'form.admin-form button[type=submit]') {
  const [res] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return res;
}

const stamp = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

async function createCustomer(page, name) {
  await page.goto('/admin/customers');
  await Promise.all([page.waitForNavigation(), page.click('a[href="/admin/customers/new"]')]);
  await page.fill('#f-name', name);
  await page.fill('#f-email', 'billing@northwind.example');
  await page.fill('#f-street', 'Rue de la Paix 5');
  await page.fill('#f-city', 'Paris');
  await page.fill('#f-post_code', '75002');
  await page.fill('#f-country', 'FR');
  await page.fill('#f-vat_id', 'FR40303265045');
  await page.fill('#f-currency', 'EUR');
  await page.fill('#f-time_zone', 'Europe/Paris');
  await page.fill('#f-payment_days', '30');
  await page.selectOption('#f-invoice_schedule', 'monthly');
  const res = await submit(page);
  assert.equal(res.status(), 200);
  assert.match(new URL(page.url()).pathname, /^\/admin\/customers\/\d+$/);
  assert.equal(await page.textContent('.flash'), 'Created.');
  assert.match(await page.textContent('h1'), new RegExp(name));
}

async function createPackage(page, name) {
  await page.goto('/admin/packages/new');
  await page.fill('#f-name', name);
  await page.fill('#f-description', 'Managed router, monthly');
  await page.fill('#f-currency', 'EUR');
  await page.fill('#f-unit_price', '12.5');
  await page.selectOption('#f-unit_code', 'MON');
  await page.fill('#f-default_quantity', '1');
  await page.fill('#f-tax_rate', '20');
  await page.fill('#f-tax_description', 'TVA 20%');
  const res = await submit(page);
  assert.equal(res.status(), 200);
  assert.match(new URL(page.url()).pathname, /^\/admin\/packages\/\d+$/);
  assert.equal(await page.textContent('.flash'), 'Created.');
  assert.equal(await page.inputValue('#f-unit_price'), '12.500000');
  await page.goto('/admin/packages');
  assert.match(await page.textContent('#packages'), new RegExp(name));
}

for (const js of [true, false]) {
  test(`billing creates a customer and a package with JavaScript ${js ? 'on' : 'off'}`, () =>
    withContext(`admin-create-js-${js}`, js, async (page) => {
      await login(page, 'billing@example.com', 'billing-pass');
      const name = `Northwind ${js ? 'JS' : 'noJS'} ${stamp()}`;
      await createCustomer(page, name);
      await page.goto(`/admin/customers?q=${encodeURIComponent(name)}`);
      assert.match(await page.textContent('#customers'), new RegExp(name));
      await createPackage(page, `Router ${js ? 'JS' : 'noJS'} ${stamp()}`);

      // a wrong value: 422, the message next to the field, the other values kept
      await page.goto('/admin/packages/new');
      await page.fill('#f-name', 'Half-cent rate');
      await page.fill('#f-unit_price', '0.0000001');
      await page.fill('#f-tax_rate', '19');
      const res = await submit(page);
      assert.equal(res.status(), 422);
      assert.equal(await page.textContent('#e-unit_price'), 'Unit price at most 6 decimals');
      assert.equal(await page.getAttribute('#f-unit_price', 'aria-invalid'), 'true');
      assert.equal(await page.inputValue('#f-name'), 'Half-cent rate');
      assert.equal(await page.inputValue('#f-unit_price'), '0.0000001');
    }));
}

test('axe-core finds nothing on the admin pages of customers, packages and custom fields', () =>
  withContext('admin-axe', true, async (page) => {
    await login(page, 'admin@example.com', 'admin-pass');
    await page.goto('/admin/customers');
    const href = await page.getAttribute('#customers tbody tr a', 'href');
    const pages = ['/admin', '/admin/customers', '/admin/customers/new', href, `${href}?tab=invoices`,
      `${href}?tab=payments`, `${href}?tab=users`, `${href}?tab=history`, `${href}/edit`, `${href}/delete`,
      '/admin/packages', '/admin/packages/new', '/admin/fields', '/admin/fields/new'];
    await page.goto('/admin/packages');
    pages.push(await page.getAttribute('#packages tbody tr a', 'href'));
    for (const p of pages) {
      const res = await page.goto(p);
      assert.equal(res.status(), 200, p);
      await axeClean(page, p);
    }
    // forms showing their messages
    await page.goto('/admin/customers/new');
    await page.fill('#f-name', '');
    await page.fill('#f-country', 'XX');
    await page.fill('#f-email', 'nope');
    assert.equal((await submit(page)).status(), 422);
    assert.ok(await page.isVisible('#form-errors'));
    await axeClean(page, 'customer form with errors');
    await page.goto('/admin/fields/new');
    await page.fill('#f-position', '-4');
    assert.equal((await submit(page)).status(), 422);
    await axeClean(page, 'custom field form with errors');
  }));
