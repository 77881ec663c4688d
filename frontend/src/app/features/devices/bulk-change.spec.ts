import { TestBed } from '@angular/core/testing';

import { buttons, clickButton, problem, settle, signInToStubApi, text, urlsOf } from '../../testing/stub-api';
import { BulkChangeComponent } from './bulk-change.component';

type Fixture = ReturnType<typeof TestBed.createComponent<BulkChangeComponent>>;

function type(fixture: Fixture, selector: string, value: string): void {
  const field = (fixture.nativeElement as HTMLElement).querySelector(selector) as HTMLInputElement | HTMLTextAreaElement;
  field.value = value;
  field.dispatchEvent(new Event('input'));
  fixture.detectChanges();
}

/** Sends the form and says yes to the confirm dialog. */
async function sendConfirmed(fixture: Fixture, label: string): Promise<void> {
  const el = fixture.nativeElement as HTMLElement;
  clickButton(el, label);
  await settle(fixture);
  const dialog = el.querySelector('dialog') as HTMLDialogElement;
  clickButton(dialog, label);
  await settle(fixture);
}

/** `GET /v1/devices?device_ids=…` over a fleet of d0001 and d0002 (named Pump <id>). */
const devicesNamed = (request: Request) => {
  const wanted = new URL(request.url).searchParams.getAll('device_ids');
  return { items: wanted.filter((id) => id === 'd0001' || id === 'd0002').map((id) => ({ id, name: `Pump ${id}` })), next_cursor: null };
};

const refresh = (fixture: Fixture) => (fixture.componentInstance as unknown as { follow(): Promise<void> }).follow();

describe('bulk change screen', () => {
  it('shows a viewer why there is nothing to do, and no control', async () => {
    await signInToStubApi('viewer', {});
    const fixture = TestBed.createComponent(BulkChangeComponent);
    fixture.componentRef.setInput('ids', 'd0001,d0002');
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    expect(text(el)).toContain('Operators and admins change devices in bulk');
    expect(buttons(el)).toEqual([]);
    expect(el.querySelector('textarea, input')).toBeNull();
    fixture.destroy();
  });

  it('applies a patch to the selected devices and a group, and shows each device’s answer', async () => {
    const seen = await signInToStubApi('operator', {
      'GET /v1/devices': devicesNamed,
      'POST /v1/bulk/config': () => ({
        outcomes: [
          { device_id: 'd0001', outcome: 'applied', desired_version: 4 },
          { device_id: 'd0002', outcome: 'invalid', detail: 'interval_s: 0 is below the minimum 1' },
          { device_id: 'd0003', outcome: 'applied', desired_version: 9 },
        ],
      }),
    });
    const fixture = TestBed.createComponent(BulkChangeComponent);
    fixture.componentRef.setInput('ids', 'd0001,d0002');
    await settle(fixture);
    expect(((fixture.nativeElement as HTMLElement).querySelector('#bulk-ids') as HTMLTextAreaElement).value).toBe('d0001, d0002');
    type(fixture, '#bulk-groups', 'north');
    type(fixture, '#bulk-patch', '{"interval_s": 30}');
    await sendConfirmed(fixture, 'Apply to devices');
    const posted = seen.find((r) => r.method === 'POST' && r.url.endsWith('/v1/bulk/config'));
    expect(await posted?.json()).toEqual({ target: { groups: ['north'], tags: [], device_ids: ['d0001', 'd0002'] }, patch: { interval_s: 30 } });
    const el = fixture.nativeElement as HTMLElement;
    expect(text(el)).toContain('2 accepted · 1 refused');
    const rows = [...el.querySelectorAll('table.outcomes tbody tr')].map((tr) => text(tr).trim());
    expect(rows[0]).toContain('Pump d0001 d0001');
    expect(rows[2]).toContain('d0003'); // no device of that id could be read: the id alone
    expect(rows[2]).not.toContain('Pump');
    const named = urlsOf(seen, '/v1/devices');
    expect(named.map((u) => u.searchParams.getAll('device_ids'))).toEqual([['d0001', 'd0002', 'd0003']]);
    expect(rows[0]).toContain('accepted');
    expect(rows[0]).toContain('desired version 4');
    expect(rows[1]).toContain('refused');
    expect(rows[1]).toContain('interval_s: 0 is below the minimum 1');
    fixture.destroy();
  });

  it('refuses to send without a target or with a patch that is no object', async () => {
    const seen = await signInToStubApi('operator', {});
    const fixture = TestBed.createComponent(BulkChangeComponent);
    await settle(fixture);
    type(fixture, '#bulk-patch', '[1]');
    clickButton(fixture.nativeElement as HTMLElement, 'Apply to devices');
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('#bulk-target-error')?.textContent).toContain('Target at least one group, tag or device.');
    expect(el.querySelector('#bulk-patch-error')?.textContent).toContain('A patch is a JSON object');
    expect(el.querySelector('#bulk-patch')?.getAttribute('aria-invalid')).toBe('true');
    expect(seen.some((r) => r.url.includes('/v1/bulk/'))).toBe(false);
    fixture.destroy();
  });

  it('sends one command to a tag and follows every device’s command with one request until each ends', async () => {
    const states: Record<string, string> = { c1: 'SENT', c3: 'SENT' };
    const command = (id: string) => ({ id, device_id: 'd0001', name: 'reboot', parameters: {}, state: states[id], result: states[id] === 'SUCCEEDED' ? { uptime: 0 } : null, created_at: '2026-11-27T00:00:00Z', updated_at: '2026-11-27T00:00:01Z', expires_at: '2026-11-27T01:00:00Z' });
    const seen = await signInToStubApi('operator', {
      'GET /v1/devices': devicesNamed,
      'POST /v1/bulk/commands': () => ({
        outcomes: [
          { device_id: 'd0001', outcome: 'created', command_id: 'c1', state: 'SENT' },
          { device_id: 'd0002', outcome: 'refused', detail: 'decommissioned' },
          { device_id: 'd0003', outcome: 'created', command_id: 'c3', state: 'SENT' },
        ],
      }),
      'GET /v1/commands': (request: Request) => {
        const ids = new URL(request.url).searchParams.getAll('ids');
        return { items: ids.map(command), missing: [] };
      },
    });
    const fixture = TestBed.createComponent(BulkChangeComponent);
    fixture.componentRef.setInput('action', 'command');
    await settle(fixture);
    type(fixture, '#bulk-tags', 'roof');
    type(fixture, '#bulk-cmd-name', 'reboot');
    await sendConfirmed(fixture, 'Send to devices');
    const posted = await seen.find((r) => r.method === 'POST' && r.url.endsWith('/v1/bulk/commands'))?.json();
    expect(posted.target).toEqual({ groups: [], tags: ['roof'], device_ids: [] });
    expect(posted.command).toMatchObject({ name: 'reboot', parameters: {}, ttl_s: 3600 });
    expect(posted.command.idempotency_key).toMatch(/^web-/);
    const el = fixture.nativeElement as HTMLElement;
    expect(text(el)).toContain('2 SENT · 1 refused');
    expect(text(el.querySelector('table.outcomes tbody tr') as HTMLElement)).toContain('Pump d0001');
    states['c1'] = 'SUCCEEDED';
    await refresh(fixture);
    await settle(fixture);
    expect(text(el)).toContain('1 SUCCEEDED · 1 refused · 1 SENT');
    expect(text(el.querySelector('table.outcomes tbody tr') as HTMLElement)).toContain('{"uptime":0}');
    const reads = () => urlsOf(seen, '/v1/commands').map((u) => u.searchParams.getAll('ids'));
    expect(reads().at(-1)).toEqual(['c1', 'c3']); // one request for every command that may still change
    states['c3'] = 'FAILED';
    await refresh(fixture);
    await settle(fixture);
    expect(reads().at(-1)).toEqual(['c3']);
    expect(text(el)).toContain('1 SUCCEEDED · 1 refused · 1 FAILED');
    const count = reads().length;
    await refresh(fixture); // nothing may change any more: nothing is read
    expect(reads().length).toBe(count);
    expect(seen.filter((r) => new URL(r.url).pathname.startsWith('/v1/commands/'))).toEqual([]);
    fixture.destroy();
  });

  it('sends again with the same idempotency key after a failure, and a fresh one after a success', async () => {
    let fail = true;
    const seen = await signInToStubApi('operator', {
      'POST /v1/bulk/commands': () => (fail ? problem(503, 'the broker is away') : { outcomes: [] }),
    });
    const fixture = TestBed.createComponent(BulkChangeComponent);
    fixture.componentRef.setInput('action', 'command');
    fixture.componentRef.setInput('groups', 'north');
    await settle(fixture);
    type(fixture, '#bulk-cmd-name', 'reboot');
    const keys = async () => Promise.all(seen.filter((r) => r.url.endsWith('/v1/bulk/commands')).map(async (r) => (await r.json()).command.idempotency_key));
    await sendConfirmed(fixture, 'Send to devices');
    expect(text(fixture.nativeElement as HTMLElement)).toContain('the broker is away');
    fail = false;
    await sendConfirmed(fixture, 'Send to devices');
    const [first, again] = await keys();
    expect(again).toBe(first);
    expect(((fixture.nativeElement as HTMLElement).querySelector('#bulk-cmd-key') as HTMLInputElement).value).not.toBe(first);
    fixture.destroy();
  });
});
