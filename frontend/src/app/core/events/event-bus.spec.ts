import { TestBed } from '@angular/core/testing';

import { EventBus } from './event-bus';

describe('EventBus', () => {
  it('delivers an event to the subscribers of its type only', () => {
    const bus = TestBed.inject(EventBus);
    const selected: string[] = [];
    const acked: string[] = [];
    bus.on('device.selected').subscribe((e) => selected.push(e.deviceId));
    bus.on('alarm.acked').subscribe((e) => acked.push(e.alarmId));

    bus.publish('device.selected', { deviceId: 'sim-0001' });
    bus.publish('alarm.acked', { alarmId: 'al-1' });
    bus.publish('device.selected', { deviceId: 'sim-0002' });

    expect(selected).toEqual(['sim-0001', 'sim-0002']);
    expect(acked).toEqual(['al-1']);
  });

  it('does not replay what was published before a subscription', () => {
    const bus = TestBed.inject(EventBus);
    bus.publish('device.selected', { deviceId: 'early' });
    const seen: string[] = [];
    bus.on('device.selected').subscribe((e) => seen.push(e.deviceId));
    expect(seen).toEqual([]);
  });

  it('stops delivering to an unsubscribed listener and completes on destroy', () => {
    const bus = TestBed.inject(EventBus);
    const seen: string[] = [];
    let completed = false;
    const subscription = bus.on('device.selected').subscribe({ next: (e) => seen.push(e.deviceId), complete: () => (completed = true) });
    bus.publish('device.selected', { deviceId: 'a' });
    subscription.unsubscribe();
    bus.publish('device.selected', { deviceId: 'b' });
    expect(seen).toEqual(['a']);

    bus.all$.subscribe({ complete: () => (completed = true) });
    bus.ngOnDestroy();
    expect(completed).toBe(true);
  });
});
