// Helpers for the admin HTTP tests: reading forms and field messages out of pages.
import assert from 'node:assert/strict';

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

