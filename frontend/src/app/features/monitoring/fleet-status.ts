import type { components } from '../../core/api/schema';
import { type Alarm, type Severity, severityRank } from '../alerts/alarms';

export type Device = components['schemas']['DeviceView'];
export type DeviceCounts = components['schemas']['DeviceCounts'];

export interface AlarmingDevice {
  readonly id: string;
  /** The device's name, or its id when it was not read. */
  readonly name: string;
  readonly status: Device['status'] | null;
  readonly alarms: number;
  readonly worst: Severity;
  /** The oldest raise among its open alarms. */
  readonly since: string;
  readonly rules: string[];
}

export interface FleetStatus {
  readonly total: number;
  readonly online: number;
  readonly offline: number;
  /** Devices with at least one open (active or acknowledged) alarm. */
  readonly alarming: number;
  /** Devices the platform has never heard from (no first connection). */
  readonly neverSeen: number;
  /** Verified or provisioned devices that have been seen but are neither online nor offline. */
  readonly other: number;
  readonly alarmingDevices: AlarmingDevice[];
}

/**
 * Fleet status at a glance from the organization's device counts and the open alarms: the
 * decommissioned devices are left out, each live device counts once under online, offline or other,
 * and alarming counts distinct devices with an open alarm, worst first. `devices` are the alarming
 * devices read for their names and statuses; one not among them shows its id.
 */
export function fleetStatus(counts: DeviceCounts, openAlarms: readonly Alarm[], devices: readonly Device[] = []): FleetStatus {
  const byId = new Map(devices.map((d) => [d.id, d]));
  const groups = new Map<string, Alarm[]>();
  for (const alarm of openAlarms) {
    if (alarm.status === 'cleared') continue;
    groups.set(alarm.device_id, [...(groups.get(alarm.device_id) ?? []), alarm]);
  }
  const alarmingDevices = [...groups].map(([id, alarms]): AlarmingDevice => {
    const device = byId.get(id);
    const worst = alarms.reduce((w, a) => (severityRank(a.severity) < severityRank(w) ? a.severity : w), alarms[0].severity);
    const since = alarms.reduce((s, a) => (Date.parse(a.raised_at) < Date.parse(s) ? a.raised_at : s), alarms[0].raised_at);
    return { id, name: device?.name ?? id, status: device?.status ?? null, alarms: alarms.length, worst, since, rules: [...new Set(alarms.map((a) => a.rule_id))].sort() };
  });
  alarmingDevices.sort((a, b) => severityRank(a.worst) - severityRank(b.worst) || Date.parse(a.since) - Date.parse(b.since) || a.id.localeCompare(b.id));
  const total = counts.total - counts.decommissioned;
  return {
    total,
    online: counts.online,
    offline: counts.offline,
    alarming: alarmingDevices.length,
    neverSeen: counts.never_seen,
    other: total - counts.online - counts.offline,
    alarmingDevices,
  };
}
