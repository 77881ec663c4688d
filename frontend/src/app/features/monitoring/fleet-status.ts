import type { components } from '../../core/api/schema';
import { type Alarm, type Severity, severityRank } from '../alerts/alarms';

export type Device = components['schemas']['DeviceView'];

export interface AlarmingDevice {
  readonly id: string;
  /** The device's name, or its id when it is not among the devices read. */
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
 * Fleet status at a glance from the (non-decommissioned) devices and the open alarms: each device
 * counts once under online or offline, never-seen counts devices without a first connection
 * whatever their status, and alarming counts distinct devices with an open alarm, worst first.
 */
export function fleetStatus(devices: readonly Device[], openAlarms: readonly Alarm[]): FleetStatus {
  const live = devices.filter((d) => d.status !== 'decommissioned');
  const byId = new Map(live.map((d) => [d.id, d]));
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
  const online = live.filter((d) => d.status === 'online').length;
  const offline = live.filter((d) => d.status === 'offline').length;
  return {
    total: live.length,
    online,
    offline,
    alarming: alarmingDevices.length,
    neverSeen: live.filter((d) => !d.first_seen && !d.last_seen).length,
    other: live.length - online - offline,
    alarmingDevices,
  };
}
