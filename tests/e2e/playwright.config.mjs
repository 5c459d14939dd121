// Shared launch settings for the e2e tests: Debian's chromium, headless, no network chatter.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

export const BASE = process.env.BASE_URL || 'http://127.0.0.1:8080';
export const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// Runs fn(page) in a context of its own (Playwright's newContext options:
// javaScriptEnabled, viewport, bypassCSP for axe-core...); on failure saves a
// screenshot named after the test and rethrows.
export async function withContext(browser, name, options, fn) {
  const context = await browser.newContext({ baseURL: BASE, ...options });
  const page = await context.newPage();
  try {
    await fn(page);
  } catch (err) {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = `${ARTIFACTS}${name.replace(/[^a-z0-9]+/gi, '-')}.png`;
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    err.message += `\n(screenshot: ${file})`;
    throw err;
  } finally {
    await context.close();
  }
}

export function withPage(browser, name, fn) {
  return withContext(browser, name, {}, fn);
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

// axe-core finds no violation on the page. The test injects it as a script,
// so the page's context needs bypassCSP (the pages allow only their own scripts).
export async function expectAxeClean(page, what) {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  assert.deepEqual(found, [], `axe-core on ${what}`);
}

export async function login(page, email, password) {
  await page.goto('/login');
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
}
