import {
  type Rollout,
  durationText,
  formatBytes,
  gateState,
  isLive,
  minutesToDuration,
  parsePlan,
  rolloutActions,
  summarizeWave,
  targetText,
} from './firmware';

const rollout = (over: Partial<Rollout>): Rollout =>
  ({ rollout_id: 'ro-1', state: 'running', wave: 1, waived_wave: null, wave_ends: [2, 20, 100], ...over }) as Rollout;

describe('rollout progress', () => {
  it('sums a wave into succeeded, failed, in progress and pending', () => {
    const s = summarizeWave({ wave: 1, size: 18, devices: { healthy: 9, failed: 1, rolled_back: 1, offered: 2, downloading: 1, installed: 1, pending: 3 } });
    expect(s).toMatchObject({ targeted: 18, succeeded: 9, failed: 2, inProgress: 4, pending: 3 });
    expect(s.percent).toEqual({ succeeded: 50, failed: 11.1, inProgress: 22.2, pending: 16.7 });
  });

  it('counts devices of a wave not offered yet as pending', () => {
    expect(summarizeWave({ wave: 2, size: 80, devices: {} })).toMatchObject({ targeted: 80, pending: 80, succeeded: 0 });
    expect(summarizeWave({ wave: 0, size: 0, devices: {} }).percent.pending).toBe(0);
  });

  it('tells where each wave’s gate stands', () => {
    expect(gateState(rollout({}), 0).state).toBe('passed');
    expect(gateState(rollout({}), 1).state).toBe('soaking');
    expect(gateState(rollout({}), 2).state).toBe('waiting');
    expect(gateState(rollout({ state: 'halted' }), 1)).toMatchObject({ state: 'breached', tone: 'danger' });
    expect(gateState(rollout({ state: 'paused' }), 1).state).toBe('paused');
    expect(gateState(rollout({ waived_wave: 1 }), 1).state).toBe('waived');
    expect(gateState(rollout({ waived_wave: 0 }), 0).state).toBe('waived');
    expect(gateState(rollout({ state: 'completed', wave: 2 }), 2).state).toBe('passed');
    expect(gateState(rollout({ state: 'cancelled' }), 2).text).toBe('Never started');
  });

  it('offers only the actions the state allows', () => {
    expect(rolloutActions('running')).toEqual({ pause: true, resume: false, cancel: true });
    expect(rolloutActions('paused')).toEqual({ pause: false, resume: true, cancel: true });
    expect(rolloutActions('halted')).toEqual({ pause: false, resume: true, cancel: true });
    expect(rolloutActions('completed')).toEqual({ pause: false, resume: false, cancel: false });
    expect(rolloutActions('cancelled')).toEqual({ pause: false, resume: false, cancel: false });
    expect(isLive('running')).toBe(true);
    expect(isLive('paused')).toBe(false);
  });

  it('reads a wave plan', () => {
    expect(parsePlan('1, 10, 50, 100', 'percents')).toEqual({ plan: { percents: [1, 10, 50, 100] }, error: null });
    expect(parsePlan('2 5', 'sizes')).toEqual({ plan: { sizes: [2, 5] }, error: null });
    expect(parsePlan('10, 50', 'percents').error).toBe('The last wave is 100 (every device).');
    expect(parsePlan('50, 10, 100', 'percents').error).toContain('cumulative');
    expect(parsePlan('1.5', 'sizes').error).toContain('whole');
    expect(parsePlan('', 'sizes').error).toBe('Give at least one wave.');
    expect(parsePlan('0, 100', 'percents').error).toContain('above 0');
  });

  it('formats sizes, durations and targets', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(16_384)).toBe('16 KiB');
    expect(formatBytes(1_572_864)).toBe('1.5 MiB');
    expect(minutesToDuration(10)).toBe('PT600S');
    expect(durationText('PT10M')).toBe('10 min');
    expect(durationText('PT600S')).toBe('10 min');
    expect(durationText('PT0S')).toBe('none');
    expect(durationText('P1D')).toBe('24 h');
    expect(targetText({ groups: ['north'], tags: [], device_ids: ['d1', 'd2'] })).toBe('groups north; 2 devices by id');
  });
});
