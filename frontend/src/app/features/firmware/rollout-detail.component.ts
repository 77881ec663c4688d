import { ChangeDetectionStrategy, Component, ElementRef, computed, effect, inject, input, signal, untracked, viewChild } from '@angular/core';
import { Router, RouterLink } from '@angular/router';

import { ApiClient, call } from '../../core/api/api-client';
import { IfRoleDirective } from '../../core/auth/if-role.directive';
import { NotificationService } from '../../core/errors/notification.service';
import { ConfirmDialogComponent } from '../../shared/confirm-dialog.component';
import { ErrorStateComponent } from '../../shared/error-state.component';
import { pollWhileOnScreen } from '../../shared/poll';
import { problemText } from '../../shared/problem-fields';
import { BadgeComponent } from '../../shared/badge.component';
import { when } from '../devices/devices';
import {
  type DeviceProgress,
  PROGRESS_STATES,
  type ProgressState,
  type RolloutProgress,
  durationText,
  gateState,
  isLive,
  progressTone,
  rolloutActions,
  rolloutTone,
  summarizeWave,
  targetText,
} from './firmware';

type Action = 'pause' | 'resume' | 'cancel';

const QUESTIONS: Record<Action, { title: string; detail: string; action: string; danger?: boolean }> = {
  pause: { title: 'Pause this rollout?', detail: 'No device gets a new offer until you resume it. Devices that have their offer may still finish.', action: 'Pause' },
  resume: {
    title: 'Resume this rollout?',
    detail: 'Offers start again. If the rollout was halted by its health gate, resuming waives that wave’s gate (you judged its failures); its soak time still applies.',
    action: 'Resume',
  },
  cancel: {
    title: 'Cancel this rollout?',
    detail: 'No device gets a new offer, ever: a cancelled rollout cannot be resumed. Devices that already have the offer may still install it.',
    action: 'Cancel rollout',
    danger: true,
  },
};

/**
 * A rollout: its waves as progress bars (healthy, failed, in progress, pending) with each wave's
 * health gate, its devices by state with refusal codes, and pause/resume/cancel after a
 * confirmation (operators). Reads again every 2 s while it runs and is on screen.
 */
@Component({
  selector: 'app-rollout-detail',
  imports: [RouterLink, ErrorStateComponent, BadgeComponent, ConfirmDialogComponent, IfRoleDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './rollout-detail.component.html',
  styleUrls: ['../../shared/page.css', './firmware.css'],
})
export class RolloutDetailComponent {
  private readonly client = inject(ApiClient);
  private readonly router = inject(Router);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly notifications = inject(NotificationService);
  private readonly confirm = viewChild.required(ConfirmDialogComponent);

  readonly id = input.required<string>();
  /** The device list's state filter, kept in the URL (`?devices=failed`). */
  readonly devices = input<string | undefined>();

  protected readonly progress = signal<RolloutProgress | null>(null);
  protected readonly failed = signal<unknown>(null);
  protected readonly deviceRows = signal<readonly DeviceProgress[]>([]);
  protected readonly deviceCursor = signal<string | null>(null);
  protected readonly updatedAt = signal('');
  protected readonly acting = signal<Action | null>(null);
  protected readonly progressStates = PROGRESS_STATES;

  protected readonly rollout = computed(() => this.progress()?.rollout ?? null);
  protected readonly waves = computed(() => (this.progress()?.waves ?? []).map(summarizeWave));
  protected readonly totals = computed(() =>
    this.waves().reduce(
      (t, w) => ({ targeted: t.targeted + w.targeted, succeeded: t.succeeded + w.succeeded, failed: t.failed + w.failed }),
      { targeted: 0, succeeded: 0, failed: 0 },
    ),
  );
  /** How many devices each wave holds, from the cumulative ends the rollout resolved. */
  protected readonly waveSizes = computed(() => (this.rollout()?.wave_ends ?? []).map((end, i, ends) => end - (i ? ends[i - 1] : 0)));
  protected readonly actions = computed(() => rolloutActions(this.rollout()?.state));
  protected readonly live = computed(() => isLive(this.rollout()?.state));
  protected readonly deviceFilter = computed(() => (PROGRESS_STATES as readonly string[]).includes(this.devices() ?? '') ? (this.devices() as ProgressState) : null);
  protected readonly gate = gateState;
  protected readonly tone = rolloutTone;
  protected readonly deviceTone = progressTone;
  protected readonly when = when;
  protected readonly duration = durationText;
  protected readonly target = targetText;

  constructor() {
    effect((onCleanup) => {
      const [id, filter] = [this.id(), this.deviceFilter()];
      untracked(() => void this.load(id, filter));
      onCleanup(pollWhileOnScreen(this.host, 2_000, () => (this.live() ? this.load(id, filter, true) : Promise.resolve())));
    });
  }

  protected async load(id = this.id(), filter = this.deviceFilter(), quiet = false): Promise<void> {
    try {
      const [progress, page] = await Promise.all([
        call(this.client.api.GET('/v1/firmware/rollouts/{rollout_id}', { params: { path: { rollout_id: id } } })),
        call(
          this.client.api.GET('/v1/firmware/rollouts/{rollout_id}/devices', {
            params: { path: { rollout_id: id }, query: { state: filter ?? undefined, limit: 100 } },
          }),
        ),
      ]);
      this.progress.set(progress);
      this.deviceRows.set(page.items);
      this.deviceCursor.set(page.next_cursor ?? null);
      this.updatedAt.set(new Date().toLocaleTimeString());
      this.failed.set(null);
    } catch (error) {
      if (!quiet || !this.progress()) this.failed.set(error);
    }
  }

  protected async moreDevices(): Promise<void> {
    const cursor = this.deviceCursor();
    if (!cursor) return;
    try {
      const page = await call(
        this.client.api.GET('/v1/firmware/rollouts/{rollout_id}/devices', {
          params: { path: { rollout_id: this.id() }, query: { state: this.deviceFilter() ?? undefined, limit: 100, cursor } },
        }),
      );
      this.deviceRows.update((before) => [...before, ...page.items]);
      this.deviceCursor.set(page.next_cursor ?? null);
    } catch (error) {
      this.notifications.error('The next devices could not be read', problemText(error));
    }
  }

  protected filterDevices(state: string): void {
    void this.router.navigate([], { queryParams: { devices: state || null }, queryParamsHandling: 'merge', replaceUrl: true });
  }

  protected async act(action: Action): Promise<void> {
    if (!(await this.confirm().ask(QUESTIONS[action]))) return;
    this.acting.set(action);
    try {
      const path = { rollout_id: this.id() };
      const request =
        action === 'pause'
          ? this.client.api.POST('/v1/firmware/rollouts/{rollout_id}/pause', { params: { path } })
          : action === 'resume'
            ? this.client.api.POST('/v1/firmware/rollouts/{rollout_id}/resume', { params: { path } })
            : this.client.api.POST('/v1/firmware/rollouts/{rollout_id}/cancel', { params: { path } });
      const rollout = await call(request);
      this.progress.update((p) => (p ? { ...p, rollout } : p));
      this.notifications.info(`Rollout ${rollout.state}`, '');
      await this.load();
    } catch (error) {
      this.notifications.error(`The rollout could not ${action}`, problemText(error));
      await this.load();
    } finally {
      this.acting.set(null);
    }
  }
}
