import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { FETCH } from '../../core/api/api-client';
import { AuthService } from '../../core/auth/auth.service';
import { APP_CONFIG } from '../../core/config/app-config';
import { ReleaseDetailComponent } from './release-detail.component';

const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });

const RELEASE_ID = 'rel-0123456789abcdef01234567';
const RELEASE = {
  release_id: RELEASE_ID, org_id: 'o', firmware_family: 'boiler-fw', version: '2.0.0', image_key: 'fw/boiler.bin', image_size: 2048,
  image_sha256: 'ab'.repeat(32), key_id: 'k1', signed: { manifest: '{"version":"2.0.0"}', signature: null },
  created_at: '2026-11-27T00:00:00Z', expires_at: '2099-01-01T00:00:00Z',
};
const rollout = (rollout_id: string, state: string) => ({ rollout_id, release_id: RELEASE_ID, state, created_at: '2026-11-27T01:00:00Z' });

describe('release detail', () => {
  it('lists the rollouts the API answers for this release', async () => {
    const rolloutReads: URL[] = [];
    sessionStorage.clear();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        { provide: APP_CONFIG, useValue: { apiBaseUrl: 'http://api.test' } },
        {
          provide: FETCH,
          useValue: async (request: Request) => {
            const url = new URL(request.url);
            if (url.pathname === '/v1/auth/login') return json({ access_token: 'a', refresh_token: 'r', expires_in: 900, refresh_expires_in: 900 });
            if (url.pathname === '/v1/me') return json({ id: 'u', org_id: 'o', email: 'e@x', display_name: 'E', role: 'viewer', created_at: '2026-01-01T00:00:00Z', preferences: {} });
            if (url.pathname === '/v1/firmware/rollouts') {
              rolloutReads.push(url);
              return json({ items: [rollout('ro-000000000000000000000002', 'running'), rollout('ro-000000000000000000000001', 'cancelled')], next_cursor: null });
            }
            return json(RELEASE);
          },
        },
      ],
    });
    await TestBed.inject(AuthService).login('e@x', 'p');
    const fixture = TestBed.createComponent(ReleaseDetailComponent);
    fixture.componentRef.setInput('id', RELEASE_ID);
    for (let i = 0; i < 5; i++) {
      await fixture.whenStable();
      await new Promise((resolve) => setTimeout(resolve));
      fixture.detectChanges();
    }
    expect(rolloutReads.map((u) => u.searchParams.get('release_id'))).toEqual([RELEASE_ID]);
    const listed = [...(fixture.nativeElement as HTMLElement).querySelectorAll('section[aria-labelledby="rel-rollouts"] li a')].map((a) => a.textContent?.trim());
    expect(listed).toEqual(['ro-000000000000000000000002', 'ro-000000000000000000000001']);
    fixture.destroy();
  });
});
