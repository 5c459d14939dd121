// Helpers for the admin HTTP tests: reading forms and field messages out of pages.
import assert from 'node:assert/strict';
import { sql } from './lib.mjs';

export const decode = (s) => s.replace(/<[^>]*>/g, '').replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(+n))
  .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(parseInt(n, 16)))
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  .replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
export const attr = (s) => s.replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(+n)).replace(/&quot;/g, '"')
  .replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

// The fields of the form with this id (or the first form posting to `action`), as posted by a browser.
export function formFields(html, id) {
  const m = html.match(new RegExp(`<form\\b[^>]*id="${id}"[^>]*>([\\s\\S]*?)</form>`))
    || html.match(new RegExp(`<form\\b[^>]*action="${id}"[^>]*>([\\s\\S]*?)</form>`));
  assert.ok(m, `no form ${id}`);
  const f = {};
  for (const [tag] of m[1].matchAll(/<input\b[^>]*>/g)) {
    const name = tag.match(/\bname="([^"]*)"/); if (!name) continue;
    const value = tag.match(/\bvalue="([^"]*)"/);
    if (/type="checkbox"/.test(tag) && !/\bchecked\b/.test(tag)) continue;
    f[name[1]] = value ? attr(value[1]) : '';
  }
  for (const [, name, body] of m[1].matchAll(/<select\b[^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const sel = body.match(/<option value="([^"]*)"[^>]*\bselected\b/) || body.match(/<option value="([^"]*)"/);
    f[name] = sel ? attr(sel[1]) : '';
  }
  for (const [, name, body] of m[1].matchAll(/<textarea\b[^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/textarea>/g))
    f[name] = attr(body);
  return f;
}

// The message shown next to a field, or null.
export const fieldError = (html, name) => {
  const m = html.match(new RegExp(`<p class="field-error" id="e-${name}">([\\s\\S]*?)</p>`));
  return m ? decode(m[1]) : null;
};

const rows = (q) => { const s = sql(q); return s === '' ? [] : s.split('\n').map((l) => l.split('\t')); };

// The list's trigger-kept sums equal a fresh count over invoices.
export function checkSums() {
  const kept = rows(`SELECT status, kind, paid_state, currency, n, total, balance FROM invoice_status_totals WHERE n <> 0
    ORDER BY status, kind, paid_state, currency`).map((r) => r.map(String).join('|'));
  const truth = rows(`SELECT status, kind, paid_state, currency, COUNT(*), SUM(total), SUM(balance) FROM invoices
    GROUP BY status, kind, paid_state, currency ORDER BY status, kind, paid_state, currency`).map((r) => r.join('|'));
  const norm = (a) => a.map((s) => s.split('|').map((x) => (/^-?\d+(\.\d+)?$/.test(x) ? String(+x) : x)).join('|'));
  assert.deepEqual(norm(kept), norm(truth), 'invoice_status_totals matches SQL');
  const month = rows(`SELECT currency, SUM(n), SUM(total) FROM invoice_month_totals GROUP BY currency ORDER BY currency`)
    .map((r) => `${r[0]}|${+r[1]}|${+r[2]}`);
  const mtruth = rows(`SELECT currency, COUNT(*), SUM(total) FROM invoices GROUP BY currency ORDER BY currency`)
    .map((r) => `${r[0]}|${+r[1]}|${+r[2]}`);
  assert.deepEqual(month, mtruth, 'invoice_month_totals matches SQL');
}
