import type { components } from '../../core/api/schema';
import { PRESETS, type TimeRangeValue } from '../../shared/time-range';

export type Device = components['schemas']['DeviceView'];
export type DeviceStatus = components['schemas']['DeviceStatus'];

export const DEVICE_STATUSES: readonly DeviceStatus[] = ['provisioned', 'verified', 'online', 'offline', 'decommissioned'];

/** A timestamp as the user's locale shows it; `—` for none. */
export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/** Ranges up to this long, relative to now, are the live view: read every second. */
const LIVE_SPAN_MS = 3_600_000;

/**
 * How often a device's chart reads its range again: every second for a range of up to an hour
 * back from now (a reading published shows within the 2 s the issue asks, ingest included; other
 * screens keep their 2 to 5 s), every 10 s for a longer one, never for a fixed range.
 */
export function chartPollMs(range: TimeRangeValue): number | null {
  if (!('preset' in range)) return null;
  const span = PRESETS.find((p) => p.value === range.preset)?.ms ?? 0;
  return span <= LIVE_SPAN_MS ? 1_000 : 10_000;
}
