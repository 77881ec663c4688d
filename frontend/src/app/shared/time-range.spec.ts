import { rangeFromParam, rangeToParam, resolveRange, windowFor } from './time-range';

describe('time ranges', () => {
  const now = new Date('2026-11-27T12:00:00Z');

  it('resolves a preset relative to now', () => {
    const range = resolveRange({ preset: '24h' }, now);
    expect(range.end).toEqual(now);
    expect(range.start.toISOString()).toBe('2026-11-26T12:00:00.000Z');
  });

  it('round-trips presets and fixed ranges through the URL', () => {
    expect(rangeFromParam(rangeToParam({ preset: '7d' }))).toEqual({ preset: '7d' });
    const fixed = { start: '2026-11-01T00:00:00.000Z', end: '2026-11-02T00:00:00.000Z' };
    expect(rangeFromParam(rangeToParam(fixed))).toEqual(fixed);
    expect(rangeFromParam('nonsense')).toEqual({ preset: '1h' });
    expect(rangeFromParam(undefined, '6h')).toEqual({ preset: '6h' });
  });

  it('picks a window of about 300 points', () => {
    expect(windowFor(resolveRange({ preset: '15m' }, now))).toBe('3s');
    expect(windowFor(resolveRange({ preset: '24h' }, now))).toBe('5m');
    expect(windowFor(resolveRange({ preset: '30d' }, now))).toBe('2h');
  });
});
