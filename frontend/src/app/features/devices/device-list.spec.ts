import { TestBed } from '@angular/core/testing';

import { settle, signInToStubApi } from '../../testing/stub-api';
import { DeviceListComponent } from './device-list.component';

const device = (id: string, name: string) => ({ id, name, status: 'online', device_type: 'pump', groups: [], tags: [], metadata: {}, connection_history: [], created_at: '2026-11-01T00:00:00Z', status_changed_at: '2026-11-01T00:00:00Z', first_seen: null, last_seen: null, firmware_version: null, serial: null });
const routes = { 'GET /v1/devices': () => ({ items: [device('d0001', 'Pump 1'), device('d0002', 'Pump 2'), device('d0003', 'Pump 3')], next_cursor: null }) };

describe('device list selection', () => {
  it('lets an operator pick devices and take them to the bulk change screen', async () => {
    await signInToStubApi('operator', routes);
    const fixture = TestBed.createComponent(DeviceListComponent);
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    const link = () => el.querySelector('a.bulk') as HTMLAnchorElement;
    expect(link().textContent?.trim()).toBe('Change many devices');
    expect(link().getAttribute('href')).toBe('/devices/bulk');
    (el.querySelector('input[aria-label="Select Pump 1"]') as HTMLInputElement).click();
    (el.querySelector('input[aria-label="Select Pump 3"]') as HTMLInputElement).click();
    await settle(fixture);
    expect(link().textContent?.trim()).toBe('Change 2 selected devices');
    expect(link().getAttribute('href')).toBe('/devices/bulk?ids=d0001,d0003');
    fixture.destroy();
  });

  it('gives a viewer neither checkboxes nor the bulk change', async () => {
    await signInToStubApi('viewer', routes);
    const fixture = TestBed.createComponent(DeviceListComponent);
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelectorAll('tbody tr')).toHaveLength(3);
    expect(el.querySelector('input[type=checkbox]')).toBeNull();
    expect(el.querySelector('a.bulk')).toBeNull();
    fixture.destroy();
  });
});
