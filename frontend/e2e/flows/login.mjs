// Sign in as the admin, land on the device list, open DEVICE_NAME, sign out; then the viewer, who
// sees the list and the device without the controls that change devices.
// Inputs: ADMIN_EMAIL, ADMIN_PASSWORD, VIEWER_EMAIL, VIEWER_PASSWORD, DEVICE_NAME (a device of the
// organization, so the list is not empty).
// Facts: admin/viewer { listed: { device name: status }, controls: other buttons' and links' names },
// admin_detail/viewer_detail (the buttons' and links' names on the device's page),
// admin_refresh_token (the session the sign-out ended). Screenshots: login.png, devices.png.
import { runFlow, session } from '../lib/flow.mjs';

/**
 * The list as shown: each device's name and status (by the table's "Name" and "Status" columns),
 * and the names of the other buttons and links on the screen.
 */
async function listed(page) {
  const main = page.getByRole('main');
  const rows = await main.getByRole('table').evaluate((table) => {
    const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim().split(/\s/)[0]);
    const at = (name) => headers.indexOf(name);
    return [...table.querySelectorAll('tbody tr')].map((tr) => {
      const cells = [...tr.querySelectorAll('td, th')].map((td) => td.textContent.trim());
      return [cells[at('Name')], cells[at('Status')]];
    });
  });
  return { listed: Object.fromEntries(rows), controls: await controls(page) };
}

/** The names of the buttons and links on the screen, outside tables. */
async function controls(page) {
  return page
    .getByRole('main')
    .locator('button, a[href]')
    .evaluateAll((all) =>
      all.filter((c) => !c.closest('table')).map((c) => (c.getAttribute('aria-label') || c.textContent || '').trim().replace(/\s+/g, ' ')),
    );
}

/** Opens the device from the list and returns the controls of its detail. */
async function detailControls(page, device) {
  const main = page.getByRole('main');
  await main.getByRole('link', { name: device, exact: true }).click();
  await main.getByRole('heading', { name: device, level: 1 }).waitFor();
  await main.getByRole('heading', { name: 'Telemetry' }).waitFor();
  return controls(page);
}

await runFlow('login', async (flow) => {
  const { page, base } = flow;
  const device = flow.input('DEVICE_NAME');

  await flow.step('an anonymous visit lands on the login page', async () => {
    await page.goto(`${base}/`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('E-mail').waitFor();
    await flow.shot('login.png');
  });

  await flow.step('the admin signs in and lands on the device list', async () => {
    await flow.login(flow.input('ADMIN_EMAIL'), flow.input('ADMIN_PASSWORD'));
    await page.waitForURL(/\/devices(\?|$)/);
    await page.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
    await page.getByRole('main').getByRole('link', { name: device, exact: true }).waitFor();
    await page.getByRole('main').getByText(/^Onboard/).first().waitFor();
    flow.fact('admin', await listed(page));
    await flow.shot('devices.png');
    flow.fact('admin_detail', await detailControls(page, device));
  });

  await flow.step('signing out ends the session and returns to the login page', async () => {
    flow.fact('admin_refresh_token', (await session(page))?.refreshToken ?? null);
    await flow.logout();
    if ((await session(page)) !== null) throw new Error('the session is still in sessionStorage');
    await page.goto(`${base}/devices`);
    await page.waitForURL(/\/login\?returnUrl=/);
  });

  await flow.step('the viewer sees the device list without the controls that change devices', async () => {
    await flow.login(flow.input('VIEWER_EMAIL'), flow.input('VIEWER_PASSWORD'));
    await page.waitForURL(/\/devices(\?|$)/);
    await page.getByRole('main').getByRole('link', { name: device, exact: true }).waitFor();
    flow.fact('viewer', await listed(page));
    flow.fact('viewer_detail', await detailControls(page, device));
    await flow.logout();
  });
});
