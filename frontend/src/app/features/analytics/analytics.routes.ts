import type { Routes } from '@angular/router';

import { TAB_ROUTE } from '../../core/tabs/tab-reuse.strategy';

/** Aggregates over ranges and groups, comparisons and CSV export. */
export const ANALYTICS_ROUTES: Routes = [
  {
    path: 'analytics',
    title: 'Analytics · IoTSphere',
    data: TAB_ROUTE,
    loadComponent: () => import('./analytics.component').then((m) => m.AnalyticsComponent),
  },
];
