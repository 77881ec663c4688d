import type { components } from '../../core/api/schema';
import type { Tone } from '../../shared/badge.component';

export type Release = components['schemas']['Release'];
export type Rollout = components['schemas']['Rollout'];
export type RolloutState = components['schemas']['RolloutState'];
export type RolloutProgress = components['schemas']['RolloutProgress'];
export type WaveProgress = components['schemas']['WaveProgress'];
export type DeviceProgress = components['schemas']['DeviceProgress'];
export type ProgressState = components['schemas']['ProgressState'];
export type RolloutRequest = components['schemas']['RolloutRequest'];
export type WavePlan = components['schemas']['WavePlan'];

export const ROLLOUT_STATES: readonly RolloutState[] = ['running', 'paused', 'halted', 'completed', 'cancelled'];
export const PROGRESS_STATES: readonly ProgressState[] = ['pending', 'offered', 'downloading', 'installed', 'healthy', 'failed', 'rolled_back'];

const ROLLOUT_TONE: Record<RolloutState, Tone> = { running: 'info', paused: 'warn', halted: 'danger', completed: 'ok', cancelled: 'muted' };
const PROGRESS_TONE: Record<ProgressState, Tone> = {
  pending: 'muted',
  offered: 'info',
  downloading: 'info',
  installed: 'info',
  healthy: 'ok',
  failed: 'danger',
  rolled_back: 'danger',
};

export const rolloutTone = (state: RolloutState): Tone => ROLLOUT_TONE[state];
export const progressTone = (state: ProgressState): Tone => PROGRESS_TONE[state];

/** One wave's devices in the four groups a progress bar shows. */
export interface WaveSummary {
  readonly wave: number;
  readonly targeted: number;
  readonly succeeded: number;
  readonly failed: number;
  /** offered, downloading or installed: on their way. */
  readonly inProgress: number;
  readonly pending: number;
  /** Shares of the wave in percent (for the bar's segments), in the order above. */
  readonly percent: { readonly succeeded: number; readonly failed: number; readonly inProgress: number; readonly pending: number };
}

export function summarizeWave(wave: WaveProgress): WaveSummary {
  const count = (...states: ProgressState[]) => states.reduce((sum, s) => sum + (wave.devices[s] ?? 0), 0);
  const succeeded = count('healthy');
  const failed = count('failed', 'rolled_back');
  const inProgress = count('offered', 'downloading', 'installed');
  const counted = succeeded + failed + inProgress;
  const targeted = Math.max(wave.size, counted + count('pending'));
  const pending = targeted - counted;
  const share = (n: number) => (targeted ? Math.round((n / targeted) * 1000) / 10 : 0);
  return {
    wave: wave.wave,
    targeted,
    succeeded,
    failed,
    inProgress,
    pending,
    percent: { succeeded: share(succeeded), failed: share(failed), inProgress: share(inProgress), pending: share(pending) },
  };
}

export type GateState = 'passed' | 'soaking' | 'open' | 'paused' | 'breached' | 'waived' | 'cancelled' | 'waiting';

/**
 * Where a wave's health gate stands, as the rollout tells it. The running wave soaks while its
 * soak time since `wave_started_at` has not passed; with no soak time (or once it has passed) the
 * gate is judged at every check: the wave advances as soon as enough devices are healthy.
 */
export function gateState(rollout: Rollout, wave: number, now = new Date()): { state: GateState; tone: Tone; text: string } {
  const current = rollout.wave ?? 0;
  const state = rollout.state ?? 'running';
  if (state === 'completed' || wave < current) {
    return rollout.waived_wave === wave
      ? { state: 'waived', tone: 'warn', text: 'Gate waived by resume' }
      : { state: 'passed', tone: 'ok', text: 'Gate passed' };
  }
  if (wave > current) return { state: 'waiting', tone: 'muted', text: state === 'cancelled' ? 'Never started' : 'Waiting' };
  switch (state) {
    case 'halted':
      return { state: 'breached', tone: 'danger', text: 'Gate breached: halted' };
    case 'paused':
      return { state: 'paused', tone: 'warn', text: 'Paused' };
    case 'cancelled':
      return { state: 'cancelled', tone: 'muted', text: 'Cancelled' };
    default: {
      const soak = durationSeconds(rollout.gate?.soak_time);
      const soaking = isSoaking(soak, rollout.wave_started_at, now);
      if (rollout.waived_wave === wave) return { state: 'waived', tone: 'warn', text: soaking ? 'Gate waived; soaking' : 'Gate waived' };
      if (soaking) return { state: 'soaking', tone: 'info', text: 'Soaking; gate open' };
      return { state: 'open', tone: 'info', text: soak === 0 ? 'No soak; gate judged at once' : 'Soak over; gate judged at once' };
    }
  }
}

/** Whether a wave started at `startedAt` still soaks; an unknown soak time or start counts as soaking. */
function isSoaking(soakSeconds: number | null, startedAt: string | null | undefined, now: Date): boolean {
  if (soakSeconds === null) return true;
  if (soakSeconds === 0) return false;
  const started = Date.parse(startedAt ?? '');
  return Number.isNaN(started) || now.getTime() < started + soakSeconds * 1000;
}

/** What an operator may do to a rollout in a state (the API answers 409 otherwise). */
export function rolloutActions(state: RolloutState | undefined): { pause: boolean; resume: boolean; cancel: boolean } {
  const s = state ?? 'running';
  return { pause: s === 'running', resume: s === 'paused' || s === 'halted', cancel: s === 'running' || s === 'paused' || s === 'halted' };
}

/** Whether the rollout can still move by itself (worth reading every 2 s). */
export const isLive = (state: RolloutState | undefined) => (state ?? 'running') === 'running';

/** A wave plan typed as numbers separated by commas: cumulative percents ending at 100, or sizes. */
export function parsePlan(text: string, kind: 'percents' | 'sizes'): { plan: WavePlan; error: null } | { plan: null; error: string } {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const numbers = parts.map(Number);
  if (!parts.length) return { plan: null, error: 'Give at least one wave.' };
  if (parts.length > 20) return { plan: null, error: 'At most 20 waves.' };
  if (numbers.some((n) => !Number.isFinite(n) || n <= 0)) return { plan: null, error: 'Every wave is a number above 0.' };
  if (kind === 'sizes') {
    if (numbers.some((n) => !Number.isInteger(n))) return { plan: null, error: 'Wave sizes are whole numbers of devices.' };
    return { plan: { sizes: numbers }, error: null };
  }
  if (numbers.some((n) => n > 100)) return { plan: null, error: 'Percents go up to 100.' };
  if (numbers.some((n, i) => i > 0 && n <= numbers[i - 1])) return { plan: null, error: 'Percents are cumulative: each above the one before.' };
  if (numbers[numbers.length - 1] !== 100) return { plan: null, error: 'The last wave is 100 (every device).' };
  return { plan: { percents: numbers }, error: null };
}

/** Bytes as people read them (1 KiB = 1024 bytes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : Math.round(value * 10) / 10} ${units[unit]}`;
}

/** A soak time typed in minutes as the ISO 8601 duration the API takes, and back. */
export function minutesToDuration(minutes: number): string {
  return `PT${Math.round(minutes * 60)}S`;
}

/** An ISO 8601 duration of days, hours, minutes and seconds (`PT10M`) in seconds; null when it is not one. */
export function durationSeconds(iso: string | null | undefined): number | null {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(iso ?? '');
  if (!m) return null;
  const [d, h, min, s] = m.slice(1).map((v) => Number(v ?? 0));
  return ((d * 24 + h) * 60 + min) * 60 + s;
}

export function durationText(iso: string | undefined): string {
  const total = durationSeconds(iso);
  if (total === null) return iso ?? '—';
  if (total === 0) return 'none';
  if (total % 3600 === 0) return `${total / 3600} h`;
  if (total % 60 === 0) return `${total / 60} min`;
  return `${total} s`;
}

/** How the rollout's target reads in a sentence. */
export function targetText(target: Rollout['target']): string {
  const parts: string[] = [];
  if (target.groups?.length) parts.push(`groups ${target.groups.join(', ')}`);
  if (target.tags?.length) parts.push(`tags ${target.tags.join(', ')}`);
  if (target.device_ids?.length) parts.push(`${target.device_ids.length} device${target.device_ids.length === 1 ? '' : 's'} by id`);
  return parts.join('; ') || 'no devices';
}
