import { type Rollout, durationSeconds, gateState } from './firmware';

const STARTED = '2026-11-27T10:00:00Z';
const at = (seconds: number) => new Date(Date.parse(STARTED) + seconds * 1000);
const rollout = (soak: string, over: Partial<Rollout> = {}): Rollout =>
  ({
    rollout_id: 'ro-1', state: 'running', wave: 1, waived_wave: null, wave_ends: [1, 3, 5], wave_started_at: STARTED,
    gate: { max_failure_rate: 0.05, min_success_count: 1, min_success_rate: 0.9, soak_time: soak, on_breach: 'halt' },
    ...over,
  }) as Rollout;

describe('the running wave’s gate and its soak time', () => {
  it('says a wave with no soak time is judged at once, not soaking', () => {
    expect(gateState(rollout('PT0S'), 1, at(5))).toMatchObject({ state: 'open', tone: 'info', text: 'No soak; gate judged at once' });
    expect(gateState(rollout('PT0S'), 1, at(5)).text).not.toContain('Soaking');
  });

  it('says a wave soaks until its soak time has passed, then is judged at once', () => {
    expect(gateState(rollout('PT10M'), 1, at(599))).toMatchObject({ state: 'soaking', text: 'Soaking; gate open' });
    expect(gateState(rollout('PT10M'), 1, at(600))).toMatchObject({ state: 'open', text: 'Soak over; gate judged at once' });
  });

  it('says a waived gate soaks only when there is soak time left', () => {
    expect(gateState(rollout('PT0S', { waived_wave: 1 }), 1, at(5))).toMatchObject({ state: 'waived', text: 'Gate waived' });
    expect(gateState(rollout('PT10M', { waived_wave: 1 }), 1, at(5))).toMatchObject({ state: 'waived', text: 'Gate waived; soaking' });
    expect(gateState(rollout('PT10M', { waived_wave: 1 }), 1, at(900)).text).toBe('Gate waived');
  });

  it('reads ISO 8601 soak times in seconds', () => {
    expect(durationSeconds('PT0S')).toBe(0);
    expect(durationSeconds('PT10M')).toBe(600);
    expect(durationSeconds('P1DT1H0.5S')).toBe(90_000.5);
    expect(durationSeconds(undefined)).toBeNull();
    expect(durationSeconds('soon')).toBeNull();
  });
});
