import { ChangeDetectionStrategy, Component, ElementRef, computed, effect, inject, input, signal, untracked } from '@angular/core';

import { ApiClient, call } from '../../core/api/api-client';
import type { components } from '../../core/api/schema';
import { AuthService } from '../../core/auth/auth.service';
import { TabManager } from '../../core/tabs/tab-manager.service';
import { ErrorStateComponent } from '../../shared/error-state.component';
import { pollWhileOnScreen } from '../../shared/poll';
import { BadgeComponent } from '../../shared/badge.component';
import { AlarmActionsService } from './alarm-actions.service';
import { RuleNamesService } from './alarm-names.service';
import { DeviceNamesService } from './device-names.service';
import { type AlarmDetail, type AlarmTransition, alarmActions, breachText, describeTransition, formatNumber, severityTone, stateBadges } from './alarms';

type User = components['schemas']['UserView'];
type Load = { state: 'loading' } | { state: 'ready'; alarm: AlarmDetail } | { state: 'failed'; error: unknown };

/** One alarm: what and where, its state, who has it, its comments and its latest transitions; operators act on it. */
@Component({
  selector: 'app-alarm-detail',
  imports: [ErrorStateComponent, BadgeComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [RuleNamesService],
  styleUrl: './alerts.css',
  template: `
    @switch (load().state) {
      @case ('loading') {
        <p role="status">Loading alarm…</p>
      }
      @case ('failed') {
        <app-error-state [error]="$any(load()).error" (retry)="reload()" />
      }
      @case ('ready') {
        @let alarm = $any(load()).alarm;
        @let can = allowed(alarm);
        <div class="head">
          <h1>Alarm {{ ruleName(alarm.rule_id) }} on {{ deviceName(alarm.device_id) }}</h1>
          <app-badge [label]="alarm.severity" [tone]="tone(alarm.severity)" />
          @for (b of badges(alarm); track b.label) {
            <app-badge [label]="b.label" [tone]="b.tone" />
          }
        </div>
        @if (can.acknowledge || can.clear) {
          <div class="form-actions" style="margin: 0 0 1rem">
            @if (can.acknowledge) {
              <button type="button" class="primary" [disabled]="busy()" (click)="ack()">Acknowledge</button>
            }
            @if (can.clear) {
              <button type="button" [disabled]="busy()" (click)="clear()">Clear by hand</button>
            }
          </div>
        }
        <div class="form-grid" style="grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr))">
          <section class="card" aria-labelledby="al-about">
            <h2 id="al-about">About</h2>
            <dl>
              <dt>Device</dt>
              <dd><a [href]="'/devices/' + alarm.device_id" (click)="$event.preventDefault(); openTab('/devices/' + alarm.device_id)">{{ deviceName(alarm.device_id) }}</a>
                @if (deviceName(alarm.device_id) !== alarm.device_id) {
                  <code class="secondary-id"> {{ alarm.device_id }}</code>
                }
              </dd>
              <dt>Rule</dt>
              <dd><a [href]="'/alerts/rules/' + alarm.rule_id" (click)="$event.preventDefault(); openTab('/alerts/rules/' + alarm.rule_id)">{{ ruleName(alarm.rule_id) }}</a></dd>
              <dt>Metric</dt><dd>{{ alarm.metric }}</dd>
              <dt>Last value</dt><dd>{{ number(alarm.last_value) }} <small class="muted">at {{ when(alarm.last_at) }}</small></dd>
              <dt>Raised</dt><dd>{{ when(alarm.raised_at) }}</dd>
              <dt>Cleared</dt><dd>{{ when(alarm.cleared_at) }}</dd>
              <dt>Episode</dt><dd>{{ alarm.episode ?? 1 }}</dd>
              <dt>In breach</dt><dd>{{ breach(alarm.count) }}</dd>
              <dt>Acknowledged</dt><dd>{{ alarm.acknowledged ? 'by ' + userName(alarm.acknowledged_by) + ' at ' + when(alarm.acknowledged_at) : 'no' }}</dd>
              <dt>Escalation</dt><dd>step {{ alarm.escalation_level ?? 0 }}</dd>
              <dt>Assignee</dt><dd>{{ alarm.assignee ? userName(alarm.assignee) : 'nobody' }}</dd>
            </dl>
            @if (can.assign) {
              <form class="filters" style="margin-top: 0.75rem" (submit)="$event.preventDefault(); assign(who.value)">
                <div>
                  <label for="al-assignee">Assign to</label>
                  <select id="al-assignee" #who>
                    <option value="">Nobody</option>
                    @for (u of users(); track u.id) {
                      <option [value]="u.id" [selected]="u.id === alarm.assignee">{{ u.display_name || u.email }} ({{ u.role }})</option>
                    }
                  </select>
                </div>
                <button type="submit" [disabled]="busy()">Assign</button>
              </form>
            }
          </section>
          <section class="card" aria-labelledby="al-comments">
            <h2 id="al-comments">Comments</h2>
            @if (alarm.comments?.length) {
              <ol class="timeline">
                @for (c of alarm.comments; track $index) {
                  <li><time [attr.datetime]="c.at">{{ when(c.at) }}</time><strong>{{ userName(c.by) }}</strong>: {{ c.text }}</li>
                }
              </ol>
            } @else {
              <p class="muted">No comments yet.</p>
            }
            @if (can.comment) {
              <form style="margin-top: 0.75rem" (submit)="$event.preventDefault(); comment(text)">
                <label for="al-comment">Add a comment</label>
                <textarea id="al-comment" #text rows="3" maxlength="2000"></textarea>
                <div class="form-actions" style="margin-top: 0.4rem"><button type="submit" [disabled]="busy()">Comment</button></div>
              </form>
            }
          </section>
        </div>
        <section class="card" aria-labelledby="al-history">
          <h2 id="al-history">History</h2>
          @if (alarm.transitions === null) {
            <p class="muted">The history could not be read just now; it comes back with the next refresh.</p>
          } @else if (alarm.transitions.length) {
            <ol class="timeline">
              @for (t of alarm.transitions; track t.key) {
                <li>
                  <time [attr.datetime]="t.at">{{ when(t.at) }}</time>
                  <app-badge [label]="t.status" [tone]="t.status === 'active' ? 'danger' : t.status === 'acknowledged' ? 'warn' : 'ok'" />
                  {{ describe(t) }}
                </li>
              }
            </ol>
          } @else {
            <p class="muted">No transitions recorded.</p>
          }
        </section>
      }
    }
  `,
})
export class AlarmDetailComponent {
  private readonly client = inject(ApiClient);
  private readonly auth = inject(AuthService);
  private readonly tabs = inject(TabManager);
  private readonly actions = inject(AlarmActionsService);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly devices = inject(DeviceNamesService);
  private readonly rules = inject(RuleNamesService);

  readonly id = input.required<string>();

  protected readonly load = signal<Load>({ state: 'loading' });
  protected readonly users = signal<readonly User[]>([]);
  protected readonly busy = signal(false);
  protected readonly tone = severityTone;
  protected readonly badges = stateBadges;
  protected readonly number = formatNumber;
  protected readonly breach = breachText;
  private readonly names = computed(() => new Map(this.users().map((u) => [u.id, u.display_name || u.email])));

  constructor() {
    effect((onCleanup) => {
      const id = this.id();
      untracked(() => void this.fetch(id));
      onCleanup(pollWhileOnScreen(this.host, 5_000, () => this.fetch(id, true)));
    });
    void this.fetchUsers();
  }

  protected allowed(alarm: AlarmDetail) {
    return alarmActions(alarm, this.auth.role());
  }

  protected when(iso: string | null | undefined): string {
    return iso ? new Date(iso).toLocaleString() : '—';
  }

  protected deviceName(id: string): string {
    return this.devices.nameOf(id);
  }

  protected ruleName(id: string): string {
    return this.rules.nameOf(id);
  }

  protected describe(transition: AlarmTransition): string {
    return describeTransition(transition, (id) => this.userName(id));
  }

  protected userName(id: string | null | undefined): string {
    return id ? (this.names().get(id) ?? id) : '—';
  }

  protected openTab(url: string): void {
    void this.tabs.open(url);
  }

  protected reload(): void {
    void this.fetch(this.id());
  }

  protected ack(): Promise<void> {
    return this.act(() => this.actions.acknowledge(this.id()));
  }

  protected clear(): Promise<void> {
    return this.act(() => this.actions.clear(this.id()));
  }

  protected assign(userId: string): Promise<void> {
    return this.act(() => this.actions.assign(this.id(), userId || null));
  }

  protected async comment(field: HTMLTextAreaElement): Promise<void> {
    const text = field.value.trim();
    if (!text) return;
    await this.act(async () => {
      const done = await this.actions.comment(this.id(), text);
      if (done) field.value = '';
      return done;
    });
  }

  private async act(action: () => Promise<unknown>): Promise<void> {
    this.busy.set(true);
    try {
      if (await action()) await this.fetch(this.id(), true);
    } finally {
      this.busy.set(false);
    }
  }

  private async fetch(id: string, quiet = false): Promise<void> {
    if (!quiet) this.load.set({ state: 'loading' });
    try {
      const alarm = await call(this.client.api.GET('/v1/alarms/{alarm_id}', { params: { path: { alarm_id: id } } }));
      this.load.set({ state: 'ready', alarm });
      this.devices.learn([alarm.device_id]);
      this.rules.learn([alarm.rule_id]);
    } catch (error) {
      if (!quiet || this.load().state !== 'ready') this.load.set({ state: 'failed', error });
    }
  }

  /** The organization's people, to name them and to assign; the page works without them. */
  private async fetchUsers(): Promise<void> {
    try {
      const page = await call(this.client.api.GET('/v1/users', { params: { query: { limit: 100 } } }));
      this.users.set(page.items);
    } catch {
      this.users.set([]);
    }
  }
}
