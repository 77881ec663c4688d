// Smoke test of the production build in Debian's Chromium (playwright-core, no downloaded browser):
// serves dist/ with scripts/serve.mjs on 127.0.0.1:31200, forwarding /v1 to a stub API, signs in (a wrong password first), opens the
// device list and a device, reloads to check the tabs come back, and saves screenshots.
//   SCREENSHOT_DIR   where the screenshots go (default: docs/screenshots of the repository)
//   CHROMIUM         the browser (default: /usr/bin/chromium)
//   SMOKE_PORT       the port (default: 31200)
//   SMOKE_API_PORT   the stub API's port (default: any free one)
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { startWebServer } from '../scripts/serve.mjs';
import { EMAIL, PASSWORD, hits, startStubApi } from './stub-api.mjs';

const frontend = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(frontend, 'dist/iotsphere-web/browser');
const shots = resolve(process.env.SCREENSHOT_DIR ?? join(frontend, '../docs/screenshots'));
const port = Number(process.env.SMOKE_PORT ?? 31200);
const base = `http://127.0.0.1:${port}`;
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

if (!existsSync(join(dist, 'index.html'))) fail(`${dist} has no build: run npm run build first`);
if (!existsSync(executablePath)) fail(`${executablePath} is missing: apt-get install chromium (infra/setup.sh does)`);
mkdirSync(shots, { recursive: true });

const profile = mkdtempSync(join(tmpdir(), 'iotsphere-smoke-'));
const stub = await startStubApi(Number(process.env.SMOKE_API_PORT ?? 0));
const server = await startWebServer({ root: dist, port, api: stub.url });
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: FLAGS,
  viewport: { width: 1280, height: 800 },
  timeout: 30_000,
});
const problems = [];
let expect401 = false;
const page = context.pages()[0] ?? (await context.newPage());
page.setDefaultTimeout(15_000);
page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
page.on('console', (msg) => {
  if (msg.type() !== 'error') return;
  if (expect401 && /status of 401/.test(msg.text())) return; // the wrong password, on purpose
  problems.push(`console error: ${msg.text()}`);
});

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core's WCAG 2 A/AA rules on the page as it is; serious or critical findings fail. */
async function audit(screen) {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    const result = await globalThis.axe.run(globalThis.document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  if (violations.length) throw new Error(`accessibility on ${screen}: ${violations.join('; ')}`);
}

let passed = 0;
async function step(name, body) {
  try {
    await body();
    passed++;
    console.log(`  ok   ${name}`);
  } catch (error) {
    console.log(`  FAIL ${name}: ${error instanceof Error ? error.message.split('\n')[0] : error}`);
    throw error;
  }
}

let failed = 0;
try {
  await step('an anonymous visit lands on the login page', async () => {
    await page.goto(`${base}/devices`);
    await page.waitForURL(/\/login\?returnUrl=/);
    await page.getByLabel('E-mail').waitFor();
    await page.screenshot({ path: join(shots, 'webapp-login.png') });
    await audit('the login page');
  });

  await step('a wrong password shows the problem from the API', async () => {
    expect401 = true;
    await page.getByLabel('E-mail').fill(EMAIL);
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('Wrong e-mail or password').waitFor();
    await page.screenshot({ path: join(shots, 'webapp-login-problem.png') });
    expect401 = false;
  });

  await step('signing in with the keyboard alone opens the device list as a tab', async () => {
    await page.getByLabel('E-mail').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/devices\?tab=%2Fdevices$/);
    await page.getByRole('link', { name: 'Boiler 0001' }).waitFor();
    await page.getByText('Ada Admin').waitFor();
    await page.screenshot({ path: join(shots, 'webapp-devices.png') });
    await audit('the device list');
  });

  await step('the table sorts, filters and pages with the keyboard', async () => {
    await page.getByLabel('Filter loaded devices').fill('offline');
    await page.getByText('4 of 27').waitFor();
    await page.getByLabel('Filter loaded devices').fill('');
    await page.getByRole('button', { name: /^Name/ }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.locator('th[aria-sort="descending"]').waitFor();
    await page.getByRole('button', { name: 'Next page' }).press('Enter');
    await page.getByText('Page 2 of 2').waitFor();
  });

  await step('a device opens as a second tab with its chart', async () => {
    await page.goto(`${base}/devices?tab=%2Fdevices`);
    await page.getByRole('link', { name: 'Boiler 0002' }).click();
    await page.waitForURL(/\/devices\/sim-0002\?tab=%2Fdevices&tab=%2Fdevices%2Fsim-0002$/);
    await page.getByRole('heading', { name: 'Boiler 0002' }).waitFor();
    await page.locator('canvas').waitFor();
    await page.getByText('63.4').waitFor();
    const range = await page.locator('select[id$="-preset"]').inputValue();
    if (range !== '1h') throw new Error(`the time range shows ${range}, not the default 1h`);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(shots, 'webapp-device-detail.png'), fullPage: true });
    await audit('the device detail');
  });

  await step('the chart of a range relative to now reads again every 2 s', async () => {
    const updated = page.getByText(/^Live · updated /);
    const before = await updated.textContent();
    await page.waitForFunction(
      (text) => [...globalThis.document.querySelectorAll('p')].some((p) => /^Live · updated /.test(p.textContent ?? '') && p.textContent !== text),
      before,
      { timeout: 6_000 },
    );
  });

  await step('tabs and their state survive a reload', async () => {
    await page.getByLabel('Metric').fill('humidity');
    await page.getByLabel('Metric').press('Enter');
    await page.getByLabel('Metric').blur();
    await page.waitForURL(/metric=humidity/);
    await page.reload();
    const openTabs = page.getByRole('navigation', { name: 'Open tabs' });
    await openTabs.getByRole('button', { name: 'Devices', exact: true }).waitFor();
    await openTabs.locator('button[aria-current="page"]', { hasText: 'Device sim-0002' }).waitFor();
    if ((await page.getByLabel('Metric').inputValue()) !== 'humidity') throw new Error('the metric was not kept');
  });

  await step('on a tablet the navigation folds into a menu; a tab in the background stops polling', async () => {
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.getByRole('navigation', { name: 'Open tabs' }).getByRole('button', { name: 'Devices', exact: true }).click();
    await page.getByRole('link', { name: 'Boiler 0001' }).waitFor();
    const polled = hits.telemetry;
    await page.waitForTimeout(4_500); // two polls, were it still polling
    if (hits.telemetry > polled + 1) throw new Error('the device tab in the background still reads its chart');
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('navigation', { name: 'Modules' }).getByText('Maintenance predictions').waitFor();
    await page.screenshot({ path: join(shots, 'webapp-tablet.png') });
    await audit('the tablet layout');
  });

  await step('below 900 px a notice stacks under the header, clear of the form’s buttons', async () => {
    await page.setViewportSize({ width: 800, height: 900 });
    await page.goto(`${base}/alerts/rules/new`);
    await page.getByLabel('Id', { exact: true }).fill('boiler-hot');
    await page.getByLabel('Set level', { exact: true }).fill('80');
    const save = page.getByRole('button', { name: 'Save rule' });
    await save.click();
    const notice = page.getByRole('alert').filter({ hasText: 'Rule saved' });
    await notice.waitFor();
    await page.getByRole('heading', { name: 'Rule boiler-hot' }).waitFor();
    const [area, header, button] = await Promise.all([page.locator('.notices').boundingBox(), page.locator('header').boundingBox(), save.boundingBox()]);
    if (area.y < header.y + header.height) throw new Error(`the notices (top ${area.y}) cover the header`);
    if (area.x > 16 || area.x + area.width < 800 - 16) throw new Error(`the notices do not span the width: ${JSON.stringify(area)}`);
    const overlaps = button.y < area.y + area.height && area.y < button.y + button.height;
    if (overlaps) throw new Error(`the notices cover the Save rule button: ${JSON.stringify({ area, button })}`);
    await page.screenshot({ path: join(shots, 'webapp-notice-narrow.png') });
    await audit('a notice on a narrow screen');
  });

  await step('signing out returns to the login page', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login$/);
  });

  await step('no console errors', async () => {
    if (problems.length) throw new Error(problems.join('\n'));
  });
} catch {
  failed = 1;
} finally {
  await context.close();
  server.close();
  stub.server.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`screenshots in ${shots}`);
console.log(`smoke: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

function fail(message) {
  console.error(`smoke: ${message}`);
  process.exit(1);
}
