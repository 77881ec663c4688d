import type { components } from '../../core/api/schema';
import { parseList } from '../../shared/parse-list';

export type DeviceTarget = components['schemas']['DeviceTarget'];

/** A target as typed: lists separated by commas, spaces or new lines. */
export interface TargetDraft {
  readonly groups: string;
  readonly tags: string;
  readonly deviceIds: string;
}

export interface TargetErrors {
  /** Nothing targeted, or a group or tag that is no label. */
  target?: string;
  deviceIds?: string;
}

/** The API's bound on ids in one target (`MAX_TARGET_IDS`). */
export const MAX_TARGET_IDS = 1000;
const LABEL = /^[A-Za-z0-9][A-Za-z0-9_.:=-]{0,63}$/;
const DEVICE_ID = /^[a-z0-9][a-z0-9_-]{2,63}$/;

/**
 * The devices a rollout, a configuration change or a command reaches: those named by id, in any of
 * the groups or carrying any of the tags (the API takes the union), with what is wrong by field.
 */
export function parseTarget(draft: TargetDraft): { target: Required<DeviceTarget>; errors: TargetErrors } {
  const errors: TargetErrors = {};
  const groups = parseList(draft.groups);
  const tags = parseList(draft.tags);
  const deviceIds = parseList(draft.deviceIds);
  const badLabel = [...groups, ...tags].find((l) => !LABEL.test(l));
  if (badLabel) errors.target = `“${badLabel}” is no group or tag name.`;
  const badId = deviceIds.find((id) => !DEVICE_ID.test(id));
  if (badId) errors.deviceIds = `“${badId}” is no device id.`;
  else if (deviceIds.length > MAX_TARGET_IDS) errors.deviceIds = `At most ${MAX_TARGET_IDS} device ids (${deviceIds.length} given): target a group or tag instead.`;
  if (!groups.length && !tags.length && !deviceIds.length) errors.target = 'Target at least one group, tag or device.';
  return { target: { groups, tags, device_ids: deviceIds }, errors };
}
