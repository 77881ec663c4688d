import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';

import { ApiClient, call } from '../../core/api/api-client';
import type { components } from '../../core/api/schema';
import { AuthService } from '../../core/auth/auth.service';
import { IfRoleDirective } from '../../core/auth/if-role.directive';
import { DataTableComponent, TableCellDirective } from '../../shared/data-table/data-table.component';
import type { Column } from '../../shared/data-table/table-state';
import { EmptyStateComponent } from '../../shared/empty-state.component';
import { ErrorStateComponent } from '../../shared/error-state.component';
import { BadgeComponent } from '../../shared/badge.component';
import { problemLine } from './problem-line';

type Silence = components['schemas']['Silence'];
type Load = { state: 'loading' } | { state: 'ready' } | { state: 'failed'; error: unknown };

/** Silences and maintenance windows: alarms of a device, group or rule are recorded, nobody is notified. */
@Component({
  selector: 'app-silences',
  imports: [DataTableComponent, TableCellDirective, EmptyStateComponent, ErrorStateComponent, BadgeComponent, IfRoleDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './alerts.css',
  template: `
    <div class="filters">
      <label><input type="checkbox" [checked]="includeEnded()" (change)="includeEnded.set($any($event.target).checked); fetch()" /> Show ended silences</label>
    </div>
    @switch (load().state) {
      @case ('loading') {
        <p role="status">Loading silences…</p>
      }
      @case ('failed') {
        <app-error-state [error]="$any(load()).error" (retry)="fetch()" />
      }
      @default {
        @if (items().length === 0) {
          <app-empty-state title="No silences" detail="Silence a device, a group or a rule during maintenance: its alarms are recorded, nobody is notified." />
        } @else {
          <app-data-table caption="Silences" filterLabel="Filter silences" [rows]="items()" [columns]="columns()" [trackBy]="trackById">
            <ng-template appCell="state" let-row>
              <app-badge [label]="state($any(row))" [tone]="state($any(row)) === 'in force' ? 'warn' : 'muted'" />
            </ng-template>
            <ng-template appCell="actions" let-row>
              <button type="button" *appIfRole="'operator'" (click)="remove($any(row))" [attr.aria-label]="'End silence of ' + $any(row).kind + ' ' + $any(row).value">End now</button>
            </ng-template>
          </app-data-table>
        }
      }
    }
    <form class="card" style="margin-top: 1rem" *appIfRole="'operator'" (submit)="$event.preventDefault(); create(kind.value, value.value, starts.value, ends.value, reason.value)" aria-labelledby="sil-new">
      <h2 id="sil-new">New silence</h2>
      @if (problem(); as p) {
        <p class="field-error" role="alert">{{ p.title }}@if (p.detail) {: {{ p.detail }}}</p>
      }
      <div class="form-grid">
        <div class="field">
          <label for="sil-kind">Silence</label>
          <select id="sil-kind" #kind>
            <option value="device">a device</option>
            <option value="group">a group</option>
            <option value="rule">a rule</option>
          </select>
        </div>
        <div class="field">
          <label for="sil-value">Its id or name</label>
          <input id="sil-value" #value autocomplete="off" />
        </div>
        <div class="field">
          <label for="sil-start">From</label>
          <input id="sil-start" #starts type="datetime-local" [value]="defaultStart" />
        </div>
        <div class="field">
          <label for="sil-end">Until</label>
          <input id="sil-end" #ends type="datetime-local" [value]="defaultEnd" />
        </div>
        <div class="field">
          <label for="sil-reason">Reason</label>
          <input id="sil-reason" #reason maxlength="500" autocomplete="off" />
        </div>
      </div>
      <div class="form-actions"><button type="submit" class="primary" [disabled]="saving()">Silence</button></div>
    </form>
  `,
})
export class SilencesComponent {
  private readonly client = inject(ApiClient);
  protected readonly auth = inject(AuthService);

  protected readonly items = signal<readonly Silence[]>([]);
  protected readonly load = signal<Load>({ state: 'loading' });
  protected readonly includeEnded = signal(false);
  protected readonly saving = signal(false);
  protected readonly problem = signal<{ title: string; detail: string } | null>(null);
  protected readonly trackById = (s: Silence) => s.id;
  protected readonly defaultStart = localInput(new Date());
  protected readonly defaultEnd = localInput(new Date(Date.now() + 2 * 3_600_000));
  protected readonly columns = computed<readonly Column<Silence>[]>(() => [
    { key: 'kind', label: 'Silences', value: (s) => s.kind, sortable: true },
    { key: 'value', label: 'Which', value: (s) => s.value, sortable: true },
    { key: 'starts_at', label: 'From', value: (s) => new Date(s.starts_at).toLocaleString(), sortable: true },
    { key: 'ends_at', label: 'Until', value: (s) => new Date(s.ends_at).toLocaleString(), sortable: true },
    { key: 'state', label: 'State', value: (s) => this.state(s) },
    { key: 'reason', label: 'Reason', value: (s) => s.reason || '—' },
    { key: 'created_by', label: 'By', value: (s) => s.created_by || '—' },
    { key: 'actions', label: 'Actions', value: () => '' },
  ]);

  constructor() {
    void this.fetch();
  }

  protected state(s: Silence): string {
    const now = Date.now();
    if (Date.parse(s.ends_at) <= now) return 'ended';
    return Date.parse(s.starts_at) > now ? 'planned' : 'in force';
  }

  protected async create(kind: string, value: string, starts: string, ends: string, reason: string): Promise<void> {
    this.problem.set(null);
    if (!value.trim() || !starts || !ends) {
      this.problem.set({ title: 'Name what to silence and when', detail: '' });
      return;
    }
    this.saving.set(true);
    try {
      await call(
        this.client.api.POST('/v1/silences', {
          body: {
            kind: kind as Silence['kind'],
            value: value.trim(),
            starts_at: new Date(starts).toISOString(),
            ends_at: new Date(ends).toISOString(),
            reason: reason.trim(),
          },
        }),
      );
      await this.fetch();
    } catch (error) {
      this.problem.set(problemLine(error));
    } finally {
      this.saving.set(false);
    }
  }

  protected async remove(s: Silence): Promise<void> {
    try {
      await call(this.client.api.DELETE('/v1/silences/{silence_id}', { params: { path: { silence_id: s.id } } }));
      await this.fetch();
    } catch (error) {
      this.problem.set(problemLine(error));
    }
  }

  protected async fetch(): Promise<void> {
    try {
      const page = await call(this.client.api.GET('/v1/silences', { params: { query: { include_ended: this.includeEnded(), limit: 100 } } }));
      this.items.set(page.items);
      this.load.set({ state: 'ready' });
    } catch (error) {
      this.load.set({ state: 'failed', error });
    }
  }
}

function localInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
