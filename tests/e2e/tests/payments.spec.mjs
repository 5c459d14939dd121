// Payments in a browser: record a payment for a customer, allocate it across two
// open invoices from the payment page (amounts edited before saving), and see
// Paid and Partly paid (Pending) in the invoice list; record-and-allocate from
// the invoice page; axe-core clean on every payment page (with and without errors).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, login, withContext as withContextOf, expectAxeClean as axeClean } from '../playwright.config.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// CSP is bypassed only so axe can be injected
const withContext = (name, fn) => withContextOf(browser, name, { bypassCSP: true }, fn);

// "1,234.50 EUR" -> 123450 (cents; EUR has two decimals)
const cents = (s) => Number(s.replace(/[^0-9-]/g, ''));
const money = (c) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;

async function go(page, path) {
  const res = await page.goto(path);
  assert.equal(res.status(), 200, path);
}

// two open EUR invoices of one demo customer: a (any) and b (preferably not overdue);
// with need = 1 just one (a)
async function openInvoices(page, need = 2) {
  let found = null;
  for (let cust = 1; cust <= 8; cust++) {
    await go(page, `/invoices?customer=${cust}&status=due&status=partial&status=overdue&currency=EUR&cols=number,balance,paid_state,status&sort=due&dir=asc&per_page=50`);
    const rows = await page.$$eval('table tbody tr', (trs) => trs.map((tr) => {
      const cell = (k) => tr.querySelector(`td.c-${k}`)?.textContent.trim() || '';
      return { number: cell('number'), balance: cell('balance'), state: cell('paid_state'), status: cell('status') };
    }));
    // open invoices with a balance (Unpaid or Pending: other specs may have paid or credited some)
    const open = rows.filter((r) => r.number);
    if (open.length < need) continue;
    if (need === 1) return { cust, a: open[0] };
    const b = open.find((r) => r.status !== 'Overdue') || open[1];
    const a = open.find((r) => r !== b);
    found = { cust, a, b };
    if (b.status !== 'Overdue') break;
  }
  if (!found) throw new Error(`no demo customer with ${need} open EUR invoices`);
  return found;
}

async function submit(page, selector) {
  const [res] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return res;
}

async function listRow(page, cust, number) {
  await go(page, `/invoices?customer=${cust}&cols=number,paid_state,status,balance&q=${encodeURIComponent(number)}`);
  return page.$$eval('table tbody tr', (trs, n) => {
    const tr = trs.find((t) => t.textContent.includes(n));
    return tr ? [...tr.querySelectorAll('td')].map((td) => td.textContent.trim()).join('|') : '';
  }, number);
}

test('record a payment, allocate it across two invoices, see Paid and Partly paid in the list', () =>
  withContext('payments-spread', async (page) => {
    await login(page, 'billing@example.com', 'billing-pass');
    const { cust, a, b } = await openInvoices(page);
    const half = Math.max(1, Math.floor(cents(b.balance) / 2));
    const amount = cents(a.balance) + half;

    // the nav leads to payments; record one for the customer
    await go(page, '/admin/payments');
    await axeClean(page, 'payments list');
    await go(page, `/admin/payments/new?customer=${cust}`);
    await axeClean(page, 'record form');
    await page.fill('#f-amount', '');
    let res = await submit(page, '#payment-form button[type=submit]');
    assert.equal(res.status(), 422);
    assert.match(await page.textContent('#e-amount'), /required/);
    await axeClean(page, 'record form with an error');
    await page.fill('#f-amount', money(amount));
    await page.fill('#f-reference', `E2E ${Date.now()}`);
    res = await submit(page, '#payment-form button[type=submit]');
    assert.equal(res.status(), 200);
    const payPath = new URL(page.url()).pathname;
    assert.match(payPath, /^\/admin\/payments\/\d+$/);
    assert.equal(await page.textContent('.flash'), 'Payment recorded.');
    await axeClean(page, 'payment page with the spread form');

    // the spread form: exactly a in full and half of b, nothing elsewhere
    const inputs = await page.$$eval('#open-docs tbody tr', (trs) => trs.map((tr) => ({
      number: tr.querySelector('td a').textContent.trim(), id: tr.querySelector('input[name=amount]').id })));
    for (const r of inputs)
      await page.fill(`#${r.id}`, r.number === a.number ? money(cents(a.balance)) : r.number === b.number ? money(half) : '');
    res = await submit(page, '#allocate-form button[type=submit]');
    assert.equal(res.status(), 200);
    assert.equal(await page.textContent('.flash'), 'Allocated.');
    assert.equal((await page.textContent('#payment-facts .free')).trim(), '0.00 EUR');
    assert.equal(await page.locator('#allocations tbody tr').count(), 2);
    await axeClean(page, 'payment page with allocations');

    // the customer's Payments tab links the payment and shows what is left unallocated
    await go(page, `/admin/customers/${cust}?tab=payments`);
    assert.equal(await page.locator(`#customer-payments a[href="${payPath}"]`).count(), 1);
    assert.match(await page.textContent('#customer-credit'), /EUR/);
    await axeClean(page, "the customer's Payments tab");

    // the list: a Paid, b Partly paid (Pending)
    assert.match(await listRow(page, cust, a.number), new RegExp(`${a.number}\\|Paid\\|Paid\\|0\\.00 EUR`));
    // a partly paid invoice shows Partly paid, unless it is past its due date (Overdue)
    const label = b.status === 'Overdue' ? 'Overdue' : 'Partly paid';
    assert.match(await listRow(page, cust, b.number),
      new RegExp(`${b.number}\\|Pending\\|${label}\\|${money(cents(b.balance) - half).replace('.', '\\.')} EUR`));
  }));

test('from the invoice page: View payments, Record payment for the balance, remove it again', () =>
  withContext('payments-invoice', async (page) => {
    await login(page, 'admin@example.com', 'admin-pass');
    const { a } = await openInvoices(page, 1);
    await page.click(`a:text("${a.number}")`);
    await page.waitForLoadState();
    await Promise.all([page.waitForNavigation(), page.click('#record-payment')]);
    assert.match(new URL(page.url()).pathname, /^\/admin\/invoices\/\d+\/payments$/);
    await axeClean(page, "an invoice's payments page");
    assert.equal(await page.inputValue('#f-amount'), money(cents(a.balance)));
    let res = await submit(page, '#record-form button[type=submit]');
    assert.equal(res.status(), 200);
    assert.equal(await page.textContent('.flash'), 'Payment recorded.');
    assert.equal((await page.textContent('#doc-paid-state')).trim(), 'Paid');
    assert.equal((await page.textContent('#doc-facts .balance')).trim(), '0.00 EUR');
    await axeClean(page, "an invoice's payments page, paid");
    // the newest allocation (the table lists them oldest first) is the one just made
    [res] = await Promise.all([page.waitForNavigation(), page.locator('#allocations form.remove-alloc button').last().click()]);
    assert.equal(res.status(), 200);
    assert.equal(await page.textContent('.flash'), 'Allocation removed.');
    assert.equal((await page.textContent('#doc-paid-state')).trim(), a.state);
    assert.equal((await page.textContent('#doc-facts .balance')).trim(), a.balance);
    // the payment's free amount can go back on through "add"
    assert.match(await page.textContent('#add-source'), /left\)/);
  }));
