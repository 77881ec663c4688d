import type { Routes } from '@angular/router';

import { TAB_ROUTE } from '../../core/tabs/tab-reuse.strategy';

/** Device management: the fleet list, onboarding (one device or a CSV file), a change for many
 * devices and a device's detail (each a tab; the fixed paths come before `devices/:id`). */
export const DEVICE_ROUTES: Routes = [
  {
    path: 'devices',
    title: 'Devices · IoTSphere',
    data: TAB_ROUTE,
    loadComponent: () => import('./device-list.component').then((m) => m.DeviceListComponent),
  },
  {
    path: 'devices/new',
    title: 'Onboard a device · IoTSphere',
    data: TAB_ROUTE,
    loadComponent: () => import('./onboarding.component').then((m) => m.OnboardingComponent),
  },
  {
    path: 'devices/import',
    title: 'Import devices · IoTSphere',
    data: TAB_ROUTE,
    loadComponent: () => import('./device-import.component').then((m) => m.DeviceImportComponent),
  },
  {
    path: 'devices/bulk',
    title: 'Change many devices · IoTSphere',
    data: TAB_ROUTE,
    loadComponent: () => import('./bulk-change.component').then((m) => m.BulkChangeComponent),
  },
  {
    path: 'devices/:id',
    title: 'Device · IoTSphere',
    data: TAB_ROUTE,
    loadComponent: () => import('./device-detail.component').then((m) => m.DeviceDetailComponent),
  },
];
