import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';

import { ApiClient, call } from '../../core/api/api-client';
import type { components } from '../../core/api/schema';
import { AuthService } from '../../core/auth/auth.service';
import { EmptyStateComponent } from '../../shared/empty-state.component';
import { problemFields, problemText } from '../../shared/problem-fields';
import { downloadJson, packageFileName } from './onboarding';

type Imported = components['schemas']['DevicesImported'];

/** One line of the per-row report: the API's judgement of a row (the header is row 1). */
export interface RowLine {
  readonly row: number;
  readonly name: string;
  readonly ok: boolean;
  readonly messages: readonly string[];
}

/** The rows of a refused file from its problem (`body.csv.row<N>` reasons), in row order. */
export function refusedRows(error: unknown): { file: string[]; rows: RowLine[] } {
  const file: string[] = [];
  const rows: RowLine[] = [];
  for (const [path, messages] of problemFields(error)) {
    const m = /^csv\.row(\d+)$/.exec(path);
    if (m) rows.push({ row: Number(m[1]), name: '', ok: false, messages });
    else file.push(...messages);
  }
  return { file, rows: rows.sort((a, b) => a.row - b.row) };
}

export const CSV_EXAMPLE = 'name,device_type,tags,groups,serial,metadata.site\nBoiler 101,boiler,plant-a;floor-1,north,SN-101,Ghent\n';

/**
 * CSV bulk import (POST /v1/devices/import): every row is judged and reported by its number; one
 * bad row imports nothing. An imported file gives one provisioning package a row, downloadable
 * together or one by one, shown once.
 */
@Component({
  selector: 'app-device-import',
  imports: [RouterLink, EmptyStateComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './device-import.component.html',
  styleUrls: ['../../shared/page.css', './devices-forms.css'],
})
export class DeviceImportComponent {
  private readonly client = inject(ApiClient);
  protected readonly auth = inject(AuthService);
  protected readonly allowed = computed(() => this.auth.hasRole('operator'));
  protected readonly example = CSV_EXAMPLE;

  protected readonly csv = signal('');
  protected readonly fileLabel = signal('');
  protected readonly sending = signal(false);
  protected readonly refused = signal<{ detail: string; file: string[]; rows: RowLine[] } | null>(null);
  protected readonly imported = signal<Imported | null>(null);

  protected async pick(input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0];
    if (!file) return;
    if (file.size > 256 * 1024) {
      this.refused.set({ detail: `${file.name} is ${Math.ceil(file.size / 1024)} KiB; the API takes at most 256 KiB a request.`, file: [], rows: [] });
      return;
    }
    this.csv.set(await file.text());
    this.fileLabel.set(file.name);
    this.refused.set(null);
  }

  protected async send(): Promise<void> {
    if (!this.csv().trim() || this.sending()) return;
    this.sending.set(true);
    this.refused.set(null);
    try {
      const answer = await call(this.client.api.POST('/v1/devices/import', { body: { csv: this.csv() } }));
      this.imported.set(answer);
      this.csv.set('');
    } catch (error) {
      this.refused.set({ detail: problemText(error), ...refusedRows(error) });
    } finally {
      this.sending.set(false);
    }
  }

  protected downloadAll(): void {
    const answer = this.imported();
    if (!answer) return;
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    downloadJson(`devices-import-${stamp}.provisioning.json`, { items: answer.packages });
  }

  protected downloadOne(index: number): void {
    const answer = this.imported();
    const pkg = answer?.packages[index];
    if (!answer || !pkg) return;
    downloadJson(packageFileName(answer.report.rows?.[index]?.name ?? '', pkg.device_id), pkg);
  }

  /** Forgets the packages (and their passwords). */
  protected done(): void {
    this.imported.set(null);
    this.fileLabel.set('');
  }
}
