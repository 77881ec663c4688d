import type { Routes } from '@angular/router';

import { TAB_ROUTE } from '../../core/tabs/tab-reuse.strategy';

/** Device management: the fleet list and a device's detail (each a tab). */
export const DEVICE_ROUTES: Routes = [
  {
    path: 'devices',
    title: 'Devices · IoTSphere',
    data: TAB_ROUTE,
    loadComponent: () => import('./device-list.component').then((m) => m.DeviceListComponent),
  },
  {
    path: 'devices/:id',
    title: 'Device · IoTSphere',
    data: TAB_ROUTE,
    loadComponent: () => import('./device-detail.component').then((m) => m.DeviceDetailComponent),
  },
];
