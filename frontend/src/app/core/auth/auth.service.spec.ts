import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';

import { FETCH } from '../api/api-client';
import { TokenStore } from '../api/token-store';
import { APP_CONFIG } from '../config/app-config';
import { NotificationService } from '../errors/notification.service';
import { EventBus } from '../events/event-bus';
import { AuthService } from './auth.service';

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

const pair = { access_token: 'a1', refresh_token: 'r1', token_type: 'Bearer', expires_in: 900, refresh_expires_in: 86400 };
const me = (role: string) => ({ id: 'u1', org_id: 'o1', email: 'ops@x', display_name: 'Ops', role, created_at: '2026-01-01T00:00:00Z', preferences: {} });

function setUp(handler: (request: Request) => Response) {
  sessionStorage.clear();
  TestBed.resetTestingModule();
  TestBed.configureTestingModule({
    providers: [
      provideRouter([]),
      { provide: APP_CONFIG, useValue: { apiBaseUrl: '' } },
      { provide: FETCH, useValue: async (request: Request) => handler(request) },
    ],
  });
  return TestBed.inject(AuthService);
}

describe('AuthService', () => {
  it('logs in, keeps the tokens and loads the user with their role', async () => {
    const auth = setUp((request) => (request.url.endsWith('/v1/auth/login') ? json(pair) : json(me('operator'))));
    await auth.login('ops@x', 'secret');
    expect(auth.isAuthenticated()).toBe(true);
    expect(auth.role()).toBe('operator');
    expect(auth.hasRole('viewer')).toBe(true);
    expect(auth.hasRole('operator')).toBe(true);
    expect(auth.hasRole('admin')).toBe(false);
    expect(TestBed.inject(TokenStore).get()?.accessToken).toBe('a1');
  });

  it('refreshes on a 401 without the user noticing', async () => {
    const auth = setUp((request) => {
      if (request.url.endsWith('/v1/auth/login')) return json(pair);
      if (request.url.endsWith('/v1/auth/refresh')) return json({ ...pair, access_token: 'a2', refresh_token: 'r2' });
      return request.headers.get('Authorization') === 'Bearer a2' ? json(me('viewer')) : json({ title: 'Unauthorized', status: 401, detail: '' }, 401);
    });
    await auth.login('ops@x', 'secret');
    expect(auth.isAuthenticated()).toBe(true);
    expect(auth.role()).toBe('viewer');
    expect(TestBed.inject(TokenStore).get()?.refreshToken).toBe('r2');
  });

  it('signs out, tells the user and goes to the login page when the session has expired', async () => {
    let refused = false;
    const auth = setUp((request) => {
      if (request.url.endsWith('/v1/auth/login')) return json(pair);
      if (refused) return json({ title: 'Unauthorized', status: 401, detail: '' }, 401);
      return json(me('admin'));
    });
    await auth.login('ops@x', 'secret');
    const router = TestBed.inject(Router);
    const navigate = vi.spyOn(router, 'navigate').mockResolvedValue(true);
    const events: string[] = [];
    TestBed.inject(EventBus).all$.subscribe((e) => events.push(e.type));
    refused = true;

    await expect(auth.loadUser()).rejects.toThrow();

    expect(auth.isAuthenticated()).toBe(false);
    expect(auth.user()).toBeNull();
    expect(events).toContain('session.expired');
    expect(TestBed.inject(NotificationService).notices()[0].title).toBe('Your session has expired');
    expect(navigate).toHaveBeenCalledWith(['/login'], expect.anything());
  });

  it('logs out: tells the API, forgets the tokens', async () => {
    const calls: string[] = [];
    const auth = setUp((request) => {
      calls.push(new URL(request.url, 'http://x').pathname);
      return request.url.endsWith('/v1/auth/login') ? json(pair) : request.url.endsWith('/logout') ? new Response(null, { status: 204 }) : json(me('admin'));
    });
    await auth.login('ops@x', 'secret');
    vi.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    await auth.logout();
    expect(calls).toContain('/v1/auth/logout');
    expect(auth.isAuthenticated()).toBe(false);
    expect(TestBed.inject(TokenStore).get()).toBeNull();
  });
});
