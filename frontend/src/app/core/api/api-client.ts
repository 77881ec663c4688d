import { Injectable, InjectionToken, inject } from '@angular/core';
import createClient, { type Client } from 'openapi-fetch';
import { Subject } from 'rxjs';

import { APP_CONFIG } from '../config/app-config';
import { ApiError, toProblem } from './problem';
import type { components, paths } from './schema';
import { TokenStore, type Tokens } from './token-store';

export type Api = Client<paths>;
export type TokenPair = components['schemas']['TokenPair'];

/** The `fetch` the client sends with; tests provide a fake. */
export const FETCH = new InjectionToken<(request: Request) => Promise<Response>>('FETCH', {
  providedIn: 'root',
  factory: () => (request: Request) => fetch(request),
});

/** How long before its expiry an access token is renewed rather than sent. */
const EXPIRY_MARGIN_MS = 30_000;

/** Routes that never carry a bearer token nor trigger a refresh. */
const ANONYMOUS = ['/v1/auth/login', '/v1/auth/refresh'];

export function tokensFrom(pair: TokenPair, now = Date.now()): Tokens {
  return {
    accessToken: pair.access_token,
    refreshToken: pair.refresh_token,
    accessExpiresAt: now + pair.expires_in * 1000,
    refreshExpiresAt: now + pair.refresh_expires_in * 1000,
  };
}

/**
 * The typed API client (openapi-fetch over the generated `paths`). Every call carries the access
 * token, renewed first when it is about to expire; a 401 refreshes the tokens once (concurrent 401s share one refresh) and sends the request
 * again; when the refresh is refused the session has expired and `sessionExpired` fires.
 */
@Injectable({ providedIn: 'root' })
export class ApiClient {
  private readonly tokens = inject(TokenStore);
  private readonly send = inject(FETCH);
  /** Absolute, since `Request` needs one: an empty setting means the page's own origin. */
  private readonly baseUrl = inject(APP_CONFIG).apiBaseUrl || globalThis.location.origin;
  private refreshing: Promise<Tokens | null> | null = null;

  /** Fires once each time the session ends because its tokens are no longer accepted. */
  readonly sessionExpired = new Subject<void>();

  readonly api: Api = createClient<paths>({
    baseUrl: this.baseUrl,
    fetch: (request) => this.sendWithAuth(request),
  });

  /** Refreshes the tokens now; null when the refresh token is missing or refused. */
  refresh(): Promise<Tokens | null> {
    this.refreshing ??= this.doRefresh().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async sendWithAuth(request: Request): Promise<Response> {
    const anonymous = ANONYMOUS.some((path) => new URL(request.url).pathname.endsWith(path));
    const current = this.tokens.get();
    if (anonymous || !current) return this.sendSafely(request);
    // An access token about to run out is renewed first: no 401 round trip (nor its console line).
    const valid = current.accessExpiresAt - EXPIRY_MARGIN_MS > Date.now();
    const token = valid ? current.accessToken : (await this.refresh())?.accessToken;
    if (!token) return this.sendSafely(request);
    const again = request.clone();
    const response = await this.sendSafely(withBearer(request, token));
    if (response.status !== 401) return response;
    const renewed = await this.refresh();
    if (!renewed) return response;
    return this.sendSafely(withBearer(again, renewed.accessToken));
  }

  private async doRefresh(): Promise<Tokens | null> {
    const current = this.tokens.get();
    if (!current) return null;
    const response = await this.sendSafely(
      new Request(`${this.baseUrl}/v1/auth/refresh`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ refresh_token: current.refreshToken }),
      }),
    );
    if (response.ok) {
      const fresh = tokensFrom((await response.json()) as TokenPair);
      this.tokens.set(fresh);
      return fresh;
    }
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      this.tokens.set(null);
      this.sessionExpired.next();
    }
    return null;
  }

  /** A network failure becomes a response with status 0's problem, so callers see one shape. */
  private async sendSafely(request: Request): Promise<Response> {
    try {
      return await this.send(request);
    } catch {
      throw new ApiError(toProblem(null, 0));
    }
  }
}

function withBearer(request: Request, token: string): Request {
  const headers = new Headers(request.headers);
  headers.set('Authorization', `Bearer ${token}`);
  return new Request(request, { headers });
}

/** The data of an openapi-fetch result, or its problem thrown as an ApiError. */
export async function call<T>(
  pending: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await pending;
  if (!response.ok) throw new ApiError(toProblem(error, response.status, response.statusText));
  return data as T;
}
