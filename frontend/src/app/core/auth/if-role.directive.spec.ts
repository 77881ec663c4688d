import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { FETCH } from '../api/api-client';
import { APP_CONFIG } from '../config/app-config';
import { AuthService } from './auth.service';
import { IfRoleDirective } from './if-role.directive';
import { roleAllows } from './roles';

@Component({
  imports: [IfRoleDirective],
  template: `
    <p>read</p>
    <button *appIfRole="'operator'">Edit</button>
    <button *appIfRole="'admin'">Rotate credentials</button>
  `,
})
class Host {}

async function renderAs(role: string | null) {
  sessionStorage.clear();
  TestBed.configureTestingModule({
    providers: [
      provideRouter([]),
      { provide: APP_CONFIG, useValue: { apiBaseUrl: 'http://api.test' } },
      {
        provide: FETCH,
        useValue: async (request: Request) =>
          new Response(
            JSON.stringify(
              request.url.endsWith('/login')
                ? { access_token: 'a', refresh_token: 'r', expires_in: 900, refresh_expires_in: 900 }
                : { id: 'u', org_id: 'o', email: 'e@x', display_name: 'E', role, created_at: '2026-01-01T00:00:00Z', preferences: {} },
            ),
            { headers: { 'Content-Type': 'application/json' } },
          ),
      },
    ],
  });
  if (role) await TestBed.inject(AuthService).login('e@x', 'p');
  const fixture = TestBed.createComponent(Host);
  await fixture.whenStable();
  return [...(fixture.nativeElement as HTMLElement).querySelectorAll('button')].map((b) => b.textContent);
}

describe('role-aware UI', () => {
  it('shows a viewer no edit controls', async () => {
    expect(await renderAs('viewer')).toEqual([]);
  });

  it('shows an operator the operator controls only', async () => {
    expect(await renderAs('operator')).toEqual(['Edit']);
  });

  it('shows an admin everything', async () => {
    expect(await renderAs('admin')).toEqual(['Edit', 'Rotate credentials']);
  });

  it('shows nobody signed out any control', async () => {
    expect(await renderAs(null)).toEqual([]);
  });

  it('orders the roles viewer < operator < admin', () => {
    expect(roleAllows('admin', 'operator')).toBe(true);
    expect(roleAllows('operator', 'admin')).toBe(false);
    expect(roleAllows(null, 'viewer')).toBe(false);
  });
});
