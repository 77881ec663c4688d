import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';

import { ApiClient, call } from '../../core/api/api-client';
import { IfRoleDirective } from '../../core/auth/if-role.directive';
import { ErrorStateComponent } from '../../shared/error-state.component';
import { BadgeComponent } from '../../shared/badge.component';
import { when } from '../devices/devices';
import { type Release, type Rollout, formatBytes, rolloutTone } from './firmware';

/** The manifest text pretty-printed; the text itself when it is not JSON. */
export function prettyManifest(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/**
 * One release: what was signed (family, version, size, SHA-256, key, expiry, the manifest as
 * devices receive it), and its newest 100 rollouts (`GET /v1/firmware/rollouts?release_id=`).
 */
@Component({
  selector: 'app-release-detail',
  imports: [RouterLink, ErrorStateComponent, BadgeComponent, IfRoleDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (failed(); as error) {
      <app-error-state [error]="error" (retry)="load(id())" />
    } @else if (release(); as r) {
      <div class="head">
        <h1>{{ r.firmware_family }} {{ r.version }}</h1>
        @if (r.signed.signature) { <app-badge label="signed" tone="ok" /> } @else { <app-badge label="unsigned" tone="danger" /> }
        @if (expired()) { <app-badge label="expired" tone="danger" /> }
        <span class="spacer"></span>
        @if (!expired()) {
          <a *appIfRole="'operator'" class="button" routerLink="/firmware/rollouts/new" [queryParams]="{ release: r.release_id }">Start a rollout of this release</a>
        }
      </div>
      <div class="grid">
        <section class="card" aria-labelledby="rel-about">
          <h2 id="rel-about">Release</h2>
          <dl>
            <dt>Id</dt><dd><code>{{ r.release_id }}</code></dd>
            <dt>Family</dt><dd>{{ r.firmware_family }}</dd>
            <dt>Version</dt><dd>{{ r.version }}</dd>
            <dt>Minimum version</dt><dd>{{ r.min_version ?? '—' }}</dd>
            <dt>Image</dt><dd><code>{{ r.image_key }}</code></dd>
            <dt>Size</dt><dd>{{ bytes(r.image_size) }} ({{ r.image_size }} bytes)</dd>
            <dt>SHA-256</dt><dd><code>{{ r.image_sha256 }}</code></dd>
            <dt>Signed by</dt><dd><code>{{ r.key_id }}</code> {{ r.signed.signature?.algorithm ?? '' }}</dd>
            <dt>Created</dt><dd>{{ when(r.created_at) }}</dd>
            <dt>Expires</dt><dd>{{ when(r.expires_at) }}</dd>
          </dl>
        </section>
        <section class="card" aria-labelledby="rel-rollouts">
          <h2 id="rel-rollouts">Rollouts of this release</h2>
          @if (rollouts().length) {
            <ul class="plain">
              @for (ro of rollouts(); track ro.rollout_id) {
                <li><a [routerLink]="['/firmware/rollouts', ro.rollout_id]">{{ ro.rollout_id }}</a>&nbsp;<app-badge [label]="ro.state ?? 'running'" [tone]="tone(ro.state ?? 'running')" />&nbsp;<small class="muted">{{ when(ro.created_at) }}</small></li>
              }
            </ul>
          } @else {
            <p class="muted">No rollout of this release yet.</p>
          }
        </section>
      </div>
      <section class="card" aria-labelledby="rel-manifest">
        <h2 id="rel-manifest">Signed manifest</h2>
        <pre>{{ manifest() }}</pre>
        @if (r.signed.signature; as sig) {
          <p class="small muted">Signature ({{ sig.algorithm }}, {{ sig.key_id }}): <code class="sig">{{ sig.value }}</code></p>
        }
      </section>
    } @else {
      <p role="status">Loading release {{ id() }}…</p>
    }
  `,
  styleUrls: ['../../shared/page.css', './firmware.css'],
  styles: `
    .plain { list-style: none; padding: 0; margin: 0; display: flex; flex-direction: column; gap: 0.35rem; }
    .sig { word-break: break-all; }
  `,
})
export class ReleaseDetailComponent {
  private readonly client = inject(ApiClient);
  readonly id = input.required<string>();

  protected readonly release = signal<Release | null>(null);
  protected readonly failed = signal<unknown>(null);
  protected readonly rollouts = signal<readonly Rollout[]>([]);
  protected readonly manifest = computed(() => prettyManifest(this.release()?.signed.manifest ?? ''));
  protected readonly expired = computed(() => {
    const r = this.release();
    return r ? Date.parse(r.expires_at) <= Date.now() : false;
  });
  protected readonly bytes = formatBytes;
  protected readonly when = when;
  protected readonly tone = rolloutTone;

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => void this.load(id));
    });
  }

  protected async load(id: string): Promise<void> {
    this.failed.set(null);
    try {
      this.release.set(await call(this.client.api.GET('/v1/firmware/releases/{release_id}', { params: { path: { release_id: id } } })));
    } catch (error) {
      this.failed.set(error);
      return;
    }
    try {
      const page = await call(this.client.api.GET('/v1/firmware/rollouts', { params: { query: { release_id: id, limit: 100 } } }));
      this.rollouts.set(page.items);
    } catch {
      this.rollouts.set([]);
    }
  }
}
