// Accessibility and keyboard helpers for flows: the interactive controls as Chromium's accessibility
// tree names them, axe-core's naming rules, and walking the focus with the Tab key.
import { createRequire } from 'node:module';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Roles a user operates; each must have an accessible name. */
const INTERACTIVE = new Set([
  'button',
  'link',
  'textbox',
  'searchbox',
  'combobox',
  'checkbox',
  'radio',
  'slider',
  'spinbutton',
  'switch',
  'tab',
  'menuitem',
  'menuitemcheckbox',
  'menuitemradio',
  'option',
  'listbox',
  'treeitem',
]);

/** axe-core rules about names of controls and of the things that label them. */
const NAME_RULES = [
  'button-name',
  'link-name',
  'label',
  'select-name',
  'input-button-name',
  'aria-command-name',
  'aria-input-field-name',
  'aria-toggle-field-name',
  'aria-tooltip-name',
  'aria-progressbar-name',
  'role-img-alt',
  'svg-img-alt',
  'frame-title',
];

/**
 * The page's interactive controls with the names Chromium gives them, those without a name, and
 * axe-core's findings on naming (every impact): { screen, controls, unnamed, axe }.
 */
export async function auditNames(page, screen) {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  await cdp.detach();
  const controls = nodes
    .filter((node) => !node.ignored && INTERACTIVE.has(node.role?.value))
    .map((node) => ({ role: node.role.value, name: String(node.name?.value ?? '').trim() }));
  await page.addScriptTag({ path: axePath });
  const axe = await page.evaluate(async (rules) => {
    const result = await globalThis.axe.run(globalThis.document, { runOnly: { type: 'rule', values: rules } });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')}`);
  }, NAME_RULES);
  return { screen, controls, unnamed: controls.filter((c) => !c.name), axe };
}

/** What has the focus: its tag, role, accessible-ish name, id and the landmark it sits in. */
export async function focused(page) {
  return page.evaluate(() => {
    const el = globalThis.document.activeElement;
    if (!el || el === globalThis.document.body) return { tag: 'body', role: '', name: '', id: '', region: '' };
    const labelled = el.getAttribute('aria-labelledby');
    const name =
      el.getAttribute('aria-label') ||
      (labelled && globalThis.document.getElementById(labelled)?.textContent) ||
      (el.id && globalThis.document.querySelector(`label[for="${el.id}"]`)?.textContent) ||
      el.textContent ||
      '';
    const region = el.closest('nav, main, header, [role=search], form')?.getAttribute('aria-label') ?? el.closest('nav, main, header')?.tagName.toLowerCase() ?? '';
    return { tag: el.tagName.toLowerCase(), role: el.getAttribute('role') ?? '', name: name.trim().replace(/\s+/g, ' '), id: el.id, region };
  });
}

/**
 * Presses Tab (Shift+Tab with `backwards`) until `wanted(focused)` holds, at most `max` times;
 * returns every element the focus visited. Throws when it never got there.
 */
export async function tabUntil(page, wanted, { max = 60, backwards = false } = {}) {
  const visited = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    const now = await focused(page);
    visited.push(now);
    if (wanted(now)) return visited;
  }
  throw new Error(`the focus never reached the control after ${max} Tab presses: ${visited.map(describe).join(' → ')}`);
}

export function describe(f) {
  return `${f.tag}${f.role ? `[${f.role}]` : ''} "${f.name}"${f.region ? ` in ${f.region}` : ''}`;
}
