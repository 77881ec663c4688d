import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, computed, inject, signal } from '@angular/core';

import { ApiClient, call } from '../../core/api/api-client';
import type { components } from '../../core/api/schema';
import { TabManager } from '../../core/tabs/tab-manager.service';
import { EmptyStateComponent } from '../../shared/empty-state.component';
import { ErrorStateComponent } from '../../shared/error-state.component';
import { pollWhileOnScreen } from '../../shared/poll';
import { BadgeComponent } from '../../shared/badge.component';
import { describeTransition, severityTone } from './alarms';
import { DeviceNamesService } from './device-names.service';

type InboxItem = components['schemas']['InboxItem'];
type Load = { state: 'loading' } | { state: 'ready' } | { state: 'failed'; error: unknown };

/** The signed-in user's in-app notifications, newest first, unread ones marked; refreshed every 10 s on screen. */
@Component({
  selector: 'app-inbox',
  imports: [EmptyStateComponent, ErrorStateComponent, BadgeComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './alerts.css',
  template: `
    <div class="filters">
      <span role="status">{{ unread() }} unread of {{ items().length }}</span>
      <label><input type="checkbox" [checked]="unreadOnly()" (change)="unreadOnly.set($any($event.target).checked); fetch()" /> Unread only</label>
    </div>
    @switch (load().state) {
      @case ('loading') {
        <p role="status">Loading the inbox…</p>
      }
      @case ('failed') {
        <app-error-state [error]="$any(load()).error" (retry)="fetch()" />
      }
      @default {
        @if (items().length === 0) {
          <app-empty-state title="The inbox is empty" detail="An in-app subscription brings alarm notifications here." />
        } @else {
          <ul class="timeline" aria-label="Notifications">
            @for (n of items(); track n.id) {
              @let t = n.item.transition;
              <li class="card" style="margin: 0" [class.unread]="!n.read_at">
                @if (!n.read_at) { <app-badge label="new" tone="info" /> }
                <app-badge [label]="t.severity" [tone]="tone(t.severity)" />
                <strong>{{ n.item.rule_name }}</strong> on {{ names.nameOf(t.device_id) }} ({{ t.metric }}): {{ describe(t) }}
                <time class="muted" [attr.datetime]="t.at"> · {{ when(t.at) }}</time>
                <div class="row-actions" style="margin-top: 0.35rem">
                  <button type="button" (click)="open(n)">Open alarm</button>
                  @if (!n.read_at) {
                    <button type="button" (click)="markRead(n)" [attr.aria-label]="'Mark read: ' + n.item.rule_name + ' on ' + t.device_id">Mark read</button>
                  }
                </div>
              </li>
            }
          </ul>
        }
      }
    }
  `,
  styles: `
    .unread { border-left: 4px solid var(--accent); }
  `,
})
export class InboxComponent {
  private readonly client = inject(ApiClient);
  private readonly tabs = inject(TabManager);
  protected readonly names = inject(DeviceNamesService);

  protected readonly items = signal<readonly InboxItem[]>([]);
  protected readonly load = signal<Load>({ state: 'loading' });
  protected readonly unreadOnly = signal(false);
  protected readonly unread = computed(() => this.items().filter((n) => !n.read_at).length);
  protected readonly tone = severityTone;
  protected readonly describe = describeTransition;

  constructor() {
    void this.fetch();
    const stop = pollWhileOnScreen(inject<ElementRef<HTMLElement>>(ElementRef), 10_000, () => this.fetch(true));
    inject(DestroyRef).onDestroy(stop);
  }

  protected when(iso: string): string {
    return new Date(iso).toLocaleString();
  }

  protected async open(n: InboxItem): Promise<void> {
    if (!n.read_at) await this.markRead(n);
    await this.tabs.open(`/alerts/alarms/${n.item.transition.alarm_id}`);
  }

  protected async markRead(n: InboxItem): Promise<void> {
    try {
      const read = await call(this.client.api.POST('/v1/inbox/{item_id}/read', { params: { path: { item_id: n.id } } }));
      this.items.update((all) => all.map((i) => (i.id === read.id ? read : i)));
    } catch {
      // the list shows it unread still; the next refresh tells
    }
  }

  protected async fetch(quiet = false): Promise<void> {
    try {
      const page = await call(this.client.api.GET('/v1/inbox', { params: { query: { unread_only: this.unreadOnly(), limit: 100 } } }));
      this.items.set(page.items);
      this.names.learn(page.items.map((n) => n.item.transition.device_id));
      this.load.set({ state: 'ready' });
    } catch (error) {
      if (!quiet || this.load().state !== 'ready') this.load.set({ state: 'failed', error });
    }
  }
}
