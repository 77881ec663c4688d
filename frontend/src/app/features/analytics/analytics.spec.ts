import { comparison, csvExportInfo, fleetSeries, summarize, type FleetAggregate, type TelemetrySeries } from './analytics';

const windows = [
  { time: '2026-11-27T10:10:00Z', count: 30, mean: 30, min: 20, max: 41 },
  { time: '2026-11-27T10:00:00Z', count: 10, mean: 10, min: 5, max: 12 },
  { time: '2026-11-27T10:05:00Z', count: 0, mean: null, min: null, max: null },
];

describe('analytics shaping', () => {
  it('summarizes fleet windows with a count-weighted mean', () => {
    expect(summarize(windows)).toEqual({ mean: 25, min: 5, max: 41, count: 40, windows: 3 });
    expect(summarize([])).toEqual({ mean: null, min: null, max: null, count: 0, windows: 0 });
  });

  it('orders fleet windows oldest first', () => {
    const series = fleetSeries({ metric: 't', window: '5m', devices: 3, windows } as FleetAggregate);
    expect(series.times).toEqual(['2026-11-27T10:00:00Z', '2026-11-27T10:05:00Z', '2026-11-27T10:10:00Z']);
    expect(series.mean).toEqual([10, null, 30]);
    expect(series.max).toEqual([12, null, 41]);
  });

  it('puts several devices on one time axis with gaps where one has no value', () => {
    const a = { device_id: 'a', metric: 't', window: '1m', aggregation: 'mean', points: [{ time: '2026-11-27T10:01:00Z', value: 2 }, { time: '2026-11-27T10:00:00Z', value: 1 }] };
    const b = { device_id: 'b', metric: 't', window: '1m', aggregation: 'mean', points: [{ time: '2026-11-27T10:02:00.000Z', value: 7 }, { time: '2026-11-27T10:01:00Z', value: 'x' }] };
    const chart = comparison([a, b] as TelemetrySeries[]);
    expect(chart.times).toEqual(['2026-11-27T10:00:00.000Z', '2026-11-27T10:01:00.000Z', '2026-11-27T10:02:00.000Z']);
    expect(chart.lines).toEqual([
      { deviceId: 'a', values: [1, 2, null] },
      { deviceId: 'b', values: [null, null, 7] },
    ]);
  });

  it('reads the CSV export headers, capped or not', () => {
    const capped = new Headers({
      'Content-Disposition': 'attachment; filename="pump-1-temperature.csv"',
      'X-Row-Count': '1000',
      'X-Row-Cap': '1000',
      'X-Row-Cap-Reached': 'true',
      'X-Next-Start': '2026-11-27T10:00:00Z',
    });
    expect(csvExportInfo(capped, 'x.csv')).toEqual({ rows: 1000, cap: 1000, capped: true, nextStart: '2026-11-27T10:00:00Z', filename: 'pump-1-temperature.csv' });
    expect(csvExportInfo(new Headers({ 'X-Row-Count': '12', 'X-Row-Cap-Reached': 'false' }), 'x.csv')).toEqual({ rows: 12, cap: null, capped: false, nextStart: null, filename: 'x.csv' });
  });
});
