/** A JSON value as the configuration documents hold them. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Where one leaf of the configuration stands: reported as desired, waiting for the device, or
 * reported by the device without being desired. */
export type RowState = 'in-sync' | 'pending' | 'reported-only';

export interface ConfigRow {
  readonly path: string;
  readonly desired: Json | undefined;
  readonly reported: Json | undefined;
  readonly state: RowState;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every leaf of a document by dotted path (arrays are leaves; an empty object is one too). */
export function leaves(document: JsonObject, prefix = ''): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const [key, value] of Object.entries(document)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isObject(value) && Object.keys(value).length) {
      for (const [p, v] of leaves(value, path)) out.set(p, v);
    } else {
      out.set(path, value);
    }
  }
  return out;
}

/**
 * Desired and reported side by side, one row per leaf, sorted by path; a leaf the API's delta
 * names (or lies under a path it names) is pending, a leaf only the device reports is marked so.
 */
export function configRows(desired: JsonObject, reported: JsonObject, delta: JsonObject): ConfigRow[] {
  const want = leaves(desired);
  const have = leaves(reported);
  const pendingPaths = [...leaves(delta).keys()];
  const isPending = (path: string) => pendingPaths.some((p) => p === path || path.startsWith(p + '.') || p.startsWith(path + '.'));
  const paths = [...new Set([...want.keys(), ...have.keys()])].sort();
  return paths.map((path) => {
    const inDesired = want.has(path);
    const state: RowState = isPending(path) ? 'pending' : inDesired ? 'in-sync' : 'reported-only';
    return { path, desired: want.get(path), reported: have.get(path), state };
  });
}

/**
 * The JSON merge patch (RFC 7396) that turns `from` into `to`: changed members with their new
 * value, removed members as null, nested objects patched member by member.
 */
export function mergePatch(from: JsonObject, to: JsonObject): JsonObject {
  const patch: JsonObject = {};
  for (const key of Object.keys(from)) {
    if (!(key in to)) patch[key] = null;
  }
  for (const [key, value] of Object.entries(to)) {
    const before = from[key];
    if (isObject(before) && isObject(value)) {
      const inner = mergePatch(before, value);
      if (Object.keys(inner).length) patch[key] = inner;
    } else if (!sameJson(before, value)) {
      patch[key] = value;
    }
  }
  return patch;
}

export function sameJson(a: Json | undefined, b: Json | undefined): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: Json | undefined): Json | undefined {
  if (Array.isArray(value)) return value.map((v) => canonical(v) ?? null);
  if (isObject(value)) {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k]) ?? null]));
  }
  return value;
}

export type Parsed = { ok: true; value: JsonObject } | { ok: false; message: string };

/**
 * Parses the edited desired configuration: a JSON object without null values (in a merge patch
 * null removes a member, so a desired configuration cannot hold one) and without member names
 * the API refuses (a leading `$`, a `.`).
 */
export function parseDesired(text: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!isObject(value)) return { ok: false, message: 'The configuration must be a JSON object ({ … }).' };
  const problem = findProblem(value, '');
  return problem ? { ok: false, message: problem } : { ok: true, value };
}

function findProblem(value: Json, path: string): string | null {
  if (value === null) return `${path || 'The document'} is null; remove the member instead (null deletes it).`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = value[i] === null ? null : findProblem(value[i], `${path}[${i}]`);
      if (problem) return problem;
    }
    return null;
  }
  if (!isObject(value)) return null;
  for (const [key, inner] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (key.startsWith('$') || key.includes('.')) return `“${key}” (at ${here}): member names may not start with $ or hold a dot.`;
    const problem = findProblem(inner, here);
    if (problem) return problem;
  }
  return null;
}

/** A leaf's value as a short text for a table cell. */
export function show(value: Json | undefined): string {
  return value === undefined ? '—' : JSON.stringify(value);
}
