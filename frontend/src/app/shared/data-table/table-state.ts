/** One column of a data table: how to read, show and sort a row's value. */
export interface Column<T> {
  readonly key: string;
  readonly label: string;
  readonly value: (row: T) => string | number | null | undefined;
  readonly sortable?: boolean;
  /** When set, the cell is a link to this router path. */
  readonly link?: (row: T) => string;
}

export interface TableState {
  readonly filter: string;
  readonly sortKey: string | null;
  readonly descending: boolean;
  readonly page: number;
  readonly pageSize: number;
}

export interface TableView<T> {
  readonly rows: readonly T[];
  /** Every row the filter matches, sorted, on any page. */
  readonly matching: readonly T[];
  readonly total: number;
  readonly pages: number;
  readonly page: number;
}

/** Filter (any column contains the text, case-insensitive), sort (stable, empty values last), page. */
export function applyTableState<T>(rows: readonly T[], columns: readonly Column<T>[], state: TableState): TableView<T> {
  const needle = state.filter.trim().toLowerCase();
  const filtered = needle
    ? rows.filter((row) => columns.some((c) => String(c.value(row) ?? '').toLowerCase().includes(needle)))
    : rows;
  const column = columns.find((c) => c.key === state.sortKey);
  const sorted = column ? [...filtered].sort((a, b) => compare(column.value(a), column.value(b), state.descending)) : filtered;
  const pages = Math.max(1, Math.ceil(sorted.length / state.pageSize));
  const page = Math.min(Math.max(0, state.page), pages - 1);
  return {
    rows: sorted.slice(page * state.pageSize, (page + 1) * state.pageSize),
    matching: sorted,
    total: sorted.length,
    pages,
    page,
  };
}

type Cell = string | number | null | undefined;

function compare(a: Cell, b: Cell, descending: boolean): number {
  const aEmpty = a == null || a === '';
  const bEmpty = b == null || b === '';
  if (aEmpty || bEmpty) return aEmpty === bEmpty ? 0 : aEmpty ? 1 : -1;
  const order =
    typeof a === 'number' && typeof b === 'number'
      ? a - b
      : String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: 'base' });
  return descending ? -order : order;
}
