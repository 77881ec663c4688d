import { parseTarget } from './device-target';

describe('device target', () => {
  it('reads groups, tags and ids as typed lists (commas, spaces or new lines), each once', () => {
    expect(parseTarget({ groups: 'north, south north', tags: 'roof\nroof', deviceIds: 'd0001,d0002' })).toEqual({
      target: { groups: ['north', 'south'], tags: ['roof'], device_ids: ['d0001', 'd0002'] },
      errors: {},
    });
  });

  it('names what is wrong: nothing targeted, a bad label, a bad id, too many ids', () => {
    expect(parseTarget({ groups: '', tags: '', deviceIds: '' }).errors.target).toBe('Target at least one group, tag or device.');
    expect(parseTarget({ groups: 'a b', tags: '-x', deviceIds: '' }).errors.target).toBe('“-x” is no group or tag name.');
    expect(parseTarget({ groups: '', tags: '', deviceIds: 'Bad!' }).errors.deviceIds).toBe('“Bad!” is no device id.');
    const many = Array.from({ length: 1001 }, (_, i) => `d${String(i).padStart(4, '0')}`).join(',');
    expect(parseTarget({ groups: '', tags: '', deviceIds: many }).errors.deviceIds).toBe('At most 1000 device ids (1001 given): target a group or tag instead.');
  });
});
