import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';

import { ApiClient, call } from '../core/api/api-client';
import { TabManager } from '../core/tabs/tab-manager.service';

/**
 * The signed-in user's unread in-app notifications (the inbox answer's `unread`), as a link to the
 * inbox in the header: read at start and every 30 s while the page is visible. Says nothing until
 * the first answer, when nothing is unread, or when the inbox cannot be read.
 */
@Component({
  selector: 'app-inbox-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (unread(); as n) {
      <a href="/alerts?view=inbox" class="inbox" (click)="$event.preventDefault(); open()" [attr.aria-label]="label(n)">
        Inbox <span class="count" aria-hidden="true">{{ n }}</span>
      </a>
    }
  `,
  styles: `
    .inbox { color: inherit; text-decoration: none; display: inline-flex; gap: 0.35rem; align-items: center; }
    .count { background: #b91c1c; color: #fff; border-radius: 999px; padding: 0 0.45rem; font-size: 0.8rem; font-weight: 700; }
  `,
})
export class InboxBadgeComponent {
  private readonly client = inject(ApiClient);
  private readonly tabs = inject(TabManager);
  protected readonly unread = signal(0);

  constructor() {
    void this.read();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void this.read();
    }, 30_000);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  protected label(n: number): string {
    return `Inbox, ${n} unread`;
  }

  protected open(): void {
    void this.tabs.open('/alerts?view=inbox');
  }

  private async read(): Promise<void> {
    try {
      const page = await call(this.client.api.GET('/v1/inbox', { params: { query: { unread_only: true, limit: 1 } } }));
      this.unread.set(page.unread);
    } catch {
      // the header stays as it was; the inbox screen shows the problem
    }
  }
}
