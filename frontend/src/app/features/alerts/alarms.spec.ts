import { alarmActions, describeTransition, severityRank, since, stateBadges, type AlarmTransition } from './alarms';

describe('alarm state and actions', () => {
  it('shows the status and flapping as badges', () => {
    expect(stateBadges({ status: 'active', flapping: true, acknowledged: false }).map((b) => b.label)).toEqual(['active', 'flapping']);
    expect(stateBadges({ status: 'acknowledged', flapping: false, acknowledged: true })).toEqual([{ label: 'acknowledged', tone: 'warn' }]);
    expect(stateBadges({ status: 'cleared', acknowledged: false })[0].label).toBe('cleared, unacknowledged');
    expect(stateBadges({ status: 'cleared', acknowledged: true })[0].label).toBe('cleared');
  });

  it('gives a viewer no action at all', () => {
    expect(alarmActions({ status: 'active', acknowledged: false }, 'viewer')).toEqual({ acknowledge: false, clear: false, assign: false, comment: false });
    expect(alarmActions({ status: 'active', acknowledged: false }, null).acknowledge).toBe(false);
  });

  it('lets an operator acknowledge once and clear only an open alarm', () => {
    expect(alarmActions({ status: 'active', acknowledged: false }, 'operator')).toEqual({ acknowledge: true, clear: true, assign: true, comment: true });
    expect(alarmActions({ status: 'acknowledged', acknowledged: true }, 'operator')).toMatchObject({ acknowledge: false, clear: true });
    expect(alarmActions({ status: 'cleared', acknowledged: false }, 'admin')).toMatchObject({ acknowledge: true, clear: false });
    expect(alarmActions({ status: 'cleared', acknowledged: true }, 'admin')).toMatchObject({ acknowledge: false, clear: false, comment: true });
  });

  it('orders severities worst first', () => {
    expect(['info', 'critical', 'minor'].sort((a, b) => severityRank(a as never) - severityRank(b as never))).toEqual(['critical', 'minor', 'info']);
  });

  it('says how long ago in a few words', () => {
    const now = new Date('2026-11-27T12:00:00Z');
    expect(since('2026-11-27T11:59:15Z', now)).toBe('45 s');
    expect(since('2026-11-27T11:48:00Z', now)).toBe('12 min');
    expect(since('2026-11-27T08:55:00Z', now)).toBe('3 h 5 min');
    expect(since('2026-11-25T08:00:00Z', now)).toBe('2 d 4 h');
    expect(since('2026-11-27T12:00:05Z', now)).toBe('0 s');
  });

  it('describes a transition with who, value and suppression', () => {
    const base = { acknowledged: false, alarm_id: 'a', at: '2026-11-27T12:00:00Z', device_id: 'd', episode: 1, key: 'k', metric: 'm', org_id: 'o', rule_id: 'r', severity: 'major', status: 'active' } as const;
    expect(describeTransition({ ...base, kind: 'raised', value: 81.23456, suppressed: 'silenced' } as AlarmTransition)).toBe('Raised at 81.235 [not notified: silenced]');
    expect(describeTransition({ ...base, kind: 'acknowledged', by: 'u1' } as AlarmTransition)).toBe('Acknowledged by u1');
    expect(describeTransition({ ...base, kind: 'assigned', by: 'u1' } as AlarmTransition, (id) => `Ada (${id})`)).toBe('Assigned by Ada (u1)');
    expect(describeTransition({ ...base, kind: 'escalated', severity: 'critical', target: 'on-call' } as AlarmTransition)).toBe('Escalated to critical (notify on-call)');
  });
});
