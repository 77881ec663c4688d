// An alarm from a simulated device fault, watched in the browser: fleet status shows the device
// online and nothing alarming, then the alarm rising (the simulator's fault plan), and opens the
// device as a tab; the operator acknowledges the alarm in Alerts and its history says so; a viewer
// sees the alarm with none of the controls.
// Inputs: OPERATOR_EMAIL, OPERATOR_PASSWORD, VIEWER_EMAIL, VIEWER_PASSWORD, DEVICE_ID, DEVICE_NAME, RULE_ID.
// Signals: sends `watching` (fleet status on screen), waits for `online` (the device is online),
// sends `seen_online` (the tiles count it) and `seen_alarm` (its row is alarming).
// Facts: before ({ online, alarming } once the device was counted), alarming (the alarming count
// once its row showed), fleet_row (the device's row), acknowledged_badge, history (the alarm's
// history lines), viewer_buttons (action buttons a viewer sees: none).
// Screenshots: fleet-status.png, alerts.png, alarm-detail.png.
import { runFlow } from '../lib/flow.mjs';

await runFlow('alarm-ack', async (flow) => {
  const { page } = flow;
  const deviceId = flow.input('DEVICE_ID');
  const name = flow.input('DEVICE_NAME');
  const ruleId = flow.input('RULE_ID');
  const main = page.getByRole('main');
  const alarmLabel = `alarm ${ruleId} on ${deviceId}`;

  const tile = async (label) => Number((await main.getByRole('link', { name: new RegExp(`${label}$`) }).locator('.n').textContent())?.trim());

  await flow.step('fleet status is on screen before the device exists', async () => {
    await flow.login(flow.input('OPERATOR_EMAIL'), flow.input('OPERATOR_PASSWORD'));
    await page.goto(`${flow.base}/fleet`);
    await main.getByRole('heading', { name: 'Alarming devices' }).waitFor();
    flow.signal('watching');
  });

  await flow.step('the device is counted online and nothing is alarming', async () => {
    await flow.waitFor('online', 120_000);
    const deadline = Date.now() + 30_000; // fleet status reads every 5 s
    while ((await tile('online')) < 1) {
      if (Date.now() > deadline) throw new Error('fleet status never counted the device online');
      await page.waitForTimeout(250);
    }
    flow.fact('before', { online: await tile('online'), alarming: await tile('alarming') });
    flow.signal('seen_online');
  });

  await flow.step('the alarm rises on fleet status, which opens the device as a tab', async () => {
    const row = main.locator('tbody tr', { has: page.getByRole('link', { name, exact: true }) });
    await row.waitFor({ timeout: 90_000 }); // the fault starts 30 s into the simulator's run
    flow.signal('seen_alarm');
    flow.fact('alarming', await tile('alarming'));
    flow.fact('fleet_row', (await row.innerText()).replace(/\s+/g, ' ').trim());
    await flow.shot('fleet-status.png', { fullPage: true });
    await row.getByRole('link', { name, exact: true }).click();
    await page.waitForURL(new RegExp(`/devices/${deviceId}\\?`));
    await main.getByRole('heading', { name, level: 1 }).waitFor();
    await page.getByRole('navigation', { name: 'Open tabs' }).getByRole('button', { name: 'Fleet status', exact: true }).waitFor();
  });

  await flow.step('the operator acknowledges the alarm in Alerts', async () => {
    await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Alerts' }).click();
    await page.waitForURL(/\/alerts\?/);
    await main.getByRole('button', { name: `Acknowledge ${alarmLabel}` }).click();
    const row = main.locator('tbody tr', { has: page.getByRole('button', { name: `Details of ${alarmLabel}` }) });
    await row.getByText('acknowledged', { exact: true }).waitFor();
    await main.getByRole('button', { name: `Acknowledge ${alarmLabel}` }).waitFor({ state: 'detached' });
    flow.fact('acknowledged_badge', true);
    await flow.shot('alerts.png', { fullPage: true });
  });

  await flow.step("the alarm's history names the acknowledgement", async () => {
    await main.getByRole('button', { name: `Details of ${alarmLabel}` }).click();
    await page.waitForURL(/\/alerts\/alarms\/[0-9a-f]{32}\?/);
    const history = main.getByRole('region', { name: 'History' });
    await history.locator('li', { hasText: 'Acknowledged by' }).first().waitFor();
    flow.fact('history', (await history.locator('li').allInnerTexts()).map((line) => line.replace(/\s+/g, ' ').trim()));
    await flow.shot('alarm-detail.png', { fullPage: true });
  });

  await flow.step('a viewer sees the alarm and none of its controls', async () => {
    await flow.logout();
    await flow.login(flow.input('VIEWER_EMAIL'), flow.input('VIEWER_PASSWORD'));
    await page.goto(`${flow.base}/alerts`);
    await main.getByRole('button', { name: `Details of ${alarmLabel}` }).waitFor();
    const buttons = await main.getByRole('button', { name: /^(Acknowledge|Clear|Assign|Comment)/ }).count();
    await main.getByRole('button', { name: `Details of ${alarmLabel}` }).click();
    await main.getByRole('region', { name: 'History' }).waitFor();
    const detail = await main.getByRole('button', { name: /^(Acknowledge|Clear by hand|Assign|Comment)$/ }).count();
    flow.fact('viewer_buttons', buttons + detail + (await main.getByLabel('Add a comment').count()));
  });
});
