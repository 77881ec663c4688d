import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { FETCH } from '../../core/api/api-client';
import { AuthService } from '../../core/auth/auth.service';
import { APP_CONFIG } from '../../core/config/app-config';
import { AnalyticsComponent } from './analytics.component';

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

async function settle(fixture: { whenStable: () => Promise<unknown>; detectChanges: () => void }) {
  for (let i = 0; i < 5; i++) {
    await fixture.whenStable();
    await new Promise((resolve) => setTimeout(resolve));
    fixture.detectChanges();
  }
}

describe('analytics screen', () => {
  it('reads the fleet with its filters and says where a capped CSV export resumes', async () => {
    const seen: URL[] = [];
    sessionStorage.clear();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        { provide: APP_CONFIG, useValue: { apiBaseUrl: 'http://api.test' } },
        {
          provide: FETCH,
          useValue: async (request: Request) => {
            const url = new URL(request.url);
            seen.push(url);
            if (url.pathname === '/v1/auth/login') return json({ access_token: 'a', refresh_token: 'r', expires_in: 900, refresh_expires_in: 900 });
            if (url.pathname === '/v1/me') return json({ id: 'u', org_id: 'o', email: 'e@x', display_name: 'E', role: 'viewer', created_at: '2026-01-01T00:00:00Z', preferences: {} });
            if (url.pathname === '/v1/devices') return json({ items: [], next_cursor: null });
            if (url.pathname === '/v1/telemetry/fleet') {
              return json({ metric: 'temperature', window: '5m', devices: 2, windows: [{ time: '2026-11-27T10:00:00Z', count: 4, mean: 20, min: 18, max: 23 }] });
            }
            if (url.pathname === '/v1/devices/pump-1/telemetry.csv') {
              return new Response('time,value\n2026-11-27T10:00:00Z,20\n', {
                headers: {
                  'Content-Type': 'text/csv; charset=utf-8',
                  'Content-Disposition': 'attachment; filename="pump-1-temperature.csv"',
                  'X-Row-Count': '1',
                  'X-Row-Cap': '1',
                  'X-Row-Cap-Reached': 'true',
                  'X-Next-Start': '2026-11-27T10:00:01Z',
                },
              });
            }
            return json({ type: 'about:blank', title: 'Not Found', status: 404, detail: url.pathname }, 404);
          },
        },
      ],
    });
    await TestBed.inject(AuthService).login('e@x', 'p');
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
    const fleet = seen.find((u) => u.pathname === '/v1/telemetry/fleet');
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
    const next = seen.filter((u) => u.pathname.endsWith('telemetry.csv')).at(-1);
    expect(next?.searchParams.get('start')).toBe('2026-11-27T10:00:01Z');
    fixture.destroy();
  });
});
