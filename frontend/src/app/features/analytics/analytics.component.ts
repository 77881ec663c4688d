import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { Router } from '@angular/router';

import { ApiClient, call } from '../../core/api/api-client';
import { ApiError, toProblem } from '../../core/api/problem';
import { EmptyStateComponent } from '../../shared/empty-state.component';
import { ErrorStateComponent } from '../../shared/error-state.component';
import { BASE_OPTIONS, LineChartComponent, type LineData, type LineOptions, axisLabel } from '../../shared/line-chart.component';
import { parseList } from '../../shared/parse-list';
import { type TimeRangeValue, rangeFromParam, rangeToParam, resolveRange, windowFor } from '../../shared/time-range';
import { TimeRangePickerComponent } from '../../shared/time-range-picker.component';
import {
  AGGREGATIONS,
  type Aggregation,
  type CsvExport,
  type FleetAggregate,
  LINE_COLOURS,
  type TelemetrySeries,
  comparison,
  csvExportInfo,
  fleetSeries,
  formatValue,
  summarize,
} from './analytics';

type Read<T> = { state: 'idle' } | { state: 'loading' } | { state: 'ready'; value: T } | { state: 'failed'; error: unknown };

/** At most this many devices on one comparison chart. */
const MAX_COMPARED = 8;

/**
 * Aggregates of one metric over a time range: the fleet (by groups, tags or device type: mean,
 * min and max per window), several devices compared on one chart with any aggregation the
 * telemetry API has, and one device's readings as a CSV file (the API's row cap and where the
 * rest resumes are shown). The choices live in the URL.
 */
@Component({
  selector: 'app-analytics',
  imports: [TimeRangePickerComponent, LineChartComponent, EmptyStateComponent, ErrorStateComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './analytics.component.html',
  styleUrl: './analytics.component.css',
})
export class AnalyticsComponent {
  private readonly client = inject(ApiClient);
  private readonly router = inject(Router);

  /** Query parameters: the tab's state. */
  readonly metric = input<string | undefined>();
  readonly range = input<string | undefined>();
  readonly window = input<string | undefined>();
  readonly groups = input<string | undefined>();
  readonly tags = input<string | undefined>();
  readonly type = input<string | undefined>();
  readonly devices = input<string | undefined>();
  readonly agg = input<string | undefined>();

  protected readonly aggregations = AGGREGATIONS;
  protected readonly chosenMetric = computed(() => this.metric() || 'temperature');
  protected readonly chosenRange = computed(() => rangeFromParam(this.range(), '24h'));
  protected readonly chosenAgg = computed<Aggregation>(() => (AGGREGATIONS.find((a) => a === this.agg()) ?? 'mean'));
  protected readonly deviceIds = computed(() => parseList(this.devices()).slice(0, MAX_COMPARED));
  protected readonly fleet = signal<Read<FleetAggregate>>({ state: 'idle' });
  protected readonly compared = signal<Read<TelemetrySeries[]>>({ state: 'idle' });
  protected readonly csv = signal<Read<CsvExport>>({ state: 'idle' });
  protected readonly csvDevice = signal('');
  protected readonly csvStart = signal<string | null>(null);
  protected readonly format = formatValue;
  /** The first devices of the fleet, to pick from (names are easier than ids). */
  protected readonly fleetDevices = signal<readonly { id: string; name: string }[]>([]);
  private generation = 0;

  protected readonly summary = computed(() => {
    const fleet = this.fleet();
    return fleet.state === 'ready' ? summarize(fleet.value.windows) : null;
  });

  protected readonly fleetData = computed<LineData | null>(() => {
    const fleet = this.fleet();
    if (fleet.state !== 'ready' || !fleet.value.windows.length) return null;
    const s = fleetSeries(fleet.value);
    const days = this.spansDays();
    return {
      labels: s.times.map((t) => axisLabel(t, days)),
      datasets: [
        { label: 'max', data: s.max, borderColor: 'rgba(180,83,9,0.6)', backgroundColor: 'rgba(180,83,9,0.08)', borderWidth: 1, fill: '+2' },
        { label: 'mean', data: s.mean, borderColor: LINE_COLOURS[0], backgroundColor: LINE_COLOURS[0], borderWidth: 2, tension: 0.2 },
        { label: 'min', data: s.min, borderColor: 'rgba(29,78,216,0.6)', backgroundColor: 'rgba(29,78,216,0.08)', borderWidth: 1 },
      ],
    };
  });

  protected readonly comparisonData = computed<LineData | null>(() => {
    const read = this.compared();
    if (read.state !== 'ready') return null;
    const c = comparison(read.value);
    if (!c.times.length) return null;
    const names = new Map(this.fleetDevices().map((d) => [d.id, d.name]));
    const days = this.spansDays();
    return {
      labels: c.times.map((t) => axisLabel(t, days)),
      datasets: c.lines.map((line, i) => ({
        label: names.get(line.deviceId) ?? line.deviceId,
        data: line.values,
        borderColor: LINE_COLOURS[i % LINE_COLOURS.length],
        backgroundColor: LINE_COLOURS[i % LINE_COLOURS.length],
        borderWidth: 2,
        tension: 0.2,
        spanGaps: true,
      })),
    };
  });

  protected readonly chartOptions: LineOptions = { ...BASE_OPTIONS, plugins: { legend: { display: true, position: 'bottom' } } };

  constructor() {
    effect(() => {
      const args = {
        metric: this.chosenMetric(),
        range: this.chosenRange(),
        window: this.window(),
        groups: parseList(this.groups()),
        tags: parseList(this.tags()),
        type: this.type() || undefined,
        devices: this.deviceIds(),
        agg: this.chosenAgg(),
      };
      untracked(() => void this.read(args));
    });
    void this.readDevices();
  }

  /** Adds the chosen device to the comparison field (applied with the rest). */
  protected addDevice(field: HTMLInputElement, select: HTMLSelectElement): void {
    if (select.value) field.value = [...parseList(field.value), select.value].join(', ');
    select.value = '';
  }

  private async readDevices(): Promise<void> {
    try {
      const page = await call(this.client.api.GET('/v1/devices', { params: { query: { sort: 'name', limit: 200 } } }));
      this.fleetDevices.set(page.items.map((d) => ({ id: d.id, name: d.name })));
    } catch {
      this.fleetDevices.set([]); // ids can still be typed
    }
  }

  protected setParams(params: Record<string, string | null>): void {
    void this.router.navigate([], { queryParams: params, queryParamsHandling: 'merge', replaceUrl: true });
  }

  protected apply(metric: string, window: string, groups: string, tags: string, type: string, devices: string, agg: string): void {
    this.setParams({
      metric: metric.trim() || null,
      window: window.trim() || null,
      groups: parseList(groups).join(',') || null,
      tags: parseList(tags).join(',') || null,
      type: type.trim() || null,
      devices: parseList(devices).join(',') || null,
      agg: agg === 'mean' ? null : agg,
    });
  }

  protected setRange(range: TimeRangeValue): void {
    this.setParams({ range: rangeToParam(range) });
  }

  protected effectiveWindow(): string {
    return this.window() || windowFor(resolveRange(this.chosenRange()));
  }

  protected fleetLabel(): string {
    const s = this.summary();
    return `${this.chosenMetric()} over the fleet per ${this.effectiveWindow()}: mean ${formatValue(s?.mean)}, min ${formatValue(s?.min)}, max ${formatValue(s?.max)}`;
  }

  protected comparisonLabel(): string {
    return `${this.chosenAgg()} of ${this.chosenMetric()} per ${this.effectiveWindow()} for ${this.deviceIds().join(', ')}`;
  }

  /** GET …/telemetry.csv as a file; a capped export says where the rest starts and offers it. */
  protected async exportCsv(deviceId: string, windowed: boolean, from: string | null = null): Promise<void> {
    const id = deviceId.trim();
    if (!id) return;
    this.csvDevice.set(id);
    this.csv.set({ state: 'loading' });
    const range = resolveRange(this.chosenRange());
    const start = from ?? range.start.toISOString();
    this.csvStart.set(start);
    try {
      const { data, error, response } = await this.client.api.GET('/v1/devices/{device_id}/telemetry.csv', {
        params: {
          path: { device_id: id },
          query: {
            metric: this.chosenMetric(),
            start,
            end: range.end.toISOString(),
            ...(windowed ? { window: this.effectiveWindow(), aggregation: this.chosenAgg() } : {}),
          },
        },
        parseAs: 'blob',
      });
      if (!response.ok || !data) {
        let body: unknown = error;
        if (error instanceof Blob) body = JSON.parse(await error.text()) as unknown;
        throw new ApiError(toProblem(body, response.status, response.statusText));
      }
      const info = csvExportInfo(response.headers, `${id}-${this.chosenMetric()}.csv`);
      download(data as Blob, info.filename);
      this.csv.set({ state: 'ready', value: info });
    } catch (error) {
      this.csv.set({ state: 'failed', error });
    }
  }

  protected when(iso: string | null): string {
    return iso ? new Date(iso).toLocaleString() : '—';
  }

  private spansDays(): boolean {
    const r = resolveRange(this.chosenRange());
    return r.end.getTime() - r.start.getTime() > 86_400_000;
  }

  private async read(args: {
    metric: string;
    range: TimeRangeValue;
    window: string | undefined;
    groups: string[];
    tags: string[];
    type: string | undefined;
    devices: string[];
    agg: Aggregation;
  }): Promise<void> {
    const generation = ++this.generation;
    const range = resolveRange(args.range);
    const window = args.window || windowFor(range);
    const start = range.start.toISOString();
    const end = range.end.toISOString();
    this.fleet.set({ state: 'loading' });
    this.compared.set(args.devices.length ? { state: 'loading' } : { state: 'idle' });
    const fleet = call(
      this.client.api.GET('/v1/telemetry/fleet', {
        params: { query: { metric: args.metric, window, start, end, groups: args.groups, tags: args.tags, device_type: args.type } },
      }),
    );
    const devices = Promise.all(
      args.devices.map((device_id) =>
        call(
          this.client.api.GET('/v1/devices/{device_id}/telemetry', {
            params: { path: { device_id }, query: { metric: args.metric, start, end, window, aggregation: args.agg } },
          }),
        ),
      ),
    );
    const [fleetResult, devicesResult] = await Promise.allSettled([fleet, devices]);
    if (generation !== this.generation) return;
    this.fleet.set(fleetResult.status === 'fulfilled' ? { state: 'ready', value: fleetResult.value } : { state: 'failed', error: fleetResult.reason });
    if (args.devices.length) {
      this.compared.set(
        devicesResult.status === 'fulfilled' ? { state: 'ready', value: devicesResult.value } : { state: 'failed', error: devicesResult.reason },
      );
    }
  }

  protected retry(): void {
    void this.read({
      metric: this.chosenMetric(),
      range: this.chosenRange(),
      window: this.window(),
      groups: parseList(this.groups()),
      tags: parseList(this.tags()),
      type: this.type() || undefined,
      devices: this.deviceIds(),
      agg: this.chosenAgg(),
    });
  }
}

function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
