import { Injectable } from '@angular/core';

export interface Tokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** Epoch milliseconds after which the access token is no longer accepted. */
  readonly accessExpiresAt: number;
  /** Epoch milliseconds after which the refresh token is no longer accepted. */
  readonly refreshExpiresAt: number;
}

const KEY = 'iotsphere.session';

/**
 * Where the session's tokens live: sessionStorage, so a reload keeps the session and closing the
 * browser tab ends it.
 */
@Injectable({ providedIn: 'root' })
export class TokenStore {
  private cached: Tokens | null | undefined;

  get(): Tokens | null {
    if (this.cached === undefined) {
      try {
        const raw = sessionStorage.getItem(KEY);
        const tokens = raw ? (JSON.parse(raw) as Tokens) : null;
        // a session whose refresh token has run out is over: nothing left to renew it with
        this.cached = tokens && tokens.refreshExpiresAt > Date.now() ? tokens : null;
      } catch {
        this.cached = null;
      }
    }
    return this.cached;
  }

  set(tokens: Tokens | null): void {
    this.cached = tokens;
    try {
      if (tokens) sessionStorage.setItem(KEY, JSON.stringify(tokens));
      else sessionStorage.removeItem(KEY);
    } catch {
      /* storage refused (private mode): the session lives in memory only */
    }
  }
}
