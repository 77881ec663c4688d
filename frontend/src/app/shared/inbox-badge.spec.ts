import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { FETCH } from '../core/api/api-client';
import { AuthService } from '../core/auth/auth.service';
import { APP_CONFIG } from '../core/config/app-config';
import { InboxBadgeComponent } from './inbox-badge.component';

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

async function badge(inbox: () => Response) {
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
          return inbox();
        },
      },
    ],
  });
  await TestBed.inject(AuthService).login('e@x', 'p');
  const fixture = TestBed.createComponent(InboxBadgeComponent);
  for (let i = 0; i < 3; i++) {
    await fixture.whenStable();
    await new Promise((resolve) => setTimeout(resolve));
    fixture.detectChanges();
  }
  return { fixture, el: fixture.nativeElement as HTMLElement, inboxReads: seen.filter((u) => u.pathname === '/v1/inbox') };
}

describe('inbox badge', () => {
  it('shows the unread count the inbox answers, asking for one item only', async () => {
    const { fixture, el, inboxReads } = await badge(() => json({ items: [], unread: 312 }));
    expect(el.querySelector('.count')?.textContent?.trim()).toBe('312');
    expect(el.querySelector('a')?.getAttribute('aria-label')).toBe('Inbox, 312 unread');
    expect(inboxReads.at(-1)?.searchParams.get('limit')).toBe('1');
    fixture.destroy();
  });

  it('says nothing when nothing is unread or the inbox cannot be read', async () => {
    const none = await badge(() => json({ items: [], unread: 0 }));
    expect(none.el.querySelector('a')).toBeNull();
    none.fixture.destroy();
    TestBed.resetTestingModule();
    const failing = await badge(() => json({ type: 'about:blank', title: 'Unavailable', status: 503 }, 503));
    expect(failing.el.querySelector('a')).toBeNull();
    failing.fixture.destroy();
  });
});
