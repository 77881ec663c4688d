import { ApiError } from '../../core/api/problem';
import { refusedRows } from './device-import.component';

describe('CSV import report', () => {
  it('reads the refused rows and the file’s own reasons out of the problem, in row order', () => {
    const error = new ApiError({
      type: 'about:blank',
      title: 'Unprocessable Content',
      status: 422,
      detail: '2 of 3 rows are refused; nothing was imported',
      errors: [
        { location: 'body.csv.row10', message: 'the name Boiler 02 is taken' },
        { location: 'body.csv.row3', message: 'no device type nosuchtype' },
        { location: 'body.csv.row3', message: 'tag bad/tag' },
        { location: 'body.csv', message: 'unknown column colour' },
      ],
    });
    expect(refusedRows(error)).toEqual({
      file: ['unknown column colour'],
      rows: [
        { row: 3, name: '', ok: false, messages: ['no device type nosuchtype', 'tag bad/tag'] },
        { row: 10, name: '', ok: false, messages: ['the name Boiler 02 is taken'] },
      ],
    });
  });
});
