import { Component, type OnDestroy, inject } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { ActivatedRoute, RouteReuseStrategy, Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';

import { TabManager } from './tab-manager.service';
import { TAB_ROUTE, TabCache, TabReuseStrategy } from './tab-reuse.strategy';

const alive = new Map<string, number>();
let created = 0;

@Component({ template: 'module' })
class Module implements OnDestroy {
  readonly key = '/' + inject(ActivatedRoute).snapshot.pathFromRoot.flatMap((r) => r.url.map((s) => s.path)).join('/');
  readonly serial = ++created;
  constructor() {
    alive.set(this.key, (alive.get(this.key) ?? 0) + 1);
  }
  ngOnDestroy(): void {
    alive.set(this.key, (alive.get(this.key) ?? 0) - 1);
  }
}

@Component({ template: 'login' })
class Login {}

async function boot() {
  alive.clear();
  created = 0;
  TestBed.configureTestingModule({
    providers: [
      provideRouter([
        { path: 'login', component: Login },
        { path: 'devices', component: Module, data: TAB_ROUTE },
        { path: 'devices/:id', component: Module, data: TAB_ROUTE },
        { path: 'alerts', component: Module, data: TAB_ROUTE },
      ]),
      { provide: RouteReuseStrategy, useClass: TabReuseStrategy },
    ],
  });
  const tabs = TestBed.inject(TabManager);
  const harness = await RouterTestingHarness.create('/devices');
  const current = () => harness.routeDebugElement?.componentInstance as Module;
  const go = async (action: Promise<unknown>) => {
    await action;
    await harness.fixture.whenStable();
  };
  return { tabs, harness, current, go, cache: TestBed.inject(TabCache), router: TestBed.inject(Router) };
}

describe('TabReuseStrategy', () => {
  it('keeps a tab’s component alive while another tab is on screen', async () => {
    const { tabs, current, go } = await boot();
    const devices = current();
    await go(tabs.open('/alerts'));
    expect(current().key).toBe('/alerts');
    await go(tabs.open('/devices'));
    expect(current()).toBe(devices);
    expect(created).toBe(2);
  });

  it('gives two tabs of one route two components', async () => {
    const { tabs, current, go } = await boot();
    await go(tabs.open('/devices/a1a'));
    const a = current();
    await go(tabs.open('/devices/b2b'));
    expect(current()).not.toBe(a);
    await go(tabs.open('/devices/a1a'));
    expect(current()).toBe(a);
  });

  it('destroys a tab’s component when the tab closes, active or not', async () => {
    const { tabs, current, go, cache } = await boot();
    await go(tabs.open('/devices/a1a'));
    await go(tabs.open('/alerts'));
    await go(tabs.close('/devices/a1a'));
    expect(alive.get('/devices/a1a')).toBe(0);

    await go(tabs.close('/alerts'));
    expect(alive.get('/alerts')).toBe(0);
    expect(current().key).toBe('/devices');
    expect(cache.size).toBe(0);
  });

  it('destroys every tab’s component on the way to the login page', async () => {
    const { tabs, go, cache, router } = await boot();
    await go(tabs.open('/alerts'));
    await go(router.navigateByUrl('/login'));
    expect(cache.size).toBe(0);
    expect(alive.get('/devices')).toBe(0);
    expect(alive.get('/alerts')).toBe(0);
    expect(tabs.tabs()).toEqual([]);
  });
});
