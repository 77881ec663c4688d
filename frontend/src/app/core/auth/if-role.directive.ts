import { Directive, TemplateRef, ViewContainerRef, effect, inject, input } from '@angular/core';

import { AuthService } from './auth.service';
import type { Role } from './roles';

/**
 * Shows its content only to users holding at least the given role:
 * `<button *appIfRole="'operator'">Edit</button>`. The UI hides; the API still enforces.
 */
@Directive({ selector: '[appIfRole]' })
export class IfRoleDirective {
  readonly appIfRole = input.required<Role>();
  private readonly auth = inject(AuthService);
  private readonly template = inject(TemplateRef);
  private readonly container = inject(ViewContainerRef);
  private shown = false;

  constructor() {
    effect(() => {
      const allowed = this.auth.role() !== null && this.auth.hasRole(this.appIfRole());
      if (allowed && !this.shown) this.container.createEmbeddedView(this.template);
      if (!allowed && this.shown) this.container.clear();
      this.shown = allowed;
    });
  }
}
