// A tiny stand-in for the IoTSphere API, for the smoke test only: fixed data, no state beyond the
// tokens it handed out. The smoke test reaches it through scripts/serve.mjs, as the app reaches the
// real API.
import { createServer } from 'node:http';

export const EMAIL = 'admin@iotsphere.local';
export const PASSWORD = 'correct horse battery staple';

const NOW = Date.now();
const iso = (msAgo) => new Date(NOW - msAgo).toISOString();
const STATUSES = ['online', 'online', 'online', 'offline', 'verified', 'provisioned'];

const devices = Array.from({ length: 27 }, (_, i) => {
  const n = String(i + 1).padStart(4, '0');
  const status = STATUSES[i % STATUSES.length];
  const seen = status === 'online' || status === 'offline';
  return {
    version: 1,
    id: `sim-${n}`,
    name: `Boiler ${n}`,
    device_type: 'boiler',
    tags: ['plant-a', i % 2 ? 'floor-2' : 'floor-1'],
    groups: ['north'],
    metadata: { site: 'Ghent', installer: 'ACME' },
    serial: `SN-${1000 + i}`,
    firmware_version: i % 4 ? '1.4.2' : '1.3.0',
    status,
    status_changed_at: iso(i * 60_000),
    created_at: iso(30 * 86_400_000 + i * 3_600_000),
    first_seen: seen ? iso(29 * 86_400_000) : null,
    last_seen: seen ? iso(i * 45_000) : null,
    connection_history: seen
      ? [
          { kind: 'online', at: iso(3_600_000), session: 's2', reason: '' },
          { kind: 'offline', at: iso(3_700_000), session: 's1', reason: 'keepalive timeout' },
          { kind: 'online', at: iso(86_400_000), session: 's1', reason: '' },
        ]
      : [],
  };
});

const user = { version: 1, id: 'u-1', org_id: 'org-1', email: EMAIL, display_name: 'Ada Admin', role: 'admin', created_at: iso(40 * 86_400_000), preferences: {} };
const tokenPair = (n) => ({ version: 1, access_token: `access-${n}`, token_type: 'Bearer', expires_in: 900, refresh_token: `refresh-${n}`, refresh_expires_in: 86_400 });

function problem(res, status, title, detail) {
  res.writeHead(status, { 'Content-Type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail }));
}

function json(res, body, status = 200) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function bodyOf(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    return {};
  }
}

function series(deviceId, metric, start, end) {
  const from = Date.parse(start ?? '') || NOW - 3_600_000;
  const to = Date.parse(end ?? '') || NOW;
  const points = [];
  for (let i = 0; i < 120; i++) {
    const t = to - ((to - from) * i) / 119;
    const base = metric === 'humidity' ? 45 : 62;
    points.push({ time: new Date(t).toISOString(), value: Math.round((base + 6 * Math.sin(t / 400_000) + (i % 7) * 0.3) * 10) / 10 });
  }
  return { device_id: deviceId, metric, window: '1m', aggregation: 'mean', points };
}

let issued = 0;
/** Requests the stub answered, by kind, for the smoke test to count. */
export const hits = { telemetry: 0 };
/** Rules saved through PUT /v1/rules/{id}, by id. */
const rules = new Map();
async function api(req, res, url) {
  const path = url.pathname;
  if (path === '/v1/auth/login' && req.method === 'POST') {
    const body = await bodyOf(req);
    if (body.email !== EMAIL || body.password !== PASSWORD) return problem(res, 401, 'Wrong e-mail or password', 'Check the e-mail address and the password, then try again.');
    return json(res, tokenPair(++issued));
  }
  if (path === '/v1/auth/refresh' && req.method === 'POST') return json(res, tokenPair(++issued));
  if (!/^Bearer access-\d+$/.test(req.headers.authorization ?? '')) return problem(res, 401, 'Unauthorized', 'A valid access token is required.');
  if (path === '/v1/auth/logout') {
    res.writeHead(204);
    return res.end();
  }
  if (path === '/v1/me') return json(res, user);
  if (path === '/v1/devices') {
    const prefix = url.searchParams.get('name_prefix') ?? '';
    const statuses = url.searchParams.getAll('status');
    const items = devices.filter((d) => d.name.startsWith(prefix) && (!statuses.length || statuses.includes(d.status)));
    return json(res, { version: 1, items, next_cursor: null });
  }
  let m = /^\/v1\/devices\/([^/]+)$/.exec(path);
  if (m) {
    const device = devices.find((d) => d.id === m[1]);
    return device ? json(res, device) : problem(res, 404, 'Not Found', `No device ${m[1]}.`);
  }
  m = /^\/v1\/devices\/([^/]+)\/telemetry$/.exec(path);
  if (m) hits.telemetry++;
  if (m) return json(res, series(m[1], url.searchParams.get('metric') ?? 'temperature', url.searchParams.get('start'), url.searchParams.get('end')));
  m = /^\/v1\/device-types\/([^/]+)$/.exec(path);
  if (m) {
    return json(res, {
      version: 1, id: m[1], name: 'Boiler', firmware_family: 'boiler', created_at: iso(50 * 86_400_000),
      metrics: [{ name: 'temperature', kind: 'number', unit: '°C' }, { name: 'humidity', kind: 'number', unit: '%' }],
    });
  }
  if (path === '/v1/telemetry/latest') {
    const ids = url.searchParams.getAll('device_id');
    const values = ids.flatMap((id) => [
      { device_id: id, metric: 'temperature', time: iso(5_000), value: 63.4 },
      { device_id: id, metric: 'humidity', time: iso(5_000), value: 44.9 },
    ]);
    return json(res, { values, unknown_device_ids: [], next_cursor: null });
  }
  if (path === '/v1/inbox') return json(res, { items: [], next_cursor: null });
  m = /^\/v1\/rules\/([^/]+)$/.exec(path);
  if (m && req.method === 'PUT') {
    const rule = { version: 1, enabled: true, lateness_s: 60, flap: null, escalation: [], ...(await bodyOf(req)), id: m[1], org_id: user.org_id };
    rules.set(m[1], rule);
    return json(res, rule);
  }
  if (m && rules.has(m[1])) return json(res, rules.get(m[1]));
  return problem(res, 404, 'Not Found', `The stub API has no ${req.method} ${path}.`);
}

/** Starts the stub API on `port` (0: any free one); resolves with the server and its URL. */
export function startStubApi(port = 0) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    api(req, res, url).catch((error) => problem(res, 500, 'Stub error', String(error)));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}` }));
  });
}
