import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { RouterOutlet } from '@angular/router';

import { AuthService } from '../core/auth/auth.service';
import { TabManager } from '../core/tabs/tab-manager.service';
import { InboxBadgeComponent } from '../shared/inbox-badge.component';
import { NoticesComponent } from './notices.component';

interface NavEntry {
  readonly label: string;
  /** A module's path; none for a place kept in the navigation for a module still to come. */
  readonly path?: string;
  readonly note?: string;
}

export const NAVIGATION: readonly NavEntry[] = [
  { label: 'Devices', path: '/devices' },
  { label: 'Fleet status', path: '/fleet' },
  { label: 'Alerts', path: '/alerts' },
  { label: 'Firmware', path: '/firmware' },
  { label: 'Analytics', path: '/analytics' },
  { label: 'Maintenance predictions', note: 'coming soon' },
];

/** Header, navigation, the tab strip and the active module; collapses to a top bar on a tablet. */
@Component({
  selector: 'app-shell',
  imports: [RouterOutlet, NoticesComponent, InboxBadgeComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './shell.component.html',
  styleUrl: './shell.component.css',
})
export class ShellComponent {
  protected readonly auth = inject(AuthService);
  protected readonly tabs = inject(TabManager);
  protected readonly navigation = NAVIGATION;
  protected readonly menuOpen = signal(false);

  /** The router would treat '#main' as a navigation (and write it into the tab's URL), so the
   * skip link moves the focus itself. */
  protected skipToContent(event: Event): void {
    event.preventDefault();
    document.getElementById('main')?.focus();
  }

  protected open(path: string): void {
    this.menuOpen.set(false);
    void this.tabs.open(path);
  }

  protected isActive(path: string): boolean {
    const active = this.tabs.active()?.path;
    return active === path || (active?.startsWith(path + '/') ?? false);
  }

  protected onTabKey(event: KeyboardEvent, index: number): void {
    const tabs = this.tabs.tabs();
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step) {
      event.preventDefault();
      const next = tabs[(index + step + tabs.length) % tabs.length];
      void this.tabs.open(next.url).then(() => document.getElementById(`tab-${next.path}`)?.focus());
    } else if (event.key === 'Delete') {
      event.preventDefault();
      void this.tabs.close(tabs[index].path);
    }
  }
}
