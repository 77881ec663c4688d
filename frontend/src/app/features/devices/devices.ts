import type { components } from '../../core/api/schema';

export type Device = components['schemas']['DeviceView'];
export type DeviceStatus = components['schemas']['DeviceStatus'];

export const DEVICE_STATUSES: readonly DeviceStatus[] = ['provisioned', 'verified', 'online', 'offline', 'decommissioned'];

/** A timestamp as the user's locale shows it; `—` for none. */
export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}
