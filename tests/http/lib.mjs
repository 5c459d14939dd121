// Helpers for the HTTP tests: a cookie-keeping client, form parsing, SQL on the test DB.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';

export const BASE = process.env.BASE_URL;
const DIR = process.env.STACK_DIR;

export function sql(query) {
  const pass = readFileSync(`${DIR}/dbpass`, 'utf8').trim();
  return execFileSync('mariadb', ['--no-defaults', `--socket=${DIR}/run/mysqld.sock`, '-uinvoice',
    `-p${pass}`, '-N', '-B', 'invoice', '-e', query], { encoding: 'utf8' }).trim();
}

export function ctl(args, input) {
  return execFileSync(process.env.INVOICECTL, args, { encoding: 'utf8', input, env: process.env });
}

// Every Set-Cookie header of a response. Node 18's fetch has no way to list
// them apart: get() joins them with ", ", so the list is split again before
// each "name=" (our cookies carry Max-Age, never an Expires date with a comma).
export function setCookies(headers) {
  const joined = headers.get('set-cookie');
  return joined ? joined.split(/,\s*(?=[^;,=\s]+=)/) : [];
}

export class Client {
  constructor() { this.cookies = new Map(); }
  cookieHeader() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }
  async req(method, path, { form, headers = {}, raw } = {}) {
    const h = { ...headers };
    if (this.cookies.size) h.cookie = this.cookieHeader();
    let body;
    if (form) { body = new URLSearchParams(form).toString(); h['content-type'] = 'application/x-www-form-urlencoded'; }
    if (raw !== undefined) body = raw;
    const res = await fetch(BASE + path, { method, headers: h, body, redirect: 'manual' });
    for (const c of setCookies(res.headers)) {
      const [pair] = c.split(';'); const i = pair.indexOf('=');
      const k = pair.slice(0, i), v = pair.slice(i + 1);
      if (/Max-Age=0\b/.test(c) || v === '') this.cookies.delete(k); else this.cookies.set(k, v);
    }
    res.text_ = await res.text();
    return res;
  }
  get(path, opts) { return this.req('GET', path, opts); }
  post(path, form, opts = {}) { return this.req('POST', path, { ...opts, form }); }
  async csrf(path = '/login') {
    const r = await this.get(path);
    const m = r.text_.match(/name="csrf" value="([0-9a-f]{64})"/);
    assert.ok(m, `no csrf field on ${path}`);
    return m[1];
  }
  async login(email, password) {
    const csrf = await this.csrf('/login');
    return this.post('/login', { email, password, csrf });
  }
}

export const USERS = {
  admin: ['admin@example.com', 'admin-pass'],
  billing: ['billing@example.com', 'billing-pass'],
  support: ['support@example.com', 'support-pass'],
  customer: ['customer1@example.com', 'customer1-pass'],
  customer2: ['customer2@example.com', 'customer2-pass'],
};

export async function as(role) {
  const c = new Client();
  const r = await c.login(...USERS[role]);
  assert.equal(r.status, 303, `login as ${role}: ${r.status} ${r.text_.slice(0, 200)}`);
  return c;
}

// ---------- the shown status, written from the schema and DESIGN.md ----------
// (not from lib/invoice.c): Draft, Due, Partly paid, Overdue, Paid, Cancelled,
// Credit note; "overdue" by the customer's own date (customers.time_zone).

// "YYYY-MM-DD" in an IANA zone at `now`.
export function dateIn(zone, now = new Date()) {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit',
    day: '2-digit' }).formatToParts(now).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

// SQL for the customer's date of invoice i (each zone in use, computed here).
export function customerTodaySql(now = new Date()) {
  const zones = sql('SELECT DISTINCT time_zone FROM customers').split('\n').filter(Boolean);
  const whens = zones.map((z) => `WHEN '${z.replace(/'/g, "''")}' THEN '${dateIn(z, now)}'`).join(' ');
  return `(SELECT CASE c.time_zone ${whens} END FROM customers c WHERE c.id = i.customer_id)`;
}

export function shownSql(now = new Date()) {
  return `CASE WHEN i.status = 'draft' THEN 'Draft' WHEN i.status = 'void' THEN 'Cancelled'
    WHEN i.kind = 'credit' THEN 'Credit note' WHEN i.status = 'paid' THEN 'Paid'
    WHEN i.due_date < ${customerTodaySql(now)} THEN 'Overdue' WHEN i.paid_amount > 0 THEN 'Partly paid' ELSE 'Due' END`;
}

export function statusWhere(now = new Date()) {
  const ct = customerTodaySql(now);
  const inv = `i.kind = 'invoice'`;
  return {
    draft: `i.status = 'draft'`,
    due: `i.status = 'open' AND ${inv} AND i.paid_amount = 0 AND i.due_date >= ${ct}`,
    partial: `i.status = 'open' AND ${inv} AND i.paid_amount > 0 AND i.due_date >= ${ct}`,
    overdue: `i.status = 'open' AND ${inv} AND i.due_date < ${ct}`,
    paid: `i.status = 'paid' AND ${inv}`,
    void: `i.status = 'void'`,
  };
}

export const LABEL = { draft: 'Draft', due: 'Due', partial: 'Partly paid', overdue: 'Overdue', paid: 'Paid',
  void: 'Cancelled', credit: 'Credit note' };

// The Paid column: Paid / Pending / Unpaid for issued invoices, a dash otherwise.
export const PAID_STATE_SQL = `CASE WHEN i.status IN ('draft', 'void') OR i.kind = 'credit' THEN '—'
  WHEN i.status = 'paid' THEN 'Paid' WHEN i.paid_amount > 0 THEN 'Pending' ELSE 'Unpaid' END`;

// The same conditions as the sums tables decide them (lib/invoice.c
// inv_status_sql, DAYS/MONTHS): no customer there, so every customer at the
// configured zone's date (Invoice.TimeZone, UTC in the test stack); and credit
// notes told apart only once those tables carry the kind (i9-sums' sql/0011).
export function statusWhereTotals(now = new Date(), zone = 'UTC') {
  const early = `'${dateIn(zone, now)}'`;
  const kind = +sql(`SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()
    AND TABLE_NAME = 'invoice_day_totals' AND COLUMN_NAME = 'kind'`) ? ` AND i.kind = 'invoice'` : '';
  return {
    draft: `i.status = 'draft'`,
    due: `i.status = 'open'${kind} AND i.paid_amount = 0 AND i.due_date >= ${early}`,
    partial: `i.status = 'open'${kind} AND i.paid_amount > 0 AND i.due_date >= ${early}`,
    overdue: `i.status = 'open'${kind} AND i.due_date < ${early}`,
    paid: `i.status = 'paid'${kind}`,
    void: `i.status = 'void'`,
  };
}

// A buyer field as an invoice shows it: an issued invoice's from its
// buyer_snapshot (frozen at issue), a draft's (or an old row's without a
// snapshot) from the customer row c.
export const buyerSql = (f) => `IF(i.status <> 'draft' AND i.buyer_snapshot IS NOT NULL,
  COALESCE(JSON_VALUE(i.buyer_snapshot, '$.${f}'), ''), c.${f})`;
