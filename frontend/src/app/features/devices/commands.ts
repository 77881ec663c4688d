import type { components } from '../../core/api/schema';
import type { Tone } from '../../shared/badge.component';

export type Command = components['schemas']['CommandView'];
export type CommandState = components['schemas']['CommandState'];
export type NewCommand = components['schemas']['NewCommand'];

/** States a command leaves no more. */
export const FINAL_STATES: ReadonlySet<CommandState> = new Set(['SUCCEEDED', 'FAILED', 'REJECTED', 'TIMED_OUT', 'EXPIRED']);

const TONE: Record<CommandState, Tone> = {
  CREATED: 'muted',
  SENT: 'info',
  DELIVERED: 'info',
  SUCCEEDED: 'ok',
  FAILED: 'danger',
  REJECTED: 'danger',
  TIMED_OUT: 'warn',
  EXPIRED: 'warn',
};

export function commandTone(state: CommandState): Tone {
  return TONE[state];
}

/** Whether any listed command may still change, so the list is worth reading again. */
export function anyLive(commands: readonly Command[]): boolean {
  return commands.some((c) => !FINAL_STATES.has(c.state));
}

export const NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
export const MAX_TTL_S = 604_800;

export interface CommandDraft {
  readonly name: string;
  readonly parameters: string;
  readonly ttl: string;
  readonly idempotencyKey: string;
}

export type CommandErrors = Partial<Record<keyof CommandDraft, string>>;

/** The request for a draft, or the problem of each wrong field. */
export function toNewCommand(draft: CommandDraft): { body: NewCommand; errors: null } | { body: null; errors: CommandErrors } {
  const errors: CommandErrors = {};
  const name = draft.name.trim();
  if (!NAME.test(name)) errors.name = 'Lower-case letters, digits and _ . - only, at most 64, starting with a letter or digit.';
  let parameters: Record<string, unknown> = {};
  const text = draft.parameters.trim();
  if (text) {
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) errors.parameters = 'Parameters are a JSON object ({ … }).';
      else {
        parameters = value as Record<string, unknown>;
        const bad = badMemberName(parameters);
        if (bad) errors.parameters = `“${bad}”: member names may not start with $ or hold a dot.`;
      }
    } catch (error) {
      errors.parameters = `Not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  const ttl = Number(draft.ttl);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_S) errors.ttl = `Whole seconds from 1 to ${MAX_TTL_S} (7 days).`;
  const key = draft.idempotencyKey.trim();
  if (key.length > 128) errors.idempotencyKey = 'At most 128 characters.';
  if (Object.keys(errors).length) return { body: null, errors };
  return { body: { name, parameters: parameters as NewCommand['parameters'], ttl_s: ttl, idempotency_key: key || null }, errors: null };
}

/** The first member name (at any depth) MongoDB cannot store: one starting with $ or holding a dot. */
export function badMemberName(value: unknown): string | null {
  if (Array.isArray(value)) {
    for (const item of value) {
      const bad = badMemberName(item);
      if (bad) return bad;
    }
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, inner] of Object.entries(value)) {
    if (key.startsWith('$') || key.includes('.')) return key;
    const bad = badMemberName(inner);
    if (bad) return bad;
  }
  return null;
}

/** A fresh idempotency key, so pressing Send twice (or a retry) sends the command once. */
export function newIdempotencyKey(): string {
  return `web-${crypto.randomUUID()}`;
}
