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
        this.cached = raw ? (JSON.parse(raw) as Tokens) : null;
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
