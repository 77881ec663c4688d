import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';

import { ApiClient, call } from '../../core/api/api-client';
import { IfRoleDirective } from '../../core/auth/if-role.directive';
import { TabManager } from '../../core/tabs/tab-manager.service';
import { DataTableComponent, TableCellDirective } from '../../shared/data-table/data-table.component';
import type { Column } from '../../shared/data-table/table-state';
import { EmptyStateComponent } from '../../shared/empty-state.component';
import { ErrorStateComponent } from '../../shared/error-state.component';
import { BadgeComponent } from '../../shared/badge.component';
import { severityRank, severityTone } from './alarms';
import type { Rule } from './rule-form';

type Load = { state: 'loading' } | { state: 'ready' } | { state: 'failed'; error: unknown };

/** The organization's rules; each opens in the rule editor (its own tab). */
@Component({
  selector: 'app-rule-list',
  imports: [DataTableComponent, TableCellDirective, BadgeComponent, EmptyStateComponent, ErrorStateComponent, IfRoleDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './alerts.css',
  template: `
    <div class="filters">
      <button type="button" class="primary" *appIfRole="'operator'" (click)="open('new')">New rule</button>
    </div>
    @switch (load().state) {
      @case ('loading') {
        <p role="status">Loading rules…</p>
      }
      @case ('failed') {
        <app-error-state [error]="$any(load()).error" (retry)="fetch(null)" />
      }
      @default {
        @if (rules().length === 0) {
          <app-empty-state title="No rules yet" detail="A rule watches a metric of some devices and raises an alarm when its condition holds." />
        } @else {
          <app-data-table caption="Rules" filterLabel="Filter rules" [rows]="rules()" [columns]="columns" [trackBy]="trackById">
            <ng-template appCell="name" let-row>
              <a [href]="'/alerts/rules/' + $any(row).id" (click)="$event.preventDefault(); open($any(row).id)">{{ $any(row).name }}</a>
            </ng-template>
            <ng-template appCell="severity" let-row>
              <app-badge [label]="$any(row).severity" [tone]="tone($any(row).severity)" />
            </ng-template>
            <ng-template appCell="enabled" let-row>
              <app-badge [label]="$any(row).enabled === false ? 'disabled' : 'enabled'" [tone]="$any(row).enabled === false ? 'muted' : 'ok'" />
            </ng-template>
          </app-data-table>
          @if (nextCursor()) {
            <button type="button" class="more" (click)="fetch(nextCursor())">Load more rules</button>
          }
        }
      }
    }
  `,
})
export class RuleListComponent {
  private readonly client = inject(ApiClient);
  private readonly tabs = inject(TabManager);

  protected readonly rules = signal<readonly Rule[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly load = signal<Load>({ state: 'loading' });
  protected readonly tone = severityTone;
  protected readonly trackById = (r: Rule) => r.id;
  protected readonly columns: readonly Column<Rule>[] = [
    { key: 'name', label: 'Name', value: (r) => r.name, sortable: true },
    { key: 'id', label: 'Id', value: (r) => r.id, sortable: true },
    { key: 'scope', label: 'Scope', value: (r) => (r.scope.kind === 'all' ? 'all devices' : `${r.scope.kind.replace('_', ' ')} ${r.scope.value ?? ''}`), sortable: true },
    { key: 'metric', label: 'Metric', value: (r) => r.metric, sortable: true },
    { key: 'condition', label: 'Condition', value: (r) => r.condition.type.replace('_', ' '), sortable: true },
    { key: 'severity', label: 'Severity', value: (r) => severityRank(r.severity), sortable: true },
    { key: 'enabled', label: 'Enabled', value: (r) => (r.enabled === false ? 'disabled' : 'enabled'), sortable: true },
  ];

  constructor() {
    void this.fetch(null);
  }

  protected open(id: string): void {
    void this.tabs.open(`/alerts/rules/${encodeURIComponent(id)}`);
  }

  protected async fetch(cursor: string | null): Promise<void> {
    if (!cursor) this.load.set({ state: 'loading' });
    try {
      const page = await call(this.client.api.GET('/v1/rules', { params: { query: { limit: 100, cursor: cursor ?? undefined } } }));
      this.rules.update((before) => (cursor ? [...before, ...page.items] : page.items));
      this.nextCursor.set(page.next_cursor ?? null);
      this.load.set({ state: 'ready' });
    } catch (error) {
      this.load.set({ state: 'failed', error });
    }
  }
}
