import { type SubscriptionView, channelText, emptySubscriptionForm, filterText, specFromView, subscriptionSpec } from './subscription-form';

describe('subscription form', () => {
  it('writes an in-app subscription with only its severity filter', () => {
    expect(subscriptionSpec({ ...emptySubscriptionForm(), name: ' Mine ' })).toEqual({ name: 'Mine', channel: { type: 'in_app' }, filter: { min_severity: 'warning' } });
  });

  it('writes a webhook with filters, quiet hours and a digest', () => {
    const spec = subscriptionSpec({
      ...emptySubscriptionForm('Europe/Berlin'),
      name: 'Ops',
      channel: 'webhook',
      target: ' https://hooks.example.com/x ',
      minSeverity: 'major',
      deviceIds: 'a, b',
      tags: 'roof',
      quiet: true,
      digestMinutes: '15',
    });
    expect(spec).toEqual({
      name: 'Ops',
      channel: { type: 'webhook', url: 'https://hooks.example.com/x' },
      filter: { min_severity: 'major', device_ids: ['a', 'b'], tags: ['roof'] },
      quiet_hours: { start: '22:00', end: '07:00', time_zone: 'Europe/Berlin', critical_bypasses: true },
      digest: { every_minutes: 15 },
    });
    expect(subscriptionSpec({ ...emptySubscriptionForm(), channel: 'email', target: 'ops@example.com' }).channel).toEqual({ type: 'email', to: 'ops@example.com' });
  });

  it('subscribes a team or another user when an operator names one', () => {
    expect(subscriptionSpec({ ...emptySubscriptionForm(), name: 'Night shift', subscriberKind: 'team', subscriberId: ' night ' }).subscriber).toEqual({ kind: 'team', id: 'night' });
    expect(subscriptionSpec({ ...emptySubscriptionForm(), name: 'x', subscriberKind: 'user', subscriberId: '' })).not.toHaveProperty('subscriber');
  });

  it('replaces a subscription as it is, enabled or disabled', () => {
    const view = {
      id: 's1', name: 'Ops', channel: { type: 'webhook', url: 'https://h' }, filter: { min_severity: 'major' }, quiet_hours: null, digest: { every_minutes: 5 },
      subscriber: { kind: 'team', id: 'ops' }, enabled: true, signed: true, created_at: '', created_by: 'u', updated_at: '',
    } as SubscriptionView;
    expect(specFromView(view, false)).toEqual({
      name: 'Ops', channel: { type: 'webhook', url: 'https://h' }, filter: { min_severity: 'major' }, quiet_hours: null, digest: { every_minutes: 5 },
      subscriber: { kind: 'team', id: 'ops' }, enabled: false,
    });
  });

  it('describes a channel and a filter in words', () => {
    expect(channelText({ type: 'slack', url: 'https://s' })).toBe('slack https://s');
    expect(channelText({ type: 'email', to: 'a@b' })).toBe('e-mail to a@b');
    expect(filterText({ min_severity: 'major', groups: ['g1'], kinds: ['raised'] })).toBe('major and worse · groups g1 · only raised');
  });
});
