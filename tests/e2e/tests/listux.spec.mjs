// The list and the invoice page as people use them: on a phone (390 px: no
// sideways scrolling, sign-out reachable, sums folded to one line, line
// amounts in view), with axe-core finding no violations on any page, the
// customer picker with and without JavaScript, and the print view's buttons.
// Screenshots of every page looked at go to tests/e2e/artifacts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { launch, login, BASE, ARTIFACTS, withContext as withContextOf, expectAxeClean as axe } from '../playwright.config.mjs';

const PHONE = { width: 390, height: 844 };

let browser;
before(async () => { browser = await launch(); mkdirSync(ARTIFACTS, { recursive: true }); });
after(async () => { await browser?.close(); });

// a context of its own (phone size, scripts on or off); bypassCSP: axe-core is injected by the test
const withContext = (name, opts, fn) => withContextOf(browser, name, { bypassCSP: true, ...opts }, fn);
const shot = (page, name) => page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
const go = (page, sel) => Promise.all([page.waitForNavigation(), page.click(sel)]);

async function noSideways(page, what) {
  const [sw, vw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(sw <= vw, `${what}: the page is ${sw} px wide in a ${vw} px viewport`);
}


test('on a phone the list and the invoice fit the screen; sign-out is reachable; sums fold to one line', async () => {
  for (const [role, email, pass] of [['staff', 'billing@example.com', 'billing-pass'], ['customer', 'customer1@example.com', 'customer1-pass']]) {
    await withContext(`phone-${role}`, { viewport: PHONE, isMobile: true, hasTouch: true }, async (page) => {
      await login(page, email, pass);
      await page.goto('/invoices');
      await noSideways(page, `${role} list`);
      // the top bar wraps: sign-out inside the screen and usable
      const out = page.locator('.topbar form[action="/logout"] button');
      assert.ok(await out.isVisible());
      const box = await out.boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, `sign-out at ${box.x}+${box.width}`);
      // list rows as cards: every cell inside the screen
      const cells = await page.$$eval('#invoices tbody tr:first-child td', (tds) => tds.map((td) => td.getBoundingClientRect().right));
      assert.ok(cells.length > 0 && cells.every((r) => r <= PHONE.width + 0.5), `row cells end at ${cells}`);
      // the sums: folded to one line until the toggle opens them
      if (await page.locator('#sums-list').count()) {
        assert.equal(await page.isVisible('#sums-list'), false, 'sums folded');
        const h = (await page.locator('#summary').boundingBox()).height;
        assert.ok(h < 50, `the summary is one line (${h} px)`);
        await page.click('label[for=sums-toggle]');
        assert.ok(await page.isVisible('#sums-list .sum'), 'the toggle shows the sums');
      }
      // the column chooser is reachable from the top
      assert.ok(await page.isVisible('#to-chooser'));
      await shot(page, `phone-${role}-list`);

      // an invoice page: lines show their amounts
      await go(page, '#invoices tbody tr:first-child td.actions a:first-child');
      assert.match(new URL(page.url()).pathname, /^\/invoices\/\d+$/);
      await noSideways(page, `${role} invoice`);
      const gross = page.locator('#lines tbody tr:first-child td.gross');
      assert.ok(await gross.isVisible(), 'the line total shows');
      const g = await gross.boundingBox();
      assert.ok(g.x >= 0 && g.x + g.width <= PHONE.width, `line total at ${g.x}+${g.width}`);
      assert.match(await gross.textContent(), /\d/);
      await shot(page, `phone-${role}-invoice`);
      await page.goto(new URL(page.url()).pathname + '?print=1');
      await noSideways(page, `${role} print view`);
      await shot(page, `phone-${role}-print`);
    });
  }
});

test('axe-core finds no violations on any page (login, lists, invoice, print, error pages)', async () => {
  await withContext('axe-anonymous', {}, async (page) => {
    await page.goto('/login');
    await axe(page, 'login');
  });
  for (const [role, email, pass] of [['staff', 'billing@example.com', 'billing-pass'], ['customer', 'customer1@example.com', 'customer1-pass']]) {
    for (const viewport of [{ width: 1280, height: 900 }, PHONE]) {
      await withContext(`axe-${role}-${viewport.width}`, { viewport }, async (page) => {
        await login(page, email, pass);
        await axe(page, `${role} home ${viewport.width}`);
        await page.goto('/invoices');
        await axe(page, `${role} list ${viewport.width}`);
        await page.goto('/invoices?f=1&min=12x&currency=EURO');
        assert.ok(await page.isVisible('#err-min'));
        await axe(page, `${role} list with form errors`);
        await page.goto('/invoices?page=999');
        await axe(page, `${role} page past the end`);
        if (role === 'staff') {
          await page.goto('/invoices?f=1&customer_name=telecom');
          await axe(page, 'staff pick list');
        }
        await page.goto('/invoices');
        await go(page, '#invoices tbody tr:first-child td.actions a:first-child');
        await axe(page, `${role} invoice`);
        const path = new URL(page.url()).pathname;
        await page.goto(`${path}?print=1`);
        await axe(page, `${role} print view`);
        await page.goto('/invoices/abc');
        assert.match(await page.textContent('h1'), /404/);
        await axe(page, `${role} 404 page`);
        await page.goto('/invoices?min=12x');
        assert.match(await page.textContent('h1'), /400/);
        await axe(page, `${role} 400 page`);
      });
    }
  }
});

test('the customer picker suggests names as they are typed, and choosing one filters', () =>
  withContext('picker-js', {}, async (page) => {
    await login(page, 'billing@example.com', 'billing-pass');
    if (!(await page.$eval('details.filters', (d) => d.open))) await page.click('details.filters > summary');
    await page.locator('#customer_name').pressSequentially('lodz', { delay: 30 });
    await page.waitForFunction(() => document.querySelectorAll('#customer-names option').length > 0);
    const names = await page.$$eval('#customer-names option', (os) => os.map((o) => o.value));
    assert.equal(names.length, 1);
    assert.match(names[0], /^Łódź/);
    await page.screenshot({ path: `${ARTIFACTS}picker-suggestions.png` });
    // choosing the suggestion (the datalist's pick is an input event with a replacement text)
    await Promise.all([page.waitForNavigation(), page.evaluate((name) => {
      const input = document.getElementById('customer_name');
      input.value = name;
      input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertReplacementText' }));
    }, names[0])]);
    assert.match(await page.textContent('.chips'), new RegExp(`Customer: ${names[0].replace(/\./g, '\\.')}`));
    assert.match(await page.textContent('h1'), /Łódź/);
    const customers = await page.$$eval('#invoices tbody td.c-customer', (tds) => [...new Set(tds.map((t) => t.textContent.trim()))]);
    assert.deepEqual(customers, [names[0]]);
    await shot(page, 'picker-filtered');
  }));

test('without JavaScript the customer field lists the matches to pick from, or filters when one matches', () =>
  withContext('picker-nojs', { javaScriptEnabled: false }, async (page) => {
    await login(page, 'billing@example.com', 'billing-pass');
    await page.click('details.filters > summary');
    await page.fill('#customer_name', 'telecom');
    await go(page, '#filter-form button[type=submit]');
    const picks = await page.$$eval('#customer-pick a', (as) => as.map((a) => a.textContent.trim()));
    assert.ok(picks.length >= 2, `several customers to pick from: ${picks}`);
    await shot(page, 'picker-nojs-list');
    await go(page, '#customer-pick a >> nth=0');
    assert.match(await page.textContent('.chips'), new RegExp(`Customer: ${picks[0].replace(/\./g, '\\.')}`));
    assert.equal(await page.inputValue('#customer_name'), picks[0]);
    const shown = await page.$$eval('#invoices tbody td.c-customer', (tds) => [...new Set(tds.map((t) => t.textContent.trim()))]);
    assert.deepEqual(shown, [picks[0]]);
    // one match filters at once
    await page.fill('#customer_name', 'lodz');
    await go(page, '#filter-form button[type=submit]');
    assert.match(await page.textContent('.chips'), /Customer: Łódź/);
    // a form value that is wrong: the message beside the field, the page stays
    await page.fill('#f-min', '12x');
    await go(page, '#filter-form button[type=submit]');
    assert.match(await page.textContent('#err-min'), /Use an amount/);
    assert.match(await page.textContent('.chips'), /Customer: Łódź/);
    await shot(page, 'form-error-nojs');
  }));

test('the print view has Back and Print (only with a script); no dead Copy button without JavaScript', async () => {
  await withContext('print-js', {}, async (page) => {
    await login(page, 'billing@example.com', 'billing-pass');
    await go(page, '#invoices tbody tr:first-child td.actions a:first-child');
    const path = new URL(page.url()).pathname;
    await page.goto(`${path}?print=1`);
    await page.evaluate(() => { window.__printed = 0; window.print = () => { window.__printed++; }; });
    assert.ok(await page.isVisible('#print-now'));
    await page.click('#print-now');
    assert.equal(await page.evaluate(() => window.__printed), 1);
    // neither button on paper
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.isVisible('#print-bar'), false);
    await page.emulateMedia({ media: 'screen' });
    await shot(page, 'print-view');
    await go(page, '#print-back');
    assert.equal(new URL(page.url()).pathname, path);
    assert.equal(new URL(page.url()).search, '');
  });
  await withContext('print-nojs', { javaScriptEnabled: false }, async (page) => {
    await login(page, 'billing@example.com', 'billing-pass');
    await go(page, '#invoices tbody tr:first-child td.actions a:first-child');
    const path = new URL(page.url()).pathname;
    assert.equal(await page.isVisible('#copy-share'), false, 'no Copy button that cannot copy');
    await page.goto(`${path}?print=1`);
    assert.equal(await page.isVisible('#print-now'), false, 'no Print button that cannot print');
    assert.ok(await page.isVisible('#print-back'));
  });
});
