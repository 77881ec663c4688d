import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import {
  CategoryScale,
  type ChartConfiguration,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
} from 'chart.js';
import { BaseChartDirective, provideCharts } from 'ng2-charts';

export type LineData = ChartConfiguration<'line'>['data'];
export type LineOptions = ChartConfiguration<'line'>['options'];

/**
 * A line chart (chart.js) with a text alternative: several series, a legend, shaded areas. Only
 * the line chart's parts are registered, here, so chart.js loads with the screens that draw one.
 */
@Component({
  selector: 'app-line-chart',
  imports: [BaseChartDirective],
  providers: [
    provideCharts({
      registerables: [LineController, LineElement, PointElement, LinearScale, CategoryScale, Filler, Tooltip, Legend],
    }),
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="chart" role="img" [attr.aria-label]="label()" [style.height]="height()">
      <canvas baseChart type="line" [data]="data()" [options]="options()"></canvas>
    </div>
  `,
  styles: `
    .chart { position: relative; }
  `,
})
export class LineChartComponent {
  readonly data = input.required<LineData>();
  readonly options = input<LineOptions>(BASE_OPTIONS);
  /** What the chart shows, for those who cannot see it. */
  readonly label = input.required<string>();
  readonly height = input('18rem');
}

export const BASE_OPTIONS: LineOptions = {
  responsive: true,
  maintainAspectRatio: false,
  animation: false,
  interaction: { mode: 'index', intersect: false },
  elements: { point: { radius: 0 } },
  scales: { x: { ticks: { maxTicksLimit: 8, maxRotation: 0 } } },
};

/** A time as a chart's axis label: the time of day, with the date when the range spans days. */
export function axisLabel(iso: string | Date, spansDays: boolean): string {
  const d = new Date(iso);
  return spansDays ? d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }) : d.toLocaleTimeString();
}
