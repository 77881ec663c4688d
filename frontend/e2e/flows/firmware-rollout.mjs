// A firmware rollout started and followed in the browser: the operator starts a rollout of a
// signed release to a group, in waves of 2; the test's devices report the first wave healthy and
// the wave's bar fills on screen (the page reads every 2 s while the rollout runs); then pause,
// resume and cancel, each after its confirmation.
// Inputs: OPERATOR_EMAIL, OPERATOR_PASSWORD, RELEASE_ID, GROUP.
// Signals: sends `started` { rollout_id }; waits for `reported`.
// Facts: waves_before / waves_after (each wave's line of counts), gate (the first wave's gate
// badge), states (the state badge after each action), failed_refusal (the refusal code shown).
// Screenshot: firmware-rollout.png.
import { runFlow } from '../lib/flow.mjs';

await runFlow('firmware-rollout', async (flow) => {
  const { page } = flow;
  const main = page.getByRole('main');
  const waveLines = async () => (await main.locator('.waves > li .wave-head').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  const state = async () => (await main.locator('.head .badge').first().textContent())?.trim();

  await flow.step('the operator starts a rollout of the release to the group', async () => {
    await flow.login(flow.input('OPERATOR_EMAIL'), flow.input('OPERATOR_PASSWORD'));
    await page.goto(`${flow.base}/firmware`);
    await main.getByRole('link', { name: 'Start a rollout' }).click();
    await page.waitForURL(/\/firmware\/rollouts\/new/);
    await main.getByRole('button', { name: 'Start rollout' }).click();
    await main.getByText('Target at least one group, tag or device.').waitFor();
    await main.getByRole('combobox', { name: 'Release', exact: true }).selectOption(flow.input('RELEASE_ID'));
    await main.getByRole('textbox', { name: 'Groups', exact: true }).fill(flow.input('GROUP'));
    await main.getByRole('combobox', { name: 'Waves by' }).selectOption('sizes');
    await main.getByRole('textbox', { name: /^Sizes/ }).fill('2');
    await main.getByRole('spinbutton', { name: 'Soak time (minutes)' }).fill('0');
    await main.getByRole('button', { name: 'Start rollout' }).click();
    await page.waitForURL(/\/firmware\/rollouts\/ro-[0-9a-f]+/);
    await main.getByRole('heading', { name: 'Waves' }).waitFor();
    const rolloutId = new URL(page.url()).pathname.split('/').pop();
    flow.fact('waves_before', await waveLines());
    flow.signal('started', { rollout_id: rolloutId });
  });

  await flow.step('the first wave fills as its devices report', async () => {
    await flow.waitFor('reported');
    const first = main.locator('.waves > li').first();
    await first.getByText(/2 targeted · 2 healthy · 0 failed/).waitFor({ timeout: 20_000 });
    flow.fact('waves_after', await waveLines());
    flow.fact('gate', (await first.locator('.badge').textContent())?.trim());
    await main.getByRole('combobox', { name: 'State', exact: true }).selectOption('healthy');
    await main.getByRole('table').getByText('healthy').first().waitFor();
    await flow.shot('firmware-rollout.png', { fullPage: true });
  });

  await flow.step('pause, resume and cancel, each confirmed', async () => {
    const states = [];
    for (const [button, confirm] of [['Pause', 'Pause'], ['Resume', 'Resume'], ['Cancel', 'Cancel rollout']]) {
      await main.locator('.head').getByRole('button', { name: button, exact: true }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await dialog.getByRole('button', { name: confirm, exact: true }).click();
      await dialog.waitFor({ state: 'hidden' });
      const expected = { Pause: 'paused', Resume: 'running', Cancel: 'cancelled' }[button];
      await main.locator('.head .badge', { hasText: expected }).waitFor();
      states.push(await state());
    }
    flow.fact('states', states);
    flow.fact('buttons_after', (await main.locator('.head button').allTextContents()).map((t) => t.trim()));
  });
});
