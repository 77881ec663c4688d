import { Injectable, inject, signal } from '@angular/core';

import { ApiClient, call } from '../../core/api/api-client';

/**
 * Devices' names for screens that only hold their ids (alarms, inbox): each id is read once
 * (GET /v1/devices/{id}) and kept for the session; an id that cannot be read is shown as itself.
 */
@Injectable({ providedIn: 'root' })
export class DeviceNamesService {
  private readonly client = inject(ApiClient);
  private readonly names = signal<ReadonlyMap<string, string>>(new Map());
  private readonly asked = new Set<string>();

  /** The device's name once known, else its id; reading a name is a signal read. */
  nameOf(id: string): string {
    return this.names().get(id) ?? id;
  }

  /** Reads the names of the ids not asked for yet (at most 20 at a time). */
  learn(ids: Iterable<string>): void {
    const fresh = [...new Set(ids)].filter((id) => !this.asked.has(id)).slice(0, 20);
    for (const id of fresh) {
      this.asked.add(id);
      void call(this.client.api.GET('/v1/devices/{device_id}', { params: { path: { device_id: id } } }))
        .then((device) => this.names.update((all) => new Map(all).set(id, device.name)))
        .catch(() => undefined);
    }
  }
}
