import { ChangeDetectionStrategy, Component, input } from '@angular/core';

export type Tone = 'ok' | 'info' | 'warn' | 'danger' | 'muted';

/** A label as a coloured pill whose tone the caller chooses (command, rollout and wave states);
 * the text is always there, so colour is never the only signal. */
@Component({
  selector: 'app-tone-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span class="badge" [class]="'badge tone-' + tone()">{{ label() }}</span>`,
  styles: `
    .badge { display: inline-block; padding: 0.1rem 0.55rem; border-radius: 999px; font-size: 0.8rem; font-weight: 600; white-space: nowrap; }
    .tone-ok { background: #dcfce7; color: #14532d; }
    .tone-info { background: #dbeafe; color: #1e3a8a; }
    .tone-warn { background: #fef3c7; color: #78350f; }
    .tone-danger { background: #fee2e2; color: #7f1d1d; }
    .tone-muted { background: #e5e7eb; color: #374151; }
  `,
})
export class ToneBadgeComponent {
  readonly label = input.required<string>();
  readonly tone = input<Tone>('muted');
}
