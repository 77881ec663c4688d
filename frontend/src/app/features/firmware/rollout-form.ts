import { parseTarget } from '../devices/device-target';
import { type RolloutRequest, minutesToDuration, parsePlan } from './firmware';

/** The start-a-rollout form as typed. */
export interface RolloutDraft {
  readonly releaseId: string;
  readonly groups: string;
  readonly tags: string;
  readonly deviceIds: string;
  readonly planKind: 'percents' | 'sizes';
  readonly plan: string;
  readonly maxFailurePercent: string;
  readonly minSuccessPercent: string;
  readonly minSuccessCount: string;
  readonly soakMinutes: string;
  readonly onBreach: 'halt' | 'cancel';
}

export const DEFAULT_DRAFT: RolloutDraft = {
  releaseId: '',
  groups: '',
  tags: '',
  deviceIds: '',
  planKind: 'percents',
  plan: '1, 10, 50, 100',
  maxFailurePercent: '5',
  minSuccessPercent: '90',
  minSuccessCount: '1',
  soakMinutes: '10',
  onBreach: 'halt',
};

export type RolloutErrors = Partial<Record<keyof RolloutDraft | 'target', string>>;

/** The request for a draft, or the problem of each wrong field. */
export function toRolloutRequest(draft: RolloutDraft): { body: RolloutRequest; errors: null } | { body: null; errors: RolloutErrors } {
  const { target, errors: targetErrors } = parseTarget(draft);
  const errors: RolloutErrors = { ...targetErrors };
  if (!draft.releaseId) errors.releaseId = 'Choose a release.';
  const plan = parsePlan(draft.plan, draft.planKind);
  if (plan.error) errors.plan = plan.error;
  const percent = (text: string, field: keyof RolloutDraft) => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100) errors[field] = 'A percentage from 0 to 100.';
    return n / 100;
  };
  const maxFailure = percent(draft.maxFailurePercent, 'maxFailurePercent');
  const minSuccess = percent(draft.minSuccessPercent, 'minSuccessPercent');
  const count = Number(draft.minSuccessCount);
  if (!Number.isInteger(count) || count < 0) errors.minSuccessCount = 'A whole number, 0 or more.';
  const soak = Number(draft.soakMinutes);
  if (draft.soakMinutes.trim() === '' || !Number.isFinite(soak) || soak < 0) errors.soakMinutes = 'Minutes, 0 or more.';
  if (Object.keys(errors).length || !plan.plan) return { body: null, errors };
  return {
    body: {
      release_id: draft.releaseId,
      target,
      plan: plan.plan,
      gate: {
        max_failure_rate: maxFailure,
        min_success_rate: minSuccess,
        min_success_count: count,
        soak_time: minutesToDuration(soak),
        on_breach: draft.onBreach,
      },
    },
    errors: null,
  };
}

/** Which form field an API field path (`target.groups.0`, `gate.max_failure_rate`) belongs to. */
export function fieldOfPath(path: string): keyof RolloutErrors | null {
  if (path.startsWith('release_id')) return 'releaseId';
  if (path.startsWith('target.device_ids')) return 'deviceIds';
  if (path.startsWith('target')) return 'target';
  if (path.startsWith('plan')) return 'plan';
  if (path.startsWith('gate.max_failure_rate')) return 'maxFailurePercent';
  if (path.startsWith('gate.min_success_rate')) return 'minSuccessPercent';
  if (path.startsWith('gate.min_success_count')) return 'minSuccessCount';
  if (path.startsWith('gate.soak_time')) return 'soakMinutes';
  return null;
}
