import { parseList } from './parse-list';

describe('parseList', () => {
  it('reads ids, groups or tags typed in one field, each once, in the order typed', () => {
    expect(parseList('a, b;c  d,,a')).toEqual(['a', 'b', 'c', 'd']);
    expect(parseList(' a\nb ')).toEqual(['a', 'b']);
  });

  it('reads nothing from an empty or missing field', () => {
    expect(parseList(undefined)).toEqual([]);
    expect(parseList(null)).toEqual([]);
    expect(parseList(' , ')).toEqual([]);
  });
});
