import { ChangeDetectionStrategy, Component, inject, signal, viewChild } from '@angular/core';

import { ApiClient, call } from '../../core/api/api-client';
import { AuthService } from '../../core/auth/auth.service';
import { IfRoleDirective } from '../../core/auth/if-role.directive';
import { NotificationService } from '../../core/errors/notification.service';
import { ConfirmDialogComponent } from '../../shared/confirm-dialog.component';
import { EmptyStateComponent } from '../../shared/empty-state.component';
import { ErrorStateComponent } from '../../shared/error-state.component';
import { BadgeComponent } from '../../shared/badge.component';
import { SEVERITIES } from './alarms';
import { problemLine } from './problem-line';
import { type SubscriptionForm, type SubscriptionView, channelText, emptySubscriptionForm, filterText, specFromView, subscriptionSpec } from './subscription-form';

type Load = { state: 'loading' } | { state: 'ready' } | { state: 'failed'; error: unknown };

/**
 * Who hears about which alarms over which channel: your subscriptions (an operator sees the
 * organization's), a form for a new one (webhook, Slack, e-mail, in-app; filters, quiet hours,
 * digest), and unsubscribing. Anyone may subscribe themselves.
 */
@Component({
  selector: 'app-subscriptions',
  imports: [EmptyStateComponent, ErrorStateComponent, BadgeComponent, ConfirmDialogComponent, IfRoleDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './alerts.css',
  template: `
    @switch (load().state) {
      @case ('loading') {
        <p role="status">Loading subscriptions…</p>
      }
      @case ('failed') {
        <app-error-state [error]="$any(load()).error" (retry)="fetch()" />
      }
      @default {
        @if (items().length === 0) {
          <app-empty-state title="No subscriptions" detail="Subscribe below to hear about alarms by webhook, Slack, e-mail or in the inbox." />
        } @else {
          <ul class="timeline" aria-label="Subscriptions">
            @for (s of items(); track s.id) {
              <li class="card" style="margin: 0">
                <strong>{{ s.name }}</strong>
                <app-badge [label]="s.enabled ? 'enabled' : 'disabled'" [tone]="s.enabled ? 'ok' : 'muted'" />
                <span class="muted"> {{ s.subscriber.kind }} {{ s.subscriber.id }}</span>
                <div>{{ channel(s.channel) }}</div>
                <div class="muted">{{ filter(s.filter) }}
                  @if (s.quiet_hours; as q) { · quiet {{ q.start }}–{{ q.end }} {{ q.time_zone }}{{ q.critical_bypasses ? ' (critical bypasses)' : '' }} }
                  @if (s.digest; as d) { · digest every {{ d.every_minutes }} min }
                </div>
                <div class="row-actions" style="margin-top: 0.35rem">
                  <button type="button" (click)="toggle(s)" [attr.aria-label]="(s.enabled ? 'Pause ' : 'Resume ') + s.name">{{ s.enabled ? 'Pause' : 'Resume' }}</button>
                  <button type="button" (click)="remove(s)" [attr.aria-label]="'Unsubscribe ' + s.name">Unsubscribe</button>
                </div>
              </li>
            }
          </ul>
        }
      }
    }

    @if (secret(); as shown) {
      <section class="card" role="status" style="margin-top: 1rem">
        <h2>Webhook signing secret, shown this once</h2>
        <p>Verify the X-IoTSphere-Signature header with it: <code>{{ shown }}</code></p>
        <button type="button" (click)="secret.set(null)">I have stored it</button>
      </section>
    }

    <form class="card" style="margin-top: 1rem" (submit)="$event.preventDefault(); create()" aria-labelledby="sub-new">
      <h2 id="sub-new">New subscription</h2>
      @if (problem(); as p) {
        <div class="field-error" role="alert">
          {{ p.title }}@if (p.detail) {: {{ p.detail }}}
        </div>
      }
      @let f = form();
      <div class="form-grid">
        <div class="field">
          <label for="sub-name">Name</label>
          <input id="sub-name" [value]="f.name" (input)="patch('name', $any($event.target).value)" autocomplete="off" required />
        </div>
        <div class="field">
          <label for="sub-channel">Channel</label>
          <select id="sub-channel" (change)="patch('channel', $any($event.target).value)">
            <option value="in_app" [selected]="f.channel === 'in_app'">In-app inbox</option>
            <option value="email" [selected]="f.channel === 'email'">E-mail</option>
            <option value="webhook" [selected]="f.channel === 'webhook'">Webhook</option>
            <option value="slack" [selected]="f.channel === 'slack'">Slack</option>
          </select>
        </div>
        @if (f.channel !== 'in_app') {
          <div class="field">
            <label for="sub-target">{{ f.channel === 'email' ? 'E-mail address' : 'URL' }}</label>
            <input id="sub-target" [type]="f.channel === 'email' ? 'email' : 'url'" [value]="f.target" (input)="patch('target', $any($event.target).value)" autocomplete="off" />
          </div>
        }
        <div class="field">
          <label for="sub-severity">Severity at least</label>
          <select id="sub-severity" (change)="patch('minSeverity', $any($event.target).value)">
            @for (s of severities; track s) {
              <option [value]="s" [selected]="s === f.minSeverity">{{ s }}</option>
            }
          </select>
        </div>
        <div class="field">
          <label for="sub-devices">Devices (ids, blank: any)</label>
          <input id="sub-devices" [value]="f.deviceIds" (input)="patch('deviceIds', $any($event.target).value)" autocomplete="off" />
        </div>
        <div class="field">
          <label for="sub-groups">Groups</label>
          <input id="sub-groups" [value]="f.groups" (input)="patch('groups', $any($event.target).value)" autocomplete="off" />
        </div>
        <div class="field">
          <label for="sub-tags">Tags</label>
          <input id="sub-tags" [value]="f.tags" (input)="patch('tags', $any($event.target).value)" autocomplete="off" />
        </div>
        <div class="field">
          <label for="sub-rules">Rules (ids)</label>
          <input id="sub-rules" [value]="f.ruleIds" (input)="patch('ruleIds', $any($event.target).value)" autocomplete="off" />
        </div>
        <div class="field" *appIfRole="'operator'">
          <label for="sub-who">For</label>
          <select id="sub-who" (change)="patch('subscriberKind', $any($event.target).value)">
            <option value="me" [selected]="f.subscriberKind === 'me'">me</option>
            <option value="team" [selected]="f.subscriberKind === 'team'">a team</option>
            <option value="user" [selected]="f.subscriberKind === 'user'">another user</option>
          </select>
        </div>
        @if (f.subscriberKind !== 'me') {
          <div class="field">
            <label for="sub-who-id">{{ f.subscriberKind === 'team' ? 'Team id' : 'User id' }}</label>
            <input id="sub-who-id" [value]="f.subscriberId" (input)="patch('subscriberId', $any($event.target).value)" autocomplete="off" />
          </div>
        }
        <div class="field">
          <label for="sub-digest">Digest every (minutes, blank: each at once)</label>
          <input id="sub-digest" inputmode="numeric" [value]="f.digestMinutes" (input)="patch('digestMinutes', $any($event.target).value)" />
        </div>
      </div>
      <div class="form-grid" style="margin-top: 0.75rem">
        <label><input type="checkbox" [checked]="f.quiet" (change)="patch('quiet', $any($event.target).checked)" /> Quiet hours</label>
        @if (f.quiet) {
          <div class="field">
            <label for="sub-quiet-start">From</label>
            <input id="sub-quiet-start" type="time" [value]="f.quietStart" (change)="patch('quietStart', $any($event.target).value)" />
          </div>
          <div class="field">
            <label for="sub-quiet-end">Until</label>
            <input id="sub-quiet-end" type="time" [value]="f.quietEnd" (change)="patch('quietEnd', $any($event.target).value)" />
          </div>
          <div class="field">
            <label for="sub-tz">Time zone</label>
            <input id="sub-tz" [value]="f.timeZone" (input)="patch('timeZone', $any($event.target).value)" autocomplete="off" />
          </div>
          <label><input type="checkbox" [checked]="f.criticalBypasses" (change)="patch('criticalBypasses', $any($event.target).checked)" /> Critical alarms still come through</label>
        }
      </div>
      <div class="form-actions">
        <button type="submit" class="primary" [disabled]="saving()">Subscribe</button>
      </div>
    </form>
    <app-confirm-dialog />
  `,
})
export class SubscriptionsComponent {
  private readonly client = inject(ApiClient);
  private readonly notices = inject(NotificationService);
  protected readonly auth = inject(AuthService);
  private readonly confirm = viewChild.required(ConfirmDialogComponent);

  protected readonly items = signal<readonly SubscriptionView[]>([]);
  protected readonly load = signal<Load>({ state: 'loading' });
  protected readonly form = signal<SubscriptionForm>(emptySubscriptionForm(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'));
  protected readonly saving = signal(false);
  protected readonly problem = signal<{ title: string; detail: string } | null>(null);
  protected readonly secret = signal<string | null>(null);
  protected readonly severities = SEVERITIES;
  protected readonly channel = channelText;
  protected readonly filter = filterText;

  constructor() {
    void this.fetch();
  }

  protected patch<K extends keyof SubscriptionForm>(field: K, value: SubscriptionForm[K]): void {
    this.form.update((f) => ({ ...f, [field]: value }));
  }

  protected async create(): Promise<void> {
    this.saving.set(true);
    this.problem.set(null);
    try {
      const created = await call(this.client.api.POST('/v1/subscriptions', { body: subscriptionSpec(this.form()) }));
      this.secret.set(created.secret ?? null);
      this.notices.info('Subscribed', created.subscription.name);
      this.form.set(emptySubscriptionForm(this.form().timeZone));
      await this.fetch();
    } catch (error) {
      this.problem.set(problemLine(error));
    } finally {
      this.saving.set(false);
    }
  }

  protected async toggle(s: SubscriptionView): Promise<void> {
    this.problem.set(null);
    try {
      await call(
        this.client.api.PUT('/v1/subscriptions/{subscription_id}', { params: { path: { subscription_id: s.id } }, body: specFromView(s, !s.enabled) }),
      );
      await this.fetch();
    } catch (error) {
      this.problem.set(problemLine(error));
    }
  }

  protected async remove(s: SubscriptionView): Promise<void> {
    const yes = await this.confirm().ask({ title: `Unsubscribe ${s.name}?`, detail: 'Notifications it still holds are skipped.', action: 'Unsubscribe', danger: true });
    if (!yes) return;
    try {
      await call(this.client.api.DELETE('/v1/subscriptions/{subscription_id}', { params: { path: { subscription_id: s.id } } }));
      await this.fetch();
    } catch (error) {
      this.problem.set(problemLine(error));
    }
  }

  protected async fetch(): Promise<void> {
    try {
      const page = await call(this.client.api.GET('/v1/subscriptions'));
      this.items.set(page.items);
      this.load.set({ state: 'ready' });
    } catch (error) {
      this.load.set({ state: 'failed', error });
    }
  }
}
