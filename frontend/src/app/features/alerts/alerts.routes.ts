import type { Routes } from '@angular/router';

import { TAB_ROUTE } from '../../core/tabs/tab-reuse.strategy';

/** Active alarms, history, rules with backtests, subscriptions, silences and the inbox; an alarm and a rule each open as a tab. */
export const ALERT_ROUTES: Routes = [
  {
    path: 'alerts',
    title: 'Alerts · IoTSphere',
    data: TAB_ROUTE,
    loadComponent: () => import('./alerts.component').then((m) => m.AlertsComponent),
  },
  {
    path: 'alerts/alarms/:id',
    title: 'Alarm · IoTSphere',
    data: TAB_ROUTE,
    loadComponent: () => import('./alarm-detail.component').then((m) => m.AlarmDetailComponent),
  },
  {
    path: 'alerts/rules/:id',
    title: 'Rule · IoTSphere',
    data: TAB_ROUTE,
    loadComponent: () => import('./rule-editor.component').then((m) => m.RuleEditorComponent),
  },
];
