import { mapWithLimit } from '../../shared/concurrency';
import type { Device } from './fleet-status';

/** The devices whose status changed last, newest first, and whether more follow. */
export interface RecentPage {
  readonly items: readonly Device[];
  readonly more: boolean;
}

/** A change stamped up to this long before the newest one seen may still arrive (clocks of API
 * instances differ a little): the recent page must reach this far back to be complete. */
const SKEW_MS = 30_000;
/** A rename changes no status, so names are read again this often. */
const NAMES_MS = 60_000;
const PARALLEL_READS = 6;

/**
 * Devices by id for a screen that refreshes often (fleet status): an id is read on its own once
 * (`GET /v1/devices/{id}`, a few at a time), and every later status change is learnt from one page
 * of the devices whose status changed last (`GET /v1/devices` sorted by `status_changed_at`). When
 * that page does not reach back past the newest change seen before, a change may lie beyond it and
 * every device is read again; so are all of them once a minute. A device that cannot be read is
 * left out (the screen shows its id). With no device wanted it asks nothing.
 */
export class DeviceDirectory {
  private known = new Map<string, Device>();
  private newestChange: number | null = null;
  private readAt: number;

  constructor(
    private readonly readOne: (id: string) => Promise<Device | null>,
    private readonly readRecent: () => Promise<RecentPage>,
    private readonly now: () => number = Date.now,
  ) {
    this.readAt = now();
  }

  async devices(ids: readonly string[]): Promise<Device[]> {
    if (!ids.length) return [];
    if (this.now() - this.readAt >= NAMES_MS) this.forget();
    const page = await this.readRecent();
    const oldest = page.items.at(-1);
    const reachesBack = !page.more || (oldest !== undefined && this.newestChange !== null && Date.parse(oldest.status_changed_at) < this.newestChange - SKEW_MS);
    if (this.newestChange !== null && !reachesBack) this.forget();
    const wanted = new Set(ids);
    for (const device of page.items) {
      if (wanted.has(device.id) || this.known.has(device.id)) this.known.set(device.id, device);
    }
    const newest = page.items[0];
    if (newest) this.newestChange = Math.max(this.newestChange ?? 0, Date.parse(newest.status_changed_at));
    const missing = ids.filter((id) => !this.known.has(id));
    const read = await mapWithLimit(missing, PARALLEL_READS, this.readOne);
    for (const device of read) if (device) this.known.set(device.id, device);
    return ids.map((id) => this.known.get(id)).filter((d): d is Device => d !== undefined);
  }

  private forget(): void {
    this.known = new Map();
    this.readAt = this.now();
  }
}
