import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { DataTableComponent } from './data-table.component';
import { type Column, applyTableState } from './table-state';

interface Row {
  name: string;
  status: string;
  seen: number | null;
}

const columns: Column<Row>[] = [
  { key: 'name', label: 'Name', value: (r) => r.name, sortable: true, link: (r) => `/devices/${r.name}` },
  { key: 'status', label: 'Status', value: (r) => r.status, sortable: true },
  { key: 'seen', label: 'Seen', value: (r) => r.seen, sortable: true },
];

const rows: Row[] = Array.from({ length: 25 }, (_, i) => ({
  name: `sim-${String(i + 1).padStart(2, '0')}`,
  status: i % 3 === 0 ? 'offline' : 'online',
  seen: i === 4 ? null : 100 - i,
}));

const state = { filter: '', sortKey: null, descending: false, page: 0, pageSize: 10 };

describe('applyTableState', () => {
  it('pages', () => {
    const view = applyTableState(rows, columns, { ...state, page: 2 });
    expect(view.pages).toBe(3);
    expect(view.rows.map((r) => r.name)).toEqual(['sim-21', 'sim-22', 'sim-23', 'sim-24', 'sim-25']);
  });

  it('filters on any column, case-insensitively, and counts what matches', () => {
    const view = applyTableState(rows, columns, { ...state, filter: 'OFFLINE' });
    expect(view.total).toBe(9);
    expect(view.rows.every((r) => r.status === 'offline')).toBe(true);
  });

  it('sorts numbers as numbers, either way, empty values last', () => {
    const up = applyTableState(rows, columns, { ...state, sortKey: 'seen', pageSize: 100 });
    expect(up.rows[0].seen).toBe(76);
    expect(up.rows.at(-1)?.seen).toBeNull();
    const down = applyTableState(rows, columns, { ...state, sortKey: 'seen', descending: true, pageSize: 100 });
    expect(down.rows[0].seen).toBe(100);
    expect(down.rows.at(-1)?.seen).toBeNull();
  });

  it('keeps the page within range when the filter shrinks the rows', () => {
    const view = applyTableState(rows, columns, { ...state, filter: 'sim-0', page: 5 });
    expect(view.page).toBe(0);
    expect(view.total).toBe(9);
  });
});

@Component({
  imports: [DataTableComponent],
  template: `<app-data-table caption="Devices" [rows]="rows()" [columns]="columns" [pageSize]="10" />`,
})
class Host {
  readonly rows = signal(rows);
  readonly columns = columns;
}

describe('DataTableComponent', () => {
  async function render() {
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const names = () => [...el.querySelectorAll('tbody tr td:first-child')].map((td) => td.textContent?.trim());
    return { fixture, el, names };
  }

  it('shows a page of rows with links, a labelled filter and a pager', async () => {
    const { el, names } = await render();
    expect(names()).toHaveLength(10);
    expect(el.querySelector('tbody a')?.getAttribute('href')).toBe('/devices/sim-01');
    const input = el.querySelector('input[type=search]') as HTMLInputElement;
    expect(el.querySelector(`label[for="${input.id}"]`)?.textContent).toContain('Filter');
    expect(el.querySelector('.pager span')?.textContent).toContain('Page 1 of 3');
  });

  it('sorts by a header button and says so with aria-sort', async () => {
    const { fixture, el, names } = await render();
    const button = el.querySelector('th button') as HTMLButtonElement;
    button.click();
    await fixture.whenStable();
    button.click();
    await fixture.whenStable();
    expect(names()[0]).toBe('sim-25');
    expect(el.querySelector('th')?.getAttribute('aria-sort')).toBe('descending');
  });

  it('filters as the user types and pages with the buttons', async () => {
    const { fixture, el, names } = await render();
    const next = el.querySelector('button[aria-label="Next page"]') as HTMLButtonElement;
    next.click();
    await fixture.whenStable();
    expect(names()[0]).toBe('sim-11');

    const input = el.querySelector('input[type=search]') as HTMLInputElement;
    input.value = 'sim-2';
    input.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    expect(names()).toEqual(['sim-20', 'sim-21', 'sim-22', 'sim-23', 'sim-24', 'sim-25']);
    expect(el.querySelector('.pager')).toBeNull();
  });

  it('says when nothing matches', async () => {
    const { fixture, el } = await render();
    const input = el.querySelector('input[type=search]') as HTMLInputElement;
    input.value = 'nothing-like-this';
    input.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    expect(el.querySelector('td.none')?.textContent).toContain('No rows match');
  });
});

@Component({
  imports: [DataTableComponent],
  template: `<app-data-table caption="Devices" [rows]="rows" [columns]="columns" [pageSize]="10" [trackBy]="key" [rowLabel]="key" [selectable]="true" [(selected)]="selected" />`,
})
class SelectingHost {
  readonly rows = rows;
  readonly columns = columns;
  readonly key = (r: Row) => r.name;
  selected: ReadonlySet<unknown> = new Set();
}

describe('DataTableComponent with selection', () => {
  async function render() {
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    const fixture = TestBed.createComponent(SelectingHost);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const box = (label: string) => el.querySelector(`input[type=checkbox][aria-label="${label}"]`) as HTMLInputElement;
    return { fixture, el, box };
  }

  it('selects rows by their labelled checkboxes, across pages', async () => {
    const { fixture, el, box } = await render();
    box('Select sim-01').click();
    (el.querySelector('button[aria-label="Next page"]') as HTMLButtonElement).click();
    await fixture.whenStable();
    box('Select sim-12').click();
    await fixture.whenStable();
    expect([...fixture.componentInstance.selected]).toEqual(['sim-01', 'sim-12']);
    box('Select sim-12').click();
    await fixture.whenStable();
    expect([...fixture.componentInstance.selected]).toEqual(['sim-01']);
  });

  it('selects every row the filter matches with the header checkbox, and clears them again', async () => {
    const { fixture, el, box } = await render();
    const filter = el.querySelector('input[type=search]') as HTMLInputElement;
    filter.value = 'offline';
    filter.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    box('Select all 9 matching rows').click();
    await fixture.whenStable();
    expect(fixture.componentInstance.selected.size).toBe(9);
    expect(box('Select all 9 matching rows').checked).toBe(true);
    box('Select all 9 matching rows').click();
    await fixture.whenStable();
    expect(fixture.componentInstance.selected.size).toBe(0);
  });

  it('has no checkbox unless asked for', async () => {
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    expect((fixture.nativeElement as HTMLElement).querySelector('input[type=checkbox]')).toBeNull();
  });
});
