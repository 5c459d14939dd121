// Users and roles in a real browser: an admin adds a user with the form, the
// password-set link is copied from the page and used in another browser
// context, the new user signs in; every users page (and the password page)
// is axe-core clean (WCAG 2.x A/AA rules).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { launch, withPage, login } from '../playwright.config.mjs';

// evaluated through the DevTools protocol: the pages' CSP (script-src 'self') stays on
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function axeClean(page, what) {
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  assert.deepEqual(found, [], `${what}: axe violations`);
}

test('admin adds a user, the user sets a password from the link and signs in; pages are axe-clean', () =>
  withPage(browser, 'users-flow', async (page) => {
    const email = `e2e-${process.pid}@example.test`;
    await login(page, 'admin@example.com', 'admin-pass');
    await page.goto('/admin/users');
    await axeClean(page, '/admin/users');
    await Promise.all([page.waitForNavigation(), page.click('a[href="/admin/users/new"]')]);
    await axeClean(page, '/admin/users/new');
    // a customer user without a customer: the message sits at the field, what was typed stays
    await page.fill('#f-email', email);
    await page.fill('#f-name', 'E2E Person');
    await page.selectOption('#f-role', 'customer');
    await Promise.all([page.waitForNavigation(), page.click('button.primary')]);
    assert.match(await page.textContent('#e-customer'), /required for a customer user/);
    assert.equal(await page.inputValue('#f-email'), email);
    assert.equal(await page.getAttribute('#f-customer', 'aria-invalid'), 'true');
    await axeClean(page, '/admin/users/new with errors');
    await page.selectOption('#f-role', 'support');
    await Promise.all([page.waitForNavigation(), page.click('button.primary')]);
    const url = await page.inputValue('#new-link');
    assert.match(url, /\/login\/password\/[0-9a-f]{64}$/);
    assert.match(await page.textContent('h1'), new RegExp(email.replace(/\./g, '\\.')));
    await axeClean(page, 'user page with the new link');

    await withPage(browser, 'users-set-password', async (p2) => {
      await p2.goto(new URL(url).pathname);
      await axeClean(p2, 'password page');
      await p2.fill('#password', 'e2e-password-1');
      await p2.fill('#password2', 'e2e-password-2');
      await Promise.all([p2.waitForNavigation(), p2.click('button.primary')]);
      assert.match(await p2.textContent('.alert.error'), /not the same/);
      await p2.fill('#password', 'e2e-password-1');
      await p2.fill('#password2', 'e2e-password-1');
      await Promise.all([p2.waitForNavigation(), p2.click('button.primary')]);
      assert.match(await p2.textContent('h1'), /Password set/);
      await login(p2, email, 'e2e-password-1');
      assert.equal(new URL(p2.url()).pathname, '/invoices');
      assert.equal(await p2.textContent('.user-menu .badge'), 'support');
    });

    // disable from the user page; the list says so
    await Promise.all([page.waitForNavigation(), page.click('#user-disable button')]);
    assert.match(await page.textContent('.flash'), /disabled/);
    assert.equal((await page.textContent('dd.active')).trim(), 'disabled');
    await axeClean(page, 'user page, disabled');
    await page.goto('/admin/users');
    assert.match(await page.textContent(`tr:has-text("${email}") td.active`), /no/);
  }));
