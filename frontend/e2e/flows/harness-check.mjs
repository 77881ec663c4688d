// The harness checking itself: a page that logs an error and loses a request must not pass as
// clean, and a flow that throws must fail. Input: MODE (noisy | throws). No screenshot.
import { runFlow } from '../lib/flow.mjs';

await runFlow('harness-check', async (flow) => {
  const { page, base } = flow;
  await flow.step('the login page opens', async () => {
    await page.goto(`${base}/login`);
    await page.getByLabel('E-mail').waitFor();
  });
  if (flow.input('MODE') === 'throws') {
    await flow.step('a step that fails', async () => {
      throw new Error('failing on purpose');
    });
  }
  await flow.step('the page logs an error and a request fails', async () => {
    await page.evaluate(() => globalThis.console.error('harness check: an error on purpose'));
    // port 9 (discard) on this machine: nothing listens, the connection is refused
    await page.evaluate(() => globalThis.fetch('http://127.0.0.1:9/').catch(() => null));
    flow.fact('done', true);
  });
});
