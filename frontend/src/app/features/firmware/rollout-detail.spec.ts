import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { FETCH } from '../../core/api/api-client';
import { AuthService } from '../../core/auth/auth.service';
import { APP_CONFIG } from '../../core/config/app-config';
import { RolloutDetailComponent } from './rollout-detail.component';

const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });

const ROLLOUT = {
  rollout_id: 'ro-0123456789abcdef01234567',
  org_id: 'o',
  release_id: 'rel-0123456789abcdef01234567',
  firmware_family: 'boiler-fw',
  target: { groups: ['north'], tags: [], device_ids: [] },
  plan: { sizes: [2, 2] },
  gate: { max_failure_rate: 0.05, min_success_count: 1, min_success_rate: 0.9, soak_time: 'PT0S', on_breach: 'halt' },
  wave_ends: [2, 4, 6],
  state: 'halted',
  wave: 1,
  wave_started_at: '2026-11-27T00:00:00Z',
  reason: 'wave 2: 1 of 2 devices failed (50.0%); the gate allows 5.0%',
  created_at: '2026-11-27T00:00:00Z',
  updated_at: '2026-11-27T00:01:00Z',
};
const WAVES = [
  { wave: 0, size: 2, devices: { healthy: 2 } },
  { wave: 1, size: 2, devices: { failed: 1, downloading: 1 } },
  { wave: 2, size: 2, devices: { pending: 2 } },
];
const DEVICES = [{ org_id: 'o', rollout_id: ROLLOUT.rollout_id, device_id: 'd0001', wave: 1, state: 'failed', code: 'hash_mismatch', detail: 'sha differs', updated_at: '2026-11-27T00:01:00Z' }];

async function render(role: string) {
  sessionStorage.clear();
  TestBed.configureTestingModule({
    providers: [
      provideRouter([]),
      { provide: APP_CONFIG, useValue: { apiBaseUrl: 'http://api.test' } },
      {
        provide: FETCH,
        useValue: async (request: Request) => {
          const path = new URL(request.url).pathname;
          if (path === '/v1/auth/login') return json({ access_token: 'a', refresh_token: 'r', expires_in: 900, refresh_expires_in: 900 });
          if (path === '/v1/me') return json({ id: 'u', org_id: 'o', email: 'e@x', display_name: 'E', role, created_at: '2026-01-01T00:00:00Z', preferences: {} });
          if (path.endsWith('/devices')) return json({ items: DEVICES, next_cursor: null });
          return json({ rollout: ROLLOUT, waves: WAVES });
        },
      },
    ],
  });
  await TestBed.inject(AuthService).login('e@x', 'p');
  const fixture = TestBed.createComponent(RolloutDetailComponent);
  fixture.componentRef.setInput('id', ROLLOUT.rollout_id);
  for (let i = 0; i < 5; i++) {
    await fixture.whenStable();
    await new Promise((resolve) => setTimeout(resolve));
    fixture.detectChanges();
  }
  return fixture;
}

describe('rollout detail', () => {
  it('draws each wave with its counts and gate, and the failed device with its code', async () => {
    const fixture = await render('viewer');
    const el = fixture.nativeElement as HTMLElement;
    const waves = [...el.querySelectorAll('.waves > li')].map((li) => li.textContent?.replace(/\s+/g, ' ').trim());
    expect(waves[0]).toContain('2 targeted · 2 healthy · 0 failed');
    expect(waves[0]).toContain('Gate passed');
    expect(waves[1]).toContain('1 failed · 1 in progress');
    expect(waves[1]).toContain('Gate breached: halted');
    expect(waves[2]).toContain('Waiting');
    expect(el.querySelector('.bar')?.getAttribute('aria-label')).toBe('Wave 1: 2 of 2 healthy, 0 failed, 0 in progress, 0 pending');
    expect(el.textContent).toContain('hash_mismatch');
    expect(el.textContent).toContain('the gate allows 5.0%');
    fixture.destroy();
  });

  it('gives a viewer no actions and an operator those the state allows', async () => {
    const names = (f: Awaited<ReturnType<typeof render>>) =>
      [...(f.nativeElement as HTMLElement).querySelectorAll('.head button')].map((b) => b.textContent?.trim());
    const viewer = await render('viewer');
    expect(names(viewer)).toEqual([]);
    viewer.destroy();
    TestBed.resetTestingModule();
    const operator = await render('operator');
    expect(names(operator)).toEqual(['Resume', 'Cancel']);
    operator.destroy();
  });
});
