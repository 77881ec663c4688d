import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';

import { type CommandDraft, type CommandErrors, newIdempotencyKey } from './commands';

/**
 * The fields of a command as typed (name, TTL, idempotency key, JSON parameters), each with its
 * error: one form for a device's command and a bulk command. Ids start with `prefix`; an edit is
 * reported as `(edit)`, the parent keeps the draft.
 */
@Component({
  selector: 'app-command-fields',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrls: ['../../shared/page.css'],
  template: `
    <div class="fields">
      <div class="field">
        <label [for]="prefix() + '-name'">Command</label>
        <input [id]="prefix() + '-name'" [value]="draft().name" (input)="set('name', $event)" placeholder="reboot" autocomplete="off"
          [attr.aria-invalid]="!!errors().name" [attr.aria-describedby]="describedBy('name')" />
        @if (errors().name) { <span [id]="prefix() + '-name-error'" class="field-error">{{ errors().name }}</span> }
      </div>
      <div class="field">
        <label [for]="prefix() + '-ttl'">Time to live (seconds)</label>
        <input [id]="prefix() + '-ttl'" type="number" min="1" max="604800" step="1" [value]="draft().ttl" (input)="set('ttl', $event)"
          [attr.aria-invalid]="!!errors().ttl" [attr.aria-describedby]="describedBy('ttl', 'hint')" />
        <small [id]="prefix() + '-ttl-hint'" class="muted">an offline device gets it when it connects within this time</small>
        @if (errors().ttl) { <span [id]="prefix() + '-ttl-error'" class="field-error">{{ errors().ttl }}</span> }
      </div>
      <div class="field">
        <label [for]="prefix() + '-key'">Idempotency key</label>
        <input [id]="prefix() + '-key'" [value]="draft().idempotencyKey" (input)="set('idempotencyKey', $event)" autocomplete="off"
          [attr.aria-invalid]="!!errors().idempotencyKey" [attr.aria-describedby]="describedBy('idempotencyKey', 'hint')" />
        <small [id]="prefix() + '-idempotencyKey-hint'" class="muted">the same key again returns the first command, never sends twice <button type="button" class="link" (click)="edit.emit({ field: 'idempotencyKey', value: newKey() })">new key</button></small>
        @if (errors().idempotencyKey) { <span [id]="prefix() + '-idempotencyKey-error'" class="field-error">{{ errors().idempotencyKey }}</span> }
      </div>
      <div class="field wide">
        <label [for]="prefix() + '-params'">Parameters (JSON object)</label>
        <textarea [id]="prefix() + '-params'" rows="3" spellcheck="false" [value]="draft().parameters" (input)="set('parameters', $event)"
          [attr.aria-invalid]="!!errors().parameters" [attr.aria-describedby]="describedBy('parameters')"></textarea>
        @if (errors().parameters) { <span [id]="prefix() + '-parameters-error'" class="field-error">{{ errors().parameters }}</span> }
      </div>
    </div>
  `,
})
export class CommandFieldsComponent {
  readonly draft = input.required<CommandDraft>();
  readonly errors = input<CommandErrors>({});
  readonly prefix = input('cmd');
  readonly edit = output<{ field: keyof CommandDraft; value: string }>();
  protected readonly newKey = newIdempotencyKey;

  protected set(field: keyof CommandDraft, event: Event): void {
    this.edit.emit({ field, value: (event.target as HTMLInputElement).value });
  }

  /** The field's hint (when it has one) and its error (when there is one). */
  protected describedBy(field: keyof CommandDraft, hint?: 'hint'): string | null {
    const ids = [hint ? `${this.prefix()}-${field}-hint` : null, this.errors()[field] ? `${this.prefix()}-${field}-error` : null].filter(Boolean);
    return ids.length ? ids.join(' ') : null;
  }
}
