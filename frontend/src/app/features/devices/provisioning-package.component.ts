import { ChangeDetectionStrategy, Component, computed, input, signal } from '@angular/core';

import { type ProvisioningPackage, downloadJson, packageFileName } from './onboarding';

/**
 * A provisioning package shown once: the warning, what the device connects with (the password
 * masked unless asked for) and the download as `<name>-<id>.provisioning.json`. The caller holds
 * the package and drops it when the user moves on; projected content is the way on.
 */
@Component({
  selector: 'app-provisioning-package',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="warning" role="alert">
      <strong>Download the provisioning package now.</strong>
      It holds the device's password, which is shown here once: IoTSphere keeps only a hash of it, and this page forgets
      the package when you leave it. Lost it? An admin can issue a new password (the old one stops working).
    </div>
    <dl>
      <dt>Device</dt><dd>{{ name() }}&nbsp;<code>{{ pkg().device_id }}</code></dd>
      <dt>Broker</dt><dd><code>{{ pkg().broker.host }}:{{ pkg().broker.port }}</code>{{ pkg().broker.tls ? ' (TLS)' : '' }}</dd>
      <dt>Client id / user</dt><dd><code>{{ pkg().username }}</code></dd>
      <dt>Password</dt>
      <dd>
        <code class="secret">{{ showPassword() ? pkg().password : '••••••••••••••••' }}</code>
        <button type="button" class="link" (click)="showPassword.set(!showPassword())" [attr.aria-pressed]="showPassword()">
          {{ showPassword() ? 'Hide' : 'Show' }} password
        </button>
      </dd>
      <dt>Telemetry topic</dt><dd><code>{{ pkg().topics.telemetry }}</code></dd>
    </dl>
    <div class="actions">
      <button type="button" class="primary" (click)="download()">Download {{ fileName() }}</button>
      @if (downloaded()) {
        <span class="ok" role="status">Saved as {{ fileName() }}.</span>
      }
    </div>
    <div class="actions"><ng-content /></div>
  `,
  styles: `
    .warning { background: #fffbeb; border: 1px solid #f59e0b; color: #78350f; padding: 0.75rem 1rem; border-radius: 6px; margin-bottom: 0.9rem; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 0.75rem; margin: 0; font-size: 0.92rem; }
    dt { color: var(--muted); }
    dd { margin: 0; overflow-wrap: anywhere; }
    .secret { margin-right: 0.5rem; }
    button.link { border: none; background: none; padding: 0; color: #115e59; text-decoration: underline; }
    .actions { display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; margin-top: 0.9rem; }
    .ok { color: #14532d; }
  `,
})
export class ProvisioningPackageComponent {
  readonly pkg = input.required<ProvisioningPackage>();
  /** The device's name, for the file name and the summary. */
  readonly name = input.required<string>();

  protected readonly showPassword = signal(false);
  protected readonly downloaded = signal(false);
  protected readonly fileName = computed(() => packageFileName(this.name(), this.pkg().device_id));

  protected download(): void {
    downloadJson(this.fileName(), this.pkg());
    this.downloaded.set(true);
  }
}
