import { ChangeDetectionStrategy, Component, ElementRef, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';

import { ApiClient, call } from '../../core/api/api-client';
import type { components } from '../../core/api/schema';
import { AuthService } from '../../core/auth/auth.service';
import { EmptyStateComponent } from '../../shared/empty-state.component';
import { pollWhileOnScreen } from '../../shared/poll';
import { problemFields, problemText } from '../../shared/problem-fields';
import { when } from '../devices/devices';
import type { Release } from './firmware';
import { SEMVER, curlCommand, safeFileName, signedHeaders } from './upload';

type Ticket = components['schemas']['UploadTicket'];
type Phase =
  | { step: 'form' }
  | { step: 'uploading'; ticket: Ticket }
  | { step: 'signing'; ticket: Ticket; since: number }
  | { step: 'signed'; release: Release }
  | { step: 'manual'; ticket: Ticket; command: string; reason: string };

const SIGNING_WAIT_MS = 180_000;

/**
 * Publishing a release (admins): an upload ticket from the API, the image PUT straight to its
 * presigned URL, then the release list read every 2 s until signing has recorded it. When the
 * browser cannot reach the bucket (no CORS there), the same upload as a curl command.
 */
@Component({
  selector: 'app-firmware-upload',
  imports: [RouterLink, EmptyStateComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './firmware-upload.component.html',
  styleUrls: ['../../shared/page.css', './firmware.css'],
})
export class FirmwareUploadComponent {
  private readonly client = inject(ApiClient);
  private readonly auth = inject(AuthService);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private stopPolling: (() => void) | null = null;

  protected readonly allowed = computed(() => this.auth.hasRole('admin'));
  protected readonly families = signal<readonly string[]>([]);
  protected readonly file = signal<File | null>(null);
  protected readonly phase = signal<Phase>({ step: 'form' });
  protected readonly errors = signal<Record<string, string>>({});
  protected readonly problem = signal<string | null>(null);
  protected readonly when = when;

  constructor() {
    void this.loadFamilies();
  }

  private async loadFamilies(): Promise<void> {
    try {
      const types = await call(this.client.api.GET('/v1/device-types'));
      this.families.set([...new Set(types.items.map((t) => t.firmware_family))].sort());
    } catch {
      this.families.set([]);
    }
  }

  protected pick(input: HTMLInputElement): void {
    this.file.set(input.files?.[0] ?? null);
    this.errors.update((e) => ({ ...e, file: '' }));
  }

  protected async upload(family: string, version: string, minVersion: string): Promise<void> {
    const file = this.file();
    const errors: Record<string, string> = {};
    if (!/^[a-z0-9][a-z0-9_.-]{0,63}$/.test(family.trim())) errors['firmware_family'] = 'The firmware family its device types declare.';
    if (!SEMVER.test(version.trim())) errors['version'] = 'A semantic version such as 1.3.0 (never reused).';
    if (minVersion.trim() && !SEMVER.test(minVersion.trim())) errors['min_version'] = 'A semantic version, or empty.';
    if (!file) errors['file'] = 'Choose the image file.';
    this.errors.set(errors);
    if (Object.keys(errors).length || !file) return;
    this.problem.set(null);
    const min = minVersion.trim() || null;
    let ticket: Ticket;
    try {
      ticket = await call(
        this.client.api.POST('/v1/firmware/uploads', {
          body: { firmware_family: family.trim(), version: version.trim(), file_name: safeFileName(file.name), min_version: min },
        }),
      );
    } catch (error) {
      const fields: Record<string, string> = {};
      for (const [path, messages] of problemFields(error)) fields[path.split('.')[0]] = messages.join(' ');
      this.errors.set(fields);
      this.problem.set(problemText(error));
      return;
    }
    const headers = signedHeaders(ticket.upload_url, min ? { 'min-version': min } : {});
    this.phase.set({ step: 'uploading', ticket });
    try {
      const answer = await fetch(ticket.upload_url, { method: 'PUT', body: file, headers });
      if (!answer.ok) throw new Error(`the bucket answered ${answer.status} ${answer.statusText}`);
    } catch (error) {
      const reason = error instanceof TypeError ? 'The browser could not reach the bucket (it sends no CORS headers for this page).' : String(error);
      this.phase.set({ step: 'manual', ticket, reason, command: curlCommand(ticket.upload_url, file.name, headers) });
      this.waitForSigning(ticket, family.trim(), version.trim());
      return;
    }
    this.phase.set({ step: 'signing', ticket, since: Date.now() });
    this.waitForSigning(ticket, family.trim(), version.trim());
  }

  /** Reads the family's releases every 2 s (on screen) until the version is there, or 3 minutes. */
  private waitForSigning(ticket: Ticket, family: string, version: string): void {
    this.stopPolling?.();
    const started = Date.now();
    this.stopPolling = pollWhileOnScreen(this.host, 2_000, async () => {
      if (Date.now() - started > SIGNING_WAIT_MS) {
        this.stopPolling?.();
        this.problem.set('No release was signed within 3 minutes: is the runner up, and the signing key readable? (docs/firmware.md, Operations)');
        return;
      }
      try {
        const page = await call(this.client.api.GET('/v1/firmware/releases', { params: { query: { firmware_family: family, limit: 20 } } }));
        const release = page.items.find((r) => r.version === version && r.image_key === ticket.image_key);
        if (release) {
          this.stopPolling?.();
          this.phase.set({ step: 'signed', release });
        }
      } catch {
        /* the next read tries again */
      }
    });
  }

  protected again(): void {
    this.stopPolling?.();
    this.file.set(null);
    this.problem.set(null);
    this.phase.set({ step: 'form' });
  }
}
