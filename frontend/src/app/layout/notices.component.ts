import { ChangeDetectionStrategy, Component, inject } from '@angular/core';

import { NotificationService } from '../core/errors/notification.service';

/**
 * The notices of NotificationService, announced to screen readers as they arrive. They stack in
 * the bottom left corner, over the navigation's column (empty below its links), so they never
 * cover the work area's tables and forms. Below 900 px, where the navigation folds into a menu,
 * they stack at the top just under the header, full width less a margin and at most 40 % of the
 * height (scrolling beyond), away from the forms' action buttons at the bottom of the screen, and
 * under the menu when it is open.
 * Each has its dismiss button beside its text, never on top of it.
 */
@Component({
  selector: 'app-notices',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="notices" aria-live="assertive">
      @for (notice of notifications.notices(); track notice.id) {
        <div class="notice" [class]="'notice ' + notice.kind" role="alert">
          <div class="text">
            <strong>{{ notice.title }}</strong>
            @if (notice.detail) {
              <p>{{ notice.detail }}</p>
            }
            @for (field of notice.fields; track $index) {
              <p class="field"><code>{{ field.location }}</code>: {{ field.message }}</p>
            }
          </div>
          <button type="button" aria-label="Dismiss notice" title="Dismiss notice" (click)="notifications.dismiss(notice.id)">×</button>
        </div>
      }
    </div>
  `,
  styles: `
    .notices { position: fixed; left: 0.5rem; bottom: 1rem; width: 12rem; max-height: calc(100vh - 2rem); overflow-y: auto; display: flex; flex-direction: column; gap: 0.5rem; z-index: 20; }
    .notice { display: flex; align-items: flex-start; gap: 0.4rem; padding: 0.6rem 0.4rem 0.6rem 0.75rem; border-radius: 8px; background: #fff; box-shadow: 0 4px 14px rgba(0,0,0,.15); border-left: 4px solid var(--accent); }
    .notice.error { border-left-color: #dc2626; }
    .notice.warning { border-left-color: #d97706; }
    .text { flex: 1; min-width: 0; overflow-wrap: anywhere; }
    .notice p { margin: 0.25rem 0 0; font-size: 0.9rem; }
    .notice button { flex: none; border: 0; background: transparent; font-size: 1.1rem; line-height: 1; padding: 0.1rem 0.35rem; }
    @media (max-width: 900px) {
      .notices { top: 3.25rem; bottom: auto; right: 0.5rem; width: auto; max-height: 40vh; z-index: 4; } /* under the open menu (5) */
    }
  `,
})
export class NoticesComponent {
  protected readonly notifications = inject(NotificationService);
}
