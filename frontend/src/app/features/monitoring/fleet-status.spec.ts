import type { Alarm } from '../alerts/alarms';
import { type Device, fleetStatus } from './fleet-status';

const device = (id: string, status: Device['status'], seen = true): Device =>
  ({ id, name: `Pump ${id}`, status, first_seen: seen ? '2026-11-27T09:00:00Z' : null, last_seen: seen ? '2026-11-27T10:00:00Z' : null }) as Device;
const alarm = (device_id: string, severity: Alarm['severity'], raised_at: string, status: Alarm['status'] = 'active', rule_id = 'hot'): Alarm =>
  ({ id: `${device_id}-${rule_id}`, device_id, severity, raised_at, status, rule_id }) as Alarm;

describe('fleet status', () => {
  const devices = [
    device('a', 'online'),
    device('b', 'online'),
    device('c', 'offline'),
    device('d', 'provisioned', false),
    device('e', 'verified'),
    device('f', 'decommissioned'),
  ];

  it('counts online, offline and never-seen devices, leaving decommissioned ones out', () => {
    const status = fleetStatus(devices, []);
    expect(status).toMatchObject({ total: 5, online: 2, offline: 1, neverSeen: 1, other: 2, alarming: 0 });
  });

  it('counts each alarming device once, worst and oldest first, cleared alarms not at all', () => {
    const status = fleetStatus(devices, [
      alarm('c', 'warning', '2026-11-27T09:00:00Z'),
      alarm('a', 'minor', '2026-11-27T09:30:00Z'),
      alarm('a', 'critical', '2026-11-27T09:50:00Z', 'acknowledged', 'cold'),
      alarm('b', 'critical', '2026-11-27T09:40:00Z', 'cleared'),
      alarm('zz', 'major', '2026-11-27T09:10:00Z'),
    ]);
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
