import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withPage, login } from '../playwright.config.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('admin signs in, lands on the invoice area, sees the admin navigation, signs out', () =>
  withPage(browser, 'admin-login', async (page) => {
    await login(page, 'admin@example.com', 'admin-pass');
    assert.equal(new URL(page.url()).pathname, '/invoices');
    assert.equal(await page.textContent('.user-menu .badge'), 'admin');
    assert.ok(await page.isVisible('nav a[href="/admin/users"]'));
    await page.click('nav a[href="/admin/users"]');
    assert.match(await page.textContent('#users'), /customer1@example\.com/);
    await Promise.all([page.waitForNavigation(), page.click('text=Sign out')]);
    assert.equal(new URL(page.url()).pathname, '/login');
    await page.goto('/invoices');
    assert.equal(new URL(page.url()).pathname, '/login');
  }));

test('a customer signs in to the portal and cannot open the admin area', () =>
  withPage(browser, 'customer-login', async (page) => {
    await login(page, 'customer1@example.com', 'customer1-pass');
    assert.equal(new URL(page.url()).pathname, '/portal');
    assert.equal(await page.textContent('.user-menu .badge'), 'customer');
    assert.equal(await page.isVisible('nav a[href="/admin"]'), false);
    const res = await page.goto('/admin');
    assert.equal(res.status(), 404, 'the admin area does not exist for customers');
    assert.match(await page.textContent('.error-page'), /nothing at this address/);
  }));

test('a wrong password shows the message and keeps the email filled in', () =>
  withPage(browser, 'wrong-password', async (page) => {
    await login(page, 'support@example.com', 'nope-nope');
    assert.match(await page.textContent('.alert.error'), /not correct/);
    assert.equal(await page.inputValue('#email'), 'support@example.com');
  }));
