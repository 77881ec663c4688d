// Live telemetry: the admin opens a device's chart of its history, the test's device publishes a
// reading, and the chart draws it (the chart reads its series again every 2 s).
// Inputs: ADMIN_EMAIL, ADMIN_PASSWORD, DEVICE_ID, DEVICE_NAME, METRIC.
// Signals: sends `watching` once the chart is on screen; waits for `published` { value }.
// Facts: chart_before, chart_label (the chart's accessible name before, and once it drew the
// value), values (the read that held it), status (the device's status badge).
// Screenshot: device-detail.png.
import { runFlow } from '../lib/flow.mjs';

await runFlow('live-telemetry', async (flow) => {
  const { page } = flow;
  const deviceId = flow.input('DEVICE_ID');
  const name = flow.input('DEVICE_NAME');
  const metric = flow.input('METRIC');
  const main = page.getByRole('main');

  /** The series of every telemetry read of this device's chart, newest last. */
  const reads = [];
  page.on('response', async (response) => {
    const url = new URL(response.url());
    if (url.pathname !== `/v1/devices/${deviceId}/telemetry` || response.status() !== 200) return;
    const body = await response.json().catch(() => null);
    if (body) reads.push((body.points ?? []).map((p) => p.value));
  });

  const chart = main.getByRole('img', { name: new RegExp(`^${metric} of ${deviceId}, \\d+ points?$`) });

  await flow.step('the device opens from the list with its chart of the history', async () => {
    await flow.login(flow.input('ADMIN_EMAIL'), flow.input('ADMIN_PASSWORD'));
    await main.getByRole('link', { name, exact: true }).click();
    await page.waitForURL(new RegExp(`/devices/${deviceId}\\?`));
    await main.getByRole('heading', { name, level: 1 }).waitFor();
    await chart.waitFor();
    flow.fact('chart_before', await chart.getAttribute('aria-label'));
    flow.fact('status', (await main.getByText(/^(online|offline|provisioned|verified)$/).first().textContent())?.trim());
    flow.signal('watching');
  });

  await flow.step('the published reading is drawn on the chart', async () => {
    const { value } = await flow.waitFor('published');
    const before = reads.length;
    const deadline = Date.now() + 20_000; // polls every 2 s; ingest takes a moment
    /** The chart shows the newest read that holds the value (its label counts that read's points). */
    const withValue = () => reads.slice(before).filter((values) => values.includes(value)).at(-1);
    const drawn = async () => {
      const read = withValue();
      return read !== undefined && (await chart.getAttribute('aria-label'))?.endsWith(`, ${read.length} points`);
    };
    while (!(await drawn())) {
      if (Date.now() > deadline) throw new Error(`${value} never reached the chart; reads since publishing: ${JSON.stringify(reads.slice(before))}`);
      await page.waitForTimeout(200);
    }
    flow.fact('chart_label', await chart.getAttribute('aria-label'));
    flow.fact('values', withValue());
    await page.waitForTimeout(300); // the canvas paints on the next frame
    await flow.shot('device-detail.png', { fullPage: true });
  });
});
