import { DEFAULT_DRAFT, fieldOfPath, toRolloutRequest } from './rollout-form';

describe('start-a-rollout form', () => {
  const draft = { ...DEFAULT_DRAFT, releaseId: 'rel-0123456789abcdef01234567', groups: 'north, south', tags: 'beta', deviceIds: 'd0123456789abcdef0123' };

  it('builds the request with the gate in the API’s units', () => {
    expect(toRolloutRequest(draft).body).toEqual({
      release_id: 'rel-0123456789abcdef01234567',
      target: { groups: ['north', 'south'], tags: ['beta'], device_ids: ['d0123456789abcdef0123'] },
      plan: { percents: [1, 10, 50, 100] },
      gate: { max_failure_rate: 0.05, min_success_rate: 0.9, min_success_count: 1, soak_time: 'PT600S', on_breach: 'halt' },
    });
    expect(toRolloutRequest({ ...draft, planKind: 'sizes', plan: '2, 8', soakMinutes: '0', onBreach: 'cancel' }).body).toMatchObject({
      plan: { sizes: [2, 8] },
      gate: { soak_time: 'PT0S', on_breach: 'cancel' },
    });
  });

  it('wants a release and a target', () => {
    expect(toRolloutRequest(DEFAULT_DRAFT).errors).toEqual({ releaseId: 'Choose a release.', target: 'Target at least one group, tag or device.' });
  });

  it('names each wrong field', () => {
    const { errors } = toRolloutRequest({ ...draft, groups: 'no/slash', deviceIds: 'X', plan: '10', maxFailurePercent: '150', minSuccessPercent: '', minSuccessCount: '-1', soakMinutes: 'soon' });
    expect(Object.keys(errors ?? {}).sort()).toEqual(['deviceIds', 'maxFailurePercent', 'minSuccessCount', 'minSuccessPercent', 'plan', 'soakMinutes', 'target']);
  });

  it('places the API’s field reasons at the form’s fields', () => {
    expect(fieldOfPath('target.device_ids.0')).toBe('deviceIds');
    expect(fieldOfPath('target')).toBe('target');
    expect(fieldOfPath('plan.percents')).toBe('plan');
    expect(fieldOfPath('gate.soak_time')).toBe('soakMinutes');
    expect(fieldOfPath('v')).toBeNull();
  });
});
