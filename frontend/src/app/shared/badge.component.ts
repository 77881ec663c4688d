import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

export type Tone = 'ok' | 'info' | 'warn' | 'danger' | 'muted';

/** The tone of a device or connection status, so a status badge needs no tone of its own. */
const STATUS_TONES: Readonly<Record<string, Tone>> = {
  online: 'ok',
  verified: 'info',
  provisioned: 'info',
  offline: 'warn',
  decommissioned: 'muted',
};

/**
 * A label as a coloured pill: the tone is the caller's (command, alarm, rollout and wave states)
 * or, when none is given, the one of a device or connection status. The text is always there,
 * so colour is never the only signal.
 */
@Component({
  selector: 'app-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span [class]="'badge tone-' + shownTone()">{{ label() }}</span>`,
  styles: `
    .badge { display: inline-block; padding: 0.1rem 0.55rem; border-radius: 999px; font-size: 0.8rem; font-weight: 600; white-space: nowrap; }
    .tone-ok { background: #dcfce7; color: #14532d; }
    .tone-info { background: #dbeafe; color: #1e3a8a; }
    .tone-warn { background: #fef3c7; color: #78350f; }
    .tone-danger { background: #fee2e2; color: #7f1d1d; }
    .tone-muted { background: #e5e7eb; color: #374151; }
  `,
})
export class BadgeComponent {
  readonly label = input.required<string>();
  readonly tone = input<Tone | undefined>(undefined);
  protected readonly shownTone = computed(() => this.tone() ?? STATUS_TONES[this.label().toLowerCase()] ?? 'muted');
}
