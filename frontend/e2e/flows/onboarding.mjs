// Onboarding: the operator walks the wizard (type, details, review), creates the device and
// downloads its provisioning package, shown once; the viewer gets no wizard.
// Inputs: OPERATOR_EMAIL, OPERATOR_PASSWORD, VIEWER_EMAIL, VIEWER_PASSWORD, DEVICE_TYPE (its id),
// DEVICE_NAME, DOWNLOAD_DIR (where the downloaded package is saved for the test).
// Facts: file_name, package_path, device_id (from the page), warned (the once-only warning was
// shown), stored_password (whether web storage held the password afterwards), opened (the device
// page's heading after Done), viewer_sees (the viewer's screen). Screenshot: devices-onboarding.png.
import { join } from 'node:path';

import { runFlow } from '../lib/flow.mjs';

await runFlow('onboarding', async (flow) => {
  const { page } = flow;
  const main = page.getByRole('main');
  const name = flow.input('DEVICE_NAME');
  const typeId = flow.input('DEVICE_TYPE');

  await flow.step('the operator opens the wizard from the device list', async () => {
    await flow.login(flow.input('OPERATOR_EMAIL'), flow.input('OPERATOR_PASSWORD'));
    await main.getByRole('link', { name: 'Onboard a device' }).click();
    await page.waitForURL(/\/devices\/new/);
    await main.getByRole('heading', { name: 'Device type', level: 2 }).waitFor();
  });

  await flow.step('a step is left only when its fields are right', async () => {
    await main.getByRole('radio', { name: new RegExp(typeId) }).check();
    await main.getByRole('button', { name: 'Next' }).click();
    await main.getByLabel('Name', { exact: true }).fill(name);
    await main.getByLabel('Tags', { exact: true }).fill('web-e2e bad/tag');
    await main.getByRole('button', { name: 'Next' }).click();
    await main.getByText('“bad/tag”').waitFor();
    await main.getByLabel('Tags', { exact: true }).fill('web-e2e, floor-2');
    await main.getByLabel('Groups', { exact: true }).fill('north');
    await main.getByLabel('Metadata', { exact: true }).fill('site=Ghent\ninstaller=ACME');
    await main.getByRole('button', { name: 'Next' }).click();
    await main.getByRole('heading', { name: 'Review and create' }).waitFor();
  });

  await flow.step('creating shows the package once, and it downloads as a file named after the device', async () => {
    await main.getByRole('button', { name: 'Create device' }).click();
    await main.getByText('Download the provisioning package now.').waitFor();
    flow.fact('warned', true);
    flow.fact('device_id', (await main.locator('dd code').first().textContent())?.trim());
    const [download] = await Promise.all([page.waitForEvent('download'), main.getByRole('button', { name: /^Download / }).click()]);
    const file = download.suggestedFilename();
    const path = join(flow.input('DOWNLOAD_DIR'), file);
    await download.saveAs(path);
    flow.fact('file_name', file);
    flow.fact('package_path', path);
    await main.getByText(`Saved as ${file}.`).waitFor();
    await flow.shot('devices-onboarding.png', { fullPage: true });
  });

  await flow.step('done opens the device; the password is nowhere in web storage', async () => {
    await main.getByRole('button', { name: 'Done: open the device' }).click();
    await main.getByRole('heading', { name, level: 1 }).waitFor();
    flow.fact('opened', name);
    const storage = await page.evaluate(() => JSON.stringify({ ...globalThis.sessionStorage }) + JSON.stringify({ ...globalThis.localStorage }));
    flow.fact('storage', storage);
  });

  await flow.step('the viewer gets no wizard', async () => {
    await flow.logout();
    await flow.login(flow.input('VIEWER_EMAIL'), flow.input('VIEWER_PASSWORD'));
    await page.goto(`${flow.base}/devices/new`);
    await main.getByRole('heading', { name: 'Operators and admins onboard devices' }).waitFor();
    flow.fact('viewer_buttons', (await main.getByRole('button').allTextContents()).map((t) => t.trim()));
  });
});
