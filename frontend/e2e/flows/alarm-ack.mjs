// An alarm from a device fault, end to end in the browser: fleet status counts the device as
// alarming and opens it as a tab; the operator acknowledges the alarm in Alerts and its history
// says so; a viewer sees the alarm with none of the controls.
// Inputs: OPERATOR_EMAIL, OPERATOR_PASSWORD, VIEWER_EMAIL, VIEWER_PASSWORD, DEVICE_ID, DEVICE_NAME, RULE_ID.
// Facts: alarming (the fleet's alarming count), fleet_row (the device's row), acknowledged_badge,
// history (the alarm's history lines), viewer_buttons (action buttons a viewer sees: none).
// Screenshots: fleet-status-flow.png, alerts-acknowledged.png.
import { runFlow } from '../lib/flow.mjs';

await runFlow('alarm-ack', async (flow) => {
  const { page } = flow;
  const deviceId = flow.input('DEVICE_ID');
  const name = flow.input('DEVICE_NAME');
  const ruleId = flow.input('RULE_ID');
  const main = page.getByRole('main');
  const alarmLabel = `alarm ${ruleId} on ${deviceId}`;

  await flow.step('fleet status counts the device as alarming and opens it as a tab', async () => {
    await flow.login(flow.input('OPERATOR_EMAIL'), flow.input('OPERATOR_PASSWORD'));
    await page.goto(`${flow.base}/fleet`);
    const row = main.locator('tbody tr', { has: page.getByRole('link', { name, exact: true }) });
    await row.waitFor();
    flow.fact('alarming', Number((await main.getByRole('link', { name: /alarming$/ }).locator('.n').textContent())?.trim()));
    flow.fact('fleet_row', (await row.innerText()).replace(/\s+/g, ' ').trim());
    await flow.shot('fleet-status-flow.png', { fullPage: true });
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
    await flow.shot('alerts-acknowledged.png', { fullPage: true });
  });

  await flow.step("the alarm's history names the acknowledgement", async () => {
    await main.getByRole('button', { name: `Details of ${alarmLabel}` }).click();
    await page.waitForURL(/\/alerts\/alarms\/[0-9a-f]{32}\?/);
    const history = main.getByRole('region', { name: 'History' });
    await history.locator('li', { hasText: 'Acknowledged by' }).first().waitFor();
    flow.fact('history', (await history.locator('li').allInnerTexts()).map((line) => line.replace(/\s+/g, ' ').trim()));
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
