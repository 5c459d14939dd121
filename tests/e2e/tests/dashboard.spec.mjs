// The dashboard in a browser, with JavaScript off (it needs none): the
// receivables, the status counts, an aging table and a chart per currency
// render; the chart is an inline SVG with a title and a table beside it;
// axe-core finds nothing; a screenshot is kept as artifacts/dashboard.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { launch, login, BASE, ARTIFACTS } from '../playwright.config.mjs';

const AXE = new URL('../node_modules/axe-core/axe.min.js', import.meta.url).pathname;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the dashboard renders without JavaScript, axe-core clean, screenshot saved', async () => {
  const context = await browser.newContext({ baseURL: BASE, javaScriptEnabled: false, bypassCSP: true,
    viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  mkdirSync(ARTIFACTS, { recursive: true });
  try {
    await login(page, 'billing@example.com', 'billing-pass');
    const res = await page.goto('/admin');
    assert.equal(res.status(), 200);
    assert.ok(await page.isVisible('table.receivables tbody tr'), 'receivables per currency');
    assert.equal(await page.locator('.status-counts li').count(), 7, 'seven shown statuses');
    const charts = await page.locator('svg.chart').count();
    assert.ok(charts >= 1, 'a chart');
    assert.equal(await page.locator('table.months').count(), charts, 'a table beside every chart');
    assert.equal(await page.locator('table.aging').count(), charts, 'an aging table per currency');
    assert.equal(await page.locator('svg.chart >> nth=0 >> title').first().count(), 1);
    const box = await page.locator('svg.chart').first().boundingBox();
    assert.ok(box && box.width > 200 && box.height > 100, 'the chart has a size');
    await page.screenshot({ path: `${ARTIFACTS}dashboard.png`, fullPage: true });
    // axe needs a script: a second context with it on, same page
    const ctx2 = await browser.newContext({ baseURL: BASE, bypassCSP: true });
    const p2 = await ctx2.newPage();
    await login(p2, 'support@example.com', 'support-pass');
    await p2.goto('/admin');
    await p2.addScriptTag({ path: AXE });
    const violations = await p2.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    });
    await ctx2.close();
    assert.deepEqual(violations, [], 'axe on /admin');
  } catch (err) {
    await page.screenshot({ path: `${ARTIFACTS}dashboard-failed.png`, fullPage: true }).catch(() => {});
    throw err;
  } finally {
    await context.close();
  }
});
