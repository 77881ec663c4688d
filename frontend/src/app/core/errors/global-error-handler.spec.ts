import { TestBed } from '@angular/core/testing';

import { ApiError } from '../api/problem';
import { GlobalErrorHandler } from './global-error-handler';
import { NotificationService } from './notification.service';

describe('GlobalErrorHandler', () => {
  function setUp() {
    TestBed.configureTestingModule({ providers: [GlobalErrorHandler] });
    return { handler: TestBed.inject(GlobalErrorHandler), notices: TestBed.inject(NotificationService) };
  }

  it('shows an API problem with its title, detail and fields', () => {
    const { handler, notices } = setUp();
    handler.handleError(
      new ApiError({
        type: 'about:blank',
        title: 'Unprocessable Content',
        status: 422,
        detail: 'The body breaks a rule.',
        instance: null,
        errors: [{ location: 'body.name', message: 'too long' }],
      }),
    );
    const [notice] = notices.notices();
    expect(notice.kind).toBe('error');
    expect(notice.title).toBe('Unprocessable Content');
    expect(notice.detail).toBe('The body breaks a rule.');
    expect(notice.fields).toEqual([{ location: 'body.name', message: 'too long' }]);
  });

  it('leaves a 401 to the session-expiry path', () => {
    const { handler, notices } = setUp();
    handler.handleError(new ApiError({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: '', instance: null }));
    expect(notices.notices()).toEqual([]);
  });

  it('shows anything else as a generic message, unwrapping promise rejections', () => {
    const { handler, notices } = setUp();
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    handler.handleError({ rejection: new Error('boom') });
    expect(notices.notices()[0].title).toBe('Something went wrong');
    expect(notices.notices()[0].detail).toBe('boom');
    expect(log).toHaveBeenCalled();
  });
});
