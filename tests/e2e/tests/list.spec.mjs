import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withPage, login } from '../playwright.config.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// What the list shows, read from the DOM.
const headerKeys = (page) => page.$$eval('#invoices thead th[class^="c-"]',
  (ths) => ths.map((th) => th.className.match(/c-([a-z_]+)/)[1]));
const rowIds = (page) => page.$$eval('#invoices tbody tr[data-id]', (trs) => trs.map((tr) => +tr.dataset.id));
const cellTexts = (page, key) => page.$$eval(`#invoices tbody tr[data-id] td.c-${key}`,
  (tds) => tds.map((td) => td.textContent.trim()));
const shownCount = async (page) => +(await page.textContent('#count'));
// "1,234.50 EUR" -> 1234.5 (one currency per customer, so amounts compare)
const amount = (s) => Number(s.replace(/[^\d.-]/g, ''));

// the one label set (DESIGN.md, List figures); a credit note's label has no status= value
const STATUS_KEY = { Draft: 'draft', Due: 'due', 'Partly paid': 'partial', Overdue: 'overdue', Paid: 'paid', Cancelled: 'void' };

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

test('billing searches, filters by status, sorts by total and keeps a changed column choice after reload', () =>
  withPage(browser, 'list-flow', async (page) => {
    await login(page, 'billing@example.com', 'billing-pass');
    assert.equal(new URL(page.url()).pathname, '/invoices');
    const original = await headerKeys(page);
    for (const k of ['customer', 'total', 'status']) assert.ok(original.includes(k), `billing's list shows ${k}`);
    const everything = await shownCount(page);

    try {
      // 1. search for a customer's name, as a person would type it: lower case, without accents
      // the customer whose invoices on this page have the most different statuses
      const names = await cellTexts(page, 'customer'), sts = await cellTexts(page, 'status');
      const by = new Map();
      names.forEach((n, i) => by.set(n, (by.get(n) || []).concat(sts[i])));
      const score = ([, s]) => new Set(s).size * 1000 + s.length;
      const name = [...by].sort((a, b) => score(b) - score(a))[0][0];
      const typed = name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().split(/\s+/).slice(0, 2).join(' ');
      await page.fill('#q', typed);
      await submit(page, 'form.search button[type=submit]');
      assert.equal(new URL(page.url()).searchParams.get('q'), typed);
      const found = await shownCount(page);
      assert.ok(found > 1 && found < everything, `"${typed}" narrows the list (${found} of ${everything})`);
      assert.ok((await cellTexts(page, 'customer')).every((c) => c === name), `every row is ${name}'s`);
      assert.match(await page.textContent('.chips'), new RegExp(`Search: ${typed}`));
      const searchIds = await rowIds(page);
      assert.equal(searchIds.length, found);

      // 2. filter by status with the Filters form's checkboxes
      const statuses = await cellTexts(page, 'status');
      const present = [...new Set(statuses)].filter((s) => s in STATUS_KEY);
      assert.ok(present.length >= 2, `${name}'s invoices have several statuses: ${present}`);
      // tick every status shown but one issued status (not Paid, so ticking Paid must not bring it back)
      const excluded = present.find((s) => s !== 'Draft' && s !== 'Paid') ?? present[0];
      const keep = present.filter((s) => s !== excluded);
      // the Filters panel is already open while a filter (the search) is active; open it if not
      if (!(await page.$eval('details.filters', (d) => d.open))) await page.click('details.filters > summary');
      for (const s of keep) await page.check(`#filter-form input[name=status][value=${STATUS_KEY[s]}]`);
      await submit(page, '#filter-form button[type=submit]');
      const url = new URL(page.url());
      assert.equal(url.searchParams.get('q'), typed, 'the search is kept');
      assert.deepEqual(url.searchParams.getAll('status').sort(), keep.map((s) => STATUS_KEY[s]).sort());
      const want = searchIds.filter((_, i) => keep.includes(statuses[i]));
      assert.ok(want.length > 0 && want.length < searchIds.length);
      assert.deepEqual(await rowIds(page), want);
      assert.ok((await cellTexts(page, 'status')).every((s) => keep.includes(s)));
      assert.equal(await shownCount(page), want.length);
      for (const s of keep) assert.ok(await page.isChecked(`#filter-form input[name=status][value=${STATUS_KEY[s]}]`));

      // 3. sort by total: click the header, ascending, then again, descending (ties by id)
      await submit(page, '#invoices th.c-total a');
      assert.equal(await page.getAttribute('#invoices th.c-total', 'aria-sort'), 'ascending');
      let totals = (await cellTexts(page, 'total')).map(amount);
      let ids = await rowIds(page);
      assert.deepEqual([...ids].sort((a, b) => a - b), [...want].sort((a, b) => a - b), 'sorting keeps the filtered set');
      for (let i = 1; i < totals.length; i++)
        assert.ok(totals[i - 1] < totals[i] || (totals[i - 1] === totals[i] && ids[i - 1] < ids[i]), `ascending at ${i}: ${totals}`);
      await submit(page, '#invoices th.c-total a');
      assert.equal(await page.getAttribute('#invoices th.c-total', 'aria-sort'), 'descending');
      totals = (await cellTexts(page, 'total')).map(amount);
      ids = await rowIds(page);
      for (let i = 1; i < totals.length; i++)
        assert.ok(totals[i - 1] > totals[i] || (totals[i - 1] === totals[i] && ids[i - 1] > ids[i]), `descending at ${i}: ${totals}`);
      const sortedUrl = page.url();
      assert.equal(new URL(sortedUrl).searchParams.get('sort'), 'total');

      // 4. the column chooser: untick one shown column, tick a hidden one and put it first
      const hidden = await page.$$eval('#chooser-form li', (lis) => lis
        .filter((li) => !li.querySelector('input[type=checkbox]').checked).map((li) => li.dataset.key));
      assert.ok(hidden.length > 0, 'some column is hidden');
      const add = hidden.includes('period') ? 'period' : hidden[0];
      const drop = original.find((k) => !['number', 'total'].includes(k) && k !== add);
      await page.click('#chooser > summary');
      await page.uncheck(`#chooser-form input[name=show_${drop}]`);
      await page.check(`#chooser-form input[name=show_${add}]`);
      await page.fill(`#chooser-form input[name=pos_${add}]`, '0');
      await submit(page, '#chooser-form button[type=submit]');
      const expected = [add, ...original.filter((k) => k !== drop)];
      // back on the same list: filters and sort kept, new columns shown
      assert.equal(page.url(), sortedUrl);
      assert.deepEqual(await headerKeys(page), expected);
      const firstRow = await page.$$eval('#invoices tbody tr[data-id]:first-child td[class^="c-"]',
        (tds) => tds.map((td) => td.className.match(/c-([a-z_]+)/)[1]));
      assert.deepEqual(firstRow, expected);

      // 5. reload, and open the plain list again: the choice is kept
      await page.reload();
      assert.deepEqual(await headerKeys(page), expected);
      await page.goto('/invoices');
      assert.deepEqual(await headerKeys(page), expected);
      assert.equal(await shownCount(page), everything);
      // the chooser shows the new choice: shown columns first, in order, ticked
      const chooser = await page.$$eval('#chooser-form li', (lis) => lis.map((li) =>
        [li.dataset.key, li.querySelector('input[type=checkbox]').checked]));
      assert.deepEqual(chooser.slice(0, expected.length), expected.map((k) => [k, true]));
      assert.ok(chooser.slice(expected.length).every(([, on]) => !on));
    } finally {
      // put billing's columns back for the other tests
      await page.goto('/invoices');
      const form = { csrf: await page.inputValue('#chooser-form input[name=csrf]') };
      original.forEach((k, i) => { form[`show_${k}`] = '1'; form[`pos_${k}`] = String(i + 1); });
      const res = await page.request.post('/invoices/columns', { form, maxRedirects: 0 });
      assert.equal(res.status(), 303);
    }
    await page.goto('/invoices');
    assert.deepEqual(await headerKeys(page), original);
  }));
