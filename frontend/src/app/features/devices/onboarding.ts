import type { components } from '../../core/api/schema';
import { parseList } from '../../shared/parse-list';

export type NewDevice = components['schemas']['NewDevice'];
export type ProvisioningPackage = components['schemas']['ProvisioningPackage'];

/** The wizard's steps in order; the package step is reached only by creating the device. */
export const STEPS = ['type', 'details', 'review', 'package'] as const;
export type Step = (typeof STEPS)[number];
export const STEP_LABELS: Record<Step, string> = {
  type: 'Device type',
  details: 'Name, tags, groups, metadata',
  review: 'Review and create',
  package: 'Provisioning package',
};

/** What the operator has typed so far (free text, judged by `judge`). */
export interface Draft {
  readonly deviceType: string;
  readonly name: string;
  readonly tags: string;
  readonly groups: string;
  readonly metadata: string;
  readonly serial: string;
}

export const EMPTY_DRAFT: Draft = { deviceType: '', name: '', tags: '', groups: '', metadata: '', serial: '' };

export type FieldErrors = Partial<Record<keyof Draft, string>>;

const SLUG = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const LABEL = /^[A-Za-z0-9][A-Za-z0-9_.:=-]{0,63}$/;

/** Metadata typed one `key=value` per line; blank lines ignored. */
export function parseMetadata(text: string): { value: Record<string, string>; error: string | null } {
  const value: Record<string, string> = {};
  const lines = text.split('\n').map((l) => l.trim());
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const at = line.indexOf('=');
    const key = at < 0 ? '' : line.slice(0, at).trim();
    if (!key) return { value, error: `Line ${i + 1}: write key=value.` };
    if (key.startsWith('$') || key.includes('.')) return { value, error: `Line ${i + 1}: a key may not start with $ or hold a dot.` };
    if (key in value) return { value, error: `Line ${i + 1}: “${key}” is given twice.` };
    const text = line.slice(at + 1).trim();
    if (text.length > 1024) return { value, error: `Line ${i + 1}: at most 1024 characters.` };
    value[key] = text;
  }
  return { value, error: null };
}

/** The problems of a step's fields (empty when the step may be left forward). */
export function judge(step: Step, draft: Draft): FieldErrors {
  const errors: FieldErrors = {};
  if (step === 'type' || step === 'review') {
    if (!SLUG.test(draft.deviceType)) errors.deviceType = 'Choose a device type.';
  }
  if (step === 'details' || step === 'review') {
    const name = draft.name.trim();
    if (!name) errors.name = 'Give the device a name.';
    else if (name.length > 100) errors.name = 'At most 100 characters.';
    const badTag = parseList(draft.tags).find((t) => !LABEL.test(t));
    if (badTag) errors.tags = `“${badTag}”: letters, digits and _ . : = - only, at most 64, starting with a letter or digit.`;
    const badGroup = parseList(draft.groups).find((g) => !LABEL.test(g));
    if (badGroup) errors.groups = `“${badGroup}”: letters, digits and _ . : = - only, at most 64, starting with a letter or digit.`;
    const metadata = parseMetadata(draft.metadata);
    if (metadata.error) errors.metadata = metadata.error;
    if (draft.serial.trim().length > 128) errors.serial = 'At most 128 characters.';
  }
  return errors;
}

/** The step after `step` when its fields are right, else `step` itself. */
export function next(step: Step, draft: Draft): Step {
  if (step === 'package' || step === 'review') return step; // leaving review means creating
  return Object.keys(judge(step, draft)).length ? step : STEPS[STEPS.indexOf(step) + 1];
}

export function previous(step: Step): Step {
  if (step === 'package' || step === 'type') return step; // a created device is not undone
  return STEPS[STEPS.indexOf(step) - 1];
}

/** The request body for the draft (assumes `judge(draft, 'review')` found nothing). */
export function toNewDevice(draft: Draft): NewDevice {
  const serial = draft.serial.trim();
  return {
    name: draft.name.trim(),
    device_type: draft.deviceType,
    tags: parseList(draft.tags),
    groups: parseList(draft.groups),
    metadata: parseMetadata(draft.metadata).value,
    ...(serial ? { serial } : {}),
  };
}

/** The file a package downloads as: the device's name made file-safe, then its id. */
export function packageFileName(name: string, deviceId: string): string {
  const safe = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${safe ? safe + '-' : ''}${deviceId}.provisioning.json`;
}

/**
 * Saves provisioning packages as JSON through a Blob and a temporary link: nothing is kept in
 * storage, and the object URL is revoked once the browser has the file.
 */
export function downloadJson(fileName: string, body: unknown, doc: Document = document): void {
  const blob = new Blob([JSON.stringify(body, null, 2) + '\n'], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = doc.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  link.style.display = 'none';
  doc.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * The draft field a problem's detail names when the API gives no field location, as in
 * "devices[0]: name: a device named 'x' exists already" (the single-device route reuses the batch's
 * wording); null when it names none.
 */
export function fieldOfDetail(detail: string): { field: keyof Draft; message: string } | null {
  const m = /^(?:devices\[\d+\]: )?([a-z_]+): (.+)$/s.exec(detail.trim());
  const field = m ? DRAFT_FIELD_OF[m[1]] : undefined;
  return m && field ? { field, message: m[2] } : null;
}

/** Which draft field an API field name belongs to. */
export const DRAFT_FIELD_OF: Record<string, keyof Draft> = {
  name: 'name',
  device_type: 'deviceType',
  tags: 'tags',
  groups: 'groups',
  metadata: 'metadata',
  serial: 'serial',
};
