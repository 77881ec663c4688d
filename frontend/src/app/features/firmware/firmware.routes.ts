import type { Routes } from '@angular/router';

import { TAB_ROUTE } from '../../core/tabs/tab-reuse.strategy';

const placeholder = () => import('../placeholder/placeholder.component').then((m) => m.PlaceholderComponent);

/** Releases and rollouts with their waves. */
export const FIRMWARE_ROUTES: Routes = [
  {
    path: 'firmware',
    title: 'Firmware · IoTSphere',
    loadComponent: placeholder,
    data: { ...TAB_ROUTE, title: 'Firmware', detail: 'Releases and rollouts with their waves.' },
  },
];
