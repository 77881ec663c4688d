import { Injectable, inject, signal } from '@angular/core';

import { ApiClient, call } from '../../core/api/api-client';

/** At most this many pages of rules (100 each) are read for names. */
const MAX_PAGES = 10;

/**
 * The names of the rules alarms refer to (an alarm carries only its rule's id). Provided by each
 * alarm screen, so a screen reads the organization's rules once (`GET /v1/rules`, page by page)
 * and again only when an alarm of a rule it has not seen appears; a rule it cannot find (deleted
 * since) is shown by its id.
 */
@Injectable()
export class RuleNamesService {
  private readonly client = inject(ApiClient);
  private readonly names = signal<ReadonlyMap<string, string>>(new Map());
  private readonly asked = new Set<string>();
  private reading = false;

  /** The rule's name once known, else its id; reading a name is a signal read. */
  nameOf(id: string): string {
    return this.names().get(id) ?? id;
  }

  /** Reads the rules when one of these ids is new to this screen (one read at a time). */
  learn(ids: Iterable<string>): void {
    const fresh = [...new Set(ids)].filter((id) => !this.asked.has(id) && !this.names().has(id));
    if (!fresh.length || this.reading) return;
    for (const id of fresh) this.asked.add(id);
    this.reading = true;
    void this.readAll().finally(() => (this.reading = false));
  }

  private async readAll(): Promise<void> {
    const found = new Map<string, string>();
    let cursor: string | undefined;
    try {
      for (let page = 0; page < MAX_PAGES; page++) {
        const answer = await call(this.client.api.GET('/v1/rules', { params: { query: { limit: 100, cursor } } }));
        for (const rule of answer.items) found.set(rule.id, rule.name);
        if (!answer.next_cursor) break;
        cursor = answer.next_cursor;
      }
    } catch {
      // names are a nicety: the ids stay on screen
    }
    if (found.size) this.names.set(found);
  }
}
