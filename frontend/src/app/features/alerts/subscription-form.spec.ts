import { channelText, emptySubscriptionForm, filterText, subscriptionSpec } from './subscription-form';

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

  it('describes a channel and a filter in words', () => {
    expect(channelText({ type: 'slack', url: 'https://s' })).toBe('slack https://s');
    expect(channelText({ type: 'email', to: 'a@b' })).toBe('e-mail to a@b');
    expect(filterText({ min_severity: 'major', groups: ['g1'], kinds: ['raised'] })).toBe('major and worse · groups g1 · only raised');
  });
});
