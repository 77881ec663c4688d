import { ApiError } from '../core/api/problem';

/**
 * The field reasons of an API problem by field path (`body.name` → `name`, `body.csv.row3` →
 * `csv.row3`), so a form can show each at its field; reasons without a body field go under ''.
 */
export function problemFields(error: unknown): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!(error instanceof ApiError)) return out;
  for (const { location, message } of error.problem.errors ?? []) {
    const key = location.startsWith('body.') ? location.slice(5) : location === 'body' ? '' : location;
    out.set(key, [...(out.get(key) ?? []), message]);
  }
  return out;
}

/** The problem's detail (or title) for a line of text: what went wrong in words. */
export function problemText(error: unknown): string {
  if (error instanceof ApiError) return error.problem.detail || error.problem.title;
  return error instanceof Error ? error.message : 'Something went wrong.';
}

export function problemStatus(error: unknown): number | null {
  return error instanceof ApiError ? error.status : null;
}
