import { TestBed } from '@angular/core/testing';

import { ApiClient } from '../core/api/api-client';
import { signInToStubApi, urlsOf } from '../testing/stub-api';
import { MAX_IDS_A_REQUEST, readDevicesByIds } from './devices-by-id';

const device = (id: string) => ({ id, name: `Pump ${id}` });

describe('readDevicesByIds', () => {
  async function stub() {
    const stored = new Map(Array.from({ length: 450 }, (_, i) => [`d${i}`, device(`d${i}`)]));
    const seen = await signInToStubApi('viewer', {
      'GET /v1/devices': (request) => {
        const query = new URL(request.url).searchParams;
        const items = query.getAll('device_ids').flatMap((id) => stored.get(id) ?? []);
        return { items, next_cursor: null };
      },
    });
    return { seen, client: TestBed.inject(ApiClient) };
  }

  it('reads the devices named, at most 200 ids a request, each id once, decommissioned ones too', async () => {
    const { seen, client } = await stub();
    const ids = [...Array.from({ length: 450 }, (_, i) => `d${i}`), 'd0', 'gone'];
    const found = await readDevicesByIds(client, ids);
    expect(found.size).toBe(450);
    expect(found.get('d449')?.name).toBe('Pump d449');
    expect(found.has('gone')).toBe(false);
    const requests = urlsOf(seen, '/v1/devices');
    expect(requests.map((u) => u.searchParams.getAll('device_ids').length)).toEqual([MAX_IDS_A_REQUEST, MAX_IDS_A_REQUEST, 51]);
    expect(requests.every((u) => u.searchParams.get('include_decommissioned') === 'true' && u.searchParams.get('limit') === '200')).toBe(true);
  });

  it('asks nothing for no id', async () => {
    const { seen, client } = await stub();
    expect((await readDevicesByIds(client, [])).size).toBe(0);
    expect(urlsOf(seen, '/v1/devices')).toEqual([]);
  });
});
