import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Router } from '@angular/router';

import { ApiClient, call, tokensFrom } from '../api/api-client';
import type { components } from '../api/schema';
import { TokenStore } from '../api/token-store';
import { NotificationService } from '../errors/notification.service';
import { EventBus } from '../events/event-bus';
import { type Role, roleAllows } from './roles';

export type User = components['schemas']['UserView'];

/** Login, logout, session expiry and who is signed in (with the role the UI adapts to). */
@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly client = inject(ApiClient);
  private readonly tokens = inject(TokenStore);
  private readonly router = inject(Router);
  private readonly notifications = inject(NotificationService);
  private readonly bus = inject(EventBus);

  private readonly signedIn = signal(this.tokens.get() !== null);
  private readonly me = signal<User | null>(null);

  readonly isAuthenticated = this.signedIn.asReadonly();
  readonly user = this.me.asReadonly();
  readonly role = computed<Role | null>(() => this.me()?.role ?? null);

  constructor() {
    this.client.sessionExpired.pipe(takeUntilDestroyed(inject(DestroyRef))).subscribe(() => this.expire());
  }

  /** True when the signed-in user's role is at least `needed` (the API enforces it regardless). */
  hasRole(needed: Role): boolean {
    return roleAllows(this.role(), needed);
  }

  async login(email: string, password: string): Promise<void> {
    const pair = await call(this.client.api.POST('/v1/auth/login', { body: { email, password } }));
    this.tokens.set(tokensFrom(pair));
    this.signedIn.set(true);
    await this.loadUser();
  }

  /** Loads the signed-in user (after login, and at start when a session was kept over a reload). */
  async loadUser(): Promise<User | null> {
    if (!this.tokens.get()) return null;
    const user = await call(this.client.api.GET('/v1/me'));
    this.me.set(user);
    return user;
  }

  async logout(): Promise<void> {
    if (this.tokens.get()) {
      try {
        await this.client.api.POST('/v1/auth/logout');
      } catch {
        /* the session ends here whether or not the API heard of it */
      }
    }
    this.clear();
    await this.router.navigate(['/login']);
  }

  /** The API refused the session's tokens: sign out and ask for the password again. */
  private expire(): void {
    if (!this.signedIn()) return;
    this.clear();
    this.bus.publish('session.expired', {});
    this.notifications.warn('Your session has expired', 'Sign in again to continue.');
    const returnUrl = this.router.url.startsWith('/login') ? undefined : this.router.url;
    void this.router.navigate(['/login'], { queryParams: { returnUrl } });
  }

  private clear(): void {
    this.tokens.set(null);
    this.me.set(null);
    this.signedIn.set(false);
  }
}
