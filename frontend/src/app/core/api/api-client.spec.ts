import { TestBed } from '@angular/core/testing';

import { APP_CONFIG } from '../config/app-config';
import { ApiClient, FETCH, call } from './api-client';
import { ApiError } from './problem';
import { TokenStore } from './token-store';

type Handler = (request: Request) => Response | Promise<Response>;

function json(body: unknown, status = 200, type = 'application/json'): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });
}

const problem = (status: number, title: string) =>
  json({ type: 'about:blank', title, status, detail: `${title}.` }, status, 'application/problem+json');

const pair = (access: string, refresh: string) => ({
  access_token: access,
  refresh_token: refresh,
  token_type: 'Bearer',
  expires_in: 900,
  refresh_expires_in: 86400,
});

const user = { id: 'u1', org_id: 'o1', email: 'a@x', display_name: 'A', role: 'admin', created_at: '2026-01-01T00:00:00Z', preferences: {} };

function setUp(handler: Handler) {
  const seen: Request[] = [];
  sessionStorage.clear();
  TestBed.resetTestingModule();
  TestBed.configureTestingModule({
    providers: [
      { provide: APP_CONFIG, useValue: { apiBaseUrl: 'http://api.test' } },
      {
        provide: FETCH,
        useValue: async (request: Request) => {
          seen.push(request.clone());
          return handler(request);
        },
      },
    ],
  });
  const tokens = TestBed.inject(TokenStore);
  tokens.set({ accessToken: 'old', refreshToken: 'r1', accessExpiresAt: Date.now() + 600_000, refreshExpiresAt: Date.now() + 1e6 });
  return { client: TestBed.inject(ApiClient), tokens, seen };
}

describe('ApiClient', () => {
  it('sends the access token', async () => {
    const { client, seen } = setUp(() => json(user));
    await call(client.api.GET('/v1/me'));
    expect(seen[0].headers.get('Authorization')).toBe('Bearer old');
  });

  it('refreshes on a 401 and sends the request again with the new token', async () => {
    const { client, tokens, seen } = setUp((request) => {
      const path = new URL(request.url).pathname;
      if (path === '/v1/auth/refresh') return json(pair('new', 'r2'));
      return request.headers.get('Authorization') === 'Bearer new' ? json(user) : problem(401, 'Unauthorized');
    });

    const me = await call(client.api.GET('/v1/me'));

    expect(me.email).toBe('a@x');
    expect(seen.map((r) => new URL(r.url).pathname)).toEqual(['/v1/me', '/v1/auth/refresh', '/v1/me']);
    expect(await seen[1].json()).toEqual({ refresh_token: 'r1' });
    expect(seen[1].headers.get('Authorization')).toBeNull();
    expect(tokens.get()?.accessToken).toBe('new');
    expect(tokens.get()?.refreshToken).toBe('r2');
  });

  it('sends a request body again after a refresh', async () => {
    const { client, seen } = setUp((request) => {
      const path = new URL(request.url).pathname;
      if (path === '/v1/auth/refresh') return json(pair('new', 'r2'));
      return request.headers.get('Authorization') === 'Bearer new' ? json(user) : problem(401, 'Unauthorized');
    });
    await call(client.api.PATCH('/v1/me', { body: { display_name: 'B' } }));
    expect(await seen[2].json()).toEqual({ display_name: 'B' });
  });

  it('renews an access token about to expire before sending, without a 401', async () => {
    const { client, tokens, seen } = setUp((request) =>
      new URL(request.url).pathname === '/v1/auth/refresh' ? json(pair('new', 'r2')) : json(user),
    );
    tokens.set({ ...tokens.get()!, accessExpiresAt: Date.now() + 10_000 });
    await call(client.api.GET('/v1/me'));
    expect(seen.map((r) => new URL(r.url).pathname)).toEqual(['/v1/auth/refresh', '/v1/me']);
    expect(seen[1].headers.get('Authorization')).toBe('Bearer new');
  });

  it('shares one refresh between concurrent 401s', async () => {
    let refreshes = 0;
    const { client } = setUp(async (request) => {
      if (new URL(request.url).pathname === '/v1/auth/refresh') {
        refreshes++;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return json(pair('new', 'r2'));
      }
      return request.headers.get('Authorization') === 'Bearer new' ? json(user) : problem(401, 'Unauthorized');
    });
    await Promise.all([call(client.api.GET('/v1/me')), call(client.api.GET('/v1/me')), call(client.api.GET('/v1/me'))]);
    expect(refreshes).toBe(1);
  });

  it('ends the session when the refresh is refused', async () => {
    const { client, tokens } = setUp((request) =>
      new URL(request.url).pathname === '/v1/auth/refresh' ? problem(401, 'Refresh refused') : problem(401, 'Unauthorized'),
    );
    let expired = 0;
    client.sessionExpired.subscribe(() => expired++);

    const error = await call(client.api.GET('/v1/me')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect(expired).toBe(1);
    expect(tokens.get()).toBeNull();
  });

  it('does not refresh for the login call itself', async () => {
    const { client, seen } = setUp(() => problem(401, 'Wrong e-mail or password'));
    const error = await call(client.api.POST('/v1/auth/login', { body: { email: 'a@x', password: 'p' } })).catch((e: unknown) => e);
    expect((error as ApiError).problem.title).toBe('Wrong e-mail or password');
    expect(seen).toHaveLength(1);
    expect(seen[0].headers.get('Authorization')).toBeNull();
  });

  it('turns a network failure into a problem', async () => {
    const { client } = setUp(() => {
      throw new TypeError('Failed to fetch');
    });
    const error = await call(client.api.GET('/v1/me')).catch((e: unknown) => e);
    expect((error as ApiError).status).toBe(0);
    expect((error as ApiError).problem.title).toBe('Network error');
  });
});
