import { TestBed } from '@angular/core/testing';

import { buttons, clickButton, json, problem, settle, signInToStubApi, text } from '../../testing/stub-api';
import { DeviceCommandsComponent } from './device-commands.component';
import { DeviceConfigComponent } from './device-config.component';
import { OnboardingComponent } from './onboarding.component';

const SHADOW = { device_id: 'd1', desired: { interval_s: 30, mode: 'eco' }, desired_version: 3, reported: { interval_s: 60, mode: 'eco' }, reported_version: 7, delta: { interval_s: 30 } };
const COMMAND = { id: 'c1', device_id: 'd1', name: 'reboot', parameters: {}, state: 'DELIVERED', created_at: '2026-11-27T00:00:00Z', updated_at: '2026-11-27T00:00:01Z', expires_at: '2026-11-27T01:00:00Z' };
const TYPES = { items: [{ id: 'boiler', name: 'Boiler', firmware_family: 'boiler-fw', created_at: '2026-01-01T00:00:00Z' }] };

describe('device configuration panel', () => {
  const routes = {
    'GET /v1/devices/d1/config': () => SHADOW,
    'GET /v1/devices/d1/config/history': () => ({ items: [] }),
  };

  it('shows a viewer desired, reported and the delta, and no editor', async () => {
    await signInToStubApi('viewer', routes);
    const fixture = TestBed.createComponent(DeviceConfigComponent);
    fixture.componentRef.setInput('deviceId', 'd1');
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    expect(text(el)).toContain('Desired v3 · reported v7');
    expect(el.querySelector('tr.row-pending')?.textContent).toContain('interval_s');
    expect(el.querySelector('textarea')).toBeNull();
    expect(buttons(el)).not.toContain('Save desired');
    fixture.destroy();
  });

  it('sends an operator’s edit as a merge patch on the version shown, and explains a 409', async () => {
    const seen = await signInToStubApi('operator', {
      ...routes,
      'PATCH /v1/devices/d1/config/desired': () => problem(409, 'desired configuration is at version 4, not 3'),
    });
    const fixture = TestBed.createComponent(DeviceConfigComponent);
    fixture.componentRef.setInput('deviceId', 'd1');
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    const box = el.querySelector('textarea') as HTMLTextAreaElement;
    box.value = '{"interval_s": 45}';
    box.dispatchEvent(new Event('input'));
    fixture.detectChanges();
    clickButton(el, 'Save desired');
    await settle(fixture);
    const patch = seen.find((r) => r.method === 'PATCH');
    expect(await patch?.json()).toEqual({ patch: { interval_s: 45, mode: null }, expected_version: 3 });
    expect(text(el)).toContain('Someone changed the desired configuration after you loaded version 3');
    expect(buttons(el)).toContain('Reload, keep my edit');
    fixture.destroy();
  });
});

describe('device commands panel', () => {
  it('lists commands with their state for a viewer, without the send form', async () => {
    await signInToStubApi('viewer', { 'GET /v1/devices/d1/commands': () => ({ items: [COMMAND] }) });
    const fixture = TestBed.createComponent(DeviceCommandsComponent);
    fixture.componentRef.setInput('deviceId', 'd1');
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    expect(text(el)).toContain('DELIVERED');
    expect(text(el)).toContain('Live ·');
    expect(buttons(el)).not.toContain('Send command');
    fixture.destroy();
  });

  it('sends an operator’s command with its idempotency key and lists it first', async () => {
    const seen = await signInToStubApi('operator', {
      'GET /v1/devices/d1/commands': () => ({ items: [] }),
      'POST /v1/devices/d1/commands': () => json({ ...COMMAND, id: 'c2', state: 'SENT' }, 201),
    });
    const fixture = TestBed.createComponent(DeviceCommandsComponent);
    fixture.componentRef.setInput('deviceId', 'd1');
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    const name = el.querySelector('#cmd-name') as HTMLInputElement;
    name.value = 'reboot';
    name.dispatchEvent(new Event('input'));
    const key = (el.querySelector('#cmd-key') as HTMLInputElement).value;
    (el.querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await settle(fixture);
    const sent = await seen.find((r) => r.method === 'POST' && r.url.endsWith('/commands'))?.json();
    expect(sent).toEqual({ name: 'reboot', parameters: {}, ttl_s: 3600, idempotency_key: key });
    expect(text(el)).toContain('Command c2 is SENT.');
    expect((el.querySelector('#cmd-key') as HTMLInputElement).value).not.toBe(key);
    fixture.destroy();
  });
});

describe('onboarding wizard component', () => {
  it('shows a viewer no wizard', async () => {
    await signInToStubApi('viewer', { 'GET /v1/device-types': () => TYPES });
    const fixture = TestBed.createComponent(OnboardingComponent);
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    expect(text(el)).toContain('Operators and admins onboard devices');
    expect(buttons(el)).toEqual([]);
  });

  it('walks an operator from the type to the package, shown once', async () => {
    const pkg = { device_id: 'd0123', org_id: 'o', broker: { host: 'h', port: 1883 }, client_id: 'd0123', username: 'd0123', password: 's3cret', topics: { telemetry: 't', config_desired: 'a', config_reported: 'b', commands: 'c', command_result: 'd', status: 'e' }, birth: { state: 'online', session: 's' }, last_will: { state: 'offline', session: 's' } };
    const seen = await signInToStubApi('operator', { 'GET /v1/device-types': () => TYPES, 'POST /v1/devices': () => json(pkg, 201) });
    const fixture = TestBed.createComponent(OnboardingComponent);
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    const click = async (label: string) => {
      clickButton(el, label);
      await settle(fixture);
    };
    await click('Next'); // the only type is chosen already
    const name = el.querySelector('#ob-name') as HTMLInputElement;
    name.value = 'Boiler 7';
    name.dispatchEvent(new Event('input'));
    await click('Next');
    expect(text(el)).toContain('Review and create');
    await click('Create device');
    expect(await seen.find((r) => r.method === 'POST' && r.url.endsWith('/v1/devices'))?.json()).toEqual({ name: 'Boiler 7', device_type: 'boiler', tags: [], groups: [], metadata: {} });
    expect(text(el)).toContain('Download the provisioning package now.');
    expect(text(el)).toContain('Download boiler-7-d0123.provisioning.json');
    expect(text(el)).not.toContain('s3cret');
    await click('Onboard another');
    expect(text(el)).not.toContain('d0123');
    expect(JSON.stringify({ ...sessionStorage })).not.toContain('s3cret');
  });
});
