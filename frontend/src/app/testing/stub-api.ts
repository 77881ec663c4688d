import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { FETCH } from '../core/api/api-client';
import type { Role } from '../core/auth/roles';
import { AuthService } from '../core/auth/auth.service';
import { APP_CONFIG } from '../core/config/app-config';

/**
 * The set-up most screen specs share: a TestBed whose `ApiClient` talks to a stub API instead of
 * the network, and a user of the given role already signed in. Lives outside `*.spec.ts` so every
 * spec imports the one copy; nothing in the app imports it, so it is never bundled.
 */

/** Answers one request: a `Response` as it is, anything else as a JSON body with status 200. */
export type Handler = (request: Request) => unknown;

/** A JSON answer; a status of 400 or more is sent as problem+json, like the API's errors. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const type = status >= 400 ? 'application/problem+json' : 'application/json';
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type, ...headers } });
}

export function problem(status: number, detail = '', extra: Record<string, unknown> = {}): Response {
  return json({ type: 'about:blank', title: `HTTP ${status}`, status, detail, ...extra }, status);
}

const SESSION = { access_token: 'a', refresh_token: 'r', expires_in: 900, refresh_expires_in: 900 };

/**
 * Signs a user of `role` in against a stub API whose `routes` are keyed `"METHOD /path"` (the path
 * without its query string); a request no route names is a 404 problem, unless `fallback` answers
 * it. Returns every request sent, in order (clones, so a spec may read their bodies).
 */
export async function signInToStubApi(role: Role, routes: Record<string, Handler>, fallback?: Handler): Promise<Request[]> {
  const seen: Request[] = [];
  sessionStorage.clear();
  TestBed.configureTestingModule({
    providers: [
      provideRouter([]),
      { provide: APP_CONFIG, useValue: { apiBaseUrl: 'http://api.test' } },
      {
        provide: FETCH,
        useValue: async (request: Request) => {
          seen.push(request.clone());
          const url = new URL(request.url);
          if (url.pathname === '/v1/auth/login') return json(SESSION);
          if (url.pathname === '/v1/me') return json({ id: 'u', org_id: 'o', email: 'e@x', display_name: 'E', role, created_at: '2026-01-01T00:00:00Z', preferences: {} });
          const handler = routes[`${request.method} ${url.pathname}`] ?? fallback;
          if (!handler) return problem(404, url.pathname);
          const answer = await handler(request);
          return answer instanceof Response ? answer : json(answer);
        },
      },
    ],
  });
  await TestBed.inject(AuthService).login('e@x', 'p');
  return seen;
}

/** The requests to one path (no query string), as URLs. */
export function urlsOf(seen: readonly Request[], pathname: string, method = 'GET'): URL[] {
  return seen.filter((r) => r.method === method).map((r) => new URL(r.url)).filter((u) => u.pathname === pathname);
}

/** Lets the component's requests answer and its view catch up (a few rounds: answers lead to reads). */
export async function settle(fixture: { whenStable: () => Promise<unknown>; detectChanges: () => void }, rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await fixture.whenStable();
    await new Promise((resolve) => setTimeout(resolve));
    fixture.detectChanges();
  }
}

/** An element's text with its white space folded, as a reader sees it. */
export const text = (el: Element): string => el.textContent?.replace(/\s+/g, ' ') ?? '';

/** The trimmed labels of the buttons inside an element. */
export const buttons = (el: Element): (string | undefined)[] => [...el.querySelectorAll('button')].map((b) => b.textContent?.trim());

/** Clicks the button labelled exactly `label` (fails the spec when there is none). */
export function clickButton(el: Element, label: string): void {
  const button = [...el.querySelectorAll('button')].find((b) => b.textContent?.trim() === label);
  if (!button) throw new Error(`no button “${label}” among ${JSON.stringify(buttons(el))}`);
  button.click();
}
