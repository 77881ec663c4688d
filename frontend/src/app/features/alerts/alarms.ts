import type { components } from '../../core/api/schema';
import { type Role, roleAllows } from '../../core/auth/roles';
import type { Tone } from '../../shared/badge.component';

export type Alarm = components['schemas']['Alarm'];
export type AlarmDetail = components['schemas']['AlarmDetail'];
export type AlarmTransition = components['schemas']['AlarmTransition'];
export type Severity = components['schemas']['Severity'];

/** Worst first, as the API orders them. */
export const SEVERITIES: readonly Severity[] = ['critical', 'major', 'minor', 'warning', 'info'];

const SEVERITY_TONES: Record<Severity, Tone> = {
  critical: 'danger',
  major: 'danger',
  minor: 'warn',
  warning: 'warn',
  info: 'info',
};

export function severityTone(severity: Severity): Tone {
  return SEVERITY_TONES[severity] ?? 'muted';
}

/** 0 for critical … 4 for info: sorts worst first. */
export function severityRank(severity: Severity): number {
  const rank = SEVERITIES.indexOf(severity);
  return rank < 0 ? SEVERITIES.length : rank;
}

export interface Badge {
  readonly label: string;
  readonly tone: Tone;
}

/** The badges an alarm's state shows: its status, then flapping when it is. */
export function stateBadges(alarm: Pick<Alarm, 'status' | 'flapping' | 'acknowledged'>): Badge[] {
  const badges: Badge[] = [];
  if (alarm.status === 'active') badges.push({ label: 'active', tone: 'danger' });
  else if (alarm.status === 'acknowledged') badges.push({ label: 'acknowledged', tone: 'warn' });
  else badges.push({ label: alarm.acknowledged ? 'cleared' : 'cleared, unacknowledged', tone: 'ok' });
  if (alarm.flapping) badges.push({ label: 'flapping', tone: 'warn' });
  return badges;
}

export interface AlarmActions {
  readonly acknowledge: boolean;
  readonly clear: boolean;
  readonly assign: boolean;
  readonly comment: boolean;
}

/**
 * What the signed-in role may do to an alarm in its state (the API enforces it again): operators
 * and admins act, a viewer sees none of these controls. An alarm is acknowledged once, even after
 * it cleared; only an open one is cleared by hand.
 */
export function alarmActions(alarm: Pick<Alarm, 'status' | 'acknowledged'>, role: Role | null): AlarmActions {
  const may = roleAllows(role, 'operator');
  return {
    acknowledge: may && !alarm.acknowledged,
    clear: may && alarm.status !== 'cleared',
    assign: may,
    comment: may,
  };
}

/** How long ago, in words that fit a table cell: `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`. */
export function since(iso: string, now = new Date()): string {
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

const TRANSITION_WORDS: Record<AlarmTransition['kind'], string> = {
  raised: 'Raised',
  cleared: 'Cleared',
  acknowledged: 'Acknowledged',
  assigned: 'Assigned',
  commented: 'Commented',
  escalated: 'Escalated',
  flapping_started: 'Started flapping',
  flapping_ended: 'Stopped flapping',
};

/** One line of an alarm's history: what happened, by whom, to which value, and what was held back. */
export function describeTransition(t: AlarmTransition, nameOf: (userId: string) => string = (id) => id): string {
  const parts = [TRANSITION_WORDS[t.kind] ?? t.kind];
  if (t.value != null) parts.push(`at ${formatNumber(t.value)}`);
  if (t.kind === 'escalated') parts.push(`to ${t.severity}`);
  if (t.by) parts.push(`by ${nameOf(t.by)}`);
  if (t.target) parts.push(`(notify ${t.target})`);
  if (t.note) parts.push(`— ${t.note}`);
  if (t.suppressed) parts.push(`[not notified: ${t.suppressed}]`);
  return parts.join(' ');
}

/**
 * What an alarm's `count` means: the readings that kept it in breach in this episode, the one that
 * raised it included (a repeat adds one, a new episode starts again at 1). It is not how often the
 * alarm was raised: that is the episode.
 */
export function breachText(count: number | null | undefined): string {
  const n = count ?? 1;
  return `${n} reading${n === 1 ? '' : 's'} since it was raised`;
}

export function formatNumber(value: number | null | undefined): string {
  if (value == null || Number.isNaN(value)) return '—';
  return String(Math.round(value * 1000) / 1000);
}
