import type { components } from '../api/schema';

export type Role = components['schemas']['Role'];

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Whether a user holding `held` may use what needs at least `needed` (viewer < operator < admin). */
export function roleAllows(held: Role | null | undefined, needed: Role): boolean {
  return held != null && RANK[held] >= RANK[needed];
}
