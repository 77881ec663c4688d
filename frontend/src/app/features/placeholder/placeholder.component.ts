import { ChangeDetectionStrategy, Component, input } from '@angular/core';

import { EmptyStateComponent } from '../../shared/empty-state.component';

/** A module whose screens are still to come; its route data names it. */
@Component({
  selector: 'app-placeholder',
  imports: [EmptyStateComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>{{ title() }}</h1>
    <app-empty-state [title]="title() + ' is on its way'" [detail]="detail()" />
  `,
})
export class PlaceholderComponent {
  /** Bound from the route's data (withComponentInputBinding). */
  readonly title = input('');
  readonly detail = input('');
}
