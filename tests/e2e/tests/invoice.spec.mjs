// The invoice page as people use it: a customer opens an invoice from the list, downloads
// its PDF and opens the print view; staff copy a signed download link for a customer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, withPage, login, BASE } from '../playwright.config.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a customer opens an invoice from the list, downloads its PDF and opens the print view', () =>
  withPage(browser, 'customer-invoice', async (page) => {
    await login(page, 'customer1@example.com', 'customer1-pass');
    await Promise.all([page.waitForNavigation(), page.click('nav a[href="/invoices"]')]);
    assert.equal(new URL(page.url()).pathname, '/invoices');
    const row = page.locator('#invoices tbody tr').first();
    const number = (await row.locator('td.c-number').textContent()).trim();
    assert.match(number, /^[A-Z]+-\d{4}-\d{6}$/, 'customers see issued invoices only');
    await Promise.all([page.waitForNavigation(), row.locator('td.actions a', { hasText: 'View' }).click()]);
    assert.match(new URL(page.url()).pathname, /^\/invoices\/\d+$/);
    const id = new URL(page.url()).pathname.split('/').pop();
    assert.equal((await page.textContent('#inv-number')).trim(), number);
    assert.ok(await page.isVisible('#inv-status'));
    assert.ok(await page.isVisible('#totals'));
    assert.ok(await page.isVisible('#lines tbody tr'));
    assert.equal(await page.isVisible('#share-url'), false, 'no download link box for customers');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#act-pdf')]);
    const file = await download.path();
    assert.ok(file, `download failed: ${await download.failure()}`);
    const head = (await readFile(file)).subarray(0, 5).toString('latin1');
    assert.equal(head, '%PDF-', 'the download is a PDF');

    await Promise.all([page.waitForNavigation(), page.click('#act-print')]);
    assert.equal(new URL(page.url()).search, '?print=1');
    assert.equal(new URL(page.url()).pathname, `/invoices/${id}`);
    assert.equal(await page.locator('.topbar, nav, #act-pdf, .inv-actions').count(), 0, 'no navigation or actions');
    assert.equal((await page.textContent('#inv-number')).trim(), number);
    assert.ok(await page.isVisible('#totals'));
    // printing the normal page hides the navigation and actions too
    await page.goto(`/invoices/${id}`);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.isVisible('.topbar'), false);
    assert.equal(await page.isVisible('#act-pdf'), false);
    assert.ok(await page.isVisible('#inv-number'));
  }));

test('staff copy a signed download link that opens the PDF without signing in', () =>
  withPage(browser, 'staff-copy-link', async (page) => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
    await login(page, 'billing@example.com', 'billing-pass');
    await page.goto('/invoices?status=paid');
    await Promise.all([page.waitForNavigation(),
      page.locator('#invoices tbody tr').first().locator('td.actions a', { hasText: 'View' }).click()]);
    const link = await page.inputValue('#share-url');
    assert.match(link, /^http:\/\/[^/]+\/d\/[A-Za-z0-9_-]{70}$/);
    assert.ok(await page.isVisible('#copy-share'), 'the Copy button appears with JavaScript');
    await page.click('#copy-share');
    await page.waitForFunction(() => document.querySelector('#copy-share').textContent !== 'Copy');
    assert.equal((await page.textContent('#copy-share')).trim(), 'Copied');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
    // the link works without a session
    const res = await fetch(link, { redirect: 'manual' });
    assert.equal(res.status, 200);
    assert.equal(Buffer.from(await res.arrayBuffer()).subarray(0, 5).toString('latin1'), '%PDF-');
  }));
