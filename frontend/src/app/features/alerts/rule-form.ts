import type { components } from '../../core/api/schema';
import { ApiError } from '../../core/api/problem';
import { COMPOSITE_LIMITS, CONDITION_LIMITS, type NumberLimits } from '../../core/api/rule-limits.generated';
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

/** The single conditions, each with a form of its own. */
export type LeafKind = 'threshold' | 'band' | 'aggregate' | 'rate' | 'anomaly' | 'missing_data';
/** A rule's condition: a single one, or several joined (`composite`). */
export type ConditionKind = LeafKind | 'composite';
/** A composite's part: a single condition, or a group of conditions kept as saved (`nested`: only the API makes one). */
export type PartKind = LeafKind | 'nested';

export const LEAF_KINDS: readonly { readonly value: LeafKind; readonly label: string }[] = [
  { value: 'threshold', label: 'Threshold' },
  { value: 'band', label: 'Inside or outside a band' },
  { value: 'aggregate', label: 'Aggregate over a window' },
  { value: 'rate', label: 'Rate of change' },
  { value: 'anomaly', label: 'Anomaly (unusual value)' },
  { value: 'missing_data', label: 'Missing data' },
];

export const CONDITION_KINDS: readonly { readonly value: ConditionKind; readonly label: string }[] = [
  ...LEAF_KINDS,
  { value: 'composite', label: 'Several conditions' },
];

/** A composite joins this many conditions (the API's schema, through `rule-limits.generated.ts`). */
export const COMPOSITE_PARTS = { min: COMPOSITE_LIMITS.minItems, max: COMPOSITE_LIMITS.maxItems } as const;

/** Aggregates a rule compares over its window; `spread` is max - min (a stuck sensor spreads little). */
export const AGGREGATE_FUNCTIONS = ['mean', 'min', 'max', 'count', 'percentile', 'spread'] as const;

/** Anomaly detectors: the value's robust z-score, or that of its change from the previous reading. */
export const ANOMALY_METHODS: readonly { readonly value: 'robust_z' | 'robust_z_diff'; readonly label: string }[] = [
  { value: 'robust_z', label: 'the value' },
  { value: 'robust_z_diff', label: 'the change from the previous reading' },
];

/** Levels compare `above` / `below`; a band `inside` / `outside`. */
export type ConditionOp = 'above' | 'below' | 'inside' | 'outside';

/**
 * The fields of one single condition, numbers as the text typed (blank: not given). A rule's own
 * condition and each part of a composite are edited with the same fields (`ConditionFieldsComponent`).
 */
export interface ConditionFields {
  op: ConditionOp;
  set: string;
  clear: string;
  durationS: string;
  fn: (typeof AGGREGATE_FUNCTIONS)[number];
  percentile: string;
  windowS: string;
  minPoints: string;
  per: 'second' | 'minute';
  timeoutS: string;
  low: string;
  high: string;
  clearLow: string;
  clearHigh: string;
  method: 'robust_z' | 'robust_z_diff';
}

/**
 * Condition fields as edited: `prefilled` names the fields that still hold the text the form put
 * there (neither typed by the operator nor read from a saved rule), which a change of kind may
 * replace with the new kind's own (`withLeafKind`).
 */
export interface ConditionDraft extends ConditionFields {
  prefilled: readonly ConditionField[];
}

/** One condition of a composite: its kind and fields, the metric it watches (blank: the rule's), or a nested group kept as saved. */
export interface CompositePart extends ConditionDraft {
  kind: PartKind;
  metric: string;
  nested: Condition | null;
}

/** The editor's fields: the rule's, its single condition's (`ConditionFields`), or a composite's parts. */
export interface RuleForm extends ConditionDraft {
  id: string;
  name: string;
  enabled: boolean;
  scopeKind: ScopeKind;
  scopeValue: string;
  metric: string;
  severity: Severity;
  latenessS: string;
  kind: ConditionKind;
  /** A composite: all (`and`) or any (`or`) of its parts. */
  compositeOp: 'and' | 'or';
  parts: CompositePart[];
  /** Flap suppression as JSON (`null` turns it off; blank: the default), kept from the saved rule. */
  flapJson: string;
  /** Escalation steps as a JSON list (blank: none), kept from the saved rule. */
  escalationJson: string;
}

export type RuleField = keyof RuleForm;
export type ConditionField = keyof ConditionFields;
/** A field of one part of a composite, by its index. */
export type PartField = `parts.${number}.${keyof CompositePart}`;
/** Where a reason shows: a field of the form or of a composite's part ('' above the form). */
export type FormField = RuleField | PartField | '';

export function emptyConditionFields(): ConditionFields {
  return {
    op: 'above',
    set: '',
    clear: '',
    durationS: '',
    fn: 'mean',
    percentile: '',
    windowS: '', // prefilled with the kind's own when a kind that has one is chosen (`withLeafKind`)
    minPoints: '',
    per: 'minute',
    timeoutS: '',
    low: '',
    high: '',
    clearLow: '',
    clearHigh: '',
    method: 'robust_z',
  };
}

export function emptyPart(): CompositePart {
  return { ...emptyConditionFields(), prefilled: PREFILLABLE, kind: 'threshold', metric: '', nested: null };
}

export function emptyRuleForm(): RuleForm {
  return {
    ...emptyConditionFields(),
    prefilled: PREFILLABLE,
    id: '',
    name: '',
    enabled: true,
    scopeKind: 'all',
    scopeValue: '',
    metric: 'temperature',
    severity: 'major',
    latenessS: '',
    kind: 'threshold',
    compositeOp: 'and',
    parts: [emptyPart(), emptyPart()],
    flapJson: '',
    escalationJson: '',
  };
}

/** A saved rule in the editor's fields. */
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
  if (c.type !== 'composite') return { ...form, ...fieldsOf(c) };
  const parts = c.conditions.map((part): CompositePart => {
    if (part.type === 'composite') return { ...emptyPart(), kind: 'nested', nested: part };
    return { ...emptyPart(), ...fieldsOf(part), metric: ('metric' in part ? part.metric : null) ?? '' };
  });
  return { ...form, kind: 'composite', compositeOp: c.op, parts };
}

type Leaf = Exclude<Condition, { type: 'composite' }>;

/** One single condition's kind and fields; what it leaves out keeps the empty form's text (prefilled). */
function fieldsOf(c: Leaf): ConditionDraft & { kind: LeafKind } {
  const held = c as Record<string, unknown>;
  const prefilled = PREFILLABLE.filter((field) => held[API_NAMES[field]] == null);
  return { ...savedFields(c), prefilled };
}

function savedFields(c: Leaf): ConditionFields & { kind: LeafKind } {
  const empty = emptyConditionFields();
  switch (c.type) {
    case 'threshold':
      return { ...empty, kind: 'threshold', op: c.op, set: text(c.set), clear: text(c.clear), durationS: unlessDefault(c.duration_s, 'threshold', 'durationS') };
    case 'band':
      return {
        ...empty,
        kind: 'band',
        op: c.op,
        low: text(c.low),
        high: text(c.high),
        clearLow: text(c.clear_low),
        clearHigh: text(c.clear_high),
        durationS: unlessDefault(c.duration_s, 'band', 'durationS'),
      };
    case 'aggregate':
      return {
        ...empty,
        kind: 'aggregate',
        fn: c.function,
        op: c.op,
        set: text(c.set),
        clear: text(c.clear),
        durationS: unlessDefault(c.duration_s, 'aggregate', 'durationS'),
        percentile: text(c.percentile),
        windowS: text(c.window_s),
        minPoints: unlessDefault(c.min_points, 'aggregate', 'minPoints'),
      };
    case 'rate':
      return {
        ...empty,
        kind: 'rate',
        op: c.op,
        per: c.per ?? 'minute',
        set: text(c.set),
        clear: text(c.clear),
        durationS: unlessDefault(c.duration_s, 'rate', 'durationS'),
        windowS: text(c.window_s),
      };
    case 'anomaly':
      return {
        ...empty,
        kind: 'anomaly',
        method: c.method ?? 'robust_z',
        set: text(c.set),
        clear: text(c.clear),
        durationS: unlessDefault(c.duration_s, 'anomaly', 'durationS'),
        windowS: text(c.window_s),
        minPoints: text(c.min_points),
      };
    case 'missing_data':
      return { ...empty, kind: 'missing_data', timeoutS: text(c.timeout_s) };
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
  let condition: Record<string, unknown>;
  if (form.kind === 'composite') {
    if (form.parts.length < COMPOSITE_PARTS.min || form.parts.length > COMPOSITE_PARTS.max) {
      errors.set('parts', `A composite joins ${COMPOSITE_PARTS.min} to ${COMPOSITE_PARTS.max} conditions.`);
    }
    const conditions = form.parts.map((part, i) => {
      if (part.kind === 'nested') return part.nested;
      const built = conditionFromFields(part, part.kind, errors, `parts.${i}.`);
      const metric = part.metric.trim();
      return metric ? { ...built, metric } : built;
    });
    condition = { type: 'composite', op: form.compositeOp, conditions };
  } else {
    condition = conditionFromFields(form, form.kind, errors, '');
  }

  if (!form.metric.trim()) errors.set('metric', 'Required.');
  if (form.scopeKind !== 'all' && !form.scopeValue.trim()) errors.set('scopeValue', 'Name the device, group, tag or type.');
  const lateness = numberAt(form.latenessS, 'latenessS', errors, false, true);
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
  put('lateness_s', lateness, rule);
  put('flap', flap, rule);
  put('escalation', escalation, rule);
  return { ok: true, rule: rule as unknown as RuleDefinition };
}

/**
 * One single condition as the API takes it, from its fields; a reason for a field goes to
 * `errors` under `prefix` + the field (`set` for the rule's condition, `parts.1.set` for a part's).
 */
export function conditionFromFields(fields: ConditionFields, kind: LeafKind, errors: Map<FormField, string>, prefix: '' | `parts.${number}.`): Record<string, unknown> {
  const num = (field: ConditionField, required: boolean, integer = false) =>
    numberAt(fields[field], `${prefix}${field}` as FormField, errors, required, integer);
  const level = (op: ConditionOp, into: Record<string, unknown>, setRequired = true) => {
    into['op'] = op;
    put('set', num('set', setRequired), into);
    put('clear', num('clear', false), into);
    put('duration_s', num('durationS', false, true), into);
    return into;
  };
  const above = fields.op === 'below' ? 'below' : 'above';
  switch (kind) {
    case 'threshold':
      return level(above, { type: 'threshold' });
    case 'band': {
      const band: Record<string, unknown> = { type: 'band', op: fields.op === 'inside' ? 'inside' : 'outside', low: num('low', true), high: num('high', true) };
      put('clear_low', num('clearLow', false), band);
      put('clear_high', num('clearHigh', false), band);
      put('duration_s', num('durationS', false, true), band);
      return band;
    }
    case 'aggregate': {
      const aggregate = level(above, { type: 'aggregate', function: fields.fn, window_s: num('windowS', true, true) });
      if (fields.fn === 'percentile') put('percentile', num('percentile', true), aggregate);
      put('min_points', num('minPoints', false, true), aggregate);
      return aggregate;
    }
    case 'rate':
      return level(above, { type: 'rate', per: fields.per, window_s: num('windowS', true, true) });
    case 'anomaly': {
      const anomaly: Record<string, unknown> = { type: 'anomaly', method: fields.method };
      put('window_s', num('windowS', false, true), anomaly);
      put('min_points', num('minPoints', false, true), anomaly);
      put('set', num('set', false), anomaly);
      put('clear', num('clear', false), anomaly);
      put('duration_s', num('durationS', false, true), anomaly);
      return anomaly;
    }
    case 'missing_data':
      return { type: 'missing_data', timeout_s: num('timeoutS', true, true) };
  }
}

/**
 * The fields with another kind of single condition: the comparison turns to one that kind has, and
 * a field still prefilled takes the new kind's starting text (an anomaly's window is not an
 * aggregate's); what the operator typed or a saved rule held stays.
 */
export function withLeafKind<T extends ConditionDraft>(fields: T, kind: LeafKind): T & { kind: LeafKind } {
  const band = fields.op === 'inside' || fields.op === 'outside';
  const op: ConditionOp = kind === 'band' ? (band ? fields.op : 'outside') : band ? 'above' : fields.op;
  const starts = Object.entries(STARTING_TEXT[kind]).filter(([field]) => fields.prefilled.includes(field as ConditionField));
  return { ...fields, ...Object.fromEntries(starts), kind, op };
}

/** The fields with `value` typed at `field`: the operator's text, which no change of kind replaces. */
export function withTyped<T extends ConditionDraft>(fields: T, field: ConditionField, value: string): T {
  return { ...fields, [field]: value, prefilled: fields.prefilled.filter((f) => f !== field) };
}

/**
 * What the API takes in a condition's number field: `min` (or above it, when `above`) up to `max`
 * (or below it, when `below`), and what it uses when the field is left out (`blank`; none: required,
 * or nothing at all). Read from the API's schema (`rule-limits.generated.ts`, made by
 * `npm run api:generate`), never written here.
 */
export interface FieldBounds {
  readonly min?: number;
  readonly above?: boolean;
  readonly max?: number;
  readonly below?: boolean;
  readonly blank?: number;
  readonly unit?: 's';
}

/**
 * A field's bounds from the JSON Schema keywords of its API field `api`: a whole number above 0 is
 * at least 1; seconds are the fields named `…_s`.
 */
export function boundsOf(limits: NumberLimits, api: string): FieldBounds {
  const step = limits.type === 'integer' ? 1 : 0;
  const low = limits.exclusiveMinimum === undefined ? limits.minimum : limits.exclusiveMinimum + step;
  const high = limits.exclusiveMaximum === undefined ? limits.maximum : limits.exclusiveMaximum - step;
  const bounds: { -readonly [K in keyof FieldBounds]: FieldBounds[K] } = {};
  if (low !== undefined) bounds.min = low;
  if (!step && limits.exclusiveMinimum !== undefined) bounds.above = true;
  if (high !== undefined) bounds.max = high;
  if (!step && limits.exclusiveMaximum !== undefined) bounds.below = true;
  if (limits.default !== undefined) bounds.blank = limits.default;
  if (api.endsWith('_s')) bounds.unit = 's';
  return bounds;
}

/** Bounds as shown under a field: `1 to 3600 s; blank: 600`, `above 0; blank: 3.5`, `at least 3`. */
export function boundsHint(b: FieldBounds): string {
  const unit = b.unit ? ` ${b.unit}` : '';
  const from = b.min === undefined ? '' : `${b.above ? 'above' : 'at least'} ${b.min}`;
  const to = b.max === undefined ? '' : `${b.below ? 'below' : 'at most'} ${b.max}`;
  const range = b.min !== undefined && b.max !== undefined && !b.above && !b.below ? `${b.min} to ${b.max}` : [from, to].filter(Boolean).join(' and ');
  const parts = [range ? `${range}${unit}` : '', b.blank === undefined ? '' : `blank: ${b.blank}${range ? '' : unit}`];
  return parts.filter(Boolean).join('; ');
}

/** A condition's API fields and the form fields that hold them. */
const CONDITION_FIELDS: Record<string, ConditionField> = {
  op: 'op',
  set: 'set',
  clear: 'clear',
  duration_s: 'durationS',
  function: 'fn',
  percentile: 'percentile',
  window_s: 'windowS',
  min_points: 'minPoints',
  per: 'per',
  timeout_s: 'timeoutS',
  low: 'low',
  high: 'high',
  clear_low: 'clearLow',
  clear_high: 'clearHigh',
  method: 'method',
};

/** Each kind's bounds by form field, from the number fields the API's schema states limits or a default for. */
const BOUNDS = Object.fromEntries(
  LEAF_KINDS.map(({ value: kind }) => {
    const stated: Readonly<Record<string, NumberLimits>> = CONDITION_LIMITS[kind];
    const byField = Object.entries(stated).flatMap(([api, limits]) => {
      const field = CONDITION_FIELDS[api];
      return field ? [[field, boundsOf(limits, api)] as const] : [];
    });
    return [kind, Object.fromEntries(byField)];
  }),
) as Record<LeafKind, Partial<Record<ConditionField, FieldBounds>>>;

/** The API's bounds of a field for a kind of condition (undefined: none the API states). */
export function conditionBounds(kind: LeafKind, field: ConditionField): FieldBounds | undefined {
  return BOUNDS[kind][field];
}

/** The API's bounds of a field as shown under it ('' when it has none to state): `1 to 3600 s; blank: 600`. */
export function fieldHint(kind: LeafKind, field: ConditionField): string {
  const b = conditionBounds(kind, field);
  return b ? boundsHint(b) : '';
}

/** A saved number as the field's text: blank when it is what the API uses for a blank field. */
function unlessDefault(value: number | null | undefined, kind: LeafKind, field: ConditionField): string {
  return value === conditionBounds(kind, field)?.blank ? '' : text(value);
}

/** The fields a new condition fills in for the operator, each with the name the API gives it. */
const API_NAMES = { windowS: 'window_s', timeoutS: 'timeout_s' } as const;
const PREFILLABLE = Object.keys(API_NAMES) as (keyof typeof API_NAMES)[];

/** The text a new condition of each kind starts with in the prefillable fields it has (an anomaly: the API's own default). */
const STARTING_TEXT: Record<LeafKind, Partial<Record<keyof typeof API_NAMES, string>>> = {
  threshold: {},
  band: {},
  aggregate: { windowS: '300' },
  rate: { windowS: '300' },
  anomaly: { windowS: String(BOUNDS.anomaly.windowS?.blank) },
  missing_data: { timeoutS: '300' },
};

/**
 * The form with another kind of condition. Turning a single condition into a composite keeps it
 * (with its metric left blank: the rule's) as the first part, unless parts were changed already.
 */
export function withKind(form: RuleForm, kind: ConditionKind): RuleForm {
  if (kind !== 'composite') return withLeafKind(form, kind);
  const untouched = form.parts.every((p) => JSON.stringify(p) === JSON.stringify(emptyPart()));
  if (form.kind === 'composite' || !untouched) return { ...form, kind };
  const first: CompositePart = { ...emptyPart(), ...pick(form), prefilled: form.prefilled, kind: form.kind };
  return { ...form, kind, parts: [first, ...form.parts.slice(1)] };
}

/** The condition fields of a form (without the rule's own). */
function pick(form: ConditionFields): ConditionFields {
  const fields = emptyConditionFields();
  for (const key of Object.keys(fields) as ConditionField[]) (fields as unknown as Record<string, unknown>)[key] = form[key];
  return fields;
}

/** A number typed at `field`: undefined when blank (a reason when required) or not a number. */
function numberAt(raw: string, field: FormField, errors: Map<FormField, string>, required: boolean, integer = false): number | undefined {
  const trimmed = raw.trim();
  if (!trimmed) {
    if (required) errors.set(field, 'Required.');
    return undefined;
  }
  const value = Number(trimmed);
  if (!Number.isFinite(value)) errors.set(field, 'A number, please.');
  else if (integer && !Number.isInteger(value)) errors.set(field, 'A whole number, please.');
  return value;
}

function put(key: string, value: unknown, into: Record<string, unknown>): void {
  if (value !== undefined) into[key] = value;
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
};

/**
 * Where an API field problem belongs in the form. Locations come as `body.condition.clear` (the
 * rule checks), `body.condition.threshold.set` (the schema, naming the condition type) or
 * `body.rule.…` (a draft backtest); what no field holds goes to '' (shown above the form).
 */
export function fieldOfLocation(location: string, kind: ConditionKind): FormField {
  const parts = location.split('.');
  if (parts[0] === 'body') parts.shift();
  if (parts[0] === 'rule') parts.shift();
  const path = parts.join('.');
  if (path === 'flap' || path.startsWith('flap.')) return 'flapJson';
  if (path === 'escalation' || path.startsWith('escalation.')) return 'escalationJson';
  if (parts[0] === 'condition') {
    const inside = withoutTag(parts.slice(1));
    if (kind === 'composite') return compositeField(inside);
    return CONDITION_FIELDS[inside.join('.')] ?? '';
  }
  return FORM_FIELDS[path] ?? '';
}

/** A path inside a condition without the condition type the schema names first. */
function withoutTag(path: string[]): string[] {
  return CONDITION_TAGS.has(path[0] ?? '') ? path.slice(1) : path;
}

/** A location inside a composite (after `condition`): its op, its list, or a field of one part. */
function compositeField(path: string[]): FormField {
  if (path[0] === 'op') return 'compositeOp';
  if (path[0] !== 'conditions') return 'parts';
  const index = Number(path[1]);
  if (!Number.isInteger(index)) return 'parts';
  const tag = path[2] ?? '';
  const rest = withoutTag(path.slice(2));
  if (tag === 'composite' || rest[0] === 'conditions') return `parts.${index}.nested`;
  if (rest[0] === 'metric') return `parts.${index}.metric`;
  const field = CONDITION_FIELDS[rest.join('.')];
  return field ? `parts.${index}.${field}` : `parts.${index}.kind`;
}

/** An API problem's field reasons, placed at the form's fields. */
export function ruleFieldErrors(error: unknown, kind: ConditionKind): Map<FormField, string> {
  const out = new Map<FormField, string>();
  if (!(error instanceof ApiError)) return out;
  for (const { location, message } of error.problem.errors ?? []) {
    const field = fieldOfLocation(location, kind);
    // shown at its field, a reason need not repeat the path it starts with (`condition.clear: …`)
    const text = field && !field.endsWith('Json') && !field.endsWith('nested') ? message.replace(/^[\w.[\]]+: /, '') : message;
    out.set(field, out.has(field) ? `${out.get(field)} ${text}` : text);
  }
  return out;
}

function text(value: number | null | undefined): string {
  return value == null ? '' : String(value);
}
