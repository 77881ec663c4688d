// Live chart latency, for tests/bench/bench_web_live.py (a benchmark, not a test): the admin opens
// a device's telemetry chart over the last 15 minutes (3 s windows) and the page records, with the
// machine's clock, every read of the chart's series (when it was sent, when its answer came, the
// values it held) and every time the chart's canvas was drawn (Chart.js clears the whole canvas
// first). The bench publishes the readings and works out when each was drawn.
// Inputs: ADMIN_EMAIL, ADMIN_PASSWORD, DEVICE_ID, METRIC.
// Signals: sends `watching` once the chart is on screen; waits for `done`.
// Facts: reads ([{ started, answered, values }], epoch ms), draws ([epoch ms]).
import { runFlow } from '../lib/flow.mjs';

await runFlow('live-chart-latency', async (flow) => {
  const { page } = flow;
  const deviceId = flow.input('DEVICE_ID');
  const metric = flow.input('METRIC');

  await page.addInitScript(() => {
    const seen = { reads: [], draws: [] };
    globalThis.__liveChart = seen;
    const send = globalThis.fetch.bind(globalThis);
    globalThis.fetch = async (request, init) => {
      const started = Date.now();
      const response = await send(request, init);
      const url = new URL(typeof request === 'string' ? request : request.url, globalThis.location.href);
      if (url.pathname.endsWith('/telemetry') && response.ok) {
        const answered = Date.now();
        void response
          .clone()
          .json()
          .then((body) => seen.reads.push({ started, answered, values: (body.points ?? []).map((p) => p.value) }));
      }
      return response;
    };
    const context = globalThis.CanvasRenderingContext2D.prototype;
    const clear = context.clearRect;
    context.clearRect = function (...args) {
      seen.draws.push(Date.now());
      return clear.apply(this, args);
    };
  });

  await flow.step("the device's live chart is on screen", async () => {
    await flow.login(flow.input('ADMIN_EMAIL'), flow.input('ADMIN_PASSWORD'));
    await page.goto(`${flow.base}/devices/${deviceId}?metric=${metric}&range=15m`);
    await page.getByRole('main').getByRole('img', { name: new RegExp(`^${metric} of ${deviceId}, \\d+ points?$`) }).waitFor();
    flow.signal('watching');
  });

  await flow.step('the page recorded every read and draw until the bench was done', async () => {
    await flow.waitFor('done', 30 * 60_000);
    const seen = await page.evaluate(() => globalThis.__liveChart);
    flow.fact('reads', seen.reads);
    flow.fact('draws', seen.draws);
  });
});
