import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked, viewChild } from '@angular/core';

import { ApiClient, call } from '../../core/api/api-client';
import type { components } from '../../core/api/schema';
import { AuthService } from '../../core/auth/auth.service';
import { NotificationService } from '../../core/errors/notification.service';
import { TabManager } from '../../core/tabs/tab-manager.service';
import { ConfirmDialogComponent } from '../../shared/confirm-dialog.component';
import { ErrorStateComponent } from '../../shared/error-state.component';
import { type TimeRangeValue, resolveRange } from '../../shared/time-range';
import { TimeRangePickerComponent } from '../../shared/time-range-picker.component';
import { SEVERITIES } from './alarms';
import { devicesByAlarms } from './backtest';
import { BacktestPreviewComponent, type BacktestRun } from './backtest-preview.component';
import { type ConditionChange, ConditionFieldsComponent } from './condition-fields.component';
import {
  COMPOSITE_PARTS,
  CONDITION_KINDS,
  type ConditionKind,
  type FormField,
  LEAF_KINDS,
  type PartKind,
  type RuleField,
  type RuleForm,
  SCOPE_KINDS,
  emptyPart,
  emptyRuleForm,
  formFromRule,
  metricsOffered,
  ruleFieldErrors,
  ruleFromForm,
  withKind,
  withLeafKind,
  withTyped,
} from './rule-form';

type Load = { state: 'loading' } | { state: 'ready' } | { state: 'failed'; error: unknown };
type DeviceType = components['schemas']['DeviceTypeView'];

/** Rule ids as the API takes them (letters, digits, `.`, `_`, `:`, `-`); `new` is this editor's own path. */
const RULE_ID = /^(?!new$)[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/**
 * A rule in a form (threshold, band, aggregate, rate of change, anomaly, missing data, and a
 * composite whose parts each name their own metric, every condition edited with the same
 * `ConditionFieldsComponent`, no JSON typed), saved with PUT /v1/rules/{id}
 * whose field problems show at their fields, and a backtest of the draft over a past range drawn
 * on a device's telemetry. With a device-type scope the type's metrics are offered (the device
 * types are read once, when that scope is first chosen). Viewers read it; they cannot save.
 */
@Component({
  selector: 'app-rule-editor',
  imports: [ErrorStateComponent, TimeRangePickerComponent, BacktestPreviewComponent, ConfirmDialogComponent, ConditionFieldsComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './rule-editor.component.html',
  styleUrl: './alerts.css',
})
export class RuleEditorComponent {
  private readonly client = inject(ApiClient);
  private readonly tabs = inject(TabManager);
  private readonly notices = inject(NotificationService);
  protected readonly auth = inject(AuthService);
  private readonly confirm = viewChild.required(ConfirmDialogComponent);

  /** The rule's id from the path; `new` for a rule still to save. */
  readonly id = input.required<string>();

  protected readonly isNew = computed(() => this.id() === 'new');
  protected readonly canEdit = computed(() => this.auth.hasRole('operator'));
  protected readonly load = signal<Load>({ state: 'loading' });
  protected readonly form = signal<RuleForm>(emptyRuleForm());
  protected readonly errors = signal<Map<FormField, string>>(new Map());
  /** The organization's device types, read once when a device-type scope is first shown. */
  private readonly types = signal<readonly DeviceType[] | null>(null);
  protected readonly typeIds = computed(() => (this.types() ?? []).map((t) => t.id));
  protected readonly metrics = computed(() => metricsOffered(this.form(), this.types() ?? []));
  protected readonly compositeParts = COMPOSITE_PARTS;
  protected readonly saving = signal(false);
  protected readonly backtestRange = signal<TimeRangeValue>({ preset: '24h' });
  protected readonly backtestDevice = signal('');
  protected readonly backtesting = signal(false);
  protected readonly run = signal<BacktestRun | null>(null);
  protected readonly backtestDevices = computed(() => devicesByAlarms(this.run()?.alarms ?? []));

  protected readonly scopeKinds = SCOPE_KINDS;
  protected readonly conditionKinds = CONDITION_KINDS;
  protected readonly leafKinds = LEAF_KINDS;
  protected readonly severities = SEVERITIES;

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => void this.fetch(id));
    });
    const typeScope = computed(() => this.form().scopeKind === 'device_type');
    effect(() => {
      if (typeScope()) untracked(() => void this.fetchTypes());
    });
  }

  /** Another kind of condition (a whole one typed so far becomes a composite's first part). */
  protected chooseKind(kind: ConditionKind): void {
    this.form.update((f) => withKind(f, kind));
    this.forget('kind');
  }

  /** A field of the rule's single condition changed (typed: no change of kind replaces it). */
  protected patchCondition(change: ConditionChange): void {
    this.form.update((f) => withTyped(f, change.field, change.value));
    this.forget(change.field);
  }

  /** A field of a composite's part (its metric, or a condition field); its reason (if any) goes, as the user changed it. */
  protected patchPart(index: number, change: ConditionChange | { field: 'metric'; value: string }): void {
    this.updatePart(index, (p) => (change.field === 'metric' ? { ...p, metric: change.value } : withTyped(p, change.field, change.value)));
    this.forget(`parts.${index}.${change.field}`);
  }

  /** Another kind of condition for a part (a nested group kept as saved is replaced). */
  protected choosePartKind(index: number, kind: PartKind): void {
    if (kind === 'nested') return;
    this.updatePart(index, (p) => ({ ...withLeafKind(p, kind), nested: null }));
    this.forget(`parts.${index}.kind`);
    this.forget(`parts.${index}.nested`);
  }

  private updatePart(index: number, change: (part: RuleForm['parts'][number]) => RuleForm['parts'][number]): void {
    this.form.update((f) => ({ ...f, parts: f.parts.map((p, i) => (i === index ? change(p) : p)) }));
  }

  protected addPart(): void {
    this.form.update((f) => ({ ...f, parts: [...f.parts, emptyPart()] }));
    this.forget('parts');
  }

  /** A nested group of conditions (only the API makes one), shown as saved, read only. */
  protected nestedText(part: RuleForm['parts'][number]): string {
    return JSON.stringify(part.nested);
  }

  /** Removes a part; the reasons by part index no longer fit, so they go. */
  protected removePart(index: number): void {
    this.form.update((f) => ({ ...f, parts: f.parts.filter((_, i) => i !== index) }));
    this.errors.set(new Map([...this.errors()].filter(([key]) => !key.startsWith('parts'))));
  }

  private forget(field: FormField): void {
    if (!this.errors().has(field)) return;
    const next = new Map(this.errors());
    next.delete(field);
    this.errors.set(next);
  }

  private async fetchTypes(): Promise<void> {
    if (this.types() !== null) return;
    this.types.set([]);
    try {
      this.types.set((await call(this.client.api.GET('/v1/device-types'))).items);
    } catch {
      this.types.set(null); // nothing offered; asked again when the scope is chosen again
    }
  }

  protected patch<K extends RuleField>(field: K, value: RuleForm[K]): void {
    this.form.update((f) => ({ ...f, [field]: value }));
    this.forget(field);
  }

  protected error(field: FormField): string | null {
    return this.errors().get(field) ?? null;
  }

  protected partError(index: number, field: 'metric' | 'kind' | 'nested'): string | null {
    return this.error(`parts.${index}.${field}`);
  }

  protected async save(): Promise<void> {
    const form = this.form();
    const id = form.id.trim();
    const result = ruleFromForm(form);
    const errors = new Map<FormField, string>(result.ok ? [] : result.errors);
    if (!RULE_ID.test(id)) errors.set('id', 'Letters, digits, ".", "_", ":" or "-", starting with a letter or digit (not "new").');
    this.errors.set(errors);
    if (!result.ok || errors.size) return;
    this.saving.set(true);
    try {
      const saved = await call(this.client.api.PUT('/v1/rules/{rule_id}', { params: { path: { rule_id: id } }, body: result.rule }));
      this.notices.info('Rule saved', `${saved.name} (${saved.id})`);
      if (this.isNew()) {
        await this.tabs.open(`/alerts/rules/${encodeURIComponent(saved.id)}`);
        await this.tabs.close('/alerts/rules/new');
      } else this.form.set(formFromRule(saved));
    } catch (error) {
      this.errors.set(this.withGeneral(error));
    } finally {
      this.saving.set(false);
    }
  }

  protected async remove(): Promise<void> {
    const yes = await this.confirm().ask({
      title: `Delete rule ${this.id()}?`,
      detail: 'Its open alarms clear at the next sweep. This cannot be undone.',
      action: 'Delete rule',
      danger: true,
    });
    if (!yes) return;
    try {
      await call(this.client.api.DELETE('/v1/rules/{rule_id}', { params: { path: { rule_id: this.id() } } }));
      this.notices.info('Rule deleted', this.id());
      await this.tabs.close(`/alerts/rules/${this.id()}`);
    } catch (error) {
      this.errors.set(this.withGeneral(error));
    }
  }

  /** Runs the draft (as typed, unsaved) over the chosen past range: POST /v1/backtests. */
  protected async backtest(): Promise<void> {
    const form = this.form();
    const result = ruleFromForm(form);
    if (!result.ok) {
      this.errors.set(new Map(result.errors));
      return;
    }
    const range = resolveRange(this.backtestRange());
    this.backtesting.set(true);
    try {
      const answer = await call(
        this.client.api.POST('/v1/backtests', {
          body: { rule: result.rule, start: range.start.toISOString(), end: range.end.toISOString() },
        }),
      );
      const typed = this.backtestDevice().trim();
      const chosen = typed || (form.scopeKind === 'device' ? form.scopeValue.trim() : '') || answer.alarms[0]?.device_id || '';
      this.run.set({ alarms: answer.alarms, start: range.start, end: range.end, metric: result.rule.metric, rule: result.rule, deviceId: chosen });
      if (!typed && chosen) this.backtestDevice.set(chosen);
      this.errors.set(new Map());
    } catch (error) {
      this.run.set(null);
      this.errors.set(this.withGeneral(error));
    } finally {
      this.backtesting.set(false);
    }
  }

  protected drawDevice(deviceId: string): void {
    this.backtestDevice.set(deviceId);
    const run = this.run();
    if (run) this.run.set({ ...run, deviceId: deviceId.trim() });
  }

  protected reload(): void {
    void this.fetch(this.id());
  }

  /** The problem's field reasons, and its detail above the form when no field holds a reason. */
  private withGeneral(error: unknown): Map<FormField, string> {
    const errors = ruleFieldErrors(error, this.form().kind);
    if (!errors.size) {
      const text = error instanceof Error ? error.message : 'The request failed.';
      errors.set('', text);
    }
    return errors;
  }

  private async fetch(id: string): Promise<void> {
    this.errors.set(new Map());
    this.run.set(null);
    if (id === 'new') {
      this.form.set(emptyRuleForm());
      this.load.set({ state: 'ready' });
      return;
    }
    this.load.set({ state: 'loading' });
    try {
      const rule = await call(this.client.api.GET('/v1/rules/{rule_id}', { params: { path: { rule_id: id } } }));
      this.form.set(formFromRule(rule));
      if (rule.scope.kind === 'device') this.backtestDevice.set(rule.scope.value ?? '');
      this.load.set({ state: 'ready' });
    } catch (error) {
      this.load.set({ state: 'failed', error });
    }
  }
}
