import { type ApiClient, call } from '../core/api/api-client';
import type { components } from '../core/api/schema';
import { inChunks, mapWithLimit } from './concurrency';

export type DeviceView = components['schemas']['DeviceView'];

/** What `GET /v1/devices?device_ids=…` takes at once (the API refuses more with a 400). */
export const MAX_IDS_A_REQUEST = 200;
/** Many-ids requests in flight at once (a bulk change's 1,000 devices: five requests, three at a time). */
export const PARALLEL_CHUNKS = 3;

/**
 * The devices of the caller's organization among `ids`, by id, decommissioned ones included: one
 * `GET /v1/devices?device_ids=…` per 200 ids (so a screen naming the devices it shows asks once,
 * not once per device). An id of no device is simply absent; none asked, nothing read.
 */
export async function readDevicesByIds(client: ApiClient, ids: readonly string[]): Promise<Map<string, DeviceView>> {
  const pages = await mapWithLimit(inChunks([...new Set(ids)], MAX_IDS_A_REQUEST), PARALLEL_CHUNKS, (device_ids) =>
    call(client.api.GET('/v1/devices', { params: { query: { device_ids, include_decommissioned: true, limit: MAX_IDS_A_REQUEST } } })),
  );
  return new Map(pages.flatMap((page) => page.items).map((device) => [device.id, device]));
}
