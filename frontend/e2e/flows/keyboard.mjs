// The keyboard alone: the skip link, the main navigation, a device opened from the list, the tab
// strip (arrows move, Delete closes), where the skip link leaves the focus (skip_link); and the names of every control on the device list and the
// device detail. Inputs: ADMIN_EMAIL, ADMIN_PASSWORD, DEVICE_ID, DEVICE_NAME.
// Facts: walk_to_device (what the Tab key visited from the top of the list to the device's link),
// names_list, names_detail ({ controls, unnamed, axe } of each screen).
import { describe, focused, tabUntil } from '../lib/a11y.mjs';
import { runFlow } from '../lib/flow.mjs';

await runFlow('keyboard', async (flow) => {
  const { page } = flow;
  const deviceId = flow.input('DEVICE_ID');
  const name = flow.input('DEVICE_NAME');
  const main = page.getByRole('main');
  const expectPath = async (wanted) => {
    await page.waitForURL((url) => url.pathname === wanted);
  };

  /** Reloads, so the focus starts from the top of the page, and waits for the screen. */
  const fromTheTop = async (ready) => {
    await page.reload();
    await ready.waitFor();
  };

  await flow.step('the device list: every control has a name', async () => {
    await flow.login(flow.input('ADMIN_EMAIL'), flow.input('ADMIN_PASSWORD'));
    await main.getByRole('link', { name, exact: true }).waitFor();
    flow.fact('names_list', await flow.auditNames('device list'));
  });

  await flow.step('the skip link is the first Tab stop; Enter on it is recorded', async () => {
    await fromTheTop(main.getByRole('link', { name, exact: true }));
    await page.keyboard.press('Tab');
    const first = await focused(page);
    if (first.name !== 'Skip to content') throw new Error(`the first Tab stop is ${describe(first)}`);
    const before = page.url();
    await page.keyboard.press('Enter');
    await page.waitForTimeout(500); // a navigation, if the link causes one, has started by now
    await page.waitForLoadState('load');
    await main.waitFor();
    flow.fact('skip_link', { url_before: before, url_after: page.url(), focus_after: await focused(page) });
  });

  await flow.step('Tab reaches the navigation, then the device; Enter opens the device as a tab', async () => {
    await fromTheTop(main.getByRole('link', { name, exact: true }));
    const walk = await tabUntil(page, (f) => f.tag === 'a' && f.name === name);
    flow.fact('walk_to_device', walk.map(describe));
    if (!walk.some((f) => f.region === 'Modules' && f.name === 'Devices')) throw new Error('the Tab key skipped the main navigation');
    await page.keyboard.press('Enter');
    await expectPath(`/devices/${deviceId}`);
    await main.getByRole('heading', { name, level: 1 }).waitFor();
  });

  await flow.step('the device detail: every control has a name', async () => {
    await main.getByRole('heading', { name: 'Telemetry' }).waitFor();
    await main.getByText(/No readings in this range|points$/).or(main.getByRole('img')).first().waitFor();
    flow.fact('names_detail', await flow.auditNames('device detail'));
  });

  await flow.step('the tab strip: Enter activates a tab, arrows move between tabs, Delete closes one', async () => {
    await fromTheTop(main.getByRole('heading', { name, level: 1 }));
    await tabUntil(page, (f) => f.region === 'Open tabs' && f.name === 'Devices');
    await page.keyboard.press('Enter');
    await expectPath('/devices');
    await page.keyboard.press('ArrowRight');
    await expectPath(`/devices/${deviceId}`);
    await page.waitForFunction((id) => globalThis.document.activeElement?.id === id, `tab-/devices/${deviceId}`);
    await page.keyboard.press('ArrowLeft');
    await expectPath('/devices');
    await page.keyboard.press('ArrowRight');
    await expectPath(`/devices/${deviceId}`);
    await page.waitForFunction((id) => globalThis.document.activeElement?.id === id, `tab-/devices/${deviceId}`);
    await page.keyboard.press('Delete');
    await expectPath('/devices');
    await page.locator(`[id="tab-/devices/${deviceId}"]`).waitFor({ state: 'detached' });
    flow.fact('tabs_after_delete', await page.getByRole('navigation', { name: 'Open tabs' }).getByRole('listitem').count());
  });

  await flow.step('the main navigation opens a module with Enter', async () => {
    await main.getByRole('link', { name, exact: true }).click();
    await expectPath(`/devices/${deviceId}`);
    await fromTheTop(main.getByRole('heading', { name, level: 1 }));
    await tabUntil(page, (f) => f.region === 'Modules' && f.name === 'Devices');
    await page.keyboard.press('Enter');
    await expectPath('/devices');
    await main.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
  });
});
