import type { Routes } from '@angular/router';

import { TAB_ROUTE } from '../../core/tabs/tab-reuse.strategy';

const placeholder = () => import('../placeholder/placeholder.component').then((m) => m.PlaceholderComponent);

/** Online, offline and alarming devices at a glance. */
export const MONITORING_ROUTES: Routes = [
  {
    path: 'fleet',
    title: 'Fleet status · IoTSphere',
    loadComponent: placeholder,
    data: { ...TAB_ROUTE, title: 'Fleet status', detail: 'Online, offline and alarming devices at a glance.' },
  },
];
