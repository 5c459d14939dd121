// The customer portal in a browser at phone width (390 px), with JavaScript
// off: a customer signs in, sees the balance and the chart, opens an invoice,
// downloads its PDF, changes the password and signs in again with it (and
// changes it back). axe-core finds nothing on the portal's pages at 390 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, login, withContext, expectAxeClean } from '../playwright.config.mjs';

const EMAIL = 'customer1@example.com', PASS = 'customer1-pass', NEW = 'a-new-portal-password';
const PHONE = { width: 390, height: 844 };

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function noSideways(page, what) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= PHONE.width, `${what}: ${w}px wide at ${PHONE.width}px`);
}

async function changePassword(page, from, to) {
  await page.goto('/portal/profile');
  await page.fill('#current', from);
  await page.fill('#password', to);
  await page.fill('#again', to);
  await Promise.all([page.waitForNavigation(), page.click('#password-form button[type=submit]')]);
  assert.match(new URL(page.url()).pathname, /^\/login/, 'signed out after the change');
}

test('a customer at 390 px without JavaScript: balance, chart, invoice, PDF, password change', async () => {
  await withContext(browser, 'portal-flow', { javaScriptEnabled: false, viewport: PHONE }, async (page) => {
    await login(page, EMAIL, PASS);
    assert.equal(new URL(page.url()).pathname, '/portal');
    assert.ok(await page.isVisible('#portal-balance tbody tr[data-currency]'), 'a balance row');
    const balance = await page.textContent('#portal-balance tbody tr[data-currency] td.balance');
    assert.match(balance.trim(), /^-?[\d,]+(\.\d+)? [A-Z]{3}$/);
    const chart = page.locator('svg.chart').first();
    assert.equal(await chart.count(), 1, 'the chart');
    const box = await chart.boundingBox();
    assert.ok(box && box.width > 200 && box.width <= PHONE.width, `the chart fits: ${box && box.width}`);
    await noSideways(page, '/portal');
    // open the newest invoice
    const first = page.locator('#portal-latest tbody tr[data-id] th a').first();
    const number = (await first.textContent()).trim();
    await Promise.all([page.waitForNavigation(), first.click()]);
    assert.match(new URL(page.url()).pathname, /^\/invoices\/\d+$/);
    assert.ok((await page.textContent('body')).includes(number));
    await noSideways(page, 'the invoice');
    // its PDF, with the session
    const id = new URL(page.url()).pathname.split('/').pop();
    const pdf = await page.context().request.get(`/invoices/${id}.pdf`);
    assert.equal(pdf.status(), 200);
    assert.match(pdf.headers()['content-type'], /application\/pdf/);
    assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');
    // the other pages fit too
    for (const p of ['/portal/payments', '/portal/profile']) {
      await page.goto(p);
      await noSideways(page, p);
    }
    // change the password, sign in with the new one, and back
    await changePassword(page, PASS, NEW);
    await login(page, EMAIL, PASS);
    assert.match(new URL(page.url()).pathname, /^\/login/, 'the old password is refused');
    await login(page, EMAIL, NEW);
    assert.equal(new URL(page.url()).pathname, '/portal');
    await changePassword(page, NEW, PASS);
    await login(page, EMAIL, PASS);
    assert.equal(new URL(page.url()).pathname, '/portal');
  });
});

test('axe-core finds nothing on the portal pages at 390 px', async () => {
  await withContext(browser, 'portal-axe', { viewport: PHONE, bypassCSP: true }, async (page) => {
    await login(page, EMAIL, PASS);
    for (const p of ['/portal', '/portal/payments', '/portal/profile']) {
      await page.goto(p);
      await expectAxeClean(page, p);
    }
  });
});
