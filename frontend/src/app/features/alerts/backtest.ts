import type { components } from '../../core/api/schema';

export type BacktestAlarm = components['schemas']['BacktestAlarm'];
export type SeriesPoint = components['schemas']['SeriesPoint'];

export interface AlarmPeriod {
  readonly deviceId: string;
  readonly start: Date;
  /** null: still raised at the end of the range. */
  readonly end: Date | null;
  readonly value: number | null;
}

export function periodsOf(alarms: readonly BacktestAlarm[], deviceId?: string): AlarmPeriod[] {
  return alarms
    .filter((a) => deviceId === undefined || a.device_id === deviceId)
    .map((a) => ({ deviceId: a.device_id, start: new Date(a.raised_at), end: a.cleared_at ? new Date(a.cleared_at) : null, value: a.value }))
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}

export interface OverlaySeries {
  /** Oldest first. */
  readonly times: Date[];
  readonly values: (number | null)[];
  /** 1 where an alarm period overlaps the point's window, null elsewhere: drawn as shading. */
  readonly alarm: (1 | null)[];
}

/**
 * The telemetry of one device (the API answers newest first) and, per point, whether an alarm of
 * the backtest was raised during its window `[time, time + windowMs)`; an alarm still raised runs
 * to `rangeEnd`. A raise and clear inside one window still shades that window, so a short alarm
 * never disappears from the chart.
 */
export function overlaySeries(points: readonly SeriesPoint[], periods: readonly AlarmPeriod[], windowMs: number, rangeEnd: Date): OverlaySeries {
  const ordered = [...points].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  const times = ordered.map((p) => new Date(p.time));
  const values = ordered.map((p) => (typeof p.value === 'number' ? p.value : typeof p.value === 'boolean' ? Number(p.value) : null));
  const alarm = times.map((t) => {
    const from = t.getTime();
    const to = from + Math.max(windowMs, 1);
    const hit = periods.some((p) => p.start.getTime() < to && (p.end ?? rangeEnd).getTime() > from);
    return hit ? (1 as const) : null;
  });
  return { times, values, alarm };
}

/** `1h 5m`, `40s`: how long a period lasted (or has lasted by `rangeEnd`). */
export function periodLength(period: AlarmPeriod, rangeEnd: Date): string {
  let seconds = Math.max(0, Math.round(((period.end ?? rangeEnd).getTime() - period.start.getTime()) / 1000));
  const h = Math.floor(seconds / 3600);
  seconds -= h * 3600;
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  return [h ? `${h}h` : '', m ? `${m}m` : '', s || (!h && !m) ? `${s}s` : ''].filter(Boolean).join(' ');
}

/** The devices of a backtest, most alarms first: the choice of which one to draw. */
export function devicesByAlarms(alarms: readonly BacktestAlarm[]): { deviceId: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const a of alarms) counts.set(a.device_id, (counts.get(a.device_id) ?? 0) + 1);
  return [...counts].map(([deviceId, count]) => ({ deviceId, count })).sort((a, b) => b.count - a.count || a.deviceId.localeCompare(b.deviceId));
}

/** A window in the API's syntax (`30s`, `5m`, `2h`) in milliseconds. */
export function windowMs(window: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(window);
  if (!match) return 0;
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}
