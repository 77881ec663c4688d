import { Injectable, signal } from '@angular/core';

import type { Problem } from '../api/problem';

export interface Notice {
  readonly id: number;
  readonly kind: 'error' | 'warning' | 'info';
  readonly title: string;
  readonly detail: string;
  /** Field-level reasons of a problem+json answer (`errors`), where it has them. */
  readonly fields: readonly { location: string; message: string }[];
}

/** Messages shown to the user in the corner of the screen (an ARIA live region). */
@Injectable({ providedIn: 'root' })
export class NotificationService {
  private nextId = 1;
  private readonly list = signal<readonly Notice[]>([]);
  readonly notices = this.list.asReadonly();

  problem(problem: Problem): void {
    this.push('error', problem.title, problem.detail ?? '', problem.errors ?? []);
  }

  error(title: string, detail = ''): void {
    this.push('error', title, detail);
  }

  warn(title: string, detail = ''): void {
    this.push('warning', title, detail);
  }

  info(title: string, detail = ''): void {
    this.push('info', title, detail, [], 6000);
  }

  dismiss(id: number): void {
    this.list.update((all) => all.filter((n) => n.id !== id));
  }

  private push(kind: Notice['kind'], title: string, detail: string, fields: Notice['fields'] = [], ttlMs = 0): void {
    const id = this.nextId++;
    this.list.update((all) => [...all.slice(-4), { id, kind, title, detail, fields }]);
    if (ttlMs > 0) setTimeout(() => this.dismiss(id), ttlMs);
  }
}
