import { DeviceDirectory, type RecentPage } from './device-directory';
import type { Device } from './fleet-status';

const device = (id: string, status: Device['status'], changed: string, name = `Pump ${id}`): Device =>
  ({ id, name, status, status_changed_at: changed }) as Device;

/** A stub API: devices by id and the "changed last" page, counting the reads. */
function api(devices: Device[], pageSize = 100) {
  const byId = new Map(devices.map((d) => [d.id, d]));
  const reads = { one: [] as string[], recent: 0 };
  return {
    reads,
    set: (d: Device) => byId.set(d.id, d),
    readOne: async (id: string) => {
      reads.one.push(id);
      return byId.get(id) ?? null;
    },
    readRecent: async (): Promise<RecentPage> => {
      reads.recent++;
      const sorted = [...byId.values()].sort((a, b) => b.status_changed_at.localeCompare(a.status_changed_at));
      return { items: sorted.slice(0, pageSize), more: sorted.length > pageSize };
    },
  };
}

describe('device directory', () => {
  const t = (minute: number) => `2026-11-27T10:${String(minute).padStart(2, '0')}:00Z`;

  it('reads an id it does not hold once, then keeps it fresh from the page of recent changes', async () => {
    const stub = api([device('a', 'online', t(1)), device('b', 'online', t(2)), device('c', 'online', t(5)), device('d', 'online', t(0))], 3);
    const directory = new DeviceDirectory(stub.readOne, stub.readRecent);
    expect((await directory.devices(['a', 'd'])).map((d) => d.status)).toEqual(['online', 'online']);
    expect(stub.reads.one).toEqual(['d']); // a came with the recent page
    stub.set(device('d', 'offline', t(6)));
    expect((await directory.devices(['a', 'd'])).map((d) => d.status)).toEqual(['online', 'offline']);
    expect(stub.reads.one).toEqual(['d']);
    expect(stub.reads.recent).toBe(2);
  });

  it('reads every device again when the recent page may not reach back to the last change it saw', async () => {
    const stub = api([device('a', 'online', t(1)), device('b', 'online', t(2)), device('c', 'online', t(3))], 1);
    const directory = new DeviceDirectory(stub.readOne, stub.readRecent);
    await directory.devices(['a', 'b']);
    stub.reads.one.length = 0;
    stub.set(device('b', 'offline', t(10)));
    stub.set(device('c', 'offline', t(11))); // the page of one holds c only: b's change lies beyond it
    expect((await directory.devices(['a', 'b'])).map((d) => d.status)).toEqual(['online', 'offline']);
    expect(stub.reads.one.sort()).toEqual(['a', 'b']);
  });

  it('leaves out a device it cannot read', async () => {
    const stub = api([device('a', 'online', t(1))]);
    const directory = new DeviceDirectory(stub.readOne, stub.readRecent);
    expect((await directory.devices(['a', 'gone'])).map((d) => d.id)).toEqual(['a']);
  });

  it('reads names again after a minute, since a rename changes no status', async () => {
    let now = 0;
    const stub = api([device('a', 'online', t(1)), device('y', 'online', t(8)), device('z', 'online', t(9))], 2);
    const directory = new DeviceDirectory(stub.readOne, stub.readRecent, () => now);
    await directory.devices(['a']);
    stub.set(device('a', 'online', t(1), 'Boiler a'));
    now = 30_000;
    expect((await directory.devices(['a']))[0].name).toBe('Pump a');
    now = 61_000;
    expect((await directory.devices(['a']))[0].name).toBe('Boiler a');
  });

  it('asks nothing while no device is wanted', async () => {
    const stub = api([device('a', 'online', t(1))]);
    const directory = new DeviceDirectory(stub.readOne, stub.readRecent);
    expect(await directory.devices([])).toEqual([]);
    expect(stub.reads).toEqual({ one: [], recent: 0 });
  });
});
