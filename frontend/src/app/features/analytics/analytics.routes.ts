import type { Routes } from '@angular/router';

import { TAB_ROUTE } from '../../core/tabs/tab-reuse.strategy';

const placeholder = () => import('../placeholder/placeholder.component').then((m) => m.PlaceholderComponent);

/** Aggregates over ranges and groups, comparisons and CSV export. */
export const ANALYTICS_ROUTES: Routes = [
  {
    path: 'analytics',
    title: 'Analytics · IoTSphere',
    loadComponent: placeholder,
    data: { ...TAB_ROUTE, title: 'Analytics', detail: 'Aggregates over ranges and groups, comparisons and CSV export.' },
  },
];
