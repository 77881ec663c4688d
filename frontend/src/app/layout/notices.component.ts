import { ChangeDetectionStrategy, Component, inject } from '@angular/core';

import { NotificationService } from '../core/errors/notification.service';

/** The notices of NotificationService, announced to screen readers as they arrive. */
@Component({
  selector: 'app-notices',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="notices" aria-live="assertive">
      @for (notice of notifications.notices(); track notice.id) {
        <div class="notice" [class]="'notice ' + notice.kind" role="alert">
          <strong>{{ notice.title }}</strong>
          @if (notice.detail) {
            <p>{{ notice.detail }}</p>
          }
          @for (field of notice.fields; track $index) {
            <p class="field"><code>{{ field.location }}</code>: {{ field.message }}</p>
          }
          <button type="button" aria-label="Dismiss" (click)="notifications.dismiss(notice.id)">×</button>
        </div>
      }
    </div>
  `,
  styles: `
    .notices { position: fixed; right: 1rem; bottom: 1rem; display: flex; flex-direction: column; gap: 0.5rem; z-index: 20; max-width: 24rem; }
    .notice { position: relative; padding: 0.75rem 2rem 0.75rem 0.9rem; border-radius: 8px; background: #fff; box-shadow: 0 4px 14px rgba(0,0,0,.15); border-left: 4px solid var(--accent); }
    .notice.error { border-left-color: #dc2626; }
    .notice.warning { border-left-color: #d97706; }
    .notice p { margin: 0.25rem 0 0; font-size: 0.9rem; }
    .notice button { position: absolute; top: 0.35rem; right: 0.35rem; border: 0; background: transparent; font-size: 1.1rem; }
  `,
})
export class NoticesComponent {
  protected readonly notifications = inject(NotificationService);
}
