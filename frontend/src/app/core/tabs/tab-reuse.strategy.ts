import { type ComponentRef, Injectable, inject } from '@angular/core';
import { type ActivatedRouteSnapshot, BaseRouteReuseStrategy, type DetachedRouteHandle } from '@angular/router';

/** Route data that makes a route a tab: its component lives while its tab is open. */
export const TAB_ROUTE = { tab: true } as const;

/** The tab path of a route: its URL segments from the root (query parameters excluded). */
export function tabPathOf(route: ActivatedRouteSnapshot): string {
  return '/' + route.pathFromRoot.flatMap((r) => r.url.map((s) => s.path)).join('/');
}

/** The components of open tabs that are not on screen, by tab path. */
@Injectable({ providedIn: 'root' })
export class TabCache {
  private readonly handles = new Map<string, DetachedRouteHandle>();

  get(path: string): DetachedRouteHandle | null {
    return this.handles.get(path) ?? null;
  }

  has(path: string): boolean {
    return this.handles.has(path);
  }

  put(path: string, handle: DetachedRouteHandle): void {
    if (this.handles.get(path) !== handle) this.drop(path);
    this.handles.set(path, handle);
  }

  /** Destroys a closed tab's component (its subscriptions, timers and effects end with it). */
  drop(path: string): void {
    const handle = this.handles.get(path) as { componentRef?: ComponentRef<unknown> } | undefined;
    this.handles.delete(path);
    handle?.componentRef?.destroy();
  }

  /** Lets go of a handle whose component is on screen again (not destroyed). */
  forget(path: string): void {
    this.handles.delete(path);
  }

  clear(): void {
    for (const path of [...this.handles.keys()]) this.drop(path);
  }

  get size(): number {
    return this.handles.size;
  }
}

/**
 * Keeps a tab's component alive while the user looks at another tab, so each tab has its own
 * lifecycle: created when opened, kept across switches, destroyed when closed (TabManager.close).
 */
@Injectable()
export class TabReuseStrategy extends BaseRouteReuseStrategy {
  private readonly cache = inject(TabCache);

  override shouldDetach(route: ActivatedRouteSnapshot): boolean {
    return isTab(route);
  }

  override store(route: ActivatedRouteSnapshot, handle: DetachedRouteHandle | null): void {
    // null: the router has just attached the stored component again, which is now on screen
    if (handle) this.cache.put(tabPathOf(route), handle);
    else this.cache.forget(tabPathOf(route));
  }

  override shouldAttach(route: ActivatedRouteSnapshot): boolean {
    return isTab(route) && this.cache.has(tabPathOf(route));
  }

  override retrieve(route: ActivatedRouteSnapshot): DetachedRouteHandle | null {
    return isTab(route) ? this.cache.get(tabPathOf(route)) : null;
  }

  /** Two tabs of one route (two devices) are two components, never one reused. */
  override shouldReuseRoute(future: ActivatedRouteSnapshot, current: ActivatedRouteSnapshot): boolean {
    if (future.routeConfig !== current.routeConfig) return false;
    return !isTab(future) || tabPathOf(future) === tabPathOf(current);
  }
}

function isTab(route: ActivatedRouteSnapshot): boolean {
  return route.routeConfig?.data?.['tab'] === true;
}
