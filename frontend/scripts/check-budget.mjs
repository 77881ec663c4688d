// Fails when the initial load of the production build is above the budget, gzipped.
// Angular's own budgets (angular.json) measure raw bytes; this one reads dist/.../index.html, takes
// every script, module preload and stylesheet it loads at start, gzips each (level 9, as a static
// server or CDN would) and adds them up.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = Number(process.env.INITIAL_GZIP_BUDGET_KB ?? 300);
const browser = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/iotsphere-web/browser');
const indexPath = resolve(browser, 'index.html');
if (!existsSync(indexPath)) {
  console.error(`budget: ${indexPath} is missing: run npm run build first`);
  process.exit(1);
}
const html = readFileSync(indexPath, 'utf8');
const refs = new Set();
for (const [tag] of html.matchAll(/<(?:script|link)\b[^>]*>/g)) {
  const src = /\b(?:src|href)="([^"]+)"/.exec(tag)?.[1];
  const loads = tag.startsWith('<script') || /rel="(?:modulepreload|stylesheet)"/.test(tag);
  if (src && loads && !/^(?:https?:)?\/\//.test(src)) refs.add(src);
}
let total = 0;
for (const ref of refs) {
  const bytes = gzipSync(readFileSync(resolve(browser, ref)), { level: 9 }).length;
  total += bytes;
  console.log(`  ${ref.padEnd(40)} ${(bytes / 1024).toFixed(1).padStart(7)} kB gzipped`);
}
const kb = total / 1024;
console.log(`budget: initial load ${kb.toFixed(1)} kB gzipped (budget ${BUDGET_KB} kB)`);
if (kb > BUDGET_KB) {
  console.error('budget: over the initial-load budget');
  process.exit(1);
}
