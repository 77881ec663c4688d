import { configRows, leaves, mergePatch, parseDesired, sameJson, show } from './config-delta';

describe('configuration delta', () => {
  it('flattens a document into dotted leaves', () => {
    expect([...leaves({ a: 1, b: { c: true, d: { e: 'x' } }, f: [1, 2], g: {} })]).toEqual([
      ['a', 1],
      ['b.c', true],
      ['b.d.e', 'x'],
      ['f', [1, 2]],
      ['g', {}],
    ]);
  });

  it('marks what the delta names as pending, the rest in sync, and what only the device reports', () => {
    const rows = configRows(
      { interval_s: 30, led: { on: true, colour: 'red' } },
      { interval_s: 60, led: { on: true, colour: 'red' }, uptime_s: 5 },
      { interval_s: 30 },
    );
    expect(rows.map((r) => [r.path, r.state])).toEqual([
      ['interval_s', 'pending'],
      ['led.colour', 'in-sync'],
      ['led.on', 'in-sync'],
      ['uptime_s', 'reported-only'],
    ]);
    expect(rows[0]).toMatchObject({ desired: 30, reported: 60 });
  });

  it('marks every leaf under a pending object, and a leaf not reported yet', () => {
    const rows = configRows({ led: { on: true, colour: 'red' } }, {}, { led: { on: true, colour: 'red' } });
    expect(rows.every((r) => r.state === 'pending' && r.reported === undefined)).toBe(true);
  });

  it('makes the merge patch from one document to another', () => {
    expect(mergePatch({ a: 1, b: { c: 1, d: 2 }, e: [1], gone: 'x' }, { a: 1, b: { c: 1, d: 3 }, e: [1, 2], f: { g: 1 } })).toEqual({
      b: { d: 3 },
      e: [1, 2],
      f: { g: 1 },
      gone: null,
    });
    expect(mergePatch({ a: { b: 1 } }, { a: { b: 1 } })).toEqual({});
    expect(mergePatch({ a: { b: 1 } }, { a: 5 })).toEqual({ a: 5 });
  });

  it('compares JSON whatever the member order', () => {
    expect(sameJson({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
  });

  it('accepts an object and refuses what the API would refuse', () => {
    expect(parseDesired('{"interval_s": 30}')).toEqual({ ok: true, value: { interval_s: 30 } });
    expect(parseDesired('{"a": ').ok).toBe(false);
    expect(parseDesired('[1]')).toEqual({ ok: false, message: 'The configuration must be a JSON object ({ … }).' });
    expect(parseDesired('{"led": {"on": null}}')).toMatchObject({ ok: false, message: expect.stringContaining('led.on is null') });
    expect(parseDesired('{"$set": 1}')).toMatchObject({ ok: false, message: expect.stringContaining('may not start with $') });
    expect(parseDesired('{"a.b": 1}').ok).toBe(false);
  });

  it('shows a missing value as a dash', () => {
    expect(show(undefined)).toBe('—');
    expect(show('x')).toBe('"x"');
  });
});
