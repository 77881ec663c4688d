import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

const TONES: Record<string, 'ok' | 'info' | 'warn' | 'danger' | 'muted'> = {
  online: 'ok',
  verified: 'info',
  provisioned: 'info',
  offline: 'warn',
  decommissioned: 'muted',
  alarming: 'danger',
  active: 'danger',
  critical: 'danger',
  acknowledged: 'warn',
  cleared: 'ok',
};

/** A status as a coloured pill; the text is always there, so colour is never the only signal. */
@Component({
  selector: 'app-status-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span class="badge" [class]="'badge tone-' + tone()">{{ status() }}</span>`,
  styles: `
    .badge { display: inline-block; padding: 0.1rem 0.55rem; border-radius: 999px; font-size: 0.8rem; font-weight: 600; text-transform: capitalize; }
    .tone-ok { background: #dcfce7; color: #14532d; }
    .tone-info { background: #dbeafe; color: #1e3a8a; }
    .tone-warn { background: #fef3c7; color: #78350f; }
    .tone-danger { background: #fee2e2; color: #7f1d1d; }
    .tone-muted { background: #e5e7eb; color: #374151; }
  `,
})
export class StatusBadgeComponent {
  readonly status = input.required<string>();
  protected readonly tone = computed(() => TONES[this.status().toLowerCase()] ?? 'muted');
}
