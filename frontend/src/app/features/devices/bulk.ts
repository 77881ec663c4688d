import type { components } from '../../core/api/schema';
import type { Tone } from '../../shared/badge.component';
import { type CommandState, FINAL_STATES, badMemberName, commandTone } from './commands';
import type { JsonObject } from './config-delta';

export type ConfigOutcome = components['schemas']['DeviceOutcome'];
export type CommandOutcome = components['schemas']['CommandOutcome'];

/** What one device's answer to a bulk change means, as a badge and a line of detail. */
export interface OutcomeView {
  readonly label: string;
  readonly tone: Tone;
  readonly detail: string;
}

/** A merge patch as typed: a JSON object (null removes a member) that changes something. */
export function parsePatch(text: string): { ok: true; value: JsonObject } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, message: 'A patch is a JSON object ({ … }).' };
  if (!Object.keys(value).length) return { ok: false, message: 'The patch changes nothing.' };
  const bad = badMemberName(value);
  if (bad) return { ok: false, message: `“${bad}”: member names may not start with $ or hold a dot.` };
  return { ok: true, value: value as JsonObject };
}

const CONFIG: Record<ConfigOutcome['outcome'], { label: string; tone: Tone }> = {
  applied: { label: 'accepted', tone: 'ok' },
  unchanged: { label: 'unchanged', tone: 'muted' },
  conflict: { label: 'stale', tone: 'warn' },
  invalid: { label: 'refused', tone: 'danger' },
  not_found: { label: 'not found', tone: 'muted' },
};

/** A configuration outcome: accepted (with the new desired version), unchanged, stale (changed
 * meanwhile), refused (the type's schema says why) or not found. */
export function configOutcome(outcome: ConfigOutcome): OutcomeView {
  const { label, tone } = CONFIG[outcome.outcome];
  const detail = outcome.outcome === 'applied' && outcome.desired_version != null ? `desired version ${outcome.desired_version}` : (outcome.detail ?? '');
  return { label, tone, detail };
}

/** Labels counted, most common first: `3 accepted · 1 refused`. */
export function summary(labels: readonly string[]): string {
  if (!labels.length) return 'no device reached';
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([label, n]) => `${n} ${label}`).join(' · ');
}

/** The latest known state of a created command. */
export interface CommandProgress {
  readonly state: CommandState;
  readonly detail?: string;
  readonly result?: unknown;
}

export interface BulkCommandRow extends OutcomeView {
  readonly deviceId: string;
  readonly commandId: string | null;
  /** The command may still change, so it is worth reading again. */
  readonly live: boolean;
}

/**
 * One row a device of a bulk command: a created command shows its latest state (from `progress`,
 * else the state it was created in), a refused or unknown device says so.
 */
export function commandRows(outcomes: readonly CommandOutcome[], progress: ReadonlyMap<string, CommandProgress>): BulkCommandRow[] {
  return outcomes.map((o) => {
    if (o.outcome !== 'created' || !o.command_id) {
      return { deviceId: o.device_id, commandId: null, live: false, label: o.outcome === 'refused' ? 'refused' : 'not found', tone: o.outcome === 'refused' ? 'danger' : 'muted', detail: o.detail ?? '' };
    }
    const now = progress.get(o.command_id);
    const state: CommandState = now?.state ?? o.state ?? 'CREATED';
    const detail = now?.result != null ? JSON.stringify(now.result) : (now?.detail ?? o.detail ?? '');
    return { deviceId: o.device_id, commandId: o.command_id, live: !FINAL_STATES.has(state), label: state, tone: commandTone(state), detail };
  });
}
