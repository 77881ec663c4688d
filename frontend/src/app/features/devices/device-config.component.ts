import { ChangeDetectionStrategy, Component, ElementRef, computed, effect, inject, input, signal, untracked } from '@angular/core';

import { ApiClient, call } from '../../core/api/api-client';
import type { components } from '../../core/api/schema';
import { IfRoleDirective } from '../../core/auth/if-role.directive';
import { ErrorStateComponent } from '../../shared/error-state.component';
import { pollWhileOnScreen } from '../../shared/poll';
import { problemFields, problemStatus, problemText } from '../../shared/problem-fields';
import { BadgeComponent } from '../../shared/badge.component';
import { type JsonObject, configRows, mergePatch, parseDesired, show } from './config-delta';
import { when } from './devices';

type Shadow = components['schemas']['ShadowView'];
type Revision = components['schemas']['ShadowRevisionView'];

/** A refused save, as the editor explains it. */
type SaveProblem = { kind: 'stale'; seen: number } | { kind: 'invalid'; messages: string[] } | { kind: 'other'; text: string };

const STATE_LABEL = { 'in-sync': 'in sync', pending: 'pending', 'reported-only': 'not desired' } as const;
const STATE_TONE = { 'in-sync': 'ok', pending: 'warn', 'reported-only': 'muted' } as const;

/**
 * A device's configuration: desired and reported side by side with the delta highlighted, their
 * versions, the history, and (operators) the desired document edited as JSON and saved as a merge
 * patch conditional on the version shown. While a delta is open it reads again every 2 s on screen.
 */
@Component({
  selector: 'app-device-config',
  imports: [ErrorStateComponent, BadgeComponent, IfRoleDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './device-config.component.html',
  styleUrls: ['../../shared/page.css', './devices-forms.css'],
})
export class DeviceConfigComponent {
  private readonly client = inject(ApiClient);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  readonly deviceId = input.required<string>();
  /** The device's type, whose named templates can be merged into the desired configuration. */
  readonly deviceType = input<string | undefined>();

  protected readonly shadow = signal<Shadow | null>(null);
  protected readonly failed = signal<unknown>(null);
  protected readonly history = signal<readonly Revision[]>([]);
  protected readonly text = signal('');
  /** The desired version the editor's text was started from. */
  protected readonly base = signal<{ version: number; desired: JsonObject } | null>(null);
  protected readonly localError = signal<string | null>(null);
  protected readonly saveProblem = signal<SaveProblem | null>(null);
  protected readonly saving = signal(false);
  protected readonly saved = signal<string | null>(null);
  protected readonly templates = signal<Record<string, JsonObject>>({});
  protected readonly templateNames = computed(() => Object.keys(this.templates()).sort());

  protected readonly rows = computed(() => {
    const s = this.shadow();
    return s ? configRows(s.desired as JsonObject, s.reported as JsonObject, s.delta as JsonObject) : [];
  });
  protected readonly pending = computed(() => this.rows().filter((r) => r.state === 'pending').length);
  protected readonly dirty = computed(() => {
    const base = this.base();
    return base !== null && this.text() !== pretty(base.desired);
  });
  protected readonly labels = STATE_LABEL;
  protected readonly tones = STATE_TONE;
  protected readonly show = show;
  protected readonly when = when;
  protected readonly json = (value: unknown) => JSON.stringify(value);

  constructor() {
    effect((onCleanup) => {
      const id = this.deviceId();
      untracked(() => void this.load(id, true));
      onCleanup(pollWhileOnScreen(this.host, 2_000, () => (this.pending() ? this.load(id, false) : Promise.resolve())));
    });
    effect(() => {
      const type = this.deviceType();
      if (type) untracked(() => void this.loadTemplates(type));
    });
  }

  private async loadTemplates(type: string): Promise<void> {
    try {
      const found = await call(this.client.api.GET('/v1/device-types/{type_id}', { params: { path: { type_id: type } } }));
      this.templates.set((found.templates ?? {}) as Record<string, JsonObject>);
    } catch {
      this.templates.set({});
    }
  }

  /** Merges a template of the device's type into the desired configuration (the API judges it). */
  protected async applyTemplate(name: string): Promise<void> {
    if (!name || this.saving()) return;
    this.saving.set(true);
    this.saveProblem.set(null);
    try {
      const shadow = await call(
        this.client.api.POST('/v1/devices/{device_id}/config/templates/{template}', {
          params: { path: { device_id: this.deviceId(), template: name } },
        }),
      );
      this.shadow.set(shadow);
      this.resetEditor(shadow);
      this.saved.set(`Template ${name} applied: desired version ${shadow.desired_version}.`);
      void this.load(this.deviceId(), false);
    } catch (error) {
      this.saveProblem.set(explain(error, this.base()?.version ?? 0));
    } finally {
      this.saving.set(false);
    }
  }

  /** Reads the shadow and the history; `resetEditor` also puts the desired document in the editor. */
  protected async load(id = this.deviceId(), resetEditor = true): Promise<void> {
    try {
      const [shadow, history] = await Promise.all([
        call(this.client.api.GET('/v1/devices/{device_id}/config', { params: { path: { device_id: id } } })),
        call(this.client.api.GET('/v1/devices/{device_id}/config/history', { params: { path: { device_id: id }, query: { limit: 20 } } })),
      ]);
      this.shadow.set(shadow);
      this.history.set(history.items);
      this.failed.set(null);
      if (resetEditor || !this.dirty()) this.resetEditor(shadow);
    } catch (error) {
      if (resetEditor || !this.shadow()) this.failed.set(error);
    }
  }

  protected edit(value: string): void {
    this.text.set(value);
    this.saved.set(null);
    const parsed = parseDesired(value);
    this.localError.set(parsed.ok ? null : parsed.message);
  }

  protected discard(): void {
    const shadow = this.shadow();
    if (shadow) this.resetEditor(shadow);
  }

  /** Reads the newer configuration and keeps the edit in the box, now based on the newer version. */
  protected async reloadKeepingEdit(): Promise<void> {
    const kept = this.text();
    await this.load(this.deviceId(), true);
    this.edit(kept);
  }

  protected async save(): Promise<void> {
    const base = this.base();
    const parsed = parseDesired(this.text());
    if (!base || this.saving()) return;
    if (!parsed.ok) {
      this.localError.set(parsed.message);
      return;
    }
    const patch = mergePatch(base.desired, parsed.value);
    if (!Object.keys(patch).length) {
      this.saved.set('Nothing changed.');
      return;
    }
    this.saving.set(true);
    this.saveProblem.set(null);
    try {
      const shadow = await call(
        this.client.api.PATCH('/v1/devices/{device_id}/config/desired', {
          params: { path: { device_id: this.deviceId() } },
          body: { patch: patch as Record<string, never>, expected_version: base.version },
        }),
      );
      this.shadow.set(shadow);
      this.resetEditor(shadow);
      this.saved.set(`Saved as desired version ${shadow.desired_version}; the device is sent the change.`);
      void this.load(this.deviceId(), false);
    } catch (error) {
      this.saveProblem.set(explain(error, base.version));
    } finally {
      this.saving.set(false);
    }
  }

  private resetEditor(shadow: Shadow): void {
    this.base.set({ version: shadow.desired_version, desired: shadow.desired as JsonObject });
    this.text.set(pretty(shadow.desired));
    this.localError.set(null);
    this.saveProblem.set(null);
  }
}

function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

function explain(error: unknown, seen: number): SaveProblem {
  const status = problemStatus(error);
  if (status === 409 && /version/i.test(problemText(error))) return { kind: 'stale', seen };
  if (status === 422) {
    const messages = [...problemFields(error).values()].flat();
    return { kind: 'invalid', messages: messages.length ? messages : [problemText(error)] };
  }
  return { kind: 'other', text: problemText(error) };
}
