/** A time range: a preset relative to now, or fixed start and end. */
export type TimeRangeValue =
  | { readonly preset: TimePreset }
  | { readonly start: string; readonly end: string };

export type TimePreset = '15m' | '1h' | '6h' | '24h' | '7d' | '30d';

export const PRESETS: readonly { readonly value: TimePreset; readonly label: string; readonly ms: number }[] = [
  { value: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { value: '1h', label: 'Last hour', ms: 3_600_000 },
  { value: '6h', label: 'Last 6 hours', ms: 6 * 3_600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 24 * 3_600_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
];

export interface ResolvedRange {
  readonly start: Date;
  readonly end: Date;
}

export function resolveRange(value: TimeRangeValue, now = new Date()): ResolvedRange {
  if ('preset' in value) {
    const ms = PRESETS.find((p) => p.value === value.preset)?.ms ?? 3_600_000;
    return { start: new Date(now.getTime() - ms), end: now };
  }
  return { start: new Date(value.start), end: new Date(value.end) };
}

/** A window that keeps a series near 300 points over the range (for `window=` on telemetry reads). */
export function windowFor(range: ResolvedRange): string {
  const seconds = Math.max(1, Math.round((range.end.getTime() - range.start.getTime()) / 1000 / 300));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m`;
  return `${Math.round(seconds / 3600)}h`;
}

/** `TimeRangeValue` to and from a URL query value: `1h`, or `<start ISO>_<end ISO>`. */
export function rangeToParam(value: TimeRangeValue): string {
  return 'preset' in value ? value.preset : `${value.start}_${value.end}`;
}

export function rangeFromParam(param: string | null | undefined, fallback: TimePreset = '1h'): TimeRangeValue {
  if (param && PRESETS.some((p) => p.value === param)) return { preset: param as TimePreset };
  const [start, end] = (param ?? '').split('_');
  if (start && end && !Number.isNaN(Date.parse(start)) && !Number.isNaN(Date.parse(end))) return { start, end };
  return { preset: fallback };
}
