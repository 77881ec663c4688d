import { TestBed } from '@angular/core/testing';

import { json, problem, settle, signInToStubApi, urlsOf } from '../testing/stub-api';
import { InboxBadgeComponent } from './inbox-badge.component';

async function badge(inbox: () => Response) {
  const seen = await signInToStubApi('viewer', { 'GET /v1/inbox': inbox });
  const fixture = TestBed.createComponent(InboxBadgeComponent);
  await settle(fixture, 3);
  return { fixture, el: fixture.nativeElement as HTMLElement, inboxReads: urlsOf(seen, '/v1/inbox') };
}

describe('inbox badge', () => {
  it('shows the unread count the inbox answers, asking for one item only', async () => {
    const { fixture, el, inboxReads } = await badge(() => json({ items: [], unread: 312 }));
    expect(el.querySelector('.count')?.textContent?.trim()).toBe('312');
    expect(el.querySelector('a')?.getAttribute('aria-label')).toBe('Inbox, 312 unread');
    expect(inboxReads.at(-1)?.searchParams.get('limit')).toBe('1');
    fixture.destroy();
  });

  it('says nothing when nothing is unread or the inbox cannot be read', async () => {
    const none = await badge(() => json({ items: [], unread: 0 }));
    expect(none.el.querySelector('a')).toBeNull();
    none.fixture.destroy();
    TestBed.resetTestingModule();
    const failing = await badge(() => problem(503));
    expect(failing.el.querySelector('a')).toBeNull();
    failing.fixture.destroy();
  });
});
