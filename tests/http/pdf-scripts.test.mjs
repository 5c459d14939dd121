// Every script prints (cgi-bin/invoice-pdf, lib/pdf.c): an issued invoice whose buyer has a name and
// address in Japanese, Greek, Cyrillic, Hebrew, Arabic and Korean, and a line in Arabic, Japanese and
// Greek, downloaded by every role that may see it. Checked against the database (the names read back
// with SQL): pdftotext gives every name (Hebrew and Arabic words in writing order: poppler reorders the
// visual runs the PDF draws, and the Arabic presentation forms map back to letters) and no warning
// (libharu's ToUnicode CMap made poppler print "Invalid 'begincidrange' operator"); pdffonts lists the
// three fonts, each embedded; qpdf --check passes; the PDF is under 300 KB; and no glyph is a box or
// blank: every character drawn (read from the content streams, font by font) maps through its font's
// CIDToGIDMap to a glyph that has an outline in the embedded font program (a missing glyph is GID 0,
// the box; libharu drops the components of composite glyphs in big fonts, which leaves them blank).
// Everything changed here is put back in a finally block.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { as, sql, BASE } from './lib.mjs';

const unescape = (s) => s.replace(/\\(.)/g, (_, c) => ({ n: '\n', t: '\t', r: '\r', 0: '\0' })[c] ?? c);
const rows = (q) => { const s = sql(q); return s === '' ? [] : s.split('\n').map((l) => l.split('\t').map(unescape)); };
const str = (s) => `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const UNSTORE = `pdf_state = 'none', pdf = NULL, pdf_etag = NULL, pdf_paid = NULL, pdf_rendered_at = NULL`;
const FILES = join(process.env.STACK_DIR, 'pdf-files');
const files = () => (existsSync(FILES) ? readdirSync(FILES) : []);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r;
}

// ---- the PDF's objects (qpdf --json, streams decoded) ----

function objects(path) {
  const j = JSON.parse(run('qpdf', ['--json=2', '--json-key=qpdf', '--json-stream-data=inline',
    '--decode-level=generalized', path]).stdout);
  const all = j.qpdf[1];
  const get = (ref) => all[`obj:${ref}`];
  const value = (ref) => (typeof ref === 'string' && / 0 R$/.test(ref) ? get(ref).value : ref);
  const data = (ref) => Buffer.from(get(ref).stream.data, 'base64');
  return { all, get, value, data };
}

// A TrueType font program: does glyph g have an outline (a simple glyph with contours, or a
// composite whose components all have one)? GID 0 is the missing-glyph box.
function ttf(buf) {
  const tables = {};
  for (let i = 0; i < buf.readUInt16BE(4); i++) {
    const o = 12 + 16 * i;
    tables[buf.toString('latin1', o, o + 4)] = buf.readUInt32BE(o + 8);
  }
  const long = buf.readInt16BE(tables.head + 50) === 1;
  const nglyphs = buf.readUInt16BE(tables.maxp + 4);
  const loca = (g) => (long ? buf.readUInt32BE(tables.loca + 4 * g) : 2 * buf.readUInt16BE(tables.loca + 2 * g));
  const ink = (g, depth = 0) => {
    if (g <= 0 || g >= nglyphs || depth > 8) return false;
    if (loca(g + 1) <= loca(g)) return false;
    const p = tables.glyf + loca(g);
    const contours = buf.readInt16BE(p);
    if (contours >= 0) return contours > 0;
    for (let q = p + 10, more = true; more;) {
      const flags = buf.readUInt16BE(q);
      if (!ink(buf.readUInt16BE(q + 2), depth + 1)) return false;
      q += 4 + (flags & 1 ? 4 : 2) + (flags & 8 ? 2 : flags & 0x40 ? 4 : flags & 0x80 ? 8 : 0);
      more = (flags & 0x20) !== 0;
    }
    return true;
  };
  return { ink };
}

// Per font of the document: its name, the code points drawn with it (CID = code point in the UTF-8
// Type0 fonts libharu writes; from every page's content stream) and whether each has a glyph with ink.
function drawn(path) {
  const o = objects(path);
  const fonts = new Map();   // font object ref -> { name, cids:Set, glyph(cid) }
  const font = (ref) => {
    if (!fonts.has(ref)) {
      const t0 = o.value(ref);
      const cid = o.value(t0['/DescendantFonts'][0]);
      const map = o.data(cid['/CIDToGIDMap']);
      const prog = ttf(o.data(o.value(cid['/FontDescriptor'])['/FontFile2']));
      const gid = (c) => (2 * c + 1 < map.length ? map.readUInt16BE(2 * c) : 0);
      fonts.set(ref, { name: t0['/BaseFont'], cids: new Set(), gid, ink: (c) => prog.ink(gid(c)) });
    }
    return fonts.get(ref);
  };
  for (const [, obj] of Object.entries(o.all)) {
    const page = obj.value;
    if (!page || page['/Type'] !== '/Page') continue;
    const res = o.value(page['/Resources']);
    const names = o.value(res['/Font']);
    const contents = [].concat(page['/Contents']).map((r) => o.data(r).toString('latin1')).join('\n');
    let cur = null;
    for (const m of contents.matchAll(/\/(\w+)\s+[-\d.]+\s+Tf|<([0-9A-Fa-f]*)>\s*Tj/g)) {
      if (m[1]) { cur = font(names[`/${m[1]}`]); continue; }
      assert.ok(cur, 'text is shown after a font is set');
      for (let i = 0; i + 4 <= m[2].length; i += 4) cur.cids.add(parseInt(m[2].slice(i, i + 4), 16));
    }
  }
  return [...fonts.values()];
}

const SPACE = (c) => c === 0x20 || c === 0xa0 || (c >= 0x2000 && c <= 0x200b) || c === 0x3000;
const hex = (c) => `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;

// ---- the test ----

test('every script prints: names and addresses in six scripts, embedded fonts, real glyphs, clean text', async () => {
  const cust = +sql(`SELECT customer_id FROM users WHERE email = 'customer1@example.com'`);
  const id = +sql(`SELECT id FROM invoices WHERE customer_id = ${cust} AND status IN ('open', 'paid') AND kind = 'invoice'
    AND EXISTS (SELECT 1 FROM invoice_lines l WHERE l.invoice_id = invoices.id) ORDER BY id DESC LIMIT 1`);
  assert.ok(id > 0, 'customer 1 has an issued invoice with lines');
  const [old] = rows(`SELECT name, legal_name, street, address_line2, city, region, updated_at FROM customers WHERE id = ${cust}`);
  const [inv] = rows(`SELECT COALESCE(buyer_snapshot, 'NULL'), updated_at FROM invoices WHERE id = ${id}`);
  const [pos, oldDesc] = rows(`SELECT position, description FROM invoice_lines WHERE invoice_id = ${id} ORDER BY position LIMIT 1`)[0];
  const filesBefore = new Set(files());
  const want = {
    legal_name: '株式会社山田商事', name: 'Ελένη Παπαδοπούλου', street: 'ул. Тверская 7',
    address_line2: 'רחוב הרצל 5', city: 'القاهرة', region: '서울',
  };
  const desc = 'دار السلام — 東京 — Ηράκλειο';
  const tmp = mkdtempSync(join(tmpdir(), 'pdf-scripts-'));
  try {
    const set = Object.entries(want).map(([k, v]) => `${k} = ${str(v)}`).join(', ');
    sql(`UPDATE customers SET ${set} WHERE id = ${cust}`);
    // an issued invoice prints its buyer snapshot (where the renderer reads it): the same names there
    const snap = Object.entries(want).map(([k, v]) => `'$.${k}', ${str(v)}`).join(', ');
    sql(`UPDATE invoices SET buyer_snapshot = JSON_SET(COALESCE(buyer_snapshot, '{}'), ${snap}), ${UNSTORE}
      WHERE id = ${id}`);
    sql(`UPDATE invoice_lines SET description = ${str(desc)} WHERE invoice_id = ${id} AND position = ${pos}`);
    // SQL truth: what the database now holds
    const [db] = rows(`SELECT c.legal_name, c.name, c.street, c.address_line2, c.city, c.region, l.description
      FROM customers c JOIN invoice_lines l ON l.invoice_id = ${id} AND l.position = ${pos} WHERE c.id = ${cust}`);
    assert.deepEqual(db, [...Object.values(want), desc]);
    const [legal, name, street, line2, city, region, line] = db;

    for (const role of ['admin', 'billing', 'support', 'customer']) {
      const c = await as(role);
      const res = await fetch(`${BASE}/invoices/${id}.pdf`, { headers: { cookie: c.cookieHeader() } });
      assert.equal(res.status, 200, role);
      const body = Buffer.from(await res.arrayBuffer());
      assert.equal(body.subarray(0, 5).toString('latin1'), '%PDF-');
      assert.ok(body.length < 300 * 1024, `${role}: ${body.length} bytes, under 300 KB`);
      const path = join(tmp, `${role}.pdf`);
      writeFileSync(path, body);
      assert.match(run('qpdf', ['--check', path]).stdout, /No syntax or stream encoding errors found/);

      // fonts: the main one and the two fallbacks, each embedded (emb sub uni: yes yes yes)
      const pf = run('pdffonts', [path]);
      assert.equal(pf.stderr, '', `${role}: pdffonts without warnings`);
      const fl = pf.stdout.split('\n').slice(2).filter((l) => l.trim());
      assert.equal(fl.length, 3, `${role}: three fonts\n${pf.stdout}`);
      for (const f of ['+DejaVuSans,', '+DejaVuSansExtra,', '+DroidSansFallback ']) {
        const l = fl.find((x) => x.includes(f));
        assert.ok(l, `${role}: font ${f}\n${pf.stdout}`);
        assert.match(l, /CID TrueType\s+Identity-H\s+yes yes yes/, `${role}: ${f} embedded, subset, ToUnicode`);
      }

      // text: every name as the database holds it, no poppler warning
      const tt = run('pdftotext', ['-enc', 'UTF-8', path, '-']);
      assert.equal(tt.stderr, '', `${role}: pdftotext without warnings (ToUnicode CMap)`);
      const text = tt.stdout.replace(/[\u202a-\u202e]/g, '');   // poppler's embedding marks around RTL runs
      for (const s of [legal, name, street, region, '東京', 'Ηράκλειο']) assert.ok(text.includes(s), `${role}: ${s}`);
      for (const w of [...line2.split(' '), ...city.split(' '), ...line.split(' ').filter((x) => /[\u0600-\u06ff]/.test(x))]) {
        assert.ok(text.includes(w), `${role}: the right-to-left word ${w} in writing order`);
      }

      // glyphs: every character drawn has an outline in the font it is drawn with
      const fonts = drawn(path);
      assert.equal(fonts.length, 3, `${role}: three fonts draw text`);
      for (const f of fonts) {
        for (const c of f.cids) {
          if (SPACE(c)) continue;
          assert.ok(f.gid(c) > 0, `${role}: ${f.name} has a glyph for ${hex(c)} (not the missing-glyph box)`);
          assert.ok(f.ink(c), `${role}: ${f.name}'s glyph for ${hex(c)} has an outline (not blank)`);
        }
      }
      const by = (n) => fonts.find((f) => f.name.includes(n)).cids;
      for (const ch of (legal + region + '東京').replace(/\s/g, '')) {
        assert.ok(by('DroidSansFallback').has(ch.codePointAt(0)), `${role}: ${ch} drawn with the CJK font`);
      }
      for (const ch of line2.replace(/[\s\d]/g, '')) {
        assert.ok(by('DejaVuSansExtra').has(ch.codePointAt(0)), `${role}: ${ch} drawn with the extra font`);
      }
      // Arabic drawn joined: presentation forms only, no bare letters
      const arabic = [...by('DejaVuSansExtra')];
      assert.ok(arabic.some((c) => c >= 0xfe70 && c <= 0xfeff), `${role}: Arabic presentation forms drawn`);
      assert.ok(!arabic.some((c) => c >= 0x0621 && c <= 0x064a), `${role}: no unjoined Arabic letter drawn`);
      for (const ch of (name + street).replace(/[\s\d.]/g, '')) {
        assert.ok(by('+DejaVuSans,').has(ch.codePointAt(0)), `${role}: ${ch} drawn with the main font`);
      }
    }
  } finally {
    sql(`UPDATE customers SET name = ${str(old[0])}, legal_name = ${str(old[1])}, street = ${str(old[2])},
      address_line2 = ${str(old[3])}, city = ${str(old[4])}, region = ${str(old[5])}, updated_at = ${str(old[6])}
      WHERE id = ${cust}`);
    sql(`UPDATE invoice_lines SET description = ${str(oldDesc)} WHERE invoice_id = ${id} AND position = ${pos}`);
    sql(`UPDATE invoices SET buyer_snapshot = ${inv[0] === 'NULL' ? 'NULL' : str(inv[0])}, ${UNSTORE},
      updated_at = ${str(inv[1])} WHERE id = ${id}`);
    for (const f of files()) if (!filesBefore.has(f) && f.startsWith(`${id}-`)) unlinkSync(join(FILES, f));
    rmSync(tmp, { recursive: true, force: true });
  }
});
