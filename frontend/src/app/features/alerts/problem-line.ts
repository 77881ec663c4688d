import { ApiError } from '../../core/api/problem';

/** A refused request in one line for a form: its title, and its field reasons or its detail. */
export function problemLine(error: unknown): { title: string; detail: string } {
  if (!(error instanceof ApiError)) return { title: 'The request failed', detail: error instanceof Error ? error.message : '' };
  const fields = (error.problem.errors ?? []).map((e) => `${e.location.replace(/^body\./, '')}: ${e.message}`);
  return { title: error.problem.title, detail: fields.length ? fields.join('; ') : error.problem.detail };
}
