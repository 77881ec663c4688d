import { EMPTY_DRAFT, downloadJson, fieldOfDetail, judge, next, packageFileName, parseMetadata, previous, toNewDevice } from './onboarding';

describe('onboarding wizard', () => {
  const draft = { ...EMPTY_DRAFT, deviceType: 'boiler', name: ' Boiler 7 ', tags: 'plant-a, floor-2 plant-a', groups: 'north', metadata: 'site=Ghent\n\ninstaller = ACME' };

  it('goes forward only when the step is complete', () => {
    expect(next('type', EMPTY_DRAFT)).toBe('type');
    expect(judge('type', EMPTY_DRAFT)).toEqual({ deviceType: 'Choose a device type.' });
    expect(next('type', draft)).toBe('details');
    expect(next('details', { ...draft, name: '  ' })).toBe('details');
    expect(next('details', draft)).toBe('review');
    expect(next('review', draft)).toBe('review');
  });

  it('goes back, but never from the package to before the device was created', () => {
    expect(previous('review')).toBe('details');
    expect(previous('details')).toBe('type');
    expect(previous('type')).toBe('type');
    expect(previous('package')).toBe('package');
  });

  it('names the field that is wrong', () => {
    expect(judge('details', { ...draft, tags: 'ok bad/tag' }).tags).toContain('“bad/tag”');
    expect(judge('details', { ...draft, groups: '-north' }).groups).toContain('“-north”');
    expect(judge('details', { ...draft, metadata: 'no-equals' }).metadata).toBe('Line 1: write key=value.');
    expect(judge('details', { ...draft, metadata: '$where=1' }).metadata).toContain('may not start with $');
    expect(judge('details', { ...draft, metadata: 'a=1\na=2' }).metadata).toBe('Line 2: “a” is given twice.');
    expect(judge('details', { ...draft, name: 'x'.repeat(101) }).name).toBe('At most 100 characters.');
    expect(judge('review', draft)).toEqual({});
  });

  it('finds the field a problem names in its detail', () => {
    expect(fieldOfDetail("devices[0]: name: a device named 'Boiler 01' exists already")).toEqual({ field: 'name', message: "a device named 'Boiler 01' exists already" });
    expect(fieldOfDetail('device_type: no device type x')).toEqual({ field: 'deviceType', message: 'no device type x' });
    expect(fieldOfDetail('the broker is unavailable')).toBeNull();
  });

  it('reads metadata as typed', () => {
    expect(parseMetadata('k = v = w\n').value).toEqual({ k: 'v = w' });
  });

  it('builds the request body', () => {
    expect(toNewDevice(draft)).toEqual({
      name: 'Boiler 7',
      device_type: 'boiler',
      tags: ['plant-a', 'floor-2'],
      groups: ['north'],
      metadata: { site: 'Ghent', installer: 'ACME' },
    });
    expect(toNewDevice({ ...draft, serial: ' SN-1 ' }).serial).toBe('SN-1');
  });

  it('names the package file after the device', () => {
    expect(packageFileName('Boiler 7 (Hall B)', 'd0123456789abcdef0123')).toBe('boiler-7-hall-b-d0123456789abcdef0123.provisioning.json');
    expect(packageFileName('Pompe à chaleur', 'd1')).toBe('pompe-a-chaleur-d1.provisioning.json');
    expect(packageFileName('***', 'd1')).toBe('d1.provisioning.json');
  });

  it('downloads through a Blob and a temporary link, keeping nothing', async () => {
    const created: Blob[] = [];
    const revoked: string[] = [];
    const spyCreate = vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      created.push(blob as Blob);
      return 'blob:test/1';
    });
    const spyRevoke = vi.spyOn(URL, 'revokeObjectURL').mockImplementation((url) => revoked.push(url));
    const names: string[] = [];
    const spyClick = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    downloadJson('x.json', { password: 'p' });
    expect(names).toEqual(['x.json']);
    expect(document.querySelector('a[download]')).toBeNull();
    expect(JSON.parse(await created[0].text())).toEqual({ password: 'p' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(revoked).toEqual(['blob:test/1']);
    spyCreate.mockRestore();
    spyRevoke.mockRestore();
    spyClick.mockRestore();
  });
});
