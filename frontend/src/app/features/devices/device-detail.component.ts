import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { Router } from '@angular/router';

import { ApiClient, call } from '../../core/api/api-client';
import type { components } from '../../core/api/schema';
import { IfRoleDirective } from '../../core/auth/if-role.directive';
import { NotificationService } from '../../core/errors/notification.service';
import { EventBus } from '../../core/events/event-bus';
import { BadgeComponent } from '../../shared/badge.component';
import { ConfirmDialogComponent } from '../../shared/confirm-dialog.component';
import { ErrorStateComponent } from '../../shared/error-state.component';
import { pollWhileOnScreen } from '../../shared/poll';
import { problemText } from '../../shared/problem-fields';
import { type TimeRangeValue, rangeFromParam, rangeToParam } from '../../shared/time-range';
import { TimeRangePickerComponent } from '../../shared/time-range-picker.component';
import { DeviceCommandsComponent } from './device-commands.component';
import { DeviceConfigComponent } from './device-config.component';
import { type Device, when } from './devices';
import type { ProvisioningPackage } from './onboarding';
import { ProvisioningPackageComponent } from './provisioning-package.component';
import { TelemetryChartComponent } from './telemetry-chart.component';

/** The sections of a device's page, chosen by `?panel=` (the overview when absent). */
export const PANELS = [
  { key: 'overview', label: 'Overview' },
  { key: 'configuration', label: 'Configuration' },
  { key: 'commands', label: 'Commands' },
] as const;
export type Panel = (typeof PANELS)[number]['key'];

export function panelFrom(value: string | undefined): Panel {
  return PANELS.find((p) => p.key === value)?.key ?? 'overview';
}

type LatestValue = components['schemas']['LatestValue'];
type Load = { state: 'loading' } | { state: 'ready'; device: Device } | { state: 'failed'; error: unknown };

/** One device: what it is, its status and connection history, latest values and a metric's chart
 * (the overview), its configuration and its commands, each a section kept in the URL; and
 * decommissioning (operators, after a confirmation). */
@Component({
  selector: 'app-device-detail',
  imports: [
    BadgeComponent,
    ErrorStateComponent,
    TimeRangePickerComponent,
    TelemetryChartComponent,
    DeviceConfigComponent,
    DeviceCommandsComponent,
    ConfirmDialogComponent,
    IfRoleDirective,
    ProvisioningPackageComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './device-detail.component.html',
  styleUrl: './device-detail.component.css',
})
export class DeviceDetailComponent {
  private readonly client = inject(ApiClient);
  private readonly router = inject(Router);
  private readonly bus = inject(EventBus);
  private readonly notifications = inject(NotificationService);
  private readonly confirm = viewChild.required(ConfirmDialogComponent);

  /** Route parameter and query parameters (the tab's state: `?metric=&range=`). */
  readonly id = input.required<string>();
  readonly metric = input<string | undefined>();
  readonly range = input<string | undefined>();
  readonly panel = input<string | undefined>();

  protected readonly load = signal<Load>({ state: 'loading' });
  protected readonly metrics = signal<readonly string[]>([]);
  protected readonly latest = signal<readonly LatestValue[]>([]);
  protected readonly chosenMetric = computed(() => this.metric() || this.metrics()[0] || 'temperature');
  protected readonly chosenRange = computed(() => rangeFromParam(this.range()));
  protected readonly when = when;
  protected readonly panels = PANELS;
  protected readonly chosenPanel = computed(() => panelFrom(this.panel()));
  protected readonly decommissioning = signal(false);
  /** A package from a new password, shown until the user is done with it (never stored). */
  protected readonly reissued = signal<ProvisioningPackage | null>(null);

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => void this.fetch(id));
    });
    // Latest values follow the data as the chart does: read again every 2 s while on screen.
    const stop = pollWhileOnScreen(inject(ElementRef), 2000, () => this.refreshLatest());
    inject(DestroyRef).onDestroy(stop);
  }

  protected setMetric(metric: string): void {
    this.setParams({ metric: metric.trim() || null });
  }

  protected setRange(range: TimeRangeValue): void {
    this.setParams({ range: rangeToParam(range) });
  }

  protected setPanel(panel: Panel): void {
    this.setParams({ panel: panel === 'overview' ? null : panel });
  }

  /** Retires the device for good, once the user confirms (its identity goes, its records stay). */
  protected async decommission(device: Device): Promise<void> {
    const yes = await this.confirm().ask({
      title: `Decommission ${device.name}?`,
      detail: 'Its credentials stop working at once and the broker drops its connection. This is final: the records stay for audit, but the device cannot come back.',
      action: 'Decommission',
      danger: true,
    });
    if (!yes) return;
    this.decommissioning.set(true);
    try {
      const retired = await call(this.client.api.POST('/v1/devices/{device_id}/decommission', { params: { path: { device_id: device.id } } }));
      this.load.set({ state: 'ready', device: retired });
      this.notifications.info(`${device.name} is decommissioned`, 'Its identity was removed from the broker.');
    } catch (error) {
      this.notifications.error('Decommissioning failed', problemText(error));
    } finally {
      this.decommissioning.set(false);
    }
  }

  /** Issues a new password (admins) after a confirmation; the old one stops working. */
  protected async reissue(device: Device): Promise<void> {
    const yes = await this.confirm().ask({
      title: `Issue a new password for ${device.name}?`,
      detail: 'The device’s current password stops working at once; it connects again only with the new provisioning package.',
      action: 'Issue a new password',
      danger: true,
    });
    if (!yes) return;
    try {
      this.reissued.set(await call(this.client.api.POST('/v1/devices/{device_id}/credentials', { params: { path: { device_id: device.id } } })));
    } catch (error) {
      this.notifications.error('No new password was issued', problemText(error));
    }
  }

  protected reload(): void {
    void this.fetch(this.id());
  }

  protected entries(record: Record<string, string>): [string, string][] {
    return Object.entries(record);
  }

  protected formatValue(value: LatestValue['value']): string {
    return typeof value === 'number' ? String(Math.round(value * 1000) / 1000) : String(value ?? '—');
  }

  private setParams(queryParams: Record<string, string | null>): void {
    void this.router.navigate([], { queryParams, queryParamsHandling: 'merge', replaceUrl: true });
  }

  private async fetch(id: string): Promise<void> {
    this.load.set({ state: 'loading' });
    try {
      const device = await call(this.client.api.GET('/v1/devices/{device_id}', { params: { path: { device_id: id } } }));
      this.load.set({ state: 'ready', device });
      this.bus.publish('device.selected', { deviceId: id });
      await this.fetchLatest(device);
    } catch (error) {
      this.load.set({ state: 'failed', error });
    }
  }

  private async refreshLatest(): Promise<void> {
    const load = this.load();
    const names = this.metrics();
    if (load.state !== 'ready' || !names.length) return;
    try {
      this.latest.set(await this.readLatest(load.device.id, names));
    } catch {
      // keep what is shown; the next read tries again
    }
  }

  /** The device type's metrics and their latest values; the page works without them. */
  private async fetchLatest(device: Device): Promise<void> {
    try {
      const type = await call(
        this.client.api.GET('/v1/device-types/{type_id}', { params: { path: { type_id: device.device_type } } }),
      );
      const names = (type.metrics ?? []).map((m) => m.name).slice(0, 10);
      this.metrics.set(names);
      if (!names.length) return;
      this.latest.set(await this.readLatest(device.id, names));
    } catch {
      this.latest.set([]);
    }
  }

  private async readLatest(deviceId: string, metrics: readonly string[]): Promise<readonly LatestValue[]> {
    const page = await call(
      this.client.api.GET('/v1/telemetry/latest', { params: { query: { device_id: [deviceId], metric: [...metrics] } } }),
    );
    return page.values;
  }
}
