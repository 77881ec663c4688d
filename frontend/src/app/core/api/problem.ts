import type { components } from './schema';

export type Problem = components['schemas']['Problem'];

/** An API call that answered with an error; carries the RFC 9457 problem, or one made up for it. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
    this.name = 'ApiError';
  }

  get status(): number {
    return this.problem.status;
  }
}

export function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['title'] === 'string' && typeof v['status'] === 'number';
}

/** The problem an error body stands for; a body that is not one becomes a plain problem. */
export function toProblem(body: unknown, status: number, statusText = ''): Problem {
  if (isProblem(body)) return { ...body, detail: body.detail ?? '' };
  return {
    type: 'about:blank',
    title: statusText || (status === 0 ? 'Network error' : `HTTP ${status}`),
    status,
    detail: status === 0 ? 'The API could not be reached.' : typeof body === 'string' ? body : '',
  };
}
