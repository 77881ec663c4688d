import type { components } from '../../core/api/schema';
import { parseList } from '../../shared/parse-list';
import type { Severity } from './alarms';

export type SubscriptionSpec = components['schemas']['SubscriptionSpec'];
export type SubscriptionView = components['schemas']['SubscriptionView'];
export type ChannelType = components['schemas']['ChannelType'];

export interface SubscriptionForm {
  name: string;
  channel: ChannelType;
  /** The webhook's or Slack's URL, or the e-mail address. */
  target: string;
  minSeverity: Severity;
  deviceIds: string;
  groups: string;
  tags: string;
  ruleIds: string;
  quiet: boolean;
  quietStart: string;
  quietEnd: string;
  timeZone: string;
  criticalBypasses: boolean;
  digestMinutes: string;
  /** Who hears it: the caller (`me`), or, for an operator, a team or another user by id. */
  subscriberKind: 'me' | 'team' | 'user';
  subscriberId: string;
}

export function emptySubscriptionForm(timeZone = 'UTC'): SubscriptionForm {
  return {
    name: '',
    channel: 'in_app',
    target: '',
    minSeverity: 'warning',
    deviceIds: '',
    groups: '',
    tags: '',
    ruleIds: '',
    quiet: false,
    quietStart: '22:00',
    quietEnd: '07:00',
    timeZone,
    criticalBypasses: true,
    digestMinutes: '',
    subscriberKind: 'me',
    subscriberId: '',
  };
}

/** The subscription as POST /v1/subscriptions takes it; empty filters mean any, blank digest none. */
export function subscriptionSpec(form: SubscriptionForm): SubscriptionSpec {
  const target = form.target.trim();
  const channel: SubscriptionSpec['channel'] =
    form.channel === 'email' ? { type: 'email', to: target } : form.channel === 'in_app' ? { type: 'in_app' } : { type: form.channel, url: target };
  const filter: NonNullable<SubscriptionSpec['filter']> = { min_severity: form.minSeverity };
  const lists = { device_ids: form.deviceIds, groups: form.groups, tags: form.tags, rule_ids: form.ruleIds } as const;
  for (const [key, text] of Object.entries(lists)) {
    const values = parseList(text);
    if (values.length) filter[key as keyof typeof lists] = values;
  }
  const spec: SubscriptionSpec = { name: form.name.trim(), channel, filter };
  if (form.quiet) {
    spec.quiet_hours = { start: form.quietStart, end: form.quietEnd, time_zone: form.timeZone.trim(), critical_bypasses: form.criticalBypasses };
  }
  const every = Number(form.digestMinutes);
  if (form.digestMinutes.trim() && Number.isFinite(every)) spec.digest = { every_minutes: every };
  if (form.subscriberKind !== 'me' && form.subscriberId.trim()) spec.subscriber = { kind: form.subscriberKind, id: form.subscriberId.trim() };
  return spec;
}

/** A subscription as PUT /v1/subscriptions/{id} replaces it, enabled or not (the channel's type and secret stay). */
export function specFromView(view: SubscriptionView, enabled: boolean): SubscriptionSpec {
  return {
    name: view.name,
    channel: view.channel,
    filter: view.filter,
    quiet_hours: view.quiet_hours,
    digest: view.digest,
    subscriber: view.subscriber,
    enabled,
  };
}

/** A line saying where a subscription delivers. */
export function channelText(channel: SubscriptionView['channel']): string {
  switch (channel.type) {
    case 'email':
      return `e-mail to ${channel.to}`;
    case 'in_app':
      return 'in-app inbox';
    default:
      return `${channel.type} ${channel.url}`;
  }
}

/** A subscription's filter in words: `warning and worse · devices a, b · tags roof`. */
export function filterText(filter: SubscriptionView['filter']): string {
  const parts = [`${filter.min_severity ?? 'info'} and worse`];
  if (filter.device_ids?.length) parts.push(`devices ${filter.device_ids.join(', ')}`);
  if (filter.groups?.length) parts.push(`groups ${filter.groups.join(', ')}`);
  if (filter.tags?.length) parts.push(`tags ${filter.tags.join(', ')}`);
  if (filter.rule_ids?.length) parts.push(`rules ${filter.rule_ids.join(', ')}`);
  if (filter.kinds?.length) parts.push(`only ${filter.kinds.join(', ')}`);
  return parts.join(' · ');
}
