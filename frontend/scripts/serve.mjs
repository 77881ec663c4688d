// Serves the production build and forwards /v1/* to the API, so the app and the API share one
// origin (no CORS): the way the local stack should serve the web app.
//   node scripts/serve.mjs --api http://127.0.0.1:8000 [--port 18080] [--host 127.0.0.1] [--root DIR]
// config.json is answered here ({"apiBaseUrl": ""}: same origin); index.html answers any other
// path without a file (the app's routes), and hashed assets are cached for a year.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain',
};
const DEFAULT_ROOT = resolve(fileURLToPath(new URL('../dist/iotsphere-web/browser', import.meta.url)));

function problem(res, status, title, detail) {
  res.writeHead(status, { 'Content-Type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail }));
}

function forward(req, res, api) {
  const target = new URL(req.url ?? '/', api);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers = { ...req.headers, host: target.host };
  headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
  const upstream = send(target, { method: req.method, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', (error) => {
    if (!res.headersSent) problem(res, 502, 'Bad Gateway', `The API at ${api.origin} did not answer (${error.message}).`);
    else res.destroy();
  });
  req.pipe(upstream);
}

/** Starts the server; resolves with it once it listens. */
export function startWebServer({ root = DEFAULT_ROOT, port = 18080, host = '127.0.0.1', api }) {
  const base = resolve(root);
  const indexPath = join(base, 'index.html');
  if (!existsSync(indexPath)) throw new Error(`${indexPath} is missing: build the app first (npm run build)`);
  const apiUrl = new URL(api);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/v1' || url.pathname.startsWith('/v1/')) return forward(req, res, apiUrl);
    if (req.method !== 'GET' && req.method !== 'HEAD') return problem(res, 405, 'Method Not Allowed', '');
    if (url.pathname === '/config.json') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      return res.end(JSON.stringify({ apiBaseUrl: '' }));
    }
    let file = normalize(join(base, decodeURIComponent(url.pathname)));
    const found = file.startsWith(base + '/') && existsSync(file) && statSync(file).isFile();
    if (!found) file = indexPath;
    const hashed = found && /-[A-Z0-9]{8}\.(js|css)$/.test(file);
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => done(server));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
  };
  const settings = {
    api: option('api', 'http://127.0.0.1:8000'),
    port: Number(option('port', '18080')),
    host: option('host', '127.0.0.1'),
    root: option('root', DEFAULT_ROOT),
  };
  const server = await startWebServer(settings);
  console.log(`web app on http://${settings.host}:${settings.port}/ (API ${settings.api})`);
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
