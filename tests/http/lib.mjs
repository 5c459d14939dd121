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
