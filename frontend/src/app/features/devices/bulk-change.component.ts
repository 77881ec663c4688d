import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, computed, inject, input, linkedSignal, signal, viewChild } from '@angular/core';
import { Router, RouterLink } from '@angular/router';

import { ApiClient, call } from '../../core/api/api-client';
import { AuthService } from '../../core/auth/auth.service';
import { BadgeComponent } from '../../shared/badge.component';
import { inChunks, mapWithLimit } from '../../shared/concurrency';
import { ConfirmDialogComponent } from '../../shared/confirm-dialog.component';
import { type DeviceView, PARALLEL_CHUNKS, readDevicesByIds } from '../../shared/devices-by-id';
import { EmptyStateComponent } from '../../shared/empty-state.component';
import { pollWhileOnScreen } from '../../shared/poll';
import { parseList } from '../../shared/parse-list';
import { problemText } from '../../shared/problem-fields';
import { type BulkCommandRow, type CommandOutcome, type CommandProgress, type OutcomeView, commandRows, configOutcome, parsePatch, summary } from './bulk';
import { CommandFieldsComponent } from './command-fields.component';
import { type Command, type CommandDraft, type CommandErrors, newIdempotencyKey, toNewCommand } from './commands';
import { type TargetErrors, parseTarget } from './device-target';

export type BulkAction = 'config' | 'command';

type ConfigRow = OutcomeView & { readonly deviceId: string };
type Result = { kind: 'config'; rows: readonly ConfigRow[] } | { kind: 'command'; outcomes: readonly CommandOutcome[] };
type Errors = TargetErrors & CommandErrors & { patch?: string };

/** What `GET /v1/commands?ids=…` takes at once. */
const COMMANDS_A_REQUEST = 200;

/**
 * One configuration change or one command for many devices: the target (ids, e.g. those selected
 * in the fleet list, groups and tags; the API reaches their union), then `POST /v1/bulk/config` or
 * `POST /v1/bulk/commands` after a confirmation, then each device's answer, the devices named
 * (`GET /v1/devices?device_ids=…`, once). The created commands that may still change are read
 * together (`GET /v1/commands?ids=…`, one request per 200) every 2 s while on screen until each ends.
 * Operators and admins only; a viewer is told why there is nothing to do.
 */
@Component({
  selector: 'app-bulk-change',
  imports: [RouterLink, BadgeComponent, CommandFieldsComponent, ConfirmDialogComponent, EmptyStateComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './bulk-change.component.html',
  styleUrls: ['../../shared/page.css', './devices-forms.css'],
})
export class BulkChangeComponent {
  private readonly client = inject(ApiClient);
  private readonly router = inject(Router);
  private readonly confirm = viewChild(ConfirmDialogComponent);
  private readonly auth = inject(AuthService);
  protected readonly allowed = computed(() => this.auth.hasRole('operator'));

  /** The state kept in the URL: the target and the kind of change. */
  readonly ids = input<string | undefined>();
  readonly groups = input<string | undefined>();
  readonly tags = input<string | undefined>();
  readonly action = input<string | undefined>();

  /** The form as typed, started from the URL. */
  protected readonly idsText = linkedSignal(() => parseList(this.ids() ?? '').join(', '));
  protected readonly groupsText = linkedSignal(() => this.groups() ?? '');
  protected readonly tagsText = linkedSignal(() => this.tags() ?? '');
  protected readonly kind = linkedSignal<BulkAction>(() => (this.action() === 'command' ? 'command' : 'config'));
  protected readonly patch = signal('{\n  \n}');
  protected readonly template = signal('');
  protected readonly command = signal<CommandDraft>({ name: '', parameters: '{}', ttl: '3600', idempotencyKey: newIdempotencyKey() });
  protected readonly errors = signal<Errors>({});
  protected readonly sending = signal(false);
  protected readonly sendError = signal<string | null>(null);
  protected readonly result = signal<Result | null>(null);
  private readonly progress = signal<ReadonlyMap<string, CommandProgress>>(new Map());
  /** The answered devices by id, for their names; a device not read shows its id. */
  private readonly devices = signal<ReadonlyMap<string, DeviceView>>(new Map());

  protected readonly commandRows = computed<readonly BulkCommandRow[]>(() => {
    const result = this.result();
    return result?.kind === 'command' ? commandRows(result.outcomes, this.progress()) : [];
  });
  protected readonly rows = computed<readonly (OutcomeView & { deviceId: string })[]>(() => {
    const result = this.result();
    return result?.kind === 'config' ? result.rows : this.commandRows();
  });
  protected readonly summary = computed(() => summary(this.rows().map((r) => r.label)));
  protected readonly live = computed(() => this.commandRows().some((r) => r.live));

  constructor() {
    const stop = pollWhileOnScreen(inject<ElementRef<HTMLElement>>(ElementRef), 2_000, () => this.follow());
    inject(DestroyRef).onDestroy(stop);
  }

  /** A target field as typed; kept in the URL (`?ids=&groups=&tags=`) so the tab keeps it over a reload. */
  protected setTarget(field: 'ids' | 'groups' | 'tags', value: string): void {
    ({ ids: this.idsText, groups: this.groupsText, tags: this.tagsText })[field].set(value);
    this.errors.update((e) => ({ ...e, target: undefined, deviceIds: undefined }));
    this.keepInUrl({ [field]: parseList(value).join(',') || null });
  }

  protected choose(kind: BulkAction): void {
    this.kind.set(kind);
    this.result.set(null);
    this.sendError.set(null);
    this.keepInUrl({ action: kind === 'command' ? 'command' : null });
  }

  private keepInUrl(queryParams: Record<string, string | null>): void {
    void this.router.navigate([], { queryParams, queryParamsHandling: 'merge', replaceUrl: true });
  }

  protected setCommand(field: keyof CommandDraft, value: string): void {
    this.command.update((d) => ({ ...d, [field]: value }));
    this.errors.update((e) => ({ ...e, [field]: undefined }));
  }

  protected setPatch(value: string): void {
    this.patch.set(value);
    this.errors.update((e) => ({ ...e, patch: undefined }));
  }

  protected setTemplate(value: string): void {
    this.template.set(value.trim());
    this.errors.update((e) => ({ ...e, patch: undefined }));
  }

  protected async send(): Promise<void> {
    if (this.sending()) return;
    const { target, errors } = parseTarget({ groups: this.groupsText(), tags: this.tagsText(), deviceIds: this.idsText() });
    const all: Errors = { ...errors };
    let request: (() => Promise<Result>) | null = null;
    if (this.kind() === 'config') {
      const template = this.template();
      const parsed = template ? null : parsePatch(this.patch());
      if (parsed && !parsed.ok) all.patch = parsed.message;
      const body = template ? { target, template } : { target, patch: parsed?.ok ? (parsed.value as Record<string, never>) : {} };
      request = async () => {
        const answer = await call(this.client.api.POST('/v1/bulk/config', { body }));
        return { kind: 'config', rows: answer.outcomes.map((o) => ({ deviceId: o.device_id, ...configOutcome(o) })) };
      };
    } else {
      const built = toNewCommand(this.command());
      Object.assign(all, built.errors ?? {});
      if (built.body) {
        const body = { target, command: built.body };
        request = async () => ({ kind: 'command', outcomes: (await call(this.client.api.POST('/v1/bulk/commands', { body }))).outcomes });
      }
    }
    this.errors.set(all);
    if (Object.values(all).some(Boolean) || !request) return;
    const action = this.kind() === 'config' ? 'Apply to devices' : 'Send to devices';
    const yes = await this.confirm()?.ask({ title: `${action}?`, detail: `${describe(target)}. Each device answers for itself; this cannot be taken back as a whole.`, action });
    if (!yes) return;
    this.sending.set(true);
    this.sendError.set(null);
    this.progress.set(new Map());
    try {
      const result = await request();
      this.result.set(result);
      void this.readNames(result);
      // the same key again would return these commands: the next send gets a fresh one (a failed
      // send keeps its key, so sending again never sends a device the command twice)
      if (this.kind() === 'command') this.command.update((d) => ({ ...d, idempotencyKey: newIdempotencyKey() }));
    } catch (error) {
      this.sendError.set(problemText(error));
    } finally {
      this.sending.set(false);
    }
  }

  /** A device's name as read, else its id. */
  protected nameOf(deviceId: string): string {
    return this.devices().get(deviceId)?.name ?? deviceId;
  }

  /** Names the answered devices; when they cannot be read, the rows keep their ids. */
  private async readNames(result: Result): Promise<void> {
    const ids = result.kind === 'config' ? result.rows.map((r) => r.deviceId) : result.outcomes.map((o) => o.device_id);
    try {
      this.devices.set(await readDevicesByIds(this.client, ids));
    } catch {
      this.devices.set(new Map());
    }
  }

  /** Reads again, together, every created command that may still change; a failed read waits for the next round. */
  protected async follow(): Promise<void> {
    const ids = this.commandRows().flatMap((r) => (r.live && r.commandId ? [r.commandId] : []));
    if (!ids.length) return;
    let read: Command[];
    try {
      const pages = await mapWithLimit(inChunks(ids, COMMANDS_A_REQUEST), PARALLEL_CHUNKS, (chunk) => call(this.client.api.GET('/v1/commands', { params: { query: { ids: chunk } } })));
      read = pages.flatMap((page) => page.items);
    } catch {
      return;
    }
    this.progress.update((before) => {
      const next = new Map(before);
      for (const command of read) next.set(command.id, { state: command.state, detail: command.detail, result: command.result });
      return next;
    });
  }
}

/** The target in words, for the confirmation. */
function describe(target: { groups: string[]; tags: string[]; device_ids: string[] }): string {
  const parts = [
    target.device_ids.length ? `${target.device_ids.length} device${target.device_ids.length === 1 ? '' : 's'} by id` : '',
    target.groups.length ? `groups ${target.groups.join(', ')}` : '',
    target.tags.length ? `tags ${target.tags.join(', ')}` : '',
  ].filter(Boolean);
  return `Every device among ${parts.join(' and ')}`;
}
