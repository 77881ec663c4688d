import type { components } from '../../core/api/schema';
import { ApiError } from '../../core/api/problem';
import type { Severity } from './alarms';

export type Rule = components['schemas']['Rule'];
export type RuleDefinition = components['schemas']['RuleDefinition'];
export type Condition = RuleDefinition['condition'];
export type ScopeKind = RuleDefinition['scope']['kind'];

export const SCOPE_KINDS: readonly { readonly value: ScopeKind; readonly label: string }[] = [
  { value: 'device', label: 'One device' },
  { value: 'group', label: 'A group' },
  { value: 'tag', label: 'A tag' },
  { value: 'device_type', label: 'A device type' },
  { value: 'all', label: 'All devices' },
];

/** The conditions with a form of their own; `json` edits any condition (band, anomaly, composite) as JSON. */
export type ConditionKind = 'threshold' | 'aggregate' | 'rate' | 'missing_data' | 'composite' | 'json';

export const CONDITION_KINDS: readonly { readonly value: ConditionKind; readonly label: string }[] = [
  { value: 'threshold', label: 'Threshold' },
  { value: 'aggregate', label: 'Aggregate over a window' },
  { value: 'rate', label: 'Rate of change' },
  { value: 'missing_data', label: 'Missing data' },
  { value: 'composite', label: 'Several conditions' },
  { value: 'json', label: 'Other (band, anomaly, any condition) as JSON' },
];

/** A composite joins this many conditions (the API's bounds). */
export const COMPOSITE_PARTS = { min: 2, max: 8 } as const;

/** One condition of a composite: the metric it watches (blank: the rule's) and the rest as JSON. */
export interface CompositePart {
  metric: string;
  conditionJson: string;
}

/** Aggregates a rule compares over its window; `spread` is max - min (a stuck sensor spreads little). */
export const AGGREGATE_FUNCTIONS = ['mean', 'min', 'max', 'count', 'percentile', 'spread'] as const;

/** The editor's fields, numbers as the text typed (blank: not given). */
export interface RuleForm {
  id: string;
  name: string;
  enabled: boolean;
  scopeKind: ScopeKind;
  scopeValue: string;
  metric: string;
  severity: Severity;
  latenessS: string;
  kind: ConditionKind;
  op: 'above' | 'below';
  set: string;
  clear: string;
  durationS: string;
  fn: (typeof AGGREGATE_FUNCTIONS)[number];
  percentile: string;
  windowS: string;
  minPoints: string;
  per: 'second' | 'minute';
  timeoutS: string;
  conditionJson: string;
  /** A composite: all (`and`) or any (`or`) of its parts. */
  compositeOp: 'and' | 'or';
  parts: CompositePart[];
  /** Flap suppression as JSON (`null` turns it off; blank: the default), kept from the saved rule. */
  flapJson: string;
  /** Escalation steps as a JSON list (blank: none), kept from the saved rule. */
  escalationJson: string;
}

export type RuleField = keyof RuleForm;
/** A field of one part of a composite, by its index. */
export type PartField = `parts.${number}.${keyof CompositePart}`;
/** Where a reason shows: a field of the form or of a composite's part ('' above the form). */
export type FormField = RuleField | PartField | '';

export function emptyRuleForm(): RuleForm {
  return {
    id: '',
    name: '',
    enabled: true,
    scopeKind: 'all',
    scopeValue: '',
    metric: 'temperature',
    severity: 'major',
    latenessS: '',
    kind: 'threshold',
    op: 'above',
    set: '',
    clear: '',
    durationS: '',
    fn: 'mean',
    percentile: '',
    windowS: '300',
    minPoints: '',
    per: 'minute',
    timeoutS: '300',
    conditionJson: '',
    compositeOp: 'and',
    parts: [
      { metric: '', conditionJson: '' },
      { metric: '', conditionJson: '' },
    ],
    flapJson: '',
    escalationJson: '',
  };
}

/** A saved rule in the editor's fields; a condition without a form of its own goes to the JSON field. */
export function formFromRule(rule: Rule | RuleDefinition, id = 'id' in rule ? rule.id : ''): RuleForm {
  const form: RuleForm = {
    ...emptyRuleForm(),
    id,
    name: rule.name ?? '',
    enabled: rule.enabled ?? true,
    scopeKind: rule.scope.kind,
    scopeValue: rule.scope.value ?? '',
    metric: rule.metric,
    severity: rule.severity,
    latenessS: text(rule.lateness_s),
    flapJson: rule.flap === undefined ? '' : JSON.stringify(rule.flap),
    escalationJson: rule.escalation?.length ? JSON.stringify(rule.escalation, null, 2) : '',
  };
  const c = rule.condition;
  switch (c.type) {
    case 'threshold':
      return { ...form, kind: 'threshold', op: c.op, set: text(c.set), clear: text(c.clear), durationS: text(c.duration_s || null) };
    case 'aggregate':
      return {
        ...form,
        kind: 'aggregate',
        fn: c.function,
        op: c.op,
        set: text(c.set),
        clear: text(c.clear),
        durationS: text(c.duration_s || null),
        percentile: text(c.percentile),
        windowS: text(c.window_s),
        minPoints: text(c.min_points === 1 ? null : c.min_points),
      };
    case 'rate':
      return {
        ...form,
        kind: 'rate',
        op: c.op,
        per: c.per ?? 'minute',
        set: text(c.set),
        clear: text(c.clear),
        durationS: text(c.duration_s || null),
        windowS: text(c.window_s),
      };
    case 'missing_data':
      return { ...form, kind: 'missing_data', timeoutS: text(c.timeout_s) };
    case 'composite':
      return {
        ...form,
        kind: 'composite',
        compositeOp: c.op,
        parts: c.conditions.map((part) => {
          const { metric, ...rest } = part as typeof part & { metric?: string | null };
          return { metric: metric ?? '', conditionJson: JSON.stringify(rest, null, 2) };
        }),
      };
    default:
      return { ...form, kind: 'json', conditionJson: JSON.stringify(c, null, 2) };
  }
}

export type RuleResult =
  | { readonly ok: true; readonly rule: RuleDefinition }
  | { readonly ok: false; readonly errors: Map<FormField, string> };

/**
 * The rule the form stands for, as the API takes it (PUT /v1/rules/{id}, or a draft to backtest);
 * what the browser can tell is wrong (a missing or non-numeric number, bad JSON) comes back by
 * field. The API checks the rest and names the field (see `ruleFieldErrors`).
 */
export function ruleFromForm(form: RuleForm): RuleResult {
  const errors = new Map<FormField, string>();
  const num = (field: RuleField, required: boolean, integer = false): number | undefined => {
    const raw = String(form[field]).trim();
    if (!raw) {
      if (required) errors.set(field, 'Required.');
      return undefined;
    }
    const value = Number(raw);
    if (!Number.isFinite(value)) errors.set(field, 'A number, please.');
    else if (integer && !Number.isInteger(value)) errors.set(field, 'A whole number, please.');
    return value;
  };
  const set = (key: string, value: unknown, into: Record<string, unknown>) => {
    if (value !== undefined) into[key] = value;
  };

  let condition: Record<string, unknown> = {};
  switch (form.kind) {
    case 'threshold':
      condition = { type: 'threshold', op: form.op, set: num('set', true) };
      set('clear', num('clear', false), condition);
      set('duration_s', num('durationS', false), condition);
      break;
    case 'aggregate':
      condition = { type: 'aggregate', function: form.fn, window_s: num('windowS', true, true), op: form.op, set: num('set', true) };
      if (form.fn === 'percentile') set('percentile', num('percentile', true), condition);
      set('clear', num('clear', false), condition);
      set('duration_s', num('durationS', false), condition);
      set('min_points', num('minPoints', false, true), condition);
      break;
    case 'rate':
      condition = { type: 'rate', per: form.per, window_s: num('windowS', true, true), op: form.op, set: num('set', true) };
      set('clear', num('clear', false), condition);
      set('duration_s', num('durationS', false), condition);
      break;
    case 'missing_data':
      condition = { type: 'missing_data', timeout_s: num('timeoutS', true, true) };
      break;
    case 'composite': {
      if (form.parts.length < COMPOSITE_PARTS.min || form.parts.length > COMPOSITE_PARTS.max) {
        errors.set('parts', `A composite joins ${COMPOSITE_PARTS.min} to ${COMPOSITE_PARTS.max} conditions.`);
      }
      const conditions = form.parts.map((part, i) => {
        const parsed = conditionOf(part.conditionJson, `parts.${i}.conditionJson`, errors, '{"type": "threshold", "op": "above", "set": 80}');
        const metric = part.metric.trim();
        return parsed && metric ? { ...parsed, metric } : parsed;
      });
      condition = { type: 'composite', op: form.compositeOp, conditions };
      break;
    }
    case 'json':
      condition = conditionOf(form.conditionJson, 'conditionJson', errors, '{"type": "band", …}') ?? {};
      break;
  }

  if (!form.metric.trim()) errors.set('metric', 'Required.');
  if (form.scopeKind !== 'all' && !form.scopeValue.trim()) errors.set('scopeValue', 'Name the device, group, tag or type.');
  const lateness = num('latenessS', false, true);
  const json = (field: 'flapJson' | 'escalationJson', list: boolean): unknown => {
    const raw = form[field].trim();
    if (!raw) return undefined;
    try {
      const parsed: unknown = JSON.parse(raw);
      const fits = list ? Array.isArray(parsed) : parsed === null || (typeof parsed === 'object' && !Array.isArray(parsed));
      if (fits) return parsed;
      errors.set(field, list ? 'A JSON list of steps, e.g. [{"after_s": 900, "notify": "on-call"}].' : 'A JSON object, or null for no flap suppression.');
    } catch (error) {
      errors.set(field, `Not JSON: ${(error as Error).message}`);
    }
    return undefined;
  };
  const flap = json('flapJson', false);
  const escalation = json('escalationJson', true);
  if (errors.size) return { ok: false, errors };

  const rule: Record<string, unknown> = {
    name: form.name.trim() || form.id.trim() || 'draft',
    enabled: form.enabled,
    scope: form.scopeKind === 'all' ? { kind: 'all' } : { kind: form.scopeKind, value: form.scopeValue.trim() },
    metric: form.metric.trim(),
    severity: form.severity,
    condition,
  };
  set('lateness_s', lateness, rule);
  set('flap', flap, rule);
  set('escalation', escalation, rule);
  return { ok: true, rule: rule as unknown as RuleDefinition };
}

/**
 * The form with another kind of condition. Turning a whole single condition (typed in its form)
 * into a composite keeps it as the first part, unless parts were typed already.
 */
export function withKind(form: RuleForm, kind: ConditionKind): RuleForm {
  const untouched = form.parts.every((p) => !p.metric.trim() && !p.conditionJson.trim());
  if (kind !== 'composite' || form.kind === 'composite' || !untouched) return { ...form, kind };
  const built = ruleFromForm(form);
  if (!built.ok) return { ...form, kind };
  const first = { metric: '', conditionJson: JSON.stringify(built.rule.condition) };
  return { ...form, kind, parts: [first, ...form.parts.slice(1)] };
}

/** A condition typed as JSON: an object with a `type`, or null with the reason set at `field`. */
function conditionOf(raw: string, field: FormField, errors: Map<FormField, string>, example: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && typeof (parsed as { type?: unknown }).type === 'string') {
      return parsed as Record<string, unknown>;
    }
    errors.set(field, `A JSON object with a "type", e.g. ${example}.`);
  } catch (error) {
    errors.set(field, raw.trim() ? `Not JSON: ${(error as Error).message}` : `Required: a condition as JSON, e.g. ${example}.`);
  }
  return null;
}

/** The metrics a rule may watch that its scope's device type declares (none for another scope,
 * or a type that declares none: any metric then). */
export function metricsOffered(form: Pick<RuleForm, 'scopeKind' | 'scopeValue'>, types: readonly { id: string; metrics?: readonly { name: string }[] }[]): string[] {
  if (form.scopeKind !== 'device_type') return [];
  const type = types.find((t) => t.id === form.scopeValue.trim());
  return (type?.metrics ?? []).map((m) => m.name).sort();
}

const CONDITION_TAGS = new Set(['threshold', 'band', 'aggregate', 'rate', 'anomaly', 'missing_data', 'composite']);

const FORM_FIELDS: Record<string, RuleField> = {
  name: 'name',
  enabled: 'enabled',
  metric: 'metric',
  severity: 'severity',
  lateness_s: 'latenessS',
  'scope.kind': 'scopeKind',
  'scope.value': 'scopeValue',
  scope: 'scopeValue',
  'condition.op': 'op',
  'condition.set': 'set',
  'condition.clear': 'clear',
  'condition.duration_s': 'durationS',
  'condition.function': 'fn',
  'condition.percentile': 'percentile',
  'condition.window_s': 'windowS',
  'condition.min_points': 'minPoints',
  'condition.per': 'per',
  'condition.timeout_s': 'timeoutS',
};

/**
 * Where an API field problem belongs in the form. Locations come as `body.condition.clear` (the
 * rule checks), `body.condition.threshold.set` (the schema, naming the condition type) or
 * `body.rule.…` (a draft backtest); a condition edited as JSON takes every `condition.…`, and
 * what no field holds goes to '' (shown above the form).
 */
export function fieldOfLocation(location: string, kind: ConditionKind): FormField {
  const parts = location.split('.');
  if (parts[0] === 'body') parts.shift();
  if (parts[0] === 'rule') parts.shift();
  if (parts[0] === 'condition' && CONDITION_TAGS.has(parts[1] ?? '')) parts.splice(1, 1);
  const path = parts.join('.');
  if (path === 'flap' || path.startsWith('flap.')) return 'flapJson';
  if (path === 'escalation' || path.startsWith('escalation.')) return 'escalationJson';
  if (path === 'condition' || path.startsWith('condition.')) {
    if (kind === 'json') return 'conditionJson';
    if (kind === 'composite') return compositeField(parts.slice(1));
    return FORM_FIELDS[path] ?? '';
  }
  return FORM_FIELDS[path] ?? '';
}

/** A location inside a composite (after `condition`): its op, its list, or one part's metric or the rest of it. */
function compositeField(path: string[]): FormField {
  if (path[0] === 'op') return 'compositeOp';
  if (path[0] !== 'conditions') return 'parts';
  const index = Number(path[1]);
  if (!Number.isInteger(index)) return 'parts';
  const rest = CONDITION_TAGS.has(path[2] ?? '') ? path.slice(3) : path.slice(2);
  return rest[0] === 'metric' ? `parts.${index}.metric` : `parts.${index}.conditionJson`;
}

/** An API problem's field reasons, placed at the form's fields. */
export function ruleFieldErrors(error: unknown, kind: ConditionKind): Map<FormField, string> {
  const out = new Map<FormField, string>();
  if (!(error instanceof ApiError)) return out;
  for (const { location, message } of error.problem.errors ?? []) {
    const field = fieldOfLocation(location, kind);
    // shown at its field, a reason need not repeat the path it starts with (`condition.clear: …`)
    const text = field && !field.endsWith('Json') ? message.replace(/^[\w.[\]]+: /, '') : message;
    out.set(field, out.has(field) ? `${out.get(field)} ${text}` : text);
  }
  return out;
}

function text(value: number | null | undefined): string {
  return value == null ? '' : String(value);
}
