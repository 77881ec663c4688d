import { TestBed } from '@angular/core/testing';

import { settle, signInToStubApi, urlsOf } from '../../testing/stub-api';
import { AnalyticsComponent } from './analytics.component';

describe('analytics screen', () => {
  it('reads the fleet with its filters and says where a capped CSV export resumes', async () => {
    const seen = await signInToStubApi('viewer', {
      'GET /v1/devices': () => ({ items: [], next_cursor: null }),
      'GET /v1/telemetry/fleet': () => ({ metric: 'temperature', window: '5m', devices: 2, windows: [{ time: '2026-11-27T10:00:00Z', count: 4, mean: 20, min: 18, max: 23 }] }),
      'GET /v1/devices/pump-1/telemetry.csv': () =>
        new Response('time,value\n2026-11-27T10:00:00Z,20\n', {
          headers: {
            'Content-Type': 'text/csv; charset=utf-8',
            'Content-Disposition': 'attachment; filename="pump-1-temperature.csv"',
            'X-Row-Count': '1',
            'X-Row-Cap': '1',
            'X-Row-Cap-Reached': 'true',
            'X-Next-Start': '2026-11-27T10:00:01Z',
          },
        }),
    });
    const saved: string[] = [];
    const originals = { create: URL.createObjectURL, revoke: URL.revokeObjectURL, click: HTMLAnchorElement.prototype.click };
    onTestFinished(() => {
      URL.createObjectURL = originals.create;
      URL.revokeObjectURL = originals.revoke;
      HTMLAnchorElement.prototype.click = originals.click;
    });
    URL.createObjectURL = () => 'blob:csv';
    URL.revokeObjectURL = () => undefined;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      saved.push(this.download);
    };
    const fixture = TestBed.createComponent(AnalyticsComponent);
    fixture.componentRef.setInput('groups', 'plant-a,plant-b');
    fixture.componentRef.setInput('range', '6h');
    await settle(fixture);
    const fleet = urlsOf(seen, '/v1/telemetry/fleet')[0];
    expect(fleet?.searchParams.getAll('groups')).toEqual(['plant-a', 'plant-b']);
    expect(fleet?.searchParams.get('window')).toBe('1m');
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('.stats')?.textContent).toContain('20');

    (el.querySelector('#an-csv-device') as HTMLInputElement).value = 'pump-1';
    (el.querySelector('form[aria-label="CSV export"]') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await settle(fixture);
    expect(saved).toEqual(['pump-1-temperature.csv']);
    const capped = el.querySelector('.capped')?.textContent?.replace(/\s+/g, ' ') ?? '';
    expect(capped).toContain('cap of 1 rows');
    expect(capped).toContain(new Date('2026-11-27T10:00:01Z').toLocaleString());
    (el.querySelector('.capped button') as HTMLButtonElement).click();
    await settle(fixture);
    const next = urlsOf(seen, '/v1/devices/pump-1/telemetry.csv').at(-1);
    expect(next?.searchParams.get('start')).toBe('2026-11-27T10:00:01Z');
    fixture.destroy();
  });
});
