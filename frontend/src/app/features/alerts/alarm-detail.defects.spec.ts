import { TestBed } from '@angular/core/testing';

import { settle, signInToStubApi, text } from '../../testing/stub-api';
import { AlarmDetailComponent } from './alarm-detail.component';
import { breachText } from './alarms';

const ALARM = {
  id: 'a'.repeat(32), org_id: 'o', rule_id: 'too-hot', device_id: 'pump-1', metric: 'temperature', severity: 'major', status: 'active',
  acknowledged: false, flapping: false, episode: 2, count: 6, raised_at: '2026-11-27T10:00:00Z', opened_at: '2026-11-27T10:00:00Z',
  last_at: '2026-11-27T10:01:00Z', last_value: 91, comments: [], transitions: [],
};
const device = (name: string) => ({ id: 'pump-1', name, status: 'online', device_type: 'pump', groups: [], tags: [], metadata: {}, connection_history: [], created_at: '2026-11-01T00:00:00Z' });
const RULES = { items: [{ id: 'too-hot', name: 'Too hot', metric: 'temperature', severity: 'major' }], next_cursor: null };

/** The About card's value for a term (`<dt>`), as a reader sees it. */
function about(el: HTMLElement, term: string): string {
  const dt = [...el.querySelectorAll('dt')].find((d) => d.textContent?.trim() === term);
  if (!dt) throw new Error(`no term “${term}”`);
  return text(dt.nextElementSibling as HTMLElement).trim();
}

async function open(name: string) {
  const seen = await signInToStubApi('viewer', {
    [`GET /v1/alarms/${ALARM.id}`]: () => ALARM,
    'GET /v1/devices/pump-1': () => device(name),
    'GET /v1/rules': () => RULES,
    'GET /v1/users': () => ({ items: [], next_cursor: null }),
  });
  const fixture = TestBed.createComponent(AlarmDetailComponent);
  fixture.componentRef.setInput('id', ALARM.id);
  await settle(fixture);
  return { fixture, el: fixture.nativeElement as HTMLElement, seen };
}

describe('alarm detail: device row', () => {
  it('names the device once when its name is its id', async () => {
    const { fixture, el } = await open('pump-1');
    expect(about(el, 'Device')).toBe('pump-1');
    fixture.destroy();
  });

  it('adds the id, apart and in monospace, when the name differs', async () => {
    const { fixture, el } = await open('Boiler pump');
    expect(about(el, 'Device')).toBe('Boiler pump pump-1');
    const dd = [...el.querySelectorAll('dt')].find((d) => d.textContent?.trim() === 'Device')?.nextElementSibling as HTMLElement;
    expect(dd.querySelector('code')?.textContent?.trim()).toBe('pump-1');
    fixture.destroy();
  });
});

describe('alarm detail: what the count means', () => {
  it('says how many readings were in breach since the raise, not how often it was raised', async () => {
    const { fixture, el } = await open('pump-1');
    expect(about(el, 'Episode')).toBe('2');
    expect(about(el, 'In breach')).toBe('6 readings since it was raised');
    expect(text(el)).not.toContain('raised 6×');
    fixture.destroy();
  });

  it('counts one reading in the singular', () => {
    expect(breachText(1)).toBe('1 reading since it was raised');
    expect(breachText(undefined)).toBe('1 reading since it was raised');
  });
});

describe('alarm detail: the rule by name', () => {
  it('shows the rule’s name and links to it by id', async () => {
    const { fixture, el } = await open('pump-1');
    expect(el.querySelector('h1')?.textContent).toContain('Too hot');
    const link = [...el.querySelectorAll('dt')].find((d) => d.textContent?.trim() === 'Rule')?.nextElementSibling?.querySelector('a');
    expect(link?.textContent?.trim()).toBe('Too hot');
    expect(link?.getAttribute('href')).toBe('/alerts/rules/too-hot');
    fixture.destroy();
  });
});
