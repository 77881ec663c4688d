import { ChangeDetectionStrategy, Component, ElementRef, effect, inject, input, signal, untracked } from '@angular/core';

import { ApiClient, call } from '../../core/api/api-client';
import { IfRoleDirective } from '../../core/auth/if-role.directive';
import { ErrorStateComponent } from '../../shared/error-state.component';
import { pollWhileOnScreen } from '../../shared/poll';
import { problemFields, problemText } from '../../shared/problem-fields';
import { BadgeComponent } from '../../shared/badge.component';
import { CommandFieldsComponent } from './command-fields.component';
import { type Command, type CommandDraft, type CommandErrors, anyLive, commandTone, newIdempotencyKey, toNewCommand } from './commands';
import { when } from './devices';

const FIELD_OF: Record<string, keyof CommandDraft> = { name: 'name', parameters: 'parameters', ttl_s: 'ttl', idempotency_key: 'idempotencyKey' };

/**
 * A device's commands: send one (name, JSON parameters, TTL, idempotency key) and follow each
 * through CREATED → SENT → DELIVERED → its outcome; the list reads again every 2 s while on screen
 * and a command may still change.
 */
@Component({
  selector: 'app-device-commands',
  imports: [ErrorStateComponent, BadgeComponent, IfRoleDirective, CommandFieldsComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './device-commands.component.html',
  styleUrls: ['../../shared/page.css', './devices-forms.css'],
})
export class DeviceCommandsComponent {
  private readonly client = inject(ApiClient);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  readonly deviceId = input.required<string>();

  protected readonly commands = signal<readonly Command[] | null>(null);
  protected readonly failed = signal<unknown>(null);
  protected readonly live = signal(false);
  protected readonly updatedAt = signal('');
  protected readonly draft = signal<CommandDraft>({ name: '', parameters: '{}', ttl: '3600', idempotencyKey: newIdempotencyKey() });
  protected readonly errors = signal<CommandErrors>({});
  protected readonly sendError = signal<string | null>(null);
  protected readonly sending = signal(false);
  protected readonly sent = signal<string | null>(null);
  protected readonly tone = commandTone;
  protected readonly when = when;
  protected readonly json = (value: unknown) => JSON.stringify(value);

  constructor() {
    effect((onCleanup) => {
      const id = this.deviceId();
      untracked(() => void this.load(id));
      onCleanup(pollWhileOnScreen(this.host, 2_000, () => (this.live() ? this.load(id, true) : Promise.resolve())));
    });
  }

  protected async load(id = this.deviceId(), quiet = false): Promise<void> {
    try {
      const list = await call(this.client.api.GET('/v1/devices/{device_id}/commands', { params: { path: { device_id: id }, query: { limit: 50 } } }));
      this.commands.set(list.items);
      this.live.set(anyLive(list.items));
      this.updatedAt.set(new Date().toLocaleTimeString());
      this.failed.set(null);
    } catch (error) {
      if (!quiet || this.commands() === null) this.failed.set(error);
    }
  }

  protected set(field: keyof CommandDraft, value: string): void {
    this.draft.update((d) => ({ ...d, [field]: value }));
    this.errors.update((e) => ({ ...e, [field]: undefined }));
    this.sent.set(null);
  }

  protected async send(): Promise<void> {
    const built = toNewCommand(this.draft());
    this.errors.set(built.errors ?? {});
    if (!built.body || this.sending()) return;
    this.sending.set(true);
    this.sendError.set(null);
    try {
      const command = await call(
        this.client.api.POST('/v1/devices/{device_id}/commands', {
          params: { path: { device_id: this.deviceId() } },
          body: built.body,
        }),
      );
      const known = this.commands()?.some((c) => c.id === command.id);
      this.sent.set(known ? `Already sent with this idempotency key: command ${command.id} (${command.state}).` : `Command ${command.id} is ${command.state}.`);
      this.commands.update((list) => [command, ...(list ?? []).filter((c) => c.id !== command.id)]);
      this.live.set(anyLive(this.commands() ?? []));
      // a new key for the next command; the same key again would return this one
      this.draft.update((d) => ({ ...d, idempotencyKey: newIdempotencyKey() }));
    } catch (error) {
      const fields: CommandErrors = {};
      for (const [path, messages] of problemFields(error)) {
        const field = FIELD_OF[path.split('.')[0]];
        if (field) fields[field] = messages.join(' ');
      }
      this.errors.set(fields);
      this.sendError.set(problemText(error));
    } finally {
      this.sending.set(false);
    }
  }

}
