import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';

import { ApiClient, call } from '../../core/api/api-client';
import { AuthService } from '../../core/auth/auth.service';
import { TabManager } from '../../core/tabs/tab-manager.service';
import { EmptyStateComponent } from '../../shared/empty-state.component';
import { problemFields, problemText } from '../../shared/problem-fields';
import { type Release } from './firmware';
import { DEFAULT_DRAFT, type RolloutDraft, type RolloutErrors, fieldOfPath, toRolloutRequest } from './rollout-form';

/**
 * Start a rollout (operators): a release, a target (groups, tags, device ids), the waves and the
 * health gate; once it started, the new rollout's tab takes this one's place (the form has done its
 * work), and its waves are followed there.
 */
/** This screen's path: its tab. */
const START_PATH = '/firmware/rollouts/new';

@Component({
  selector: 'app-rollout-start',
  imports: [RouterLink, EmptyStateComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './rollout-start.component.html',
  styleUrls: ['../../shared/page.css', './firmware.css'],
})
export class RolloutStartComponent {
  private readonly client = inject(ApiClient);
  private readonly tabs = inject(TabManager);
  private readonly auth = inject(AuthService);

  /** `?release=` preselects a release (from its page). */
  readonly release = input<string | undefined>();

  protected readonly allowed = computed(() => this.auth.hasRole('operator'));
  protected readonly releases = signal<readonly Release[]>([]);
  protected readonly draft = signal<RolloutDraft>(DEFAULT_DRAFT);
  protected readonly errors = signal<RolloutErrors>({});
  protected readonly sendError = signal<string | null>(null);
  protected readonly sending = signal(false);

  constructor() {
    void this.loadReleases();
    effect(() => {
      const chosen = this.release();
      if (chosen) untracked(() => this.set('releaseId', chosen));
    });
  }

  private async loadReleases(): Promise<void> {
    try {
      const page = await call(this.client.api.GET('/v1/firmware/releases', { params: { query: { limit: 100 } } }));
      this.releases.set(page.items.filter((r) => Date.parse(r.expires_at) > Date.now()));
    } catch (error) {
      this.sendError.set(`The releases could not be read: ${problemText(error)}`);
    }
  }

  protected set<K extends keyof RolloutDraft>(field: K, value: RolloutDraft[K]): void {
    this.draft.update((d) => ({ ...d, [field]: value }));
    this.errors.update((e) => ({ ...e, [field]: undefined, ...(field === 'groups' || field === 'tags' ? { target: undefined } : {}) }));
  }

  protected async start(): Promise<void> {
    const built = toRolloutRequest(this.draft());
    this.errors.set(built.errors ?? {});
    if (!built.body || this.sending()) return;
    this.sending.set(true);
    this.sendError.set(null);
    try {
      const rollout = await call(this.client.api.POST('/v1/firmware/rollouts', { body: built.body }));
      this.draft.set(DEFAULT_DRAFT);
      await this.tabs.open(`/firmware/rollouts/${encodeURIComponent(rollout.rollout_id)}`);
      await this.tabs.close(START_PATH);
    } catch (error) {
      const fields: RolloutErrors = {};
      for (const [path, messages] of problemFields(error)) {
        const field = fieldOfPath(path);
        if (field) fields[field] = messages.join(' ');
      }
      this.errors.set(fields);
      this.sendError.set(problemText(error));
    } finally {
      this.sending.set(false);
    }
  }

  protected invalid(field: keyof RolloutErrors): boolean {
    return !!this.errors()[field];
  }
}
