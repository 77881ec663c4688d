import { ChangeDetectionStrategy, Component, computed, model, signal } from '@angular/core';

import { PRESETS, type TimePreset, type TimeRangeValue } from './time-range';

let nextId = 0;

/** A preset (last hour, last day…) or a custom start and end, as a two-way `value`. */
@Component({
  selector: 'app-time-range-picker',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <fieldset class="range">
      <legend class="visually-hidden">Time range</legend>
      <label [for]="id + '-preset'">Time range</label>
      <select [id]="id + '-preset'" (change)="choose($any($event.target).value)">
        @for (preset of presets; track preset.value) {
          <option [value]="preset.value" [selected]="preset.value === selected()">{{ preset.label }}</option>
        }
        <option value="custom" [selected]="selected() === 'custom'">Custom…</option>
      </select>
      @if (selected() === 'custom') {
        <label [for]="id + '-start'">From</label>
        <input [id]="id + '-start'" type="datetime-local" [value]="startLocal()" (change)="setCustom($any($event.target).value, null)" />
        <label [for]="id + '-end'">To</label>
        <input [id]="id + '-end'" type="datetime-local" [value]="endLocal()" (change)="setCustom(null, $any($event.target).value)" />
      }
    </fieldset>
  `,
  styles: `
    .range { display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; border: 0; padding: 0; margin: 0; }
  `,
})
export class TimeRangePickerComponent {
  readonly value = model<TimeRangeValue>({ preset: '1h' });
  protected readonly presets = PRESETS;
  protected readonly id = `range-${nextId++}`;
  private readonly customChosen = signal(false);

  protected readonly selected = computed(() => {
    const value = this.value();
    return 'preset' in value && !this.customChosen() ? value.preset : 'custom';
  });
  protected readonly startLocal = computed(() => toLocalInput(this.current().start));
  protected readonly endLocal = computed(() => toLocalInput(this.current().end));

  protected choose(choice: string): void {
    if (choice === 'custom') {
      this.customChosen.set(true);
      const { start, end } = this.current();
      this.value.set({ start, end });
      return;
    }
    this.customChosen.set(false);
    this.value.set({ preset: choice as TimePreset });
  }

  protected setCustom(start: string | null, end: string | null): void {
    const current = this.current();
    const next = {
      start: start ? new Date(start).toISOString() : current.start,
      end: end ? new Date(end).toISOString() : current.end,
    };
    if (Date.parse(next.start) < Date.parse(next.end)) this.value.set(next);
  }

  private current(): { start: string; end: string } {
    const value = this.value();
    if (!('preset' in value)) return value;
    const ms = PRESETS.find((p) => p.value === value.preset)?.ms ?? 3_600_000;
    const end = new Date();
    return { start: new Date(end.getTime() - ms).toISOString(), end: end.toISOString() };
  }
}

function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
