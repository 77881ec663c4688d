import { TestBed } from '@angular/core/testing';

import { settle, signInToStubApi, urlsOf } from '../../testing/stub-api';
import { ReleaseDetailComponent } from './release-detail.component';

const RELEASE_ID = 'rel-0123456789abcdef01234567';
const RELEASE = {
  release_id: RELEASE_ID, org_id: 'o', firmware_family: 'boiler-fw', version: '2.0.0', image_key: 'fw/boiler.bin', image_size: 2048,
  image_sha256: 'ab'.repeat(32), key_id: 'k1', signed: { manifest: '{"version":"2.0.0"}', signature: null },
  created_at: '2026-11-27T00:00:00Z', expires_at: '2099-01-01T00:00:00Z',
};
const rollout = (rollout_id: string, state: string) => ({ rollout_id, release_id: RELEASE_ID, state, created_at: '2026-11-27T01:00:00Z' });

describe('release detail', () => {
  it('lists the rollouts the API answers for this release', async () => {
    const seen = await signInToStubApi('viewer', {
      [`GET /v1/firmware/releases/${RELEASE_ID}`]: () => RELEASE,
      'GET /v1/firmware/rollouts': () => ({ items: [rollout('ro-000000000000000000000002', 'running'), rollout('ro-000000000000000000000001', 'cancelled')], next_cursor: null }),
    });
    const fixture = TestBed.createComponent(ReleaseDetailComponent);
    fixture.componentRef.setInput('id', RELEASE_ID);
    await settle(fixture);
    const rolloutReads = urlsOf(seen, '/v1/firmware/rollouts');
    expect(rolloutReads.map((u) => u.searchParams.get('release_id'))).toEqual([RELEASE_ID]);
    const listed = [...(fixture.nativeElement as HTMLElement).querySelectorAll('section[aria-labelledby="rel-rollouts"] li a')].map((a) => a.textContent?.trim());
    expect(listed).toEqual(['ro-000000000000000000000002', 'ro-000000000000000000000001']);
    fixture.destroy();
  });
});
