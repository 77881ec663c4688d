import { NgTemplateOutlet } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  Directive,
  TemplateRef,
  computed,
  contentChildren,
  inject,
  input,
  model,
  signal,
} from '@angular/core';
import { RouterLink } from '@angular/router';

import { type Column, type TableState, applyTableState } from './table-state';

/** A custom cell: `<ng-template appCell="status" let-row>…</ng-template>` inside the table. */
@Directive({ selector: 'ng-template[appCell]' })
export class TableCellDirective {
  readonly appCell = input.required<string>();
  readonly template = inject(TemplateRef<{ $implicit: unknown }>);
}

let nextId = 0;

/**
 * Rows with a text filter, sortable column headers and pages; every control is keyboard-reachable.
 * With `selectable`, a labelled checkbox a row (`rowLabel` names it) and one in the header for every
 * row the filter matches; `[(selected)]` holds the rows' `trackBy` keys, kept across pages.
 */
@Component({
  selector: 'app-data-table',
  imports: [NgTemplateOutlet, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './data-table.component.html',
  styleUrl: './data-table.component.css',
})
export class DataTableComponent<T> {
  readonly rows = input.required<readonly T[]>();
  readonly columns = input.required<readonly Column<T>[]>();
  readonly caption = input.required<string>();
  readonly pageSize = input(20);
  readonly filterLabel = input('Filter');
  readonly trackBy = input<(row: T) => unknown>((row: T) => row);
  readonly selectable = input(false);
  readonly rowLabel = input<(row: T) => string>((row: T) => String(row));
  readonly selected = model<ReadonlySet<unknown>>(new Set());

  protected readonly id = `table-${nextId++}`;
  protected readonly cells = contentChildren(TableCellDirective);
  protected readonly filter = signal('');
  protected readonly sortKey = signal<string | null>(null);
  protected readonly descending = signal(false);
  protected readonly page = signal(0);

  protected readonly view = computed(() => {
    const state: TableState = {
      filter: this.filter(),
      sortKey: this.sortKey(),
      descending: this.descending(),
      page: this.page(),
      pageSize: this.pageSize(),
    };
    return applyTableState(this.rows(), this.columns(), state);
  });

  protected readonly allSelected = computed(() => {
    const matching = this.view().matching;
    const key = this.trackBy();
    return matching.length > 0 && matching.every((row) => this.selected().has(key(row)));
  });

  protected isSelected(row: T): boolean {
    return this.selected().has(this.trackBy()(row));
  }

  protected select(row: T, on: boolean): void {
    const next = new Set(this.selected());
    if (on) next.add(this.trackBy()(row));
    else next.delete(this.trackBy()(row));
    this.selected.set(next);
  }

  /** Selects every row the filter matches, or unselects them when all are selected already. */
  protected selectAll(on: boolean): void {
    const next = new Set(this.selected());
    for (const row of this.view().matching) {
      if (on) next.add(this.trackBy()(row));
      else next.delete(this.trackBy()(row));
    }
    this.selected.set(next);
  }

  protected cellTemplate(key: string): TemplateRef<{ $implicit: unknown }> | null {
    return this.cells().find((c) => c.appCell() === key)?.template ?? null;
  }

  protected onFilter(value: string): void {
    this.filter.set(value);
    this.page.set(0);
  }

  protected sortBy(key: string): void {
    if (this.sortKey() === key) this.descending.update((d) => !d);
    else {
      this.sortKey.set(key);
      this.descending.set(false);
    }
  }

  protected ariaSort(key: string): 'ascending' | 'descending' | 'none' {
    if (this.sortKey() !== key) return 'none';
    return this.descending() ? 'descending' : 'ascending';
  }

  protected goTo(page: number): void {
    this.page.set(Math.min(Math.max(0, page), this.view().pages - 1));
  }
}
