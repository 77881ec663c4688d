import type { Routes } from '@angular/router';

import { authGuard, guestGuard } from './core/auth/auth.guard';
import { TAB_ROUTE } from './core/tabs/tab-reuse.strategy';
import { LoginComponent } from './features/login/login.component';
import { ShellComponent } from './layout/shell.component';

const placeholder = () => import('./features/placeholder/placeholder.component').then((m) => m.PlaceholderComponent);

/** Modules are lazy routes inside the shell; each opens as a tab (see TabManager). */
export const routes: Routes = [
  { path: 'login', component: LoginComponent, canActivate: [guestGuard], title: 'Sign in · IoTSphere' },
  {
    path: '',
    component: ShellComponent,
    canActivate: [authGuard],
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'devices' },
      {
        path: 'devices',
        title: 'Devices · IoTSphere',
        data: TAB_ROUTE,
        loadComponent: () => import('./features/devices/device-list.component').then((m) => m.DeviceListComponent),
      },
      {
        path: 'devices/:id',
        title: 'Device · IoTSphere',
        data: TAB_ROUTE,
        loadComponent: () => import('./features/devices/device-detail.component').then((m) => m.DeviceDetailComponent),
      },
      {
        path: 'alerts',
        title: 'Alerts · IoTSphere',
        loadComponent: placeholder,
        data: { ...TAB_ROUTE, title: 'Alerts', detail: 'Active alarms, history, rules with backtests, subscriptions and silences.' },
      },
      {
        path: 'firmware',
        title: 'Firmware · IoTSphere',
        loadComponent: placeholder,
        data: { ...TAB_ROUTE, title: 'Firmware', detail: 'Releases and rollouts with their waves.' },
      },
      {
        path: 'analytics',
        title: 'Analytics · IoTSphere',
        loadComponent: placeholder,
        data: { ...TAB_ROUTE, title: 'Analytics', detail: 'Aggregates over ranges and groups, comparisons and CSV export.' },
      },
    ],
  },
  { path: '**', redirectTo: 'devices' },
];
