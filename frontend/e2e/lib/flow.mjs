// The harness of a browser flow against the real local stack (tests/e2e/web runs the flows).
// A flow is one file, frontend/e2e/flows/<name>.mjs, that calls runFlow(name, async (flow) => ...).
// runFlow launches Debian's Chromium with a fresh profile, records console errors, page errors,
// failed requests and 5xx answers, runs the body, and writes what it saw to E2E_OUT as JSON:
//   { flow, ok, error, steps: [{ name, ok }], console_errors, failed_requests, error_responses,
//     aborted_requests (cancelled by a navigation or reload: not failures),
//     facts: { ... what the flow read off the page, for the test to check against the backend },
//     screenshots: [paths] }
// It exits 0 when the body finished, 1 when it threw. Inputs come from the environment:
//   E2E_BASE_URL     the web app (serve.mjs in front of the API)            (required)
//   E2E_OUT          where the observations go                               (required)
//   E2E_SIGNALS      a directory for signals between the flow and its test   (when the flow uses them)
//   E2E_<NAME>       the flow's own inputs, read with flow.input('NAME')
//   SCREENSHOT_DIR   where screenshots go (default: docs/screenshots)
//   CHROMIUM         the browser (default: /usr/bin/chromium)
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { auditNames } from './a11y.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** An input of the flow: E2E_<name> from the environment; a missing one is an error. */
export function input(name) {
  const value = process.env[`E2E_${name}`];
  if (value === undefined || value === '') throw new Error(`E2E_${name} is not set`);
  return value;
}

/** Runs a flow's body in a fresh browser and exits with its outcome (see the top of this file). */
export async function runFlow(name, body) {
  const out = input('OUT');
  const base = input('BASE_URL').replace(/\/$/, '');
  const shots = resolve(process.env.SCREENSHOT_DIR ?? join(repo, 'docs/screenshots'));
  const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
  const observations = {
    flow: name,
    ok: false,
    error: null,
    steps: [],
    console_errors: [],
    expected_console: [],
    failed_requests: [],
    aborted_requests: [],
    error_responses: [],
    facts: {},
    screenshots: [],
  };
  const save = () => {
    writeFileSync(`${out}.tmp`, JSON.stringify(observations, null, 2));
    renameSync(`${out}.tmp`, out);
  };
  if (!existsSync(executablePath)) {
    observations.error = `${executablePath} is missing: apt-get install chromium (infra/setup.sh does)`;
    save();
    console.error(observations.error);
    process.exit(1);
  }
  mkdirSync(shots, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), `iotsphere-flow-${name}-`));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 800 },
    timeout: 30_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  const expected = [];
  page.on('pageerror', (error) => observations.console_errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (expected.some((pattern) => pattern.test(text))) observations.expected_console.push(text);
    else observations.console_errors.push(text);
  });
  page.on('requestfailed', (request) => {
    const line = `${request.method()} ${request.url()}: ${request.failure()?.errorText}`;
    // a reload or a navigation cancels what is in flight: recorded, not a failure
    if (request.failure()?.errorText === 'net::ERR_ABORTED') observations.aborted_requests.push(line);
    else observations.failed_requests.push(line);
  });
  page.on('response', (response) => {
    if (response.status() >= 500) observations.error_responses.push(`${response.status()} ${response.request().method()} ${response.url()}`);
  });

  const flow = {
    page,
    base,
    input,
    /** Records what the page showed, for the test to compare with the backend. */
    fact(key, value) {
      observations.facts[key] = value;
    },
    /** Console errors matching `pattern` are expected from here on (recorded apart, not failures). */
    expectConsole(pattern) {
      expected.push(pattern);
    },
    async step(title, run) {
      try {
        const result = await run();
        observations.steps.push({ name: title, ok: true });
        console.log(`  ok   ${title}`);
        return result;
      } catch (error) {
        observations.steps.push({ name: title, ok: false });
        console.log(`  FAIL ${title}: ${firstLine(error)}`);
        throw error;
      }
    },
    async shot(file, options = {}) {
      const path = join(shots, file);
      await page.screenshot({ path, ...options });
      observations.screenshots.push(path);
    },
    /** Tells the test something happened (a file E2E_SIGNALS/<signal>.json). */
    signal(signal, data = {}) {
      const dir = input('SIGNALS');
      writeFileSync(join(dir, `${signal}.json.tmp`), JSON.stringify(data));
      renameSync(join(dir, `${signal}.json.tmp`), join(dir, `${signal}.json`));
    },
    /** Waits (with a deadline) for the test's signal and returns its data. */
    async waitFor(signal, timeout = 60_000) {
      const path = join(input('SIGNALS'), `${signal}.json`);
      const deadline = Date.now() + timeout;
      while (!existsSync(path)) {
        if (Date.now() > deadline) throw new Error(`no signal ${signal} from the test within ${timeout} ms`);
        await new Promise((done) => setTimeout(done, 100));
      }
      return JSON.parse(readFileSync(path, 'utf8'));
    },
    login: (email, password) => login(page, base, email, password),
    logout: () => logout(page),
    auditNames: (screen) => auditNames(page, screen),
  };

  try {
    await body(flow);
    observations.ok = true;
  } catch (error) {
    observations.error = String(error instanceof Error ? (error.stack ?? error.message) : error);
  } finally {
    page.removeAllListeners('requestfailed'); // closing the browser cancels whatever is in flight
    try {
      await context.close();
    } finally {
      rmSync(profile, { recursive: true, force: true });
      save();
    }
  }
  console.log(`flow ${name}: ${observations.ok ? 'passed' : 'FAILED'} (${observations.steps.length} steps)`);
  process.exit(observations.ok ? 0 : 1);
}

/** Signs in on the login page and waits until the app has left it. */
export async function login(page, base, email, password) {
  await page.goto(`${base}/login`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  // the header names the user and the role once /v1/me answered: role-aware controls are settled
  await page.getByRole('banner').getByText(/^(admin|operator|viewer)$/).waitFor();
}

/** Signs out with the header's button and waits for the login page. */
export async function logout(page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login$/);
  await page.getByLabel('E-mail').waitFor();
}

/** The session the app keeps in sessionStorage (its tokens), or null. */
export async function session(page) {
  return page.evaluate(() => JSON.parse(globalThis.sessionStorage.getItem('iotsphere.session') ?? 'null'));
}

function firstLine(error) {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}
