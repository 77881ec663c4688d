import { TestBed } from '@angular/core/testing';

import { buttons, problem, settle, signInToStubApi, text, urlsOf } from '../../testing/stub-api';
import { FleetStatusComponent } from '../monitoring/fleet-status.component';
import { AlarmListComponent } from './alarm-list.component';
import { RuleEditorComponent } from './rule-editor.component';

const ALARM = {
  id: 'a'.repeat(32), org_id: 'o', rule_id: 'too-hot', device_id: 'pump-1', metric: 'temperature', severity: 'major', status: 'active',
  acknowledged: false, flapping: true, raised_at: '2026-11-27T10:00:00Z', opened_at: '2026-11-27T10:00:00Z', last_at: '2026-11-27T10:01:00Z', last_value: 91,
};
const RULE = {
  id: 'too-hot', org_id: 'o', name: 'Too hot', enabled: true, scope: { kind: 'all' }, metric: 'temperature', severity: 'major',
  condition: { type: 'threshold', op: 'above', set: 80, clear: 75, duration_s: 0 }, lateness_s: 60,
};

describe('active alarms', () => {
  const routes = { 'GET /v1/alarms': () => ({ items: [ALARM], next_cursor: null }) };

  it('shows a viewer the alarm with its badges and no action', async () => {
    await signInToStubApi('viewer', routes);
    const fixture = TestBed.createComponent(AlarmListComponent);
    fixture.componentRef.setInput('mode', 'open');
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    expect(text(el)).toContain('pump-1');
    expect(text(el)).toContain('flapping');
    expect(buttons(el)).toContain('Details');
    expect(buttons(el)).not.toContain('Acknowledge');
    expect(buttons(el)).not.toContain('Clear');
    fixture.destroy();
  });

  it('lets an operator acknowledge from the row', async () => {
    const seen = await signInToStubApi('operator', { ...routes, [`POST /v1/alarms/${ALARM.id}/ack`]: () => ({ ...ALARM, status: 'acknowledged', acknowledged: true }) });
    const fixture = TestBed.createComponent(AlarmListComponent);
    fixture.componentRef.setInput('mode', 'open');
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    expect(buttons(el)).toEqual(expect.arrayContaining(['Acknowledge', 'Clear']));
    (el.querySelector('button[aria-label="Acknowledge alarm too-hot on pump-1"]') as HTMLButtonElement).click();
    await settle(fixture);
    expect(seen.some((r) => r.method === 'POST' && r.url.endsWith(`/v1/alarms/${ALARM.id}/ack`))).toBe(true);
    fixture.destroy();
  });
});

describe('alarm history', () => {
  const DAY = 86_400_000;
  const rangeOf = (request: Request) => {
    const query = new URL(request.url).searchParams;
    return [query.get('raised_after'), query.get('raised_before')].map((t) => Date.parse(t ?? ''));
  };

  it('asks for the alarms raised in the last 30 days unless the range says otherwise', async () => {
    const seen = await signInToStubApi('viewer', { 'GET /v1/alarms': () => ({ items: [ALARM], next_cursor: null }) });
    const fixture = TestBed.createComponent(AlarmListComponent);
    fixture.componentRef.setInput('mode', 'history');
    await settle(fixture);
    const [after, before] = rangeOf(seen.filter((r) => r.url.includes('/v1/alarms')).at(-1) as Request);
    expect(before - after).toBe(30 * DAY);
    expect(Math.abs(before - Date.now())).toBeLessThan(60_000);
    expect((fixture.nativeElement as HTMLElement).querySelector('fieldset.range select')).not.toBeNull();
    fixture.destroy();
  });

  it('sends a custom range from the URL as it is', async () => {
    const seen = await signInToStubApi('viewer', { 'GET /v1/alarms': () => ({ items: [], next_cursor: null }) });
    const fixture = TestBed.createComponent(AlarmListComponent);
    fixture.componentRef.setInput('mode', 'history');
    fixture.componentRef.setInput('range', '2026-11-01T00:00:00.000Z_2026-11-02T00:00:00.000Z');
    await settle(fixture);
    const query = new URL((seen.filter((r) => r.url.includes('/v1/alarms')).at(-1) as Request).url).searchParams;
    expect(query.get('raised_after')).toBe('2026-11-01T00:00:00.000Z');
    expect(query.get('raised_before')).toBe('2026-11-02T00:00:00.000Z');
    expect(text(fixture.nativeElement as HTMLElement)).toContain('No alarms in the history');
    fixture.destroy();
  });

  it('leaves the open alarms without a range', async () => {
    const seen = await signInToStubApi('viewer', { 'GET /v1/alarms': () => ({ items: [ALARM], next_cursor: null }) });
    const fixture = TestBed.createComponent(AlarmListComponent);
    fixture.componentRef.setInput('mode', 'open');
    await settle(fixture);
    const query = new URL((seen.filter((r) => r.url.includes('/v1/alarms')).at(-1) as Request).url).searchParams;
    expect(query.has('raised_after')).toBe(false);
    expect((fixture.nativeElement as HTMLElement).querySelector('fieldset.range')).toBeNull();
    fixture.destroy();
  });
});

describe('rule editor', () => {
  it('puts the API’s reason at the field it names', async () => {
    const seen = await signInToStubApi('operator', {
      'GET /v1/rules/too-hot': () => RULE,
      'PUT /v1/rules/too-hot': () => problem(422, 'x', { errors: [{ location: 'body.condition.clear', message: 'condition.clear: 85.0 is above the set level 80.0' }] }),
    });
    const fixture = TestBed.createComponent(RuleEditorComponent);
    fixture.componentRef.setInput('id', 'too-hot');
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    const clear = el.querySelector('#r-clear') as HTMLInputElement;
    expect(clear.value).toBe('75');
    clear.value = '85';
    clear.dispatchEvent(new Event('input'));
    (el.querySelector('form[aria-label="Rule"]') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await settle(fixture);
    const put = seen.find((r) => r.method === 'PUT');
    expect(await put?.json()).toMatchObject({ name: 'Too hot', condition: { type: 'threshold', set: 80, clear: 85 } });
    expect(el.querySelector('#r-clear-error')?.textContent?.trim()).toBe('85.0 is above the set level 80.0');
    expect(clear.getAttribute('aria-invalid')).toBe('true');
    fixture.destroy();
  });

  it('edits each part of a composite with the same fields as a single condition, each watching its own metric', async () => {
    const TYPES = { items: [{ id: 'press', name: 'Press', metrics: [{ name: 'temperature', kind: 'gauge' }, { name: 'vibration', kind: 'gauge' }] }] };
    const seen = await signInToStubApi('operator', {
      'GET /v1/device-types': () => TYPES,
      'PUT /v1/rules/hot-shaking': (request: Request) =>
        request.clone().json().then((body) =>
          body.condition.conditions[1].metric === 'vibration'
            ? problem(422, 'x', {
                errors: [
                  { location: 'body.condition.conditions.1.metric', message: "condition.conditions.1.metric: device type 'press' has no metric 'vibration'" },
                  { location: 'body.condition.composite.conditions.1.band.clear_high', message: 'condition.conditions.1.clear_high: must be at most high' },
                ],
              })
            : { ...body, id: 'hot-shaking', org_id: 'o' },
        ),
    });
    const { fixture, el, set } = await openNewRule();
    set('#r-id', 'hot-shaking');
    set('#r-scope', 'device_type', 'change');
    set('#r-scope-value', 'press');
    set('#r-set', '80');
    set('#r-clear', '75');
    set('#r-kind', 'composite', 'change');
    await settle(fixture);
    expect([...el.querySelectorAll('#r-metrics option')].map((o) => (o as HTMLOptionElement).value)).toEqual(['temperature', 'vibration']);
    expect(el.querySelector('#r-part-1-metric')?.getAttribute('list')).toBe('r-metrics');
    expect(el.querySelector('#r-metric')?.getAttribute('list')).toBe('r-metrics');
    expect(el.querySelectorAll('fieldset.part textarea')).toHaveLength(0);
    expect((el.querySelector('#r-part-0-set') as HTMLInputElement).value).toBe('80'); // the single condition became the first part
    expect((el.querySelector('#r-part-0-clear') as HTMLInputElement).value).toBe('75');
    set('#r-part-1-metric', 'vibration');
    set('#r-part-1-kind', 'band', 'change');
    expect(el.querySelector('#r-part-1-set')).toBeNull();
    set('#r-part-1-low', '-5');
    set('#r-part-1-high', '5');
    set('#r-part-1-clear-high', '6');
    (el.querySelector('form[aria-label="Rule"]') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await settle(fixture);
    const put = await seen.find((r) => r.method === 'PUT')?.json();
    expect(put.condition).toEqual({
      type: 'composite', op: 'and',
      conditions: [{ type: 'threshold', op: 'above', set: 80, clear: 75 }, { type: 'band', metric: 'vibration', op: 'outside', low: -5, high: 5, clear_high: 6 }],
    });
    expect(el.querySelector('#r-part-1-metric-error')?.textContent?.trim()).toBe("device type 'press' has no metric 'vibration'");
    expect(el.querySelector('#r-part-1-metric')?.getAttribute('aria-invalid')).toBe('true');
    expect(el.querySelector('#r-part-1-clear-high-error')?.textContent?.trim()).toBe('must be at most high');
    expect(el.querySelector('#r-part-1-clear-high')?.getAttribute('aria-invalid')).toBe('true');
    set('#r-part-1-clear-high', '5.5');
    expect(el.querySelector('#r-part-1-clear-high-error')).toBeNull();
    expect(urlsOf(seen, '/v1/device-types')).toHaveLength(1);
    fixture.destroy();
  });

  it('starts each kind of a new rule or part with its own window, keeps a typed one, and hints the kind’s limits', async () => {
    const seen = await signInToStubApi('operator', { 'PUT /v1/rules/odd': (request: Request) => request.clone().json().then((body) => ({ ...body, id: 'odd', org_id: 'o' })) });
    const { fixture, el, set } = await openNewRule();
    const value = (selector: string) => (el.querySelector(selector) as HTMLInputElement).value;
    const hint = (id: string) => el.querySelector(`#${id}-hint`)?.textContent?.trim();
    set('#r-id', 'odd');
    set('#r-kind', 'aggregate', 'change');
    expect(value('#r-window')).toBe('300');
    expect(hint('r-window')).toBe('1 to 3600 s');
    set('#r-kind', 'anomaly', 'change');
    expect(value('#r-window')).toBe('600');
    expect(hint('r-window')).toBe('1 to 3600 s; blank: 600');
    expect(el.querySelector('#r-window')?.getAttribute('aria-describedby')).toBe('r-window-hint');
    (el.querySelector('form[aria-label="Rule"]') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await settle(fixture);
    const put = await seen.find((r) => r.method === 'PUT')?.json();
    expect(put.condition).toEqual({ type: 'anomaly', method: 'robust_z', window_s: 600 });

    set('#r-kind', 'composite', 'change');
    await settle(fixture);
    set('#r-part-1-kind', 'anomaly', 'change');
    expect(value('#r-part-1-window')).toBe('600');
    set('#r-part-1-window', '300');
    set('#r-part-1-kind', 'aggregate', 'change');
    set('#r-part-1-kind', 'anomaly', 'change');
    expect(value('#r-part-1-window')).toBe('300'); // typed: kept
    [...el.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Add a condition')?.click();
    fixture.detectChanges();
    set('#r-part-2-kind', 'rate', 'change');
    expect(value('#r-part-2-window')).toBe('300');
    expect(hint('r-part-2-window')).toBe('1 to 3600 s');
    fixture.destroy();
  });

  it('edits a band or anomaly rule in fields and keeps a nested group of conditions as saved', async () => {
    const nested = { type: 'composite', op: 'or', conditions: [{ type: 'threshold', op: 'above', set: 1 }, { type: 'missing_data', timeout_s: 60 }] };
    const saved = {
      ...RULE, id: 'mixed',
      condition: { type: 'composite', op: 'and', conditions: [{ type: 'anomaly', method: 'robust_z_diff', window_s: 600, min_points: 20, set: 3.5, clear: null, duration_s: 0 }, nested] },
    };
    const seen = await signInToStubApi('operator', { 'GET /v1/rules/mixed': () => saved, 'PUT /v1/rules/mixed': () => saved });
    const fixture = TestBed.createComponent(RuleEditorComponent);
    fixture.componentRef.setInput('id', 'mixed');
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    expect((el.querySelector('#r-part-0-method') as HTMLSelectElement).value).toBe('robust_z_diff');
    expect((el.querySelector('#r-part-0-window') as HTMLInputElement).value).toBe('600');
    expect((el.querySelector('#r-part-1-kind') as HTMLSelectElement).value).toBe('nested');
    expect(el.querySelector('#r-part-1-nested')?.textContent).toContain('missing_data');
    (el.querySelector('form[aria-label="Rule"]') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await settle(fixture);
    const put = await seen.find((r) => r.method === 'PUT')?.json();
    expect(put.condition.conditions).toEqual([{ type: 'anomaly', method: 'robust_z_diff', window_s: 600, min_points: 20, set: 3.5 }, nested]);
    fixture.destroy();
  });

  it('shows a viewer the rule read only, without save or backtest', async () => {
    await signInToStubApi('viewer', { 'GET /v1/rules/too-hot': () => RULE });
    const fixture = TestBed.createComponent(RuleEditorComponent);
    fixture.componentRef.setInput('id', 'too-hot');
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    expect((el.querySelector('fieldset') as HTMLFieldSetElement).disabled).toBe(true);
    expect(buttons(el)).not.toContain('Save rule');
    expect(buttons(el)).not.toContain('Run backtest');
    expect(text(el)).toContain('read only');
    fixture.destroy();
  });
});

describe('fleet status screen', () => {
  const device = (id: string, status: string) => ({ id, name: `Pump ${id}`, status, device_type: 'pump', groups: [], tags: [], metadata: {}, connection_history: [], created_at: '2026-11-01T00:00:00Z', status_changed_at: '2026-11-01T00:00:00Z', first_seen: '2026-11-02T00:00:00Z', last_seen: '2026-11-27T00:00:00Z', firmware_version: null, serial: null });
  const counts = { provisioned: 1, verified: 0, online: 1, offline: 1, decommissioned: 4, never_seen: 1, total: 7 };

  it('counts the fleet from the counts and reads exactly the alarming devices in one request', async () => {
    const fleet = [device('pump-1', 'online'), device('pump-2', 'offline'), device('pump-3', 'online')];
    const seen = await signInToStubApi('viewer', {
      'GET /v1/devices/counts': () => counts,
      'GET /v1/devices': (request) => {
        const wanted = new URL(request.url).searchParams.getAll('device_ids');
        return { items: fleet.filter((d) => wanted.includes(d.id)), next_cursor: null };
      },
      'GET /v1/alarms': () => ({ items: [ALARM, { ...ALARM, id: 'b'.repeat(32), device_id: 'pump-3', severity: 'critical' }], next_cursor: null }),
    });
    const fixture = TestBed.createComponent(FleetStatusComponent);
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    const tiles = text(el.querySelector('.tiles') as HTMLElement);
    expect(tiles).toContain('1 online');
    expect(tiles).toContain('1 offline');
    expect(tiles).toContain('2 alarming');
    expect(tiles).toContain('1 never seen');
    expect(tiles).toContain('3 devices');
    const rows = [...el.querySelectorAll('tbody tr')].map((tr) => text(tr));
    expect(rows[0]).toContain('Pump pump-3');
    expect(rows[1]).toContain('Pump pump-1');
    await (fixture.componentInstance as unknown as { refresh(quiet: boolean): Promise<void> }).refresh(true);
    const pages = urlsOf(seen, '/v1/devices');
    expect(pages).toHaveLength(2); // one request a refresh
    expect(pages[0].searchParams.getAll('device_ids')).toEqual(['pump-3', 'pump-1']);
    expect(pages[0].searchParams.get('include_decommissioned')).toBe('true');
    expect(seen.filter((r) => new URL(r.url).pathname.startsWith('/v1/devices/pump-'))).toEqual([]);
    fixture.destroy();
  });

  it('asks for no device while none is alarming', async () => {
    const seen = await signInToStubApi('viewer', {
      'GET /v1/devices/counts': () => counts,
      'GET /v1/alarms': () => ({ items: [], next_cursor: null }),
    });
    const fixture = TestBed.createComponent(FleetStatusComponent);
    await settle(fixture);
    expect(text(fixture.nativeElement as HTMLElement)).toContain('No device is alarming');
    expect(urlsOf(seen, '/v1/devices')).toEqual([]);
    fixture.destroy();
  });

  it('shows an alarming device it cannot read by its id', async () => {
    await signInToStubApi('viewer', {
      'GET /v1/devices/counts': () => counts,
      'GET /v1/alarms': () => ({ items: [ALARM], next_cursor: null }),
    });
    const fixture = TestBed.createComponent(FleetStatusComponent);
    await settle(fixture);
    const row = text((fixture.nativeElement as HTMLElement).querySelector('tbody') as HTMLElement);
    expect(row).toContain('pump-1');
    expect(row).toContain('major');
    fixture.destroy();
  });
});

/** The rule editor on a new rule, and a way to type into its fields. */
async function openNewRule() {
  const fixture = TestBed.createComponent(RuleEditorComponent);
  fixture.componentRef.setInput('id', 'new');
  await settle(fixture);
  const el = fixture.nativeElement as HTMLElement;
  const set = (selector: string, value: string, event = 'input') => {
    const field = el.querySelector(selector) as HTMLInputElement;
    field.value = value;
    field.dispatchEvent(new Event(event));
    fixture.detectChanges();
  };
  return { fixture, el, set };
}
