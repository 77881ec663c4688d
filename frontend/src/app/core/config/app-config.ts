import { InjectionToken } from '@angular/core';

/** Runtime settings, read from `config.json` beside index.html before the app starts. */
export interface AppConfig {
  /** Origin of the API, without `/v1`; empty means the page's own origin. */
  readonly apiBaseUrl: string;
}

export const APP_CONFIG = new InjectionToken<AppConfig>('APP_CONFIG');

export const DEFAULT_CONFIG: AppConfig = { apiBaseUrl: '' };

/** Reads `config.json`; a missing or unreadable file falls back to the same origin. */
export async function loadAppConfig(fetcher: typeof fetch = fetch): Promise<AppConfig> {
  try {
    const response = await fetcher('config.json', { cache: 'no-store' });
    if (!response.ok) return DEFAULT_CONFIG;
    const raw = (await response.json()) as Partial<AppConfig>;
    const apiBaseUrl = typeof raw.apiBaseUrl === 'string' ? raw.apiBaseUrl.replace(/\/+$/, '') : '';
    return { apiBaseUrl };
  } catch {
    return DEFAULT_CONFIG;
  }
}
