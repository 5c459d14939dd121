// Server-side latency of pages, from the Server-Timing header the programs send.
// usage: node latency.mjs BASE_URL EMAIL PASSWORD N PATH...   (prints one line per path)
import { setCookies } from '../http/lib.mjs';

const [,, base, email, password, nArg, ...paths] = process.argv;
const N = Number(nArg);
const jar = new Map();
const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
async function req(method, path, body) {
  const headers = { cookie: cookie() };
  if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
  const r = await fetch(base + path, { method, headers, body, redirect: 'manual' });
  for (const c of setCookies(r.headers)) { const [p] = c.split(';'); const i = p.indexOf('='); jar.set(p.slice(0, i), p.slice(i + 1)); }
  return r;
}
const pct = (a, p) => a[Math.min(a.length - 1, Math.floor(a.length * p))];
let r = await req('GET', '/login');
const csrf = (await r.text()).match(/name="csrf" value="([0-9a-f]{64})"/)[1];
r = await req('POST', '/login', new URLSearchParams({ email, password, csrf }).toString());
if (r.status !== 303) { console.error(`login failed: ${r.status}`); process.exit(1); }
for (const path of paths) {
  const server = [], client = [];
  let status = 0, bytes = 0;
  for (let i = 0; i < N + 3; i++) {
    const t0 = process.hrtime.bigint();
    r = await req('GET', path);
    const body = await r.arrayBuffer();
    const t1 = process.hrtime.bigint();
    status = r.status; bytes = body.byteLength;
    const m = (r.headers.get('server-timing') || '').match(/dur=([\d.]+)/);
    if (i < 3) continue;   // warm-up: connection, prepared statements, templates
    server.push(m ? Number(m[1]) : NaN); client.push(Number(t1 - t0) / 1e6);
  }
  server.sort((a, b) => a - b); client.sort((a, b) => a - b);
  console.log(`${path.padEnd(70)} ${status} ${String(bytes).padStart(7)} B  server p50 ${pct(server, 0.5).toFixed(2)} ms p99 ${pct(server, 0.99).toFixed(2)} ms  client p50 ${pct(client, 0.5).toFixed(2)} ms p99 ${pct(client, 0.99).toFixed(2)} ms`);
}
