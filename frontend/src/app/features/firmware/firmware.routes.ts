import type { Routes } from '@angular/router';

import { TAB_ROUTE } from '../../core/tabs/tab-reuse.strategy';

/** Firmware: releases and rollouts (a tab each; fixed paths before the `:id` ones). */
export const FIRMWARE_ROUTES: Routes = [
  {
    path: 'firmware',
    title: 'Firmware · IoTSphere',
    data: TAB_ROUTE,
    loadComponent: () => import('./firmware-home.component').then((m) => m.FirmwareHomeComponent),
  },
  {
    path: 'firmware/upload',
    title: 'Upload firmware · IoTSphere',
    data: TAB_ROUTE,
    loadComponent: () => import('./firmware-upload.component').then((m) => m.FirmwareUploadComponent),
  },
  {
    path: 'firmware/releases/:id',
    title: 'Release · IoTSphere',
    data: TAB_ROUTE,
    loadComponent: () => import('./release-detail.component').then((m) => m.ReleaseDetailComponent),
  },
  {
    path: 'firmware/rollouts/new',
    title: 'Start a rollout · IoTSphere',
    data: TAB_ROUTE,
    loadComponent: () => import('./rollout-start.component').then((m) => m.RolloutStartComponent),
  },
  {
    path: 'firmware/rollouts/:id',
    title: 'Rollout · IoTSphere',
    data: TAB_ROUTE,
    loadComponent: () => import('./rollout-detail.component').then((m) => m.RolloutDetailComponent),
  },
];
