import { ChangeDetectionStrategy, Component, ElementRef, computed, effect, inject, input, signal, untracked } from '@angular/core';
import {
  CategoryScale,
  type ChartConfiguration,
  Filler,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
} from 'chart.js';
import { BaseChartDirective, provideCharts } from 'ng2-charts';

import { ApiClient, call } from '../../core/api/api-client';
import type { components } from '../../core/api/schema';
import { EmptyStateComponent } from '../../shared/empty-state.component';
import { ErrorStateComponent } from '../../shared/error-state.component';
import { pollWhileOnScreen } from '../../shared/poll';
import { type TimeRangeValue, resolveRange, windowFor } from '../../shared/time-range';
import { chartPollMs } from './devices';

type Series = components['schemas']['TelemetrySeries'];

/**
 * One metric of one device over a time range, averaged per window (GET /v1/devices/{id}/telemetry).
 * A range relative to now follows the present: read again every second (10 s past an hour,
 * `chartPollMs`) while the chart is on screen and the page visible; a tab in the background does
 * not poll.
 */
@Component({
  selector: 'app-telemetry-chart',
  imports: [BaseChartDirective, EmptyStateComponent, ErrorStateComponent],
  // Only what a line chart needs, registered here so chart.js stays out of the initial bundle.
  providers: [
    provideCharts({
      registerables: [LineController, LineElement, PointElement, LinearScale, CategoryScale, Filler, Tooltip],
    }),
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (failed(); as error) {
      <app-error-state [error]="error" (retry)="reload()" />
    } @else if (series(); as s) {
      @if (s.points.length === 0) {
        <app-empty-state title="No readings in this range" [detail]="'No ' + metric() + ' readings from ' + deviceId() + ' in this range.'" />
      } @else {
        <p class="updated muted">{{ live() ? 'Live · ' : '' }}updated {{ updatedAt() }}</p>
        <div class="chart" role="img" [attr.aria-label]="metric() + ' of ' + deviceId() + ', ' + s.points.length + ' points'">
          <canvas baseChart type="line" [data]="data()" [options]="options"></canvas>
        </div>
      }
    } @else {
      <p role="status">Loading {{ metric() }}…</p>
    }
  `,
  styles: `
    .chart { position: relative; height: 18rem; }
    .updated { margin: 0 0 0.25rem; font-size: 0.8rem; text-align: right; }
  `,
})
export class TelemetryChartComponent {
  private readonly client = inject(ApiClient);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private reading = false;
  /** Bumped by every read that replaces the series, so a late answer to an older one is dropped. */
  private generation = 0;
  readonly deviceId = input.required<string>();
  readonly metric = input.required<string>();
  readonly range = input.required<TimeRangeValue>();

  protected readonly series = signal<Series | null>(null);
  protected readonly failed = signal<unknown>(null);
  protected readonly updatedAt = signal('');
  protected readonly live = computed(() => 'preset' in this.range());
  protected readonly options: ChartConfiguration<'line'>['options'] = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: { legend: { display: false } },
    elements: { point: { radius: 0 } },
    scales: { x: { ticks: { maxTicksLimit: 8, maxRotation: 0 } } },
  };
  protected readonly data = computed<ChartConfiguration<'line'>['data']>(() => {
    const points = [...(this.series()?.points ?? [])].reverse(); // the API answers newest first
    return {
      labels: points.map((p) => new Date(p.time).toLocaleTimeString()),
      datasets: [
        {
          label: this.metric(),
          data: points.map((p) => (typeof p.value === 'number' ? p.value : null)),
          borderColor: '#0d9488',
          backgroundColor: 'rgba(13,148,136,.15)',
          fill: true,
          tension: 0.2,
        },
      ],
    };
  });

  constructor() {
    effect((onCleanup) => {
      const args = [this.deviceId(), this.metric(), this.range()] as const;
      untracked(() => void this.fetch(...args));
      const every = chartPollMs(args[2]);
      if (every !== null) onCleanup(pollWhileOnScreen(this.host, every, () => (this.reading ? Promise.resolve() : this.fetch(...args, true))));
    });
  }

  protected reload(): void {
    void this.fetch(this.deviceId(), this.metric(), this.range());
  }

  /** Reads the series; a quiet read (polling) keeps what is shown until the answer comes. */
  private async fetch(deviceId: string, metric: string, value: TimeRangeValue, quiet = false): Promise<void> {
    if (!quiet) {
      this.generation++;
      this.failed.set(null);
      this.series.set(null);
    }
    const generation = this.generation;
    this.reading = true;
    const range = resolveRange(value);
    try {
      const series = await call(
        this.client.api.GET('/v1/devices/{device_id}/telemetry', {
          params: {
            path: { device_id: deviceId },
            query: {
              metric,
              start: range.start.toISOString(),
              end: range.end.toISOString(),
              window: windowFor(range),
              aggregation: 'mean',
            },
          },
        }),
      );
      if (generation !== this.generation) return;
      this.series.set(series);
      this.failed.set(null);
      this.updatedAt.set(new Date().toLocaleTimeString());
    } catch (error) {
      if (generation !== this.generation) return;
      if (!quiet || this.series() === null) this.failed.set(error);
    } finally {
      this.reading = false;
    }
  }
}
