import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';

import { TabManager } from '../../core/tabs/tab-manager.service';
import { settle, signInToStubApi } from '../../testing/stub-api';
import { RolloutStartComponent } from './rollout-start.component';

@Component({ selector: 'app-blank', template: '' })
class BlankComponent {}

const RELEASE = { release_id: 'rel-1', firmware_family: 'boiler-fw', version: '1.2.0', expires_at: '2999-01-01T00:00:00Z' };

/** The start form in its own tab beside Firmware, the rollout API answering `answer`. */
async function startForm(answer: () => unknown) {
  await signInToStubApi('operator', {
    'GET /v1/firmware/releases': () => ({ items: [RELEASE], next_cursor: null }),
    'POST /v1/firmware/rollouts': answer,
  });
  TestBed.inject(Router).resetConfig([{ path: '**', component: BlankComponent }]);
  const tabs = TestBed.inject(TabManager);
  await tabs.open('/firmware');
  await tabs.open('/firmware/rollouts/new');
  const fixture = TestBed.createComponent(RolloutStartComponent);
  await settle(fixture);
  const form = fixture.componentInstance as unknown as { set(field: string, value: string): void; start(): Promise<void> };
  form.set('releaseId', 'rel-1');
  form.set('tags', 'beta');
  return { fixture, tabs, form };
}

describe('starting a rollout', () => {
  it('replaces the start tab with the new rollout’s tab once the rollout started', async () => {
    const { fixture, tabs, form } = await startForm(() => ({ rollout_id: 'ro-9' }));
    await form.start();
    await settle(fixture);
    expect(tabs.tabs().map((t) => t.path)).toEqual(['/firmware', '/firmware/rollouts/ro-9']);
    expect(tabs.active()?.path).toBe('/firmware/rollouts/ro-9');
    fixture.destroy();
  });

  it('keeps the start tab and its form when the start is refused', async () => {
    const { fixture, tabs, form } = await startForm(() => new Response(JSON.stringify({ title: 'Conflict', status: 409, detail: 'busy' }), { status: 409, headers: { 'Content-Type': 'application/problem+json' } }));
    await form.start();
    await settle(fixture);
    expect(tabs.tabs().map((t) => t.path)).toEqual(['/firmware', '/firmware/rollouts/new']);
    expect(tabs.active()?.path).toBe('/firmware/rollouts/new');
    fixture.destroy();
  });
});
