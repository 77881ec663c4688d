import { ApiError } from '../core/api/problem';
import { problemFields, problemStatus, problemText } from './problem-fields';

describe('problem fields', () => {
  const error = new ApiError({
    type: 'about:blank',
    title: 'Unprocessable',
    status: 422,
    detail: '2 of 3 rows are refused',
    errors: [
      { location: 'body.csv.row2', message: 'name taken' },
      { location: 'body.csv.row2', message: 'no type' },
      { location: 'body', message: 'whole body' },
      { location: 'query.limit', message: 'too big' },
    ],
  });

  it('groups the reasons by field', () => {
    expect([...problemFields(error)]).toEqual([
      ['csv.row2', ['name taken', 'no type']],
      ['', ['whole body']],
      ['query.limit', ['too big']],
    ]);
    expect(problemFields(new Error('x')).size).toBe(0);
  });

  it('says what went wrong', () => {
    expect(problemText(error)).toBe('2 of 3 rows are refused');
    expect(problemText(new Error('boom'))).toBe('boom');
    expect(problemStatus(error)).toBe(422);
    expect(problemStatus('x')).toBeNull();
  });
});
