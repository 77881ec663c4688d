import { TestBed } from '@angular/core/testing';

import { settle, signInToStubApi, text, urlsOf } from '../../testing/stub-api';
import { AlarmListComponent } from './alarm-list.component';

const alarm = (id: string, ruleId: string) => ({
  id: id.repeat(32), org_id: 'o', rule_id: ruleId, device_id: 'pump-1', metric: 'temperature', severity: 'major', status: 'active',
  acknowledged: false, flapping: false, raised_at: '2026-11-27T10:00:00Z', opened_at: '2026-11-27T10:00:00Z', last_at: '2026-11-27T10:01:00Z', last_value: 91,
});
const rule = (id: string, name: string) => ({ id, org_id: 'o', name, enabled: true, metric: 'temperature', severity: 'major' });

describe('alarm list: rules by name', () => {
  it('names each alarm’s rule, reading the rules once however often the list refreshes', async () => {
    const seen = await signInToStubApi('operator', {
      'GET /v1/alarms': () => ({ items: [alarm('a', 'too-hot'), alarm('b', 'too-cold'), alarm('c', 'gone')], next_cursor: null }),
      'GET /v1/rules': (request) =>
        new URL(request.url).searchParams.get('cursor') === 'too-hot'
          ? { items: [rule('too-cold', 'Too cold')], next_cursor: null }
          : { items: [rule('too-hot', 'Too hot')], next_cursor: 'too-hot' },
    });
    const fixture = TestBed.createComponent(AlarmListComponent);
    fixture.componentRef.setInput('mode', 'open');
    await settle(fixture);
    await (fixture.componentInstance as unknown as { fetch(cursor: null, quiet: boolean): Promise<void> }).fetch(null, true);
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    const links = [...el.querySelectorAll('a[href^="/alerts/rules/"]')].map((a) => [a.getAttribute('href'), a.textContent?.trim()]);
    expect(links).toEqual(
      expect.arrayContaining([
        ['/alerts/rules/too-hot', 'Too hot'],
        ['/alerts/rules/too-cold', 'Too cold'],
        ['/alerts/rules/gone', 'gone'], // a rule no longer there is shown by its id
      ]),
    );
    expect(urlsOf(seen, '/v1/rules')).toHaveLength(2); // two pages, once
    // the row's buttons keep naming the alarm by ids (what the browser flows look for)
    expect(el.querySelector('button[aria-label="Details of alarm too-hot on pump-1"]')).not.toBeNull();
    expect(text(el)).not.toContain('too-hot temperature');
    fixture.destroy();
  });
});
