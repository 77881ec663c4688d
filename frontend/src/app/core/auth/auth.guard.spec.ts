import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';

import { TokenStore } from '../api/token-store';
import { APP_CONFIG } from '../config/app-config';
import { authGuard, guestGuard } from './auth.guard';

@Component({ template: '' })
class Blank {}

async function landOn(url: string, signedIn: boolean): Promise<string> {
  TestBed.resetTestingModule();
  sessionStorage.clear();
  if (signedIn) {
    sessionStorage.setItem(
      'iotsphere.session',
      JSON.stringify({ accessToken: 'a', refreshToken: 'r', accessExpiresAt: Date.now() + 6e5, refreshExpiresAt: Date.now() + 6e5 }),
    );
  }
  TestBed.configureTestingModule({
    providers: [
      { provide: APP_CONFIG, useValue: { apiBaseUrl: 'http://api.test' } },
      provideRouter([
        { path: 'login', component: Blank, canActivate: [guestGuard] },
        { path: 'devices', component: Blank, canActivate: [authGuard] },
      ]),
    ],
  });
  TestBed.inject(TokenStore);
  const router = TestBed.inject(Router);
  await router.navigateByUrl(url);
  return router.url;
}

describe('guards', () => {
  it('sends the signed out to the login page, with the way back', async () => {
    expect(await landOn('/devices?q=x', false)).toBe('/login?returnUrl=%2Fdevices%3Fq%3Dx');
  });

  it('lets the signed in through, and past the login page', async () => {
    expect(await landOn('/devices', true)).toBe('/devices');
    expect(await landOn('/login', true)).toBe('/devices');
  });

  it('does not restore a session whose refresh token has run out', async () => {
    sessionStorage.setItem(
      'iotsphere.session',
      JSON.stringify({ accessToken: 'a', refreshToken: 'r', accessExpiresAt: 0, refreshExpiresAt: Date.now() - 1 }),
    );
    TestBed.configureTestingModule({});
    expect(TestBed.inject(TokenStore).get()).toBeNull();
  });
});
