import { ChangeDetectionStrategy, Component, ElementRef, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { Router } from '@angular/router';

import { ApiClient, call } from '../../core/api/api-client';
import { AuthService } from '../../core/auth/auth.service';
import { TabManager } from '../../core/tabs/tab-manager.service';
import { DataTableComponent, TableCellDirective } from '../../shared/data-table/data-table.component';
import type { Column } from '../../shared/data-table/table-state';
import { EmptyStateComponent } from '../../shared/empty-state.component';
import { ErrorStateComponent } from '../../shared/error-state.component';
import { pollWhileOnScreen } from '../../shared/poll';
import { type TimeRangeValue, rangeFromParam, rangeToParam, resolveRange } from '../../shared/time-range';
import { TimeRangePickerComponent } from '../../shared/time-range-picker.component';
import { BadgeComponent } from '../../shared/badge.component';
import { AlarmActionsService } from './alarm-actions.service';
import { RuleNamesService } from './alarm-names.service';
import { DeviceNamesService } from './device-names.service';
import { type Alarm, SEVERITIES, type Severity, alarmActions, formatNumber, severityRank, severityTone, since, stateBadges } from './alarms';

type Load = { state: 'loading' } | { state: 'ready' } | { state: 'failed'; error: unknown };
type HistoryStatus = 'cleared' | 'any';

const HISTORY_RANGE = '30d';

/**
 * Open alarms (refreshed every 5 s while on screen) or the history of cleared ones raised in a time
 * range (the last 30 days unless `?range=` says otherwise), filtered by severity, device and rule
 * on the server; an operator acknowledges and clears from the row.
 */
@Component({
  selector: 'app-alarm-list',
  imports: [DataTableComponent, TableCellDirective, TimeRangePickerComponent, BadgeComponent, EmptyStateComponent, ErrorStateComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [RuleNamesService],
  styleUrl: './alerts.css',
  template: `
    <form class="filters" role="search" [attr.aria-label]="mode() === 'open' ? 'Filter active alarms' : 'Filter alarm history'" (submit)="$event.preventDefault(); apply(sev.value, dev.value, rul.value)">
      @if (mode() === 'history') {
        <div>
          <label [for]="id + '-status'">Status</label>
          <select [id]="id + '-status'" (change)="setHistoryStatus($any($event.target).value)">
            <option value="cleared" [selected]="historyStatus() === 'cleared'">Cleared</option>
            <option value="any" [selected]="historyStatus() === 'any'">Any</option>
          </select>
        </div>
        <app-time-range-picker [value]="rangeValue()" (valueChange)="setRange($event)" />
      }
      <div>
        <label [for]="id + '-severity'">Severity</label>
        <select [id]="id + '-severity'" #sev (change)="apply(sev.value, dev.value, rul.value)">
          <option value="">Any</option>
          @for (s of severities; track s) {
            <option [value]="s" [selected]="s === severity()">{{ s }}</option>
          }
        </select>
      </div>
      <div>
        <label [for]="id + '-device'">Device id</label>
        <input [id]="id + '-device'" #dev type="search" [value]="device() ?? ''" autocomplete="off" />
      </div>
      <div>
        <label [for]="id + '-rule'">Rule id</label>
        <input [id]="id + '-rule'" #rul type="search" [value]="rule() ?? ''" autocomplete="off" />
      </div>
      <button type="submit">Apply</button>
      @if (mode() === 'open') {
        <span class="muted" aria-live="off">Refreshed every 5 s · {{ updatedAt() }}</span>
      }
    </form>

    @switch (load().state) {
      @case ('loading') {
        <p role="status">Loading alarms…</p>
      }
      @case ('failed') {
        <app-error-state [error]="$any(load()).error" (retry)="reload()" />
      }
      @default {
        @if (alarms().length === 0) {
          <app-empty-state
            [title]="mode() === 'open' ? 'No open alarms' : 'No alarms in the history'"
            [detail]="filtered() ? 'Nothing matches these filters.' : mode() === 'open' ? 'Every rule is quiet.' : 'Cleared alarms raised in this time range are listed here.'"
          />
        } @else {
          <app-data-table [caption]="mode() === 'open' ? 'Active alarms' : 'Alarm history'" filterLabel="Filter these alarms" [rows]="alarms()" [columns]="columns()" [trackBy]="trackById">
            <ng-template appCell="severity" let-row>
              <app-badge [label]="$any(row).severity" [tone]="tone($any(row).severity)" />
            </ng-template>
            <ng-template appCell="state" let-row>
              <span class="badges">
                @for (b of badges($any(row)); track b.label) {
                  <app-badge [label]="b.label" [tone]="b.tone" />
                }
              </span>
            </ng-template>
            <ng-template appCell="device" let-row>
              <a [href]="'/devices/' + $any(row).device_id" (click)="$event.preventDefault(); openTab('/devices/' + $any(row).device_id)">{{ deviceName($any(row).device_id) }}</a>
            </ng-template>
            <ng-template appCell="rule" let-row>
              <a [href]="'/alerts/rules/' + $any(row).rule_id" (click)="$event.preventDefault(); openTab('/alerts/rules/' + $any(row).rule_id)">{{ ruleName($any(row).rule_id) }}</a>
              <small class="muted"> {{ $any(row).metric }}</small>
            </ng-template>
            <ng-template appCell="since" let-row>
              <time [attr.datetime]="$any(row).raised_at" [title]="when($any(row).raised_at)">{{ ago($any(row).raised_at) }}</time>
            </ng-template>
            <ng-template appCell="actions" let-row>
              @let can = allowed($any(row));
              <span class="row-actions">
                <button type="button" (click)="openTab('/alerts/alarms/' + $any(row).id)" [attr.aria-label]="'Details of ' + label($any(row))">Details</button>
                @if (can.acknowledge) {
                  <button type="button" [disabled]="busy() === $any(row).id" (click)="ack($any(row))" [attr.aria-label]="'Acknowledge ' + label($any(row))">Acknowledge</button>
                }
                @if (can.clear) {
                  <button type="button" [disabled]="busy() === $any(row).id" (click)="clear($any(row))" [attr.aria-label]="'Clear ' + label($any(row))">Clear</button>
                }
              </span>
            </ng-template>
          </app-data-table>
          @if (nextCursor()) {
            <button type="button" class="more" (click)="more()">Load more alarms</button>
          }
        }
      }
    }
  `,
})
export class AlarmListComponent {
  private readonly client = inject(ApiClient);
  private readonly router = inject(Router);
  private readonly tabs = inject(TabManager);
  private readonly actions = inject(AlarmActionsService);
  private readonly auth = inject(AuthService);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly names = inject(DeviceNamesService);
  private readonly rules = inject(RuleNamesService);

  readonly mode = input.required<'open' | 'history'>();
  readonly severity = input<string | undefined>();
  readonly device = input<string | undefined>();
  readonly rule = input<string | undefined>();
  /** The history's status filter (`?status=any`; cleared ones by default). */
  readonly status = input<string | undefined>();
  /** The history's raise range (`?range=7d` or `<start>_<end>`; the last 30 days by default). */
  readonly range = input<string | undefined>();

  protected readonly id = `alarms-${Math.random().toString(36).slice(2, 8)}`;
  protected readonly severities = SEVERITIES;
  protected readonly alarms = signal<readonly Alarm[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly load = signal<Load>({ state: 'loading' });
  protected readonly busy = signal<string | null>(null);
  protected readonly updatedAt = signal('');
  protected readonly historyStatus = computed<HistoryStatus>(() => (this.status() === 'any' ? 'any' : 'cleared'));
  protected readonly rangeValue = computed(() => rangeFromParam(this.range(), HISTORY_RANGE));
  protected readonly filtered = computed(() => Boolean(this.severity() || this.device() || this.rule()));
  protected readonly trackById = (a: Alarm) => a.id;
  protected readonly tone = severityTone;
  protected readonly badges = stateBadges;

  protected readonly columns = computed<readonly Column<Alarm>[]>(() => [
    { key: 'severity', label: 'Severity', value: (a) => severityRank(a.severity), sortable: true },
    { key: 'state', label: 'State', value: (a) => `${a.status}${a.flapping ? ' flapping' : ''}`, sortable: true },
    { key: 'device', label: 'Device', value: (a) => `${this.names.nameOf(a.device_id)} ${a.device_id}`, sortable: true },
    { key: 'rule', label: 'Rule, metric', value: (a) => `${this.rules.nameOf(a.rule_id)} ${a.metric}`, sortable: true },
    { key: 'value', label: 'Last value', value: (a) => formatNumber(a.last_value) },
    { key: 'since', label: this.mode() === 'open' ? 'Since' : 'Raised', value: (a) => a.raised_at, sortable: true },
    { key: 'assignee', label: 'Assignee', value: (a) => a.assignee ?? '—' },
    { key: 'actions', label: 'Actions', value: () => '' },
  ]);

  constructor() {
    effect((onCleanup) => {
      const args = [this.mode(), this.severity(), this.device(), this.rule(), this.historyStatus(), this.rangeValue()] as const;
      untracked(() => void this.fetch(null));
      if (args[0] !== 'open') return;
      onCleanup(pollWhileOnScreen(this.host, 5_000, () => this.fetch(null, true)));
    });
  }

  protected when(iso: string): string {
    return new Date(iso).toLocaleString();
  }

  protected ago(iso: string): string {
    return since(iso);
  }

  protected deviceName(id: string): string {
    return this.names.nameOf(id);
  }

  protected ruleName(id: string): string {
    return this.rules.nameOf(id);
  }

  protected label(alarm: Alarm): string {
    return `alarm ${alarm.rule_id} on ${alarm.device_id}`;
  }

  protected allowed(alarm: Alarm) {
    return alarmActions(alarm, this.auth.role());
  }

  protected apply(severity: string, device: string, rule: string): void {
    void this.router.navigate([], {
      queryParams: { severity: severity || null, device: device.trim() || null, rule: rule.trim() || null },
      queryParamsHandling: 'merge',
      replaceUrl: true,
    });
  }

  protected setHistoryStatus(status: HistoryStatus): void {
    void this.router.navigate([], { queryParams: { status: status === 'any' ? 'any' : null }, queryParamsHandling: 'merge', replaceUrl: true });
  }

  protected setRange(value: TimeRangeValue): void {
    const param = rangeToParam(value);
    void this.router.navigate([], { queryParams: { range: param === HISTORY_RANGE ? null : param }, queryParamsHandling: 'merge', replaceUrl: true });
  }

  protected openTab(url: string): void {
    void this.tabs.open(url);
  }

  protected async ack(alarm: Alarm): Promise<void> {
    this.busy.set(alarm.id);
    if (await this.actions.acknowledge(alarm.id)) await this.fetch(null, true);
    this.busy.set(null);
  }

  protected async clear(alarm: Alarm): Promise<void> {
    this.busy.set(alarm.id);
    if (await this.actions.clear(alarm.id)) await this.fetch(null, true);
    this.busy.set(null);
  }

  protected reload(): void {
    void this.fetch(null);
  }

  protected more(): void {
    void this.fetch(this.nextCursor());
  }

  private async fetch(cursor: string | null, quiet = false): Promise<void> {
    if (!cursor && !quiet) this.load.set({ state: 'loading' });
    const range = this.mode() === 'history' ? resolveRange(this.rangeValue()) : null;
    try {
      const page = await call(
        this.client.api.GET('/v1/alarms', {
          params: {
            query: {
              status: this.mode() === 'open' ? 'open' : this.historyStatus(),
              severity: (this.severity() as Severity) || undefined,
              device_id: this.device() || undefined,
              rule_id: this.rule() || undefined,
              raised_after: range?.start.toISOString(),
              raised_before: range?.end.toISOString(),
              limit: 100,
              cursor: cursor ?? undefined,
            },
          },
        }),
      );
      this.alarms.update((before) => (cursor ? [...before, ...page.items] : page.items));
      this.names.learn(page.items.map((a) => a.device_id));
      this.rules.learn(page.items.map((a) => a.rule_id));
      this.nextCursor.set(page.next_cursor ?? null);
      this.load.set({ state: 'ready' });
      this.updatedAt.set(new Date().toLocaleTimeString());
    } catch (error) {
      if (!quiet || this.load().state !== 'ready') this.load.set({ state: 'failed', error });
    }
  }
}
