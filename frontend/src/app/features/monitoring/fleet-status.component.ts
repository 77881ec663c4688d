import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, computed, inject, signal } from '@angular/core';

import { ApiClient, call } from '../../core/api/api-client';
import { TabManager } from '../../core/tabs/tab-manager.service';
import { EmptyStateComponent } from '../../shared/empty-state.component';
import { ErrorStateComponent } from '../../shared/error-state.component';
import { pollWhileOnScreen } from '../../shared/poll';
import { BadgeComponent } from '../../shared/badge.component';
import { type Alarm, severityTone, since } from '../alerts/alarms';
import { MAX_IDS_A_REQUEST, readDevicesByIds } from '../../shared/devices-by-id';
import { type Device, type FleetStatus, fleetStatus } from './fleet-status';

type Load = { state: 'loading' } | { state: 'ready'; status: FleetStatus } | { state: 'failed'; error: unknown };

/** Read at most per refresh: 1,000 open alarms, and the 200 worst alarming devices (one request) for their names. */
const ALARM_PAGES = 10;
const NAMED_DEVICES = MAX_IDS_A_REQUEST;

/**
 * The fleet at a glance: online, offline, alarming and never-seen devices, and the alarming
 * devices worst first (each opens as a tab); read again every 5 s while on screen. The worst 200
 * alarming devices' names and statuses are read in one request a refresh (`GET /v1/devices` with
 * their `device_ids`); none is asked for while no device is alarming.
 */
@Component({
  selector: 'app-fleet-status',
  imports: [EmptyStateComponent, ErrorStateComponent, BadgeComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="head">
      <h1>Fleet status</h1>
      <span class="muted">Refreshed every 5 s · {{ updatedAt() }}</span>
    </div>
    @switch (load().state) {
      @case ('loading') {
        <p role="status">Reading the fleet…</p>
      }
      @case ('failed') {
        <app-error-state [error]="$any(load()).error" (retry)="refresh()" />
      }
      @case ('ready') {
        @let s = status()!;
        <ul class="tiles" aria-label="Devices by state">
          <li class="tile ok"><a [href]="'/devices?status=online'" (click)="$event.preventDefault(); open('/devices?status=online')"><span class="n">{{ s.online }}</span> online</a></li>
          <li class="tile warn"><a [href]="'/devices?status=offline'" (click)="$event.preventDefault(); open('/devices?status=offline')"><span class="n">{{ s.offline }}</span> offline</a></li>
          <li class="tile danger"><a [href]="'/alerts'" (click)="$event.preventDefault(); open('/alerts')"><span class="n">{{ s.alarming }}</span> alarming</a></li>
          <li class="tile muted-tile"><span class="n">{{ s.neverSeen }}</span> never seen</li>
          <li class="tile"><a [href]="'/devices'" (click)="$event.preventDefault(); open('/devices')"><span class="n">{{ s.total }}</span> devices</a></li>
        </ul>
        @if (capped()) {
          <p class="muted">Alarming devices counted over the first {{ alarmsRead() }} open alarms.</p>
        }
        <h2 id="alarming-title">Alarming devices</h2>
        @if (s.alarmingDevices.length === 0) {
          <app-empty-state title="No device is alarming" detail="Open alarms of any device are listed here, worst first." />
        } @else {
          <div class="scroll">
            <table aria-labelledby="alarming-title">
              <thead>
                <tr><th scope="col">Device</th><th scope="col">Status</th><th scope="col">Worst</th><th scope="col">Open alarms</th><th scope="col">Since</th><th scope="col">Rules</th></tr>
              </thead>
              <tbody>
                @for (d of s.alarmingDevices; track d.id) {
                  <tr>
                    <td><a [href]="'/devices/' + d.id" (click)="$event.preventDefault(); open('/devices/' + d.id)">{{ d.name }}</a>@if (d.name !== d.id) { <small class="muted"> {{ d.id }}</small> }</td>
                    <td>@if (d.status) { <app-badge [label]="d.status" /> } @else { — }</td>
                    <td><app-badge [label]="d.worst" [tone]="tone(d.worst)" /></td>
                    <td><a [href]="'/alerts?device=' + d.id" (click)="$event.preventDefault(); openAlarms(d.id)" [attr.aria-label]="d.alarms + ' open alarms of ' + d.name">{{ d.alarms }}</a></td>
                    <td><time [attr.datetime]="d.since" [title]="when(d.since)">{{ ago(d.since) }}</time></td>
                    <td>{{ d.rules.join(', ') }}</td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        }
      }
    }
  `,
  styles: `
    .head { display: flex; align-items: baseline; gap: 1rem; flex-wrap: wrap; }
    .tiles { list-style: none; padding: 0; margin: 0 0 1rem; display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: 0.75rem; }
    .tile { background: #fff; border: 1px solid var(--line); border-left-width: 6px; border-radius: 8px; padding: 0.75rem 1rem; font-size: 0.95rem; }
    .tile a { color: inherit; text-decoration: none; display: block; }
    .tile a:hover .n, .tile a:focus-visible .n { text-decoration: underline; }
    .n { display: block; font-size: 2rem; font-weight: 700; line-height: 1.1; }
    .ok { border-left-color: #15803d; }
    .warn { border-left-color: #b45309; }
    .danger { border-left-color: #b91c1c; }
    .muted-tile { border-left-color: #6b7280; }
    h2 { font-size: 1.05rem; margin: 1rem 0 0.5rem; }
    .scroll { overflow-x: auto; }
    table { width: 100%; border-collapse: collapse; font-size: 0.92rem; background: #fff; }
    th, td { text-align: left; padding: 0.45rem 0.6rem; border-bottom: 1px solid var(--line); }
    th { background: var(--surface-2); }
  `,
})
export class FleetStatusComponent {
  private readonly client = inject(ApiClient);
  private readonly tabs = inject(TabManager);

  protected readonly load = signal<Load>({ state: 'loading' });
  protected readonly status = computed(() => {
    const load = this.load();
    return load.state === 'ready' ? load.status : null;
  });
  protected readonly updatedAt = signal('');
  protected readonly alarmsRead = signal(0);
  protected readonly capped = signal(false);
  protected readonly tone = severityTone;

  constructor() {
    void this.refresh();
    const stop = pollWhileOnScreen(inject<ElementRef<HTMLElement>>(ElementRef), 5_000, () => this.refresh(true));
    inject(DestroyRef).onDestroy(stop);
  }

  protected open(url: string): void {
    void this.tabs.open(url);
  }

  protected openAlarms(deviceId: string): void {
    void this.tabs.open(`/alerts?device=${encodeURIComponent(deviceId)}`);
  }

  protected when(iso: string): string {
    return new Date(iso).toLocaleString();
  }

  protected ago(iso: string): string {
    return since(iso);
  }

  protected async refresh(quiet = false): Promise<void> {
    if (!quiet) this.load.set({ state: 'loading' });
    try {
      const [counts, alarms] = await Promise.all([call(this.client.api.GET('/v1/devices/counts')), this.readAlarms()]);
      const worst = fleetStatus(counts, alarms.items).alarmingDevices.slice(0, NAMED_DEVICES);
      const devices = await this.readDevices(worst.map((d) => d.id));
      this.alarmsRead.set(alarms.items.length);
      this.capped.set(alarms.more);
      this.load.set({ state: 'ready', status: fleetStatus(counts, alarms.items, devices) });
      this.updatedAt.set(new Date().toLocaleTimeString());
    } catch (error) {
      if (!quiet || this.load().state !== 'ready') this.load.set({ state: 'failed', error });
    }
  }

  /** The alarming devices for their names and statuses; when they cannot be read each shows its id. */
  private async readDevices(ids: readonly string[]): Promise<Device[]> {
    try {
      const found = await readDevicesByIds(this.client, ids);
      return [...found.values()];
    } catch {
      return [];
    }
  }

  private async readAlarms(): Promise<{ items: Alarm[]; more: boolean }> {
    const items: Alarm[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < ALARM_PAGES; page++) {
      const answer = await call(this.client.api.GET('/v1/alarms', { params: { query: { status: 'open', limit: 100, cursor } } }));
      items.push(...answer.items);
      cursor = answer.next_cursor ?? undefined;
      if (!cursor) return { items, more: false };
    }
    return { items, more: true };
  }
}
