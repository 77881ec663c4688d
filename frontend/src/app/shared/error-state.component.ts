import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';

import { ApiError } from '../core/api/problem';

/** A request failed: its problem (title, detail, field reasons) and a way to try again. */
@Component({
  selector: 'app-error-state',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="state" role="alert">
      <h2>{{ title() }}</h2>
      @if (detail()) {
        <p>{{ detail() }}</p>
      }
      @if (fields().length) {
        <ul>
          @for (field of fields(); track $index) {
            <li><code>{{ field.location }}</code>: {{ field.message }}</li>
          }
        </ul>
      }
      <button type="button" (click)="retry.emit()">Try again</button>
    </section>
  `,
  styles: `
    .state { padding: 1.5rem; border: 1px solid #fca5a5; background: #fef2f2; border-radius: 8px; color: #7f1d1d; }
    h2 { font-size: 1.1rem; margin: 0 0 0.5rem; }
  `,
})
export class ErrorStateComponent {
  readonly error = input.required<unknown>();
  readonly retry = output<void>();

  protected readonly title = computed(() => {
    const error = this.error();
    return error instanceof ApiError ? error.problem.title : 'Something went wrong';
  });
  protected readonly detail = computed(() => {
    const error = this.error();
    if (error instanceof ApiError) return error.problem.detail ?? '';
    return error instanceof Error ? error.message : '';
  });
  protected readonly fields = computed(() => {
    const error = this.error();
    return error instanceof ApiError ? (error.problem.errors ?? []) : [];
  });
}
