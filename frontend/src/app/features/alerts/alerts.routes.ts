import type { Routes } from '@angular/router';

import { TAB_ROUTE } from '../../core/tabs/tab-reuse.strategy';

const placeholder = () => import('../placeholder/placeholder.component').then((m) => m.PlaceholderComponent);

/** Active alarms, history, rules with backtests, subscriptions and silences. */
export const ALERT_ROUTES: Routes = [
  {
    path: 'alerts',
    title: 'Alerts · IoTSphere',
    loadComponent: placeholder,
    data: { ...TAB_ROUTE, title: 'Alerts', detail: 'Active alarms, history, rules with backtests, subscriptions and silences.' },
  },
];
