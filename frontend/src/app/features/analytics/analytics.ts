import type { components } from '../../core/api/schema';

export type FleetAggregate = components['schemas']['FleetAggregate'];
export type FleetWindow = components['schemas']['FleetWindow'];
export type TelemetrySeries = components['schemas']['TelemetrySeries'];
export type Aggregation = NonNullable<components['schemas']['TelemetryParams']['aggregation']>;

/** What GET /v1/devices/{id}/telemetry can compute per window. */
export const AGGREGATIONS: readonly Aggregation[] = ['mean', 'median', 'min', 'max', 'sum', 'count', 'first', 'last', 'stddev'];

export interface Summary {
  /** Over every reading: the windows' means weighted by their counts. */
  readonly mean: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly count: number;
  readonly windows: number;
}

/** The whole range from the fleet route's windows. */
export function summarize(windows: readonly FleetWindow[]): Summary {
  let weighted = 0;
  let counted = 0;
  let min: number | null = null;
  let max: number | null = null;
  let count = 0;
  for (const w of windows) {
    count += w.count;
    if (w.mean != null && w.count > 0) {
      weighted += w.mean * w.count;
      counted += w.count;
    }
    if (w.min != null) min = min === null ? w.min : Math.min(min, w.min);
    if (w.max != null) max = max === null ? w.max : Math.max(max, w.max);
  }
  return { mean: counted ? weighted / counted : null, min, max, count, windows: windows.length };
}

export interface FleetSeries {
  readonly times: string[];
  readonly mean: (number | null)[];
  readonly min: (number | null)[];
  readonly max: (number | null)[];
  readonly count: number[];
}

/** The fleet windows oldest first (the API answers newest first), one array per line to draw. */
export function fleetSeries(aggregate: FleetAggregate): FleetSeries {
  const windows = [...aggregate.windows].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  return {
    times: windows.map((w) => w.time),
    mean: windows.map((w) => w.mean),
    min: windows.map((w) => w.min),
    max: windows.map((w) => w.max),
    count: windows.map((w) => w.count),
  };
}

export interface Comparison {
  /** Every window start of any device, oldest first. */
  readonly times: string[];
  /** One line per device, null where it has no value at that time. */
  readonly lines: { readonly deviceId: string; readonly values: (number | null)[] }[];
}

/** Several devices' series of one metric on one time axis. */
export function comparison(series: readonly TelemetrySeries[]): Comparison {
  const key = (iso: string) => new Date(iso).toISOString();
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => key(p.time))))].sort();
  const lines = series.map((s) => {
    const byTime = new Map(s.points.map((p) => [key(p.time), typeof p.value === 'number' ? p.value : typeof p.value === 'boolean' ? Number(p.value) : null]));
    return { deviceId: s.device_id, values: times.map((t) => byTime.get(t) ?? null) };
  });
  return { times, lines };
}

export interface CsvExport {
  readonly rows: number | null;
  readonly cap: number | null;
  readonly capped: boolean;
  /** Where the rows left out start: the next export's start. */
  readonly nextStart: string | null;
  readonly filename: string;
}

/** What the CSV route's headers say about the file (X-Row-Count, X-Row-Cap, X-Row-Cap-Reached, X-Next-Start). */
export function csvExportInfo(headers: Headers, fallbackName: string): CsvExport {
  const number = (name: string) => {
    const value = headers.get(name);
    return value === null || value === '' || Number.isNaN(Number(value)) ? null : Number(value);
  };
  const disposition = headers.get('Content-Disposition') ?? '';
  const named = /filename="?([^";]+)"?/.exec(disposition)?.[1];
  return {
    rows: number('X-Row-Count'),
    cap: number('X-Row-Cap'),
    capped: headers.get('X-Row-Cap-Reached') === 'true',
    nextStart: headers.get('X-Next-Start'),
    filename: named ?? fallbackName,
  };
}

/** Eight colours far enough apart, and dark enough on white, for lines of a chart. */
export const LINE_COLOURS = ['#0f766e', '#b45309', '#1d4ed8', '#be123c', '#6d28d9', '#15803d', '#a21caf', '#374151'];

export function formatValue(value: number | null | undefined): string {
  if (value == null || Number.isNaN(value)) return '—';
  return Math.abs(value) >= 1000 ? value.toFixed(0) : String(Math.round(value * 1000) / 1000);
}
