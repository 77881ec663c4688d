import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { Router } from '@angular/router';

import { AlarmListComponent } from './alarm-list.component';
import { InboxComponent } from './inbox.component';
import { RuleListComponent } from './rule-list.component';
import { SilencesComponent } from './silences.component';
import { SubscriptionsComponent } from './subscriptions.component';

type View = 'active' | 'history' | 'rules' | 'subscriptions' | 'silences' | 'inbox';

const VIEWS: readonly { readonly value: View; readonly label: string }[] = [
  { value: 'active', label: 'Active alarms' },
  { value: 'history', label: 'History' },
  { value: 'rules', label: 'Rules' },
  { value: 'subscriptions', label: 'Subscriptions' },
  { value: 'silences', label: 'Silences' },
  { value: 'inbox', label: 'Inbox' },
];

/** The Alerts module: one tab whose view (`?view=`) is active alarms, history, rules, subscriptions, silences or the inbox. */
@Component({
  selector: 'app-alerts',
  imports: [AlarmListComponent, RuleListComponent, SubscriptionsComponent, SilencesComponent, InboxComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './alerts.css',
  template: `
    <h1>Alerts</h1>
    <nav aria-label="Alerts views">
      <ul class="views">
        @for (v of views; track v.value) {
          <li>
            <button type="button" [attr.aria-current]="v.value === current() ? 'page' : null" (click)="show(v.value)">{{ v.label }}</button>
          </li>
        }
      </ul>
    </nav>
    @switch (current()) {
      @case ('active') {
        <app-alarm-list mode="open" [severity]="severity()" [device]="device()" [rule]="rule()" />
      }
      @case ('history') {
        <app-alarm-list mode="history" [severity]="severity()" [device]="device()" [rule]="rule()" [status]="status()" [range]="range()" />
      }
      @case ('rules') {
        <app-rule-list />
      }
      @case ('subscriptions') {
        <app-subscriptions />
      }
      @case ('silences') {
        <app-silences />
      }
      @case ('inbox') {
        <app-inbox />
      }
    }
  `,
})
export class AlertsComponent {
  private readonly router = inject(Router);

  /** The tab's state in its query parameters: the view and the alarm filters. */
  readonly view = input<string | undefined>();
  readonly severity = input<string | undefined>();
  readonly device = input<string | undefined>();
  readonly rule = input<string | undefined>();
  readonly status = input<string | undefined>();
  readonly range = input<string | undefined>();

  protected readonly views = VIEWS;
  protected readonly current = computed<View>(() => VIEWS.find((v) => v.value === this.view())?.value ?? 'active');

  protected show(view: View): void {
    void this.router.navigate([], { queryParams: { view: view === 'active' ? null : view }, queryParamsHandling: 'merge', replaceUrl: true });
  }
}
