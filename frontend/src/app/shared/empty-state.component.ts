import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** Nothing to show yet, and what to do about it (projected content: a link or a button). */
@Component({
  selector: 'app-empty-state',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="state" role="status">
      <h2>{{ title() }}</h2>
      @if (detail()) {
        <p>{{ detail() }}</p>
      }
      <ng-content />
    </section>
  `,
  styles: `
    .state { text-align: center; padding: 2.5rem 1rem; color: var(--muted); border: 1px dashed var(--line); border-radius: 8px; }
    h2 { font-size: 1.1rem; color: var(--text); margin: 0 0 0.5rem; }
  `,
})
export class EmptyStateComponent {
  readonly title = input.required<string>();
  readonly detail = input('');
}
