import type { Alarm } from '../alerts/alarms';
import { type Device, type DeviceCounts, fleetStatus } from './fleet-status';

const device = (id: string, status: Device['status']): Device =>
  ({ id, name: `Pump ${id}`, status, first_seen: '2026-11-27T09:00:00Z', last_seen: '2026-11-27T10:00:00Z' }) as Device;
const alarm = (device_id: string, severity: Alarm['severity'], raised_at: string, status: Alarm['status'] = 'active', rule_id = 'hot'): Alarm =>
  ({ id: `${device_id}-${rule_id}`, device_id, severity, raised_at, status, rule_id }) as Alarm;

describe('fleet status', () => {
  const counts: DeviceCounts = { provisioned: 1, verified: 1, online: 2, offline: 1, decommissioned: 1, never_seen: 1, total: 6 };
  const devices = [device('a', 'online'), device('b', 'online'), device('c', 'offline')];

  it('takes online, offline and never-seen from the counts, leaving decommissioned devices out', () => {
    const status = fleetStatus(counts, []);
    expect(status).toMatchObject({ total: 5, online: 2, offline: 1, neverSeen: 1, other: 2, alarming: 0 });
  });

  it('counts each alarming device once, worst and oldest first, cleared alarms not at all', () => {
    const status = fleetStatus(counts, [
      alarm('c', 'warning', '2026-11-27T09:00:00Z'),
      alarm('a', 'minor', '2026-11-27T09:30:00Z'),
      alarm('a', 'critical', '2026-11-27T09:50:00Z', 'acknowledged', 'cold'),
      alarm('b', 'critical', '2026-11-27T09:40:00Z', 'cleared'),
      alarm('zz', 'major', '2026-11-27T09:10:00Z'),
    ], devices);
    expect(status.alarming).toBe(3);
    expect(status.alarmingDevices.map((d) => [d.id, d.worst, d.alarms])).toEqual([
      ['a', 'critical', 2],
      ['zz', 'major', 1],
      ['c', 'warning', 1],
    ]);
    expect(status.alarmingDevices[0]).toMatchObject({ name: 'Pump a', since: '2026-11-27T09:30:00Z', rules: ['cold', 'hot'], status: 'online' });
    expect(status.alarmingDevices[1]).toMatchObject({ name: 'zz', status: null });
  });
});
