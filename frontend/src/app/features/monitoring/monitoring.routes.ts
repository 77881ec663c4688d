import type { Routes } from '@angular/router';

import { TAB_ROUTE } from '../../core/tabs/tab-reuse.strategy';

/** Online, offline, alarming and never-seen devices at a glance. */
export const MONITORING_ROUTES: Routes = [
  {
    path: 'fleet',
    title: 'Fleet status · IoTSphere',
    data: TAB_ROUTE,
    loadComponent: () => import('./fleet-status.component').then((m) => m.FleetStatusComponent),
  },
];
