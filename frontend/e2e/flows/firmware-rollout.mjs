// A firmware rollout started in the browser and watched wave by wave to completion: the operator
// starts a rollout of a signed release to a tag, in waves of the given sizes; the devices (the
// simulator's agents) install it; the page (read every 2 s while the rollout runs) shows each
// wave's bar fill while the later ones wait. After the first wave the operator pauses and resumes,
// each after its confirmation. The test advances the rollout once the page showed a wave healthy.
// Inputs: OPERATOR_EMAIL, OPERATOR_PASSWORD, RELEASE_ID, TAG, SIZES.
// Signals: sends `started` { rollout_id }, then per wave `wave_<n>_healthy` and waits for
// `advanced_<n>`; after wave 1 sends `paused`, waits for `ticked`, sends `resumed`.
// Facts: waves_seen (every wave bar's label when wave n had filled), states (the state badge after
// pause, resume and the last wave), gates_after (each wave's gate badge at the end), buttons_after
// (the operator's buttons at the end), devices_shown (the device list at the end, sorted).
// Screenshots: firmware-rollout.png (two waves healthy), firmware-rollout-completed.png.
import { runFlow } from '../lib/flow.mjs';

await runFlow('firmware-rollout', async (flow) => {
  const { page } = flow;
  const main = page.getByRole('main');
  const sizes = flow.input('SIZES');
  const bars = () => main.locator('.waves .bar').evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')));
  const state = async () => (await main.locator('.head .badge').first().textContent())?.trim();
  const waitForState = (expected) => main.locator('.head .badge', { hasText: expected }).waitFor();

  /** Pause or resume from the header, through its confirmation; the state badge it leads to. */
  const act = async (button, confirm, expected) => {
    await main.locator('.head').getByRole('button', { name: button, exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: confirm, exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await waitForState(expected);
    return state();
  };

  /** A screenshot of the page without the notices of pause and resume (they last 6 s). */
  const shot = async (file) => {
    for (const dismiss of await page.getByRole('button', { name: 'Dismiss notice', exact: true }).all()) {
      await dismiss.click({ timeout: 2_000 }).catch(() => undefined); // gone by itself meanwhile
    }
    await flow.shot(file, { fullPage: true });
  };

  let waveSizes = [];
  await flow.step('the operator starts a rollout of the release to the tag', async () => {
    await flow.login(flow.input('OPERATOR_EMAIL'), flow.input('OPERATOR_PASSWORD'));
    await page.goto(`${flow.base}/firmware`);
    await main.getByRole('link', { name: 'Start a rollout' }).click();
    await page.waitForURL(/\/firmware\/rollouts\/new/);
    await main.getByRole('button', { name: 'Start rollout' }).click();
    await main.getByText('Target at least one group, tag or device.').waitFor();
    await main.getByRole('combobox', { name: 'Release', exact: true }).selectOption(flow.input('RELEASE_ID'));
    await main.getByRole('textbox', { name: 'Tags', exact: true }).fill(flow.input('TAG'));
    await main.getByRole('combobox', { name: 'Waves by' }).selectOption('sizes');
    await main.getByRole('textbox', { name: /^Sizes/ }).fill(sizes);
    await main.getByRole('spinbutton', { name: 'Soak time (minutes)' }).fill('0');
    await main.getByRole('button', { name: 'Start rollout' }).click();
    await page.waitForURL(/\/firmware\/rollouts\/ro-[0-9a-f]+/);
    await main.getByRole('heading', { name: 'Waves' }).waitFor();
    await main.locator('.waves .bar').first().waitFor();
    waveSizes = (await bars()).map((label) => Number(label.match(/ of (\d+) healthy/)[1]));
    flow.signal('started', { rollout_id: new URL(page.url()).pathname.split('/').pop() });
  });

  const seen = [];
  const states = [];
  for (const [wave, size] of waveSizes.entries()) {
    const n = wave + 1;
    await flow.step(`wave ${n} fills as its devices install the release`, async () => {
      const full = `Wave ${n}: ${size} of ${size} healthy, 0 failed, 0 in progress, 0 pending`;
      await main.getByRole('img', { name: full, exact: true }).waitFor({ timeout: 90_000 });
      seen.push(await bars());
      flow.fact('waves_seen', seen);
      if (n === 2) await shot('firmware-rollout.png');
      flow.signal(`wave_${n}_healthy`);
    });
    if (wave === 0) {
      await flow.step('pause and resume, each confirmed', async () => {
        states.push(await act('Pause', 'Pause', 'paused'));
        flow.signal('paused');
        await flow.waitFor('ticked');
        states.push(await act('Resume', 'Resume', 'running'));
        flow.signal('resumed');
      });
    }
    await flow.waitFor(`advanced_${n}`, 90_000);
  }

  await flow.step('the rollout completes with every wave healthy', async () => {
    await waitForState('completed');
    states.push(await state());
    flow.fact('states', states);
    flow.fact('gates_after', (await main.locator('.waves > li .wave-head .badge').allTextContents()).map((t) => t.trim()));
    flow.fact('buttons_after', (await main.locator('.head button').allTextContents()).map((t) => t.trim()));
    const shown = await main.getByRole('table').locator('tbody tr td:first-child').allTextContents();
    flow.fact('devices_shown', shown.map((t) => t.trim()).sort());
    await shot('firmware-rollout-completed.png');
  });
});
