import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NavigationEnd, Router, type UrlTree } from '@angular/router';
import { filter } from 'rxjs';

import { EventBus } from '../events/event-bus';
import { TabCache } from './tab-reuse.strategy';
import { tabTitle } from './tab-titles';

/** The query parameter that carries the open tabs, one value per tab: `?tab=/devices&tab=/devices/x`. */
export const TAB_PARAM = 'tab';

export interface Tab {
  /** The tab's whole URL, its own query parameters (its state) included, `tab` excluded. */
  readonly url: string;
  /** The path alone: one tab per path. */
  readonly path: string;
  readonly title: string;
}

/** Paths that are pages, not tabs. */
const NOT_TABS = ['/login'];

/**
 * Each module opens as a tab. The open tabs live in the URL (`tab` query parameters) so a reload,
 * a bookmark or a shared link brings them back; the active tab is the page's own path.
 */
@Injectable({ providedIn: 'root' })
export class TabManager {
  private readonly router = inject(Router);
  private readonly bus = inject(EventBus);
  private readonly cache = inject(TabCache);
  private readonly list = signal<readonly Tab[]>([]);
  private readonly activePath = signal<string | null>(null);

  readonly tabs = this.list.asReadonly();
  readonly active = computed(() => this.list().find((t) => t.path === this.activePath()) ?? null);

  constructor() {
    this.router.events
      .pipe(
        filter((e): e is NavigationEnd => e instanceof NavigationEnd),
        takeUntilDestroyed(inject(DestroyRef)),
      )
      .subscribe((e) => this.sync(e.urlAfterRedirects));
  }

  /** Opens a module as a tab (or switches to it when its path is open already). */
  open(url: string): Promise<boolean> {
    const path = pathOf(this.router.parseUrl(url));
    const existing = this.list().find((t) => t.path === path);
    const tabs = existing ? this.list() : [...this.list(), this.tabFor(url)];
    return this.router.navigateByUrl(this.withTabs(existing && url === path ? existing.url : url, tabs));
  }

  /** Closes a tab; closing the active one moves to its neighbour, or to the home module. */
  async close(path: string): Promise<void> {
    const index = this.list().findIndex((t) => t.path === path);
    if (index < 0) return;
    const closing = this.list()[index];
    const rest = this.list().filter((t) => t.path !== path);
    this.list.set(rest);
    this.bus.publish('tab.closed', { url: closing.url });
    if (this.activePath() === path) {
      const next = rest[Math.min(index, rest.length - 1)];
      await this.router.navigateByUrl(this.withTabs(next?.url ?? '/devices', rest));
    } else {
      await this.router.navigateByUrl(this.withTabs(this.router.url, rest), { replaceUrl: true });
    }
    if (this.activePath() !== path) this.cache.drop(path); // its component ends with its tab
  }

  /** Brings the URL in line with the tabs after every navigation: restores, adds, updates state. */
  private sync(url: string): void {
    const tree = this.router.parseUrl(url);
    const path = pathOf(tree);
    if (NOT_TABS.includes(path)) {
      // signed out: the tabs (and their components) go; a returnUrl brings them back
      this.list.set([]);
      this.cache.clear();
      this.activePath.set(null);
      return;
    }
    const fromUrl = parseTabParam(tree.queryParams[TAB_PARAM]).map((u) => this.tabFor(u));
    const own = this.tabFor(url);
    const merged = mergeTabs(fromUrl.length ? fromUrl : this.list(), own);
    for (const gone of this.list().filter((t) => !merged.some((m) => m.path === t.path))) this.cache.drop(gone.path);
    this.list.set(merged);
    this.activePath.set(path);
    const wanted = this.withTabs(url, merged);
    if (wanted !== url) void this.router.navigateByUrl(wanted, { replaceUrl: true });
  }

  private tabFor(url: string): Tab {
    const tree = this.router.parseUrl(url);
    delete tree.queryParams[TAB_PARAM];
    const path = pathOf(tree);
    return { url: this.router.serializeUrl(tree), path, title: tabTitle(path) };
  }

  /** `url` with the `tab` parameters of `tabs`, serialized as the router would. */
  private withTabs(url: string, tabs: readonly Tab[]): string {
    const tree = this.router.parseUrl(url);
    tree.queryParams = { ...tree.queryParams, [TAB_PARAM]: tabs.map((t) => t.url) };
    return this.router.serializeUrl(tree);
  }
}

export function pathOf(tree: UrlTree): string {
  const segments = tree.root.children['primary']?.segments ?? [];
  return '/' + segments.map((s) => s.path).join('/');
}

export function parseTabParam(value: unknown): string[] {
  const values = Array.isArray(value) ? value : value == null ? [] : [value];
  return values.filter((v): v is string => typeof v === 'string' && v.startsWith('/'));
}

/** The tabs with `tab` in place of the one with its path (keeping its position), or at the end. */
export function mergeTabs(tabs: readonly Tab[], tab: Tab): Tab[] {
  const unique = tabs.filter((t, i) => tabs.findIndex((o) => o.path === t.path) === i);
  const index = unique.findIndex((t) => t.path === tab.path);
  if (index < 0) return [...unique, tab];
  return unique.map((t, i) => (i === index ? tab : t));
}
