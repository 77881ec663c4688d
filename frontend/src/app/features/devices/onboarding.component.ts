import { ChangeDetectionStrategy, Component, ElementRef, computed, effect, inject, signal, untracked, viewChild } from '@angular/core';
import { Router, RouterLink } from '@angular/router';

import { ApiClient, call } from '../../core/api/api-client';
import type { components } from '../../core/api/schema';
import { AuthService } from '../../core/auth/auth.service';
import { EmptyStateComponent } from '../../shared/empty-state.component';
import { ErrorStateComponent } from '../../shared/error-state.component';
import { parseList } from '../../shared/parse-list';
import { problemFields, problemStatus, problemText } from '../../shared/problem-fields';
import {
  type Draft,
  DRAFT_FIELD_OF,
  EMPTY_DRAFT,
  type FieldErrors,
  type ProvisioningPackage,
  STEPS,
  STEP_LABELS,
  type Step,
  fieldOfDetail,
  judge,
  next,
  parseMetadata,
  previous,
  toNewDevice,
} from './onboarding';
import { ProvisioningPackageComponent } from './provisioning-package.component';

type DeviceType = components['schemas']['DeviceTypeView'];
type Types = { state: 'loading' } | { state: 'ready'; items: DeviceType[] } | { state: 'failed'; error: unknown };

/**
 * The onboarding wizard: a device type, the device's name, tags, groups and metadata, a review,
 * then POST /v1/devices and its provisioning package, shown once with a download (a JSON file
 * named after the device, made in the browser; nothing is stored). Operators and admins only.
 */
@Component({
  selector: 'app-onboarding',
  imports: [RouterLink, EmptyStateComponent, ErrorStateComponent, ProvisioningPackageComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './onboarding.component.html',
  styleUrls: ['../../shared/page.css', './devices-forms.css'],
})
export class OnboardingComponent {
  private readonly client = inject(ApiClient);
  private readonly router = inject(Router);
  protected readonly auth = inject(AuthService);
  private readonly heading = viewChild<ElementRef<HTMLElement>>('stepHeading');

  protected readonly steps = STEPS;
  protected readonly labels = STEP_LABELS;
  protected readonly step = signal<Step>('type');
  protected readonly draft = signal<Draft>(EMPTY_DRAFT);
  protected readonly errors = signal<FieldErrors>({});
  protected readonly types = signal<Types>({ state: 'loading' });
  protected readonly creating = signal(false);
  protected readonly createError = signal<unknown>(null);
  protected readonly created = signal<ProvisioningPackage | null>(null);
  protected readonly createdName = signal('');
  protected readonly newType = signal(false);
  protected readonly typeError = signal<string | null>(null);
  protected readonly typeFields = signal<Map<string, string[]>>(new Map());

  protected readonly chosenType = computed(() => {
    const types = this.types();
    return types.state === 'ready' ? (types.items.find((t) => t.id === this.draft().deviceType) ?? null) : null;
  });
  protected readonly review = computed(() => {
    const d = this.draft();
    return { tags: parseList(d.tags), groups: parseList(d.groups), metadata: Object.entries(parseMetadata(d.metadata).value) };
  });
  protected readonly allowed = computed(() => this.auth.hasRole('operator'));
  protected readonly problemLine = problemText;
  protected readonly fieldCount = computed(() => Object.values(this.errors()).filter(Boolean).length);
  protected readonly templateCount = (t: DeviceType) => Object.keys(t.templates ?? {}).length;

  constructor() {
    void this.loadTypes();
    // Focus follows the step, so a keyboard or screen reader user hears where they are.
    effect(() => {
      this.step();
      untracked(() => queueMicrotask(() => this.heading()?.nativeElement.focus()));
    });
  }

  protected async loadTypes(): Promise<void> {
    this.types.set({ state: 'loading' });
    try {
      const list = await call(this.client.api.GET('/v1/device-types'));
      this.types.set({ state: 'ready', items: list.items });
      if (!list.items.length) this.newType.set(true);
      if (list.items.length === 1 && !this.draft().deviceType) this.set('deviceType', list.items[0].id);
    } catch (error) {
      this.types.set({ state: 'failed', error });
    }
  }

  protected set(field: keyof Draft, value: string): void {
    this.draft.update((d) => ({ ...d, [field]: value }));
    if (this.errors()[field]) this.errors.update((e) => ({ ...e, [field]: undefined }));
  }

  protected forward(): void {
    const errors = judge(this.step(), this.draft());
    this.errors.set(errors);
    this.step.set(next(this.step(), this.draft()));
  }

  protected back(): void {
    this.errors.set({});
    this.createError.set(null);
    this.step.set(previous(this.step()));
  }

  protected goTo(step: Step): void {
    if (this.step() === 'package' || STEPS.indexOf(step) >= STEPS.indexOf(this.step())) return;
    this.errors.set({});
    this.step.set(step);
  }

  /** Creates a device type from the short form (id, name, firmware family) and chooses it. */
  protected async createType(id: string, name: string, family: string): Promise<void> {
    this.typeError.set(null);
    this.typeFields.set(new Map());
    try {
      const created = await call(
        this.client.api.POST('/v1/device-types', { body: { id: id.trim(), name: name.trim(), firmware_family: family.trim() } }),
      );
      this.types.update((t) => (t.state === 'ready' ? { state: 'ready', items: [...t.items, created] } : t));
      this.set('deviceType', created.id);
      this.newType.set(false);
    } catch (error) {
      this.typeFields.set(problemFields(error));
      this.typeError.set(problemText(error));
    }
  }

  protected async create(): Promise<void> {
    const errors = judge('review', this.draft());
    this.errors.set(errors);
    if (Object.keys(errors).length || this.creating()) return;
    this.creating.set(true);
    this.createError.set(null);
    try {
      const body = toNewDevice(this.draft());
      const pkg = await call(this.client.api.POST('/v1/devices', { body }));
      this.createdName.set(body.name);
      this.created.set(pkg);
      this.step.set('package');
    } catch (error) {
      this.createError.set(error);
      const fields: FieldErrors = {};
      for (const [path, messages] of problemFields(error)) {
        const field = DRAFT_FIELD_OF[path.replace(/^devices\.\d+\./, '').split('.')[0]];
        if (field) fields[field] = messages.join(' ');
      }
      const named = Object.keys(fields).length ? null : fieldOfDetail(problemText(error));
      if (named) fields[named.field] = named.message;
      else if (problemStatus(error) === 409 && !fields.name) fields.name = problemText(error);
      this.errors.set(fields);
    } finally {
      this.creating.set(false);
    }
  }

  /** Leaves the wizard: the package (and its password) is dropped from memory. */
  protected async finish(openDevice: boolean): Promise<void> {
    const id = this.created()?.device_id;
    this.created.set(null);
    this.draft.set({ ...EMPTY_DRAFT, deviceType: this.draft().deviceType });
    this.errors.set({});
    this.step.set('type');
    if (openDevice && id) await this.router.navigate(['/devices', id]);
  }

  protected describedBy(field: keyof Draft, hint?: string): string | null {
    const ids = [hint, this.errors()[field] ? `ob-${field}-error` : null].filter(Boolean);
    return ids.length ? ids.join(' ') : null;
  }
}
