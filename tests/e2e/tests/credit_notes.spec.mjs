// Credit notes in a browser: from an issued invoice's page, "Create credit note",
// a refused amount first (the message beside the field), then one line by amount
// with a reason, the confirmation, and the credit note's page (its number, the
// invoice it credits); then the credit note in the list with its number and a
// negative total, and its PDF. axe-core clean on the form (also with the error),
// the confirmation and the credit note's page; screenshots in artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { launch, login, ARTIFACTS, withContext as withContextOf, expectAxeClean } from '../playwright.config.mjs';

let browser;
before(async () => { browser = await launch(); mkdirSync(ARTIFACTS, { recursive: true }); });
after(async () => { await browser?.close(); });

// CSP is bypassed only so axe can be injected
const withContext = (name, fn) => withContextOf(browser, name, { bypassCSP: true }, fn);

async function go(page, action) {
  const [res] = await Promise.all([page.waitForNavigation(), action()]);
  return res;
}

// "1,234.50 EUR" -> 123450
const cents = (s) => Math.round(+s.replace(/[^\d.-]/g, '') * 100);

test('credit one line of an invoice by amount, find the credit note in the list, open its PDF', () =>
  withContext('credit-note', async (page) => {
    await login(page, 'billing@example.com', 'billing-pass');
    // an issued, unpaid invoice: the first one the list shows as Due
    await page.goto('/invoices?status=due&sort=number&dir=desc');
    const href = await page.locator('#invoices tbody tr td.c-number a').first().getAttribute('href');
    const invoiceId = href.match(/\/invoices\/(\d+)/)[1];
    await page.goto(`/invoices/${invoiceId}`);
    const invoiceNumber = (await page.textContent('#inv-number')).trim();
    await go(page, () => page.click('#act-credit'));
    assert.equal(new URL(page.url()).pathname, `/admin/invoices/${invoiceId}/credit`);
    await expectAxeClean(page, 'the credit note form');

    // a line with at least 2.00 left to credit
    const rows = await page.locator('#credit-lines tbody tr').evaluateAll((trs) => trs.map((tr) =>
      [tr.id.replace('line-', ''), tr.querySelector('.left-net').textContent]));
    const hit = rows.find(([, left]) => cents(left) >= 200);
    assert.ok(hit, 'a line with something left to credit');
    const pos = hit[0];

    // too much: refused beside the field, nothing written
    await page.fill(`#f-a_${pos}`, '999999999');
    await page.fill('#f-reason', 'Outage on 2 December');
    let res = await go(page, () => page.click('#review'));
    assert.equal(res.status(), 422);
    assert.match(await page.textContent(`#e-a_${pos}`), /more than what is still uncredited/);
    await expectAxeClean(page, 'the credit note form with an error');
    await page.screenshot({ path: `${ARTIFACTS}credit-errors.png`, fullPage: true });

    await page.fill(`#f-a_${pos}`, '1.50');
    res = await go(page, () => page.click('#review'));
    assert.equal(res.status(), 200);
    assert.equal(await page.locator('#plan-lines tbody tr').count(), 1);
    assert.match(await page.textContent('#what-happens'), /settles the invoice's balance/);
    await expectAxeClean(page, 'the credit note confirmation');
    await page.screenshot({ path: `${ARTIFACTS}credit-confirm.png`, fullPage: true });
    const total = (await page.textContent('#p-total')).trim();

    await go(page, () => page.click('#confirm'));
    const cnId = new URL(page.url()).pathname.match(/^\/invoices\/(\d+)$/)[1];
    const number = (await page.textContent('#inv-number')).trim();
    assert.match(number, /^CN-\d{4}-\d{6}$/);
    assert.equal((await page.textContent('.doc-kind')).trim(), 'Credit note');
    assert.equal((await page.textContent('#inv-credited')).trim(), invoiceNumber);
    assert.equal(await page.locator('#inv-credited a').getAttribute('href'), `/invoices/${invoiceId}`);
    assert.equal((await page.textContent('#total')).trim(), total);
    await expectAxeClean(page, "the credit note's page");
    await page.screenshot({ path: `${ARTIFACTS}credit-note.png`, fullPage: true });

    // the invoice lists it
    await page.goto(`/invoices/${invoiceId}`);
    assert.equal((await page.textContent(`#credit-notes a[href="/invoices/${cnId}"]`)).trim(), number);

    // in the list: its number, a negative total, the label
    await page.goto(`/invoices?q=${encodeURIComponent(number)}`);
    const row = page.locator('#invoices tbody tr').first();
    assert.equal((await row.locator('td.c-number').textContent()).trim(), number);
    const listed = (await row.locator('td.c-total').textContent()).trim();
    assert.equal(cents(listed), -cents(total), `the list shows ${listed} for a credit of ${total}`);
    assert.match(await row.textContent(), /Credit note/);

    // its PDF
    const pdf = await page.request.get(`/invoices/${cnId}.pdf`);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    assert.equal((await pdf.body()).subarray(0, 5).toString('latin1'), '%PDF-');
  }));
