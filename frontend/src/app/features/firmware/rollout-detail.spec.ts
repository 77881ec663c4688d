import { TestBed } from '@angular/core/testing';

import type { Role } from '../../core/auth/roles';
import { settle, signInToStubApi } from '../../testing/stub-api';
import { RolloutDetailComponent } from './rollout-detail.component';

const ROLLOUT = {
  rollout_id: 'ro-0123456789abcdef01234567',
  org_id: 'o',
  release_id: 'rel-0123456789abcdef01234567',
  firmware_family: 'boiler-fw',
  target: { groups: ['north'], tags: [], device_ids: [] },
  plan: { sizes: [2, 2] },
  gate: { max_failure_rate: 0.05, min_success_count: 1, min_success_rate: 0.9, soak_time: 'PT0S', on_breach: 'halt' },
  wave_ends: [2, 4, 6],
  state: 'halted',
  wave: 1,
  wave_started_at: '2026-11-27T00:00:00Z',
  reason: 'wave 2: 1 of 2 devices failed (50.0%); the gate allows 5.0%',
  created_at: '2026-11-27T00:00:00Z',
  updated_at: '2026-11-27T00:01:00Z',
};
const WAVES = [
  { wave: 0, size: 2, devices: { healthy: 2 } },
  { wave: 1, size: 2, devices: { failed: 1, downloading: 1 } },
  { wave: 2, size: 2, devices: { pending: 2 } },
];
const DEVICES = [{ org_id: 'o', rollout_id: ROLLOUT.rollout_id, device_id: 'd0001', wave: 1, state: 'failed', code: 'hash_mismatch', detail: 'sha differs', updated_at: '2026-11-27T00:01:00Z' }];

async function render(role: Role) {
  await signInToStubApi(role, {
    [`GET /v1/firmware/rollouts/${ROLLOUT.rollout_id}`]: () => ({ rollout: ROLLOUT, waves: WAVES }),
    [`GET /v1/firmware/rollouts/${ROLLOUT.rollout_id}/devices`]: () => ({ items: DEVICES, next_cursor: null }),
  });
  const fixture = TestBed.createComponent(RolloutDetailComponent);
  fixture.componentRef.setInput('id', ROLLOUT.rollout_id);
  await settle(fixture);
  return fixture;
}

describe('rollout detail', () => {
  it('draws each wave with its counts and gate, and the failed device with its code', async () => {
    const fixture = await render('viewer');
    const el = fixture.nativeElement as HTMLElement;
    const waves = [...el.querySelectorAll('.waves > li')].map((li) => li.textContent?.replace(/\s+/g, ' ').trim());
    expect(waves[0]).toContain('2 targeted · 2 healthy · 0 failed');
    expect(waves[0]).toContain('Gate passed');
    expect(waves[1]).toContain('1 failed · 1 in progress');
    expect(waves[1]).toContain('Gate breached: halted');
    expect(waves[2]).toContain('Waiting');
    expect(el.querySelector('.bar')?.getAttribute('aria-label')).toBe('Wave 1: 2 of 2 healthy, 0 failed, 0 in progress, 0 pending');
    expect(el.textContent).toContain('hash_mismatch');
    expect(el.textContent).toContain('the gate allows 5.0%');
    fixture.destroy();
  });

  it('gives a viewer no actions and an operator those the state allows', async () => {
    const names = (f: Awaited<ReturnType<typeof render>>) =>
      [...(f.nativeElement as HTMLElement).querySelectorAll('.head button')].map((b) => b.textContent?.trim());
    const viewer = await render('viewer');
    expect(names(viewer)).toEqual([]);
    viewer.destroy();
    TestBed.resetTestingModule();
    const operator = await render('operator');
    expect(names(operator)).toEqual(['Resume', 'Cancel']);
    operator.destroy();
  });
});
