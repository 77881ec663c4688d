import { NgTemplateOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';

import { AGGREGATE_FUNCTIONS, ANOMALY_METHODS, type ConditionField, type ConditionFields, type FormField, type LeafKind, conditionBounds, fieldHint } from './rule-form';

/** One field changed to the text (or choice) now in it. */
export interface ConditionChange {
  readonly field: ConditionField;
  readonly value: string;
}

/**
 * The fields of one single condition (threshold, band, aggregate, rate of change, anomaly, missing
 * data): the one way the rule editor edits a condition, the rule's own or a composite's `part`. The
 * host lays the fields out in the caller's grid; ids are `r-set` for the rule's condition and
 * `r-part-1-set` for a part's, whose reasons `errors` holds at `parts.1.set`.
 */
@Component({
  selector: 'app-condition-fields',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './alerts.css',
  host: { style: 'display: contents' },
  template: `
    @let f = fields();
    @let k = kind();
    @let p = idPrefix();
    @if (k === 'aggregate') {
      <div class="field">
        <label [for]="p + '-fn'">Aggregate</label>
        <select [id]="p + '-fn'" (change)="change('fn', $event)">
          @for (fn of functions; track fn) {
            <option [value]="fn" [selected]="fn === f.fn">{{ fn }}</option>
          }
        </select>
        @if (error('fn'); as e) { <p class="field-error" [id]="p + '-fn-error'">{{ e }}</p> }
      </div>
      @if (f.fn === 'percentile') {
        <ng-container *ngTemplateOutlet="number; context: { field: 'percentile', id: 'percentile', label: 'Percentile', mode: 'decimal' }" />
      }
    }
    @if (k === 'anomaly') {
      <div class="field">
        <label [for]="p + '-method'">Unusual</label>
        <select [id]="p + '-method'" (change)="change('method', $event)">
          @for (m of methods; track m.value) {
            <option [value]="m.value" [selected]="m.value === f.method">{{ m.label }}</option>
          }
        </select>
        @if (error('method'); as e) { <p class="field-error" [id]="p + '-method-error'">{{ e }}</p> }
      </div>
    }
    @if (k === 'rate') {
      <div class="field">
        <label [for]="p + '-per'">Change per</label>
        <select [id]="p + '-per'" (change)="change('per', $event)">
          <option value="minute" [selected]="f.per === 'minute'">minute</option>
          <option value="second" [selected]="f.per === 'second'">second</option>
        </select>
      </div>
    }
    @if (k === 'aggregate' || k === 'rate' || k === 'anomaly') {
      <ng-container *ngTemplateOutlet="number; context: { field: 'windowS', id: 'window', label: 'Window (s)', mode: 'numeric' }" />
    }
    @if (k === 'threshold' || k === 'aggregate' || k === 'rate') {
      <div class="field">
        <label [for]="p + '-op'">Raise when</label>
        <select [id]="p + '-op'" (change)="change('op', $event)">
          <option value="above" [selected]="f.op === 'above'">above the set level</option>
          <option value="below" [selected]="f.op === 'below'">below the set level</option>
        </select>
        @if (error('op'); as e) { <p class="field-error" [id]="p + '-op-error'">{{ e }}</p> }
      </div>
    }
    @if (k === 'band') {
      <div class="field">
        <label [for]="p + '-op'">Raise when the value is</label>
        <select [id]="p + '-op'" (change)="change('op', $event)">
          <option value="outside" [selected]="f.op === 'outside'">outside the band</option>
          <option value="inside" [selected]="f.op === 'inside'">inside the band</option>
        </select>
        @if (error('op'); as e) { <p class="field-error" [id]="p + '-op-error'">{{ e }}</p> }
      </div>
      <ng-container *ngTemplateOutlet="number; context: { field: 'low', id: 'low', label: 'Low', mode: 'decimal' }" />
      <ng-container *ngTemplateOutlet="number; context: { field: 'high', id: 'high', label: 'High', mode: 'decimal' }" />
      <ng-container *ngTemplateOutlet="number; context: { field: 'clearLow', id: 'clear-low', label: 'Clears at low (blank: low)', mode: 'decimal' }" />
      <ng-container *ngTemplateOutlet="number; context: { field: 'clearHigh', id: 'clear-high', label: 'Clears at high (blank: high)', mode: 'decimal' }" />
    }
    @if (k === 'threshold' || k === 'aggregate' || k === 'rate') {
      <ng-container *ngTemplateOutlet="number; context: { field: 'set', id: 'set', label: 'Set level', mode: 'decimal' }" />
      <ng-container *ngTemplateOutlet="number; context: { field: 'clear', id: 'clear', label: 'Clear level (blank: the set level)', mode: 'decimal' }" />
    }
    @if (k === 'anomaly') {
      <ng-container *ngTemplateOutlet="number; context: { field: 'set', id: 'set', label: 'Raise above score |z|', mode: 'decimal' }" />
      <ng-container *ngTemplateOutlet="number; context: { field: 'clear', id: 'clear', label: 'Clear at score (blank: the raise score)', mode: 'decimal' }" />
    }
    @if (k !== 'missing_data') {
      <ng-container *ngTemplateOutlet="number; context: { field: 'durationS', id: 'duration', label: 'Holds for (s)', mode: 'numeric' }" />
    }
    @if (k === 'aggregate' || k === 'anomaly') {
      <ng-container *ngTemplateOutlet="number; context: { field: 'minPoints', id: 'min-points', label: 'Fewest points', mode: 'numeric' }" />
    }
    @if (k === 'missing_data') {
      <ng-container *ngTemplateOutlet="number; context: { field: 'timeoutS', id: 'timeout', label: 'No reading for (s)', mode: 'numeric' }" />
    }

    <ng-template #number let-field="field" let-id="id" let-label="label" let-mode="mode">
      @let hint = hintOf(field);
      <div class="field">
        <label [for]="p + '-' + id">{{ label }}</label>
        <input [id]="p + '-' + id" [attr.inputmode]="mode" [placeholder]="blankOf(field)" [value]="valueOf(field)" (input)="change(field, $event)"
          [attr.aria-invalid]="!!error(field)" [attr.aria-describedby]="describedBy(p + '-' + id, !!hint, !!error(field))" />
        @if (hint) { <p class="field-hint muted" [id]="p + '-' + id + '-hint'">{{ hint }}</p> }
        @if (error(field); as e) { <p class="field-error" [id]="p + '-' + id + '-error'">{{ e }}</p> }
      </div>
    </ng-template>
  `,
  imports: [NgTemplateOutlet],
})
export class ConditionFieldsComponent {
  readonly kind = input.required<LeafKind>();
  readonly fields = input.required<ConditionFields>();
  /** Which part of a composite these fields are; null: the rule's own condition. */
  readonly part = input<number | null>(null);
  readonly errors = input<ReadonlyMap<FormField, string>>(new Map());
  readonly changed = output<ConditionChange>();

  protected readonly idPrefix = computed(() => (this.part() === null ? 'r' : `r-part-${this.part()}`));

  protected readonly functions = AGGREGATE_FUNCTIONS;
  protected readonly methods = ANOMALY_METHODS;

  protected valueOf(field: ConditionField): string {
    return this.fields()[field];
  }

  /** The API's bounds for the field under the chosen kind, shown under it. */
  protected hintOf(field: ConditionField): string {
    return fieldHint(this.kind(), field);
  }

  /** What the API uses when the field is left blank, as its placeholder. */
  protected blankOf(field: ConditionField): string {
    const blank = conditionBounds(this.kind(), field)?.blank;
    return blank === undefined ? '' : String(blank);
  }

  protected describedBy(id: string, hint: boolean, error: boolean): string | null {
    const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
    return ids.length ? ids.join(' ') : null;
  }

  protected error(field: ConditionField): string | null {
    const part = this.part();
    return this.errors().get(part === null ? field : `parts.${part}.${field}`) ?? null;
  }

  protected change(field: ConditionField, event: Event): void {
    this.changed.emit({ field, value: (event.target as HTMLInputElement | HTMLSelectElement).value });
  }
}
