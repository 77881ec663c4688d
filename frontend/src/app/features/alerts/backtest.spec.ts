import { devicesByAlarms, overlaySeries, periodLength, periodsOf, windowMs } from './backtest';

const alarms = [
  { device_id: 'b', raised_at: '2026-11-27T10:05:30Z', cleared_at: '2026-11-27T10:05:40Z', value: 91 },
  { device_id: 'a', raised_at: '2026-11-27T10:02:00Z', cleared_at: '2026-11-27T10:04:00Z', value: 85 },
  { device_id: 'a', raised_at: '2026-11-27T10:08:00Z', cleared_at: null, value: 88 },
];
const points = Array.from({ length: 10 }, (_, i) => ({ time: `2026-11-27T10:0${9 - i}:00Z`, value: 70 + i })); // newest first

describe('backtest overlay', () => {
  it('shades the windows an alarm period overlaps, oldest first', () => {
    const end = new Date('2026-11-27T10:10:00Z');
    const series = overlaySeries(points, periodsOf(alarms, 'a'), 60_000, end);
    expect(series.times[0].toISOString()).toBe('2026-11-27T10:00:00.000Z');
    expect(series.values[0]).toBe(79);
    // raised 10:02, cleared 10:04 (not into the 10:04 window); raised again 10:08, still raised at the end
    expect(series.alarm).toEqual([null, null, 1, 1, null, null, null, null, 1, 1]);
  });

  it('keeps an alarm shorter than a window visible', () => {
    const series = overlaySeries(points, periodsOf(alarms, 'b'), 60_000, new Date('2026-11-27T10:10:00Z'));
    expect(series.alarm.filter(Boolean)).toHaveLength(1);
    expect(series.alarm[5]).toBe(1);
  });

  it('turns text values into gaps and booleans into 0 and 1', () => {
    const series = overlaySeries([{ time: '2026-11-27T10:00:00Z', value: 'x' }, { time: '2026-11-27T10:01:00Z', value: true }], [], 60_000, new Date());
    expect(series.values).toEqual([null, 1]);
    expect(series.alarm).toEqual([null, null]);
  });

  it('lists periods and devices for the chosen device', () => {
    expect(periodsOf(alarms).map((p) => p.deviceId)).toEqual(['a', 'b', 'a']);
    expect(devicesByAlarms(alarms)).toEqual([{ deviceId: 'a', count: 2 }, { deviceId: 'b', count: 1 }]);
    const end = new Date('2026-11-27T11:13:05Z');
    const [first, , open] = periodsOf(alarms);
    expect(periodLength(first, end)).toBe('2m');
    expect(periodLength(open, end)).toBe('1h 5m 5s');
  });

  it('reads API windows', () => {
    expect(windowMs('30s')).toBe(30_000);
    expect(windowMs('5m')).toBe(300_000);
    expect(windowMs('2h')).toBe(7_200_000);
    expect(windowMs('nope')).toBe(0);
  });
});
