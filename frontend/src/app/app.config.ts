import {
  type ApplicationConfig,
  ErrorHandler,
  inject,
  provideAppInitializer,
  provideBrowserGlobalErrorListeners,
} from '@angular/core';
import { RouteReuseStrategy, provideRouter, withComponentInputBinding } from '@angular/router';

import { routes } from './app.routes';
import { APP_CONFIG, type AppConfig } from './core/config/app-config';
import { AuthService } from './core/auth/auth.service';
import { GlobalErrorHandler } from './core/errors/global-error-handler';
import { TabManager } from './core/tabs/tab-manager.service';
import { TabReuseStrategy } from './core/tabs/tab-reuse.strategy';

export function appConfig(config: AppConfig): ApplicationConfig {
  return {
    providers: [
      { provide: APP_CONFIG, useValue: config },
      provideBrowserGlobalErrorListeners(),
      { provide: ErrorHandler, useClass: GlobalErrorHandler },
      provideRouter(routes, withComponentInputBinding()),
      { provide: RouteReuseStrategy, useClass: TabReuseStrategy },
      provideAppInitializer(() => {
        inject(TabManager); // listens to the router from the first navigation on
        // A session kept over a reload: who is signed in (a refused session goes to the login page).
        return inject(AuthService)
          .loadUser()
          .then(
            () => undefined,
            () => undefined,
          );
      }),
    ],
  };
}
