import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';

import { EventBus } from '../events/event-bus';
import { TabManager, mergeTabs, parseTabParam } from './tab-manager.service';

@Component({ template: '' })
class Blank {}

const routes = [
  { path: 'login', component: Blank },
  { path: 'devices', component: Blank },
  { path: 'devices/:id', component: Blank },
  { path: 'alerts', component: Blank },
];

/** A fresh app (as after a reload): router, tab manager, and the URL typed in the address bar. */
async function boot(url: string) {
  TestBed.resetTestingModule();
  TestBed.configureTestingModule({ providers: [provideRouter(routes)] });
  const tabs = TestBed.inject(TabManager);
  const router = TestBed.inject(Router);
  await router.navigateByUrl(url);
  await settle();
  return { tabs, router };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const paths = (tabs: TabManager) => tabs.tabs().map((t) => t.path);

describe('TabManager', () => {
  it('opens each module as a tab and writes the tabs into the URL', async () => {
    const { tabs, router } = await boot('/devices');
    await tabs.open('/devices/sim-0001');
    await settle();
    await tabs.open('/alerts');
    await settle();

    expect(paths(tabs)).toEqual(['/devices', '/devices/sim-0001', '/alerts']);
    expect(tabs.active()?.path).toBe('/alerts');
    expect(tabs.active()?.title).toBe('Alerts');
    expect(router.url).toBe('/alerts?tab=%2Fdevices&tab=%2Fdevices%2Fsim-0001&tab=%2Falerts');
  });

  it('brings the tabs, their order, their state and the active one back from the URL (reload)', async () => {
    const first = await boot('/devices?q=sim');
    await first.tabs.open('/devices/sim-0001?metric=humidity');
    await settle();
    const url = first.router.url;

    const { tabs, router } = await boot(url);

    expect(paths(tabs)).toEqual(['/devices', '/devices/sim-0001']);
    expect(tabs.tabs().map((t) => t.url)).toEqual(['/devices?q=sim', '/devices/sim-0001?metric=humidity']);
    expect(tabs.active()?.path).toBe('/devices/sim-0001');
    expect(tabs.active()?.title).toBe('Device sim-0001');
    expect(router.url).toBe(url);
  });

  it('switches to an open tab with the state it had', async () => {
    const { tabs, router } = await boot('/devices?q=sim');
    await tabs.open('/alerts');
    await settle();
    await tabs.open('/devices');
    await settle();
    expect(router.url.startsWith('/devices?q=sim&tab=')).toBe(true);
    expect(paths(tabs)).toEqual(['/devices', '/alerts']);
  });

  it('closes the active tab to its neighbour and announces it', async () => {
    const { tabs, router } = await boot('/devices');
    const closed: string[] = [];
    TestBed.inject(EventBus).on('tab.closed').subscribe((e) => closed.push(e.url));
    await tabs.open('/devices/a1b');
    await settle();
    await tabs.open('/alerts');
    await settle();

    await tabs.close('/alerts');
    await settle();

    expect(paths(tabs)).toEqual(['/devices', '/devices/a1b']);
    expect(tabs.active()?.path).toBe('/devices/a1b');
    expect(router.url).toBe('/devices/a1b?tab=%2Fdevices&tab=%2Fdevices%2Fa1b');
    expect(closed).toEqual(['/alerts']);
  });

  it('keeps the login page out of the tabs', async () => {
    const { tabs, router } = await boot('/login');
    expect(tabs.tabs()).toEqual([]);
    expect(router.url).toBe('/login');
  });
});

describe('tab helpers', () => {
  it('parses one or many tab parameters and drops what is not a path', () => {
    expect(parseTabParam(undefined)).toEqual([]);
    expect(parseTabParam('/devices')).toEqual(['/devices']);
    expect(parseTabParam(['/devices', 'javascript:alert(1)', '/alerts'])).toEqual(['/devices', '/alerts']);
  });

  it('merges a tab in place, or at the end, once per path', () => {
    const tab = (url: string, path = url) => ({ url, path, title: path });
    const merged = mergeTabs([tab('/a'), tab('/b'), tab('/a')], tab('/b?x=1', '/b'));
    expect(merged.map((t) => t.url)).toEqual(['/a', '/b?x=1']);
    expect(mergeTabs([tab('/a')], tab('/c')).map((t) => t.path)).toEqual(['/a', '/c']);
  });
});
