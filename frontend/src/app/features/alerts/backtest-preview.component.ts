import { ChangeDetectionStrategy, Component, computed, effect, inject, input, output, signal, untracked } from '@angular/core';

import { ApiClient, call } from '../../core/api/api-client';
import type { components } from '../../core/api/schema';
import { EmptyStateComponent } from '../../shared/empty-state.component';
import { ErrorStateComponent } from '../../shared/error-state.component';
import { BASE_OPTIONS, LineChartComponent, type LineData, type LineOptions, axisLabel } from '../../shared/line-chart.component';
import { windowFor } from '../../shared/time-range';
import { type BacktestAlarm, devicesByAlarms, overlaySeries, periodLength, periodsOf, windowMs } from './backtest';
import { DeviceNamesService } from './device-names.service';
import type { RuleDefinition } from './rule-form';

type Series = components['schemas']['TelemetrySeries'];

export interface BacktestRun {
  readonly alarms: readonly BacktestAlarm[];
  readonly start: Date;
  readonly end: Date;
  readonly metric: string;
  readonly rule: RuleDefinition;
  /** The device whose telemetry is drawn; '' for none. */
  readonly deviceId: string;
}

/** A backtest's alarms: how many, on which devices, and one device's telemetry with its alarm periods shaded. */
@Component({
  selector: 'app-backtest-preview',
  imports: [LineChartComponent, EmptyStateComponent, ErrorStateComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './alerts.css',
  template: `
    @let r = run();
    <p role="status">
      {{ r.alarms.length }} alarm{{ r.alarms.length === 1 ? '' : 's' }} on {{ devices().length }} device{{ devices().length === 1 ? '' : 's' }}
      between {{ r.start.toLocaleString() }} and {{ r.end.toLocaleString() }}.
    </p>
    @if (devices().length > 1) {
      <div class="row-actions" role="group" aria-label="Devices with alarms">
        @for (d of devices().slice(0, 12); track d.deviceId) {
          <button type="button" [attr.aria-pressed]="d.deviceId === r.deviceId" (click)="chooseDevice.emit(d.deviceId)">{{ names.nameOf(d.deviceId) }} ({{ d.count }})</button>
        }
      </div>
    }
    @if (!r.deviceId) {
      <app-empty-state title="No device to draw" detail="The rule raised nothing in this range; name a device to see its telemetry." />
    } @else if (failed(); as error) {
      <app-error-state [error]="error" (retry)="reload()" />
    } @else if (series(); as s) {
      @if (s.points.length === 0) {
        <app-empty-state title="No readings in this range" [detail]="'No ' + r.metric + ' readings from ' + r.deviceId + ' in this range.'" />
      } @else {
        <app-line-chart [data]="data()" [options]="options()" [label]="chartLabel()" />
      }
      @if (periods().length) {
        <table class="periods">
          <caption>Alarm periods of {{ names.nameOf(r.deviceId) }}</caption>
          <thead><tr><th scope="col">Raised</th><th scope="col">Cleared</th><th scope="col">Lasted</th><th scope="col">Value</th></tr></thead>
          <tbody>
            @for (p of periods(); track $index) {
              <tr>
                <td>{{ p.start.toLocaleString() }}</td>
                <td>{{ p.end ? p.end.toLocaleString() : 'still raised' }}</td>
                <td>{{ length(p) }}</td>
                <td>{{ p.value ?? '—' }}</td>
              </tr>
            }
          </tbody>
        </table>
      }
    } @else {
      <p role="status">Loading {{ r.metric }} of {{ r.deviceId }}…</p>
    }
  `,
  styles: `
    .periods { border-collapse: collapse; margin-top: 0.75rem; font-size: 0.9rem; }
    .periods caption { text-align: left; font-weight: 600; padding-bottom: 0.25rem; }
    .periods th, .periods td { text-align: left; padding: 0.3rem 0.6rem; border-bottom: 1px solid var(--line); }
  `,
})
export class BacktestPreviewComponent {
  private readonly client = inject(ApiClient);
  protected readonly names = inject(DeviceNamesService);
  readonly run = input.required<BacktestRun>();
  readonly chooseDevice = output<string>();

  protected readonly series = signal<Series | null>(null);
  protected readonly failed = signal<unknown>(null);
  private generation = 0;

  protected readonly devices = computed(() => devicesByAlarms(this.run().alarms));
  protected readonly periods = computed(() => periodsOf(this.run().alarms, this.run().deviceId));
  protected readonly window = computed(() => windowFor({ start: this.run().start, end: this.run().end }));
  protected readonly overlay = computed(() => overlaySeries(this.series()?.points ?? [], this.periods(), windowMs(this.window()), this.run().end));
  protected readonly chartLabel = computed(() => {
    const r = this.run();
    return `${r.metric} of ${this.names.nameOf(r.deviceId)}, ${this.overlay().times.length} points, ${this.periods().length} alarm periods shaded`;
  });

  protected readonly data = computed<LineData>(() => {
    const o = this.overlay();
    const r = this.run();
    const spansDays = r.end.getTime() - r.start.getTime() > 86_400_000;
    const set = 'set' in r.rule.condition && typeof r.rule.condition.set === 'number' && r.rule.condition.type === 'threshold' ? r.rule.condition.set : null;
    const datasets: LineData['datasets'] = [
      { label: `${r.metric} (mean per ${this.window()})`, data: o.values, borderColor: '#0f766e', backgroundColor: '#0f766e', tension: 0.2, yAxisID: 'y', spanGaps: false },
      {
        label: 'Alarm raised',
        data: o.alarm,
        yAxisID: 'shade',
        stepped: true,
        fill: 'origin',
        borderWidth: 0,
        borderColor: 'rgba(185,28,28,0.35)',
        backgroundColor: 'rgba(220,38,38,0.18)',
        spanGaps: false,
      },
    ];
    if (set !== null) {
      datasets.push({ label: 'Set level', data: o.times.map(() => set), borderColor: '#b91c1c', borderDash: [6, 4], borderWidth: 1.5, yAxisID: 'y' });
    }
    return { labels: o.times.map((t) => axisLabel(t, spansDays)), datasets };
  });

  protected readonly options = computed<LineOptions>(() => ({
    ...BASE_OPTIONS,
    plugins: { legend: { display: true, position: 'bottom' } },
    scales: {
      ...BASE_OPTIONS?.scales,
      y: { position: 'left' },
      shade: { display: false, min: 0, max: 1 },
    },
  }));

  constructor() {
    effect(() => {
      const r = this.run();
      untracked(() => {
        this.names.learn(devicesByAlarms(r.alarms).map((d) => d.deviceId));
        void this.fetch(r);
      });
    });
  }

  protected length(period: { start: Date; end: Date | null }): string {
    return periodLength({ deviceId: '', value: null, ...period }, this.run().end);
  }

  protected reload(): void {
    void this.fetch(this.run());
  }

  private async fetch(r: BacktestRun): Promise<void> {
    const generation = ++this.generation;
    this.series.set(null);
    this.failed.set(null);
    if (!r.deviceId) return;
    try {
      const series = await call(
        this.client.api.GET('/v1/devices/{device_id}/telemetry', {
          params: {
            path: { device_id: r.deviceId },
            query: { metric: r.metric, start: r.start.toISOString(), end: r.end.toISOString(), window: this.window(), aggregation: 'mean' },
          },
        }),
      );
      if (generation === this.generation) this.series.set(series);
    } catch (error) {
      if (generation === this.generation) this.failed.set(error);
    }
  }
}
