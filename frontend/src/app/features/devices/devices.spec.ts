import { chartPollMs } from './devices';

describe('device chart polling', () => {
  it('reads a range of up to an hour back from now every second, so a publish shows within 2 s', () => {
    expect(chartPollMs({ preset: '15m' })).toBe(1_000);
    expect(chartPollMs({ preset: '1h' })).toBe(1_000);
  });

  it('reads a longer range every 10 s, and a fixed range never again', () => {
    expect(chartPollMs({ preset: '24h' })).toBe(10_000);
    expect(chartPollMs({ start: '2026-11-01T00:00:00Z', end: '2026-11-02T00:00:00Z' })).toBeNull();
  });
});
