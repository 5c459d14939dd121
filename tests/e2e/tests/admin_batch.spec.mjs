// The list's batch actions in a browser: tick two issued invoices and download
// their PDFs as one zip (Playwright's download event; the archive lists both
// numbers), with JavaScript on and off; tick two drafts and issue them through
// the confirmation and result pages, axe-core clean on both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { launch, login, BASE, ARTIFACTS, withContext as withContextOf, expectAxeClean as axeCheck } from '../playwright.config.mjs';


let browser;
before(async () => { browser = await launch(); mkdirSync(ARTIFACTS, { recursive: true }); });
after(async () => { await browser?.close(); });

const withContext = (name, js, fn) => withContextOf(browser, name, { javaScriptEnabled: js, bypassCSP: true, acceptDownloads: true }, fn);


// Ticks the first n rows' boxes; returns their numbers (or "Draft #id").
async function tick(page, n) {
  const boxes = page.locator('#invoices td.sel input[type=checkbox]');
  assert.ok(await boxes.count() >= n, `at least ${n} rows`);
  const labels = [];
  for (let i = 0; i < n; i++) {
    await boxes.nth(i).check();
    labels.push((await boxes.nth(i).getAttribute('aria-label')).replace(/^Select /, ''));
  }
  return labels;
}

for (const js of [true, false]) {
  test(`two ticked rows download as one zip (JavaScript ${js ? 'on' : 'off'})`, async () => {
    await withContext(`batch-zip-${js}`, js, async (page) => {
      await login(page, 'billing@example.com', 'billing-pass');
      await page.goto('/invoices?status=due&status=paid&status=overdue');
      const numbers = await tick(page, 2);
      await page.selectOption('#batch-action', 'zip');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#batch-go')]);
      assert.match(download.suggestedFilename(), /^invoices-\d{4}-\d{2}-\d{2}\.zip$/);
      const file = `${ARTIFACTS}batch-${js ? 'js' : 'nojs'}.zip`;
      await download.saveAs(file);
      execFileSync('unzip', ['-tq', file]);
      const names = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).trim().split('\n');
      assert.deepEqual(names.sort(), numbers.map((n) => `${n}.pdf`).sort());
    });
  });
}

test('two ticked drafts issued through the confirmation and result pages, axe-core clean on both', async () => {
  await withContext('batch-issue', true, async (page) => {
    await login(page, 'billing@example.com', 'billing-pass');
    await page.goto('/invoices?status=draft');
    const drafts = await tick(page, 2);
    assert.ok(drafts.every((d) => /^Draft #\d+$/.test(d)));
    await page.selectOption('#batch-action', 'issue');
    await Promise.all([page.waitForNavigation(), page.click('#batch-go')]);
    assert.match(await page.textContent('#batch-drafts'), /^2$/);
    await axeCheck(page, 'the batch confirmation page');
    await page.screenshot({ path: `${ARTIFACTS}batch-confirm.png`, fullPage: true });
    const res = await Promise.all([page.waitForNavigation(), page.click('#confirm')]).then(([r]) => r);
    assert.equal(res.status(), 200);
    assert.equal(await page.textContent('#issued-count'), '2');
    const numbers = await page.locator('#batch-issued td.number a').allTextContents();
    assert.equal(numbers.length, 2);
    numbers.forEach((n) => assert.match(n, /^[A-Z]+-\d{4}-\d{6}$/));
    await axeCheck(page, 'the batch result page');
    await page.screenshot({ path: `${ARTIFACTS}batch-result.png`, fullPage: true });
  });
});
