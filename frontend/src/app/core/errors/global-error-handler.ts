import { ErrorHandler, Injectable, inject } from '@angular/core';

import { ApiError } from '../api/problem';
import { NotificationService } from './notification.service';

/** Errors nobody handled: an API problem is shown as it is, anything else as a generic message. */
@Injectable()
export class GlobalErrorHandler implements ErrorHandler {
  private readonly notifications = inject(NotificationService);

  handleError(error: unknown): void {
    const cause = unwrap(error);
    if (cause instanceof ApiError) {
      if (cause.status === 401) return; // the session-expiry path has already told the user
      this.notifications.problem(cause.problem);
      return;
    }
    console.error(cause);
    this.notifications.error('Something went wrong', cause instanceof Error ? cause.message : String(cause));
  }
}

function unwrap(error: unknown): unknown {
  // Promise rejections reach the handler wrapped by some browsers and by Angular's listeners.
  const inner = (error as { rejection?: unknown; reason?: unknown } | null)?.rejection;
  return inner ?? error;
}
