import { ChangeDetectionStrategy, Component, ElementRef, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { Router, RouterLink } from '@angular/router';

import { ApiClient, call } from '../../core/api/api-client';
import { IfRoleDirective } from '../../core/auth/if-role.directive';
import { DataTableComponent, TableCellDirective } from '../../shared/data-table/data-table.component';
import type { Column } from '../../shared/data-table/table-state';
import { EmptyStateComponent } from '../../shared/empty-state.component';
import { ErrorStateComponent } from '../../shared/error-state.component';
import { pollWhileOnScreen } from '../../shared/poll';
import { BadgeComponent } from '../../shared/badge.component';
import { when } from '../devices/devices';
import { ROLLOUT_STATES, type Release, type Rollout, type RolloutState, formatBytes, isLive, rolloutTone } from './firmware';

type Load = { state: 'loading' } | { state: 'ready' } | { state: 'failed'; error: unknown };

/**
 * Firmware: the signed releases (by family) and the rollouts (by state), each a section kept in
 * the URL (`?view=rollouts&state=running`, `?family=`). The rollouts read again every 2 s while
 * one is running and the list is on screen.
 */
@Component({
  selector: 'app-firmware-home',
  imports: [RouterLink, DataTableComponent, TableCellDirective, EmptyStateComponent, ErrorStateComponent, BadgeComponent, IfRoleDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './firmware-home.component.html',
  styleUrls: ['../../shared/page.css', './firmware.css'],
})
export class FirmwareHomeComponent {
  private readonly client = inject(ApiClient);
  private readonly router = inject(Router);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);

  readonly view = input<string | undefined>();
  readonly family = input<string | undefined>();
  readonly state = input<string | undefined>();

  protected readonly section = computed<'releases' | 'rollouts'>(() => (this.view() === 'rollouts' ? 'rollouts' : 'releases'));
  protected readonly states = ROLLOUT_STATES;
  protected readonly releases = signal<readonly Release[]>([]);
  protected readonly releaseCursor = signal<string | null>(null);
  protected readonly rollouts = signal<readonly Rollout[]>([]);
  protected readonly rolloutCursor = signal<string | null>(null);
  protected readonly load = signal<Load>({ state: 'loading' });
  protected readonly anyRunning = computed(() => this.rollouts().some((r) => isLive(r.state)));
  protected readonly tone = rolloutTone;
  protected readonly when = when;

  protected readonly releaseColumns: readonly Column<Release>[] = [
    { key: 'version', label: 'Version', value: (r) => r.version, sortable: true, link: (r) => `/firmware/releases/${r.release_id}` },
    { key: 'family', label: 'Family', value: (r) => r.firmware_family, sortable: true },
    { key: 'size', label: 'Size', value: (r) => r.image_size, sortable: true },
    { key: 'sha256', label: 'SHA-256', value: (r) => r.image_sha256 },
    { key: 'created', label: 'Created', value: (r) => r.created_at, sortable: true },
    { key: 'signed', label: 'Signed', value: (r) => (r.signed.signature ? r.key_id : 'unsigned'), sortable: true },
    { key: 'expires', label: 'Expires', value: (r) => r.expires_at, sortable: true },
  ];
  protected readonly rolloutColumns: readonly Column<Rollout>[] = [
    { key: 'id', label: 'Rollout', value: (r) => r.rollout_id, link: (r) => `/firmware/rollouts/${r.rollout_id}` },
    { key: 'family', label: 'Family', value: (r) => r.firmware_family, sortable: true },
    { key: 'release', label: 'Release', value: (r) => r.release_id },
    { key: 'state', label: 'State', value: (r) => r.state, sortable: true },
    { key: 'wave', label: 'Wave', value: (r) => (r.wave ?? 0) + 1, sortable: true },
    { key: 'created', label: 'Started', value: (r) => r.created_at, sortable: true },
    { key: 'updated', label: 'Updated', value: (r) => r.updated_at, sortable: true },
  ];
  protected readonly releaseId = (r: Release) => r.release_id;
  protected readonly rolloutId = (r: Rollout) => r.rollout_id;
  protected readonly bytes = formatBytes;

  constructor() {
    effect((onCleanup) => {
      const [section, family, state] = [this.section(), this.family(), this.state()];
      untracked(() => void this.fetch(section, family, state, null));
      if (section !== 'rollouts') return;
      onCleanup(pollWhileOnScreen(this.host, 2_000, () => (this.anyRunning() ? this.fetch(section, family, state, null, true) : Promise.resolve())));
    });
  }

  protected show(view: 'releases' | 'rollouts'): void {
    this.setParams({ view: view === 'releases' ? null : view });
  }

  protected setParams(queryParams: Record<string, string | null>): void {
    void this.router.navigate([], { queryParams, queryParamsHandling: 'merge', replaceUrl: true });
  }

  protected retry(): void {
    void this.fetch(this.section(), this.family(), this.state(), null);
  }

  protected more(): void {
    const section = this.section();
    void this.fetch(section, this.family(), this.state(), section === 'releases' ? this.releaseCursor() : this.rolloutCursor());
  }

  private async fetch(section: 'releases' | 'rollouts', family: string | undefined, state: string | undefined, cursor: string | null, quiet = false): Promise<void> {
    if (!cursor && !quiet) this.load.set({ state: 'loading' });
    try {
      if (section === 'releases') {
        const page = await call(
          this.client.api.GET('/v1/firmware/releases', { params: { query: { firmware_family: family || undefined, cursor: cursor ?? undefined, limit: 100 } } }),
        );
        this.releases.update((before) => (cursor ? [...before, ...page.items] : page.items));
        this.releaseCursor.set(page.next_cursor ?? null);
      } else {
        const page = await call(
          this.client.api.GET('/v1/firmware/rollouts', {
            params: { query: { state: (state as RolloutState) || undefined, cursor: cursor ?? undefined, limit: 100 } },
          }),
        );
        this.rollouts.update((before) => (cursor ? [...before, ...page.items] : page.items));
        this.rolloutCursor.set(page.next_cursor ?? null);
      }
      this.load.set({ state: 'ready' });
    } catch (error) {
      if (!quiet) this.load.set({ state: 'failed', error });
    }
  }
}
