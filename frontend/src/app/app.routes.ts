import type { Routes } from '@angular/router';

import { authGuard, guestGuard } from './core/auth/auth.guard';
import { ALERT_ROUTES } from './features/alerts/alerts.routes';
import { ANALYTICS_ROUTES } from './features/analytics/analytics.routes';
import { DEVICE_ROUTES } from './features/devices/devices.routes';
import { FIRMWARE_ROUTES } from './features/firmware/firmware.routes';
import { LoginComponent } from './features/login/login.component';
import { MONITORING_ROUTES } from './features/monitoring/monitoring.routes';
import { ShellComponent } from './layout/shell.component';

/** Modules are lazy routes inside the shell, each declared in its feature's routes file; each
 * opens as a tab (see TabManager). */
export const routes: Routes = [
  { path: 'login', component: LoginComponent, canActivate: [guestGuard], title: 'Sign in · IoTSphere' },
  {
    path: '',
    component: ShellComponent,
    canActivate: [authGuard],
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'devices' },
      ...DEVICE_ROUTES,
      ...MONITORING_ROUTES,
      ...ALERT_ROUTES,
      ...FIRMWARE_ROUTES,
      ...ANALYTICS_ROUTES,
    ],
  },
  { path: '**', redirectTo: 'devices' },
];
