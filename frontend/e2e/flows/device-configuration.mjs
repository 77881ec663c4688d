// Configuration and commands of an online device: the operator changes the desired configuration
// and watches the device report it (the panel reads every 2 s while a delta is open), then sends a
// command and watches its state move to its outcome (the list reads every 2 s while one is live).
// Inputs: OPERATOR_EMAIL, OPERATOR_PASSWORD, DEVICE_ID, DEVICE_NAME, INTERVAL (the new interval_s),
// PING (the ping command's n).
// Facts: invalid_message (the schema's refusal shown at the editor), versions (the versions line once
// in sync), reported_interval (the reported cell), command_states (every state the list showed),
// command_result. Screenshots: device-configuration.png, device-commands.png.
import { runFlow } from '../lib/flow.mjs';

await runFlow('device-configuration', async (flow) => {
  const { page } = flow;
  const main = page.getByRole('main');
  const deviceId = flow.input('DEVICE_ID');
  const interval = Number(flow.input('INTERVAL'));

  await flow.step('the operator opens the device’s configuration', async () => {
    await flow.login(flow.input('OPERATOR_EMAIL'), flow.input('OPERATOR_PASSWORD'));
    await page.goto(`${flow.base}/devices/${deviceId}`);
    await main.getByRole('heading', { name: flow.input('DEVICE_NAME'), level: 1 }).waitFor();
    await main.getByRole('navigation', { name: 'Device sections' }).getByRole('button', { name: 'Configuration' }).click();
    await page.waitForURL(/panel=configuration/);
    await main.getByRole('heading', { name: 'Desired and reported' }).waitFor();
    await main.getByText('in sync', { exact: true }).first().waitFor({ timeout: 30_000 });
  });

  await flow.step('a value the type’s schema refuses is shown at the editor', async () => {
    flow.expectConsole(/status of 422/); // the refusal is the point: Chromium logs the 422
    const editor = main.getByLabel('Desired configuration (JSON)');
    await editor.fill(JSON.stringify({ interval_s: 0 }, null, 2));
    await main.getByRole('button', { name: 'Save desired' }).click();
    const refusal = main.locator('#cfg-json-api');
    await refusal.waitFor();
    flow.fact('invalid_message', (await refusal.textContent())?.replace(/\s+/g, ' ').trim());
    if ((await editor.getAttribute('aria-invalid')) !== 'true') throw new Error('the editor is not marked invalid');
  });

  await flow.step('the new desired value is sent, pending, then reported by the device', async () => {
    await main.getByLabel('Desired configuration (JSON)').fill(JSON.stringify({ interval_s: interval }, null, 2));
    await main.getByRole('button', { name: 'Save desired' }).click();
    await main.getByText(/^Saved as desired version \d+/).waitFor();
    const row = main.locator('table.cfg tr', { has: page.locator('th', { hasText: /^interval_s$/ }) });
    await row.locator('td').nth(1).getByText(String(interval), { exact: true }).waitFor({ timeout: 30_000 });
    await row.getByText('in sync').waitFor();
    flow.fact('reported_interval', Number(await row.locator('td').nth(1).textContent()));
    flow.fact('versions', (await main.locator('.versions').textContent())?.replace(/\s+/g, ' ').trim());
    await flow.shot('device-configuration.png', { fullPage: true });
  });

  await flow.step('a command goes from created to its outcome on screen', async () => {
    const states = new Set();
    page.on('response', async (response) => {
      if (!new URL(response.url()).pathname.endsWith(`/devices/${deviceId}/commands`) || !response.ok()) return;
      const body = await response.json().catch(() => null);
      for (const c of body?.items ?? [body]) if (c?.name === 'ping') states.add(c.state);
    });
    await main.getByRole('navigation', { name: 'Device sections' }).getByRole('button', { name: 'Commands' }).click();
    await main.getByLabel('Command', { exact: true }).fill('ping');
    await main.getByLabel('Parameters (JSON object)').fill(JSON.stringify({ n: Number(flow.input('PING')) }));
    await main.getByLabel('Time to live (seconds)').fill('120');
    await main.getByRole('button', { name: 'Send command' }).click();
    await main.getByText(/^Command \S+ is [A-Z_]+\.$/).waitFor();
    const row = main.getByRole('row', { name: /ping/ }).first();
    await row.getByText('SUCCEEDED', { exact: true }).waitFor({ timeout: 30_000 });
    flow.fact('command_states', [...states]);
    flow.fact('command_result', (await row.locator('td').nth(5).textContent())?.trim());
    await flow.shot('device-commands.png', { fullPage: true });
  });
});
