import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { Router, RouterLink } from '@angular/router';

import { ApiClient, call } from '../../core/api/api-client';
import { AuthService } from '../../core/auth/auth.service';
import { IfRoleDirective } from '../../core/auth/if-role.directive';
import { BadgeComponent } from '../../shared/badge.component';
import { DataTableComponent, TableCellDirective } from '../../shared/data-table/data-table.component';
import type { Column } from '../../shared/data-table/table-state';
import { EmptyStateComponent } from '../../shared/empty-state.component';
import { ErrorStateComponent } from '../../shared/error-state.component';
import { DEVICE_STATUSES, type Device, type DeviceStatus, when } from './devices';

type Load = { state: 'loading' } | { state: 'ready' } | { state: 'failed'; error: unknown };

/** The fleet: searched by name prefix and status on the server, then sorted, filtered and paged here;
 * operators select devices for a bulk change (`/devices/bulk?ids=`). */
@Component({
  selector: 'app-device-list',
  imports: [RouterLink, DataTableComponent, TableCellDirective, BadgeComponent, EmptyStateComponent, ErrorStateComponent, IfRoleDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './device-list.component.html',
  styles: `
    .head { display: flex; align-items: baseline; gap: 1rem; flex-wrap: wrap; }
    .search { display: flex; gap: 0.75rem; align-items: end; flex-wrap: wrap; margin: 0.5rem 0 1rem; }
    .search div { display: flex; flex-direction: column; gap: 0.2rem; }
    .more { margin-top: 0.75rem; }
    .search a:not(.button) { margin-bottom: 0.45rem; }
    .button { border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 6px; padding: 0.4rem 0.8rem; text-decoration: none; font-weight: 600; }
  `,
})
export class DeviceListComponent {
  private readonly client = inject(ApiClient);
  private readonly router = inject(Router);
  protected readonly auth = inject(AuthService);

  /** The search, kept in the URL (`?q=&status=`) so the tab keeps it over a reload. */
  readonly q = input<string | undefined>();
  readonly status = input<string | undefined>();

  protected readonly statuses = DEVICE_STATUSES;
  protected readonly devices = signal<readonly Device[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly load = signal<Load>({ state: 'loading' });

  protected readonly columns: readonly Column<Device>[] = [
    { key: 'name', label: 'Name', value: (d) => d.name, sortable: true, link: (d) => `/devices/${d.id}` },
    { key: 'id', label: 'Id', value: (d) => d.id, sortable: true },
    { key: 'device_type', label: 'Type', value: (d) => d.device_type, sortable: true },
    { key: 'status', label: 'Status', value: (d) => d.status, sortable: true },
    { key: 'firmware_version', label: 'Firmware', value: (d) => d.firmware_version, sortable: true },
    { key: 'last_seen', label: 'Last seen', value: (d) => d.last_seen, sortable: true },
  ];
  protected readonly trackById = (d: Device) => d.id;
  protected readonly nameOf = (d: Device) => d.name;
  /** Operators pick devices here for a bulk configuration change or command. */
  protected readonly canChange = computed(() => this.auth.hasRole('operator'));
  protected readonly selected = signal<ReadonlySet<unknown>>(new Set());
  protected readonly bulkQuery = computed(() => (this.selected().size ? { ids: [...this.selected()].join(',') } : {}));
  protected readonly when = when;

  constructor() {
    effect(() => {
      const q = this.q();
      const status = this.status();
      untracked(() => void this.fetch(q, status, null));
    });
  }

  protected search(q: string, status: string): void {
    void this.router.navigate([], {
      queryParams: { q: q.trim() || null, status: status || null },
      queryParamsHandling: 'merge',
      replaceUrl: true,
    });
  }

  protected more(): void {
    void this.fetch(this.q(), this.status(), this.nextCursor());
  }

  protected retry(): void {
    void this.fetch(this.q(), this.status(), null);
  }

  private async fetch(q: string | undefined, status: string | undefined, cursor: string | null): Promise<void> {
    if (!cursor) this.load.set({ state: 'loading' });
    try {
      const page = await call(
        this.client.api.GET('/v1/devices', {
          params: {
            query: {
              name_prefix: q || undefined,
              status: status ? [status as DeviceStatus] : undefined,
              sort: 'name',
              limit: 200,
              cursor: cursor ?? undefined,
            },
          },
        }),
      );
      this.devices.update((before) => (cursor ? [...before, ...page.items] : page.items));
      if (!cursor) this.selected.set(new Set());
      this.nextCursor.set(page.next_cursor ?? null);
      this.load.set({ state: 'ready' });
    } catch (error) {
      this.load.set({ state: 'failed', error });
    }
  }
}
