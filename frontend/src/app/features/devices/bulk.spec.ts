import { type BulkCommandRow, commandRows, configOutcome, parsePatch, summary } from './bulk';

describe('bulk configuration patch', () => {
  it('takes a JSON object whose nulls remove members', () => {
    expect(parsePatch('{"interval_s": 30, "mode": null}')).toEqual({ ok: true, value: { interval_s: 30, mode: null } });
  });

  it('refuses what is no object, an empty patch and member names MongoDB cannot hold', () => {
    expect(parsePatch('[1]')).toMatchObject({ ok: false, message: 'A patch is a JSON object ({ … }).' });
    expect(parsePatch('{}')).toMatchObject({ ok: false, message: 'The patch changes nothing.' });
    expect(parsePatch('{"a": {"$set": 1}}')).toMatchObject({ ok: false, message: '“$set”: member names may not start with $ or hold a dot.' });
    expect(parsePatch('{')).toMatchObject({ ok: false });
  });
});

describe('bulk outcomes', () => {
  it('says what each configuration outcome means for the device', () => {
    expect(configOutcome({ device_id: 'd1', outcome: 'applied', desired_version: 5 })).toEqual({ label: 'accepted', tone: 'ok', detail: 'desired version 5' });
    expect(configOutcome({ device_id: 'd1', outcome: 'conflict', detail: 'changed meanwhile' })).toEqual({ label: 'stale', tone: 'warn', detail: 'changed meanwhile' });
    expect(configOutcome({ device_id: 'd1', outcome: 'invalid', detail: 'mode: not one of eco, boost' })).toMatchObject({ label: 'refused', tone: 'danger' });
    expect(configOutcome({ device_id: 'd1', outcome: 'unchanged' })).toMatchObject({ label: 'unchanged', tone: 'muted' });
    expect(configOutcome({ device_id: 'd1', outcome: 'not_found' })).toMatchObject({ label: 'not found', tone: 'muted' });
  });

  it('counts the outcomes by label, most common first', () => {
    expect(summary(['accepted', 'refused', 'accepted', 'stale', 'accepted'])).toBe('3 accepted · 1 refused · 1 stale');
    expect(summary([])).toBe('no device reached');
  });

  it('follows each created command by its latest state and knows which may still change', () => {
    const rows: BulkCommandRow[] = commandRows([
      { device_id: 'd1', outcome: 'created', command_id: 'c1', state: 'SENT' },
      { device_id: 'd2', outcome: 'refused', detail: 'decommissioned' },
      { device_id: 'd3', outcome: 'created', command_id: 'c3', state: 'CREATED' },
    ], new Map([['c1', { state: 'SUCCEEDED', detail: '', result: { ok: true } }]]));
    expect(rows.map((r) => [r.deviceId, r.label, r.live])).toEqual([
      ['d1', 'SUCCEEDED', false],
      ['d2', 'refused', false],
      ['d3', 'CREATED', true],
    ]);
    expect(rows[0].detail).toBe('{"ok":true}');
    expect(rows[1].detail).toBe('decommissioned');
  });
});
