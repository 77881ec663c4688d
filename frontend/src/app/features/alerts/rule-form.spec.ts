import { ApiError } from '../../core/api/problem';
import { COMPOSITE_LIMITS, CONDITION_LIMITS, type NumberLimits } from '../../core/api/rule-limits.generated';
import {
  AGGREGATE_FUNCTIONS, boundsHint, boundsOf, COMPOSITE_PARTS, conditionBounds, emptyPart, emptyRuleForm, fieldOfLocation, fieldHint, formFromRule, metricsOffered, ruleFieldErrors, ruleFromForm,
  withKind, withLeafKind, withTyped,
  type CompositePart, type ConditionField, type LeafKind, type Rule, type RuleForm,
} from './rule-form';

const form = (patch: Partial<RuleForm>): RuleForm => ({ ...emptyRuleForm(), id: 'hot', name: 'Hot', ...patch });

function rule(f: RuleForm) {
  const result = ruleFromForm(f);
  if (!result.ok) throw new Error([...result.errors].join('; '));
  return result.rule;
}

describe('rule form to rule JSON', () => {
  it('writes a threshold with hysteresis and duration, leaving blanks out', () => {
    expect(rule(form({ scopeKind: 'device_type', scopeValue: ' pump ', set: '80', clear: '75', durationS: '300' }))).toEqual({
      name: 'Hot',
      enabled: true,
      scope: { kind: 'device_type', value: 'pump' },
      metric: 'temperature',
      severity: 'major',
      condition: { type: 'threshold', op: 'above', set: 80, clear: 75, duration_s: 300 },
    });
    expect(rule(form({ set: '80' })).condition).toEqual({ type: 'threshold', op: 'above', set: 80 });
    expect(rule(form({ set: '1', scopeKind: 'all', scopeValue: 'ignored' })).scope).toEqual({ kind: 'all' });
  });

  it('writes aggregate, rate and missing-data conditions', () => {
    expect(rule(form({ kind: 'aggregate', fn: 'percentile', percentile: '95', windowS: '600', set: '4.5', minPoints: '30' })).condition).toEqual({
      type: 'aggregate', function: 'percentile', window_s: 600, op: 'above', set: 4.5, percentile: 95, min_points: 30,
    });
    expect(rule(form({ kind: 'aggregate', fn: 'mean', percentile: '95', windowS: '60', set: '1' })).condition).not.toHaveProperty('percentile');
    expect(rule(form({ kind: 'rate', per: 'second', windowS: '300', op: 'below', set: '-2', clear: '-0.5' })).condition).toEqual({
      type: 'rate', per: 'second', window_s: 300, op: 'below', set: -2, clear: -0.5,
    });
    expect(rule(form({ kind: 'missing_data', timeoutS: '120', latenessS: '0' }))).toMatchObject({ condition: { type: 'missing_data', timeout_s: 120 }, lateness_s: 0 });
  });

  it('writes band and anomaly conditions from their fields, no JSON typed', () => {
    expect(rule(form({ kind: 'band', op: 'inside', low: '2', high: '8', clearLow: '1.5', clearHigh: '', durationS: '60' })).condition).toEqual({
      type: 'band', op: 'inside', low: 2, high: 8, clear_low: 1.5, duration_s: 60,
    });
    expect(rule(form({ kind: 'band', op: 'above', low: '-1', high: '1' })).condition).toMatchObject({ op: 'outside' });
    expect(rule(form({ kind: 'anomaly', method: 'robust_z_diff', windowS: '900', minPoints: '30', set: '', clear: '2.5' })).condition).toEqual({
      type: 'anomaly', method: 'robust_z_diff', window_s: 900, min_points: 30, clear: 2.5,
    });
    expect(rule(form({ kind: 'anomaly', windowS: '', set: '4' })).condition).toEqual({ type: 'anomaly', method: 'robust_z', set: 4 });
  });

  it('names the fields it can tell are wrong', () => {
    const result = ruleFromForm(form({ set: 'hot', windowS: '', kind: 'aggregate', metric: ' ', scopeKind: 'group', latenessS: '1.5' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.fromEntries(result.errors)).toEqual({
      set: 'A number, please.',
      windowS: 'Required.',
      metric: 'Required.',
      scopeValue: 'Name the device, group, tag or type.',
      latenessS: 'A whole number, please.',
    });
    const band = ruleFromForm(form({ kind: 'band', low: '', high: 'x' }));
    expect(!band.ok && Object.fromEntries(band.errors)).toEqual({ low: 'Required.', high: 'A number, please.' });
  });

  it('reads a saved rule back into the same fields', () => {
    const saved = {
      id: 'agg', org_id: 'o', name: 'P95', enabled: false, scope: { kind: 'tag', value: 'roof' }, metric: 'vibration', severity: 'minor', lateness_s: 30,
      condition: { type: 'aggregate', function: 'percentile', percentile: 95, window_s: 600, op: 'above', set: 4.5, clear: null, duration_s: 0, min_points: 30 },
    } as Rule;
    const f = formFromRule(saved);
    expect(f).toMatchObject({ id: 'agg', name: 'P95', enabled: false, scopeKind: 'tag', scopeValue: 'roof', kind: 'aggregate', fn: 'percentile', percentile: '95', windowS: '600', set: '4.5', clear: '', durationS: '', minPoints: '30', latenessS: '30' });
    expect(rule(f)).toEqual({
      name: 'P95', enabled: false, scope: { kind: 'tag', value: 'roof' }, metric: 'vibration', severity: 'minor', lateness_s: 30,
      condition: { type: 'aggregate', function: 'percentile', window_s: 600, op: 'above', set: 4.5, percentile: 95, min_points: 30 },
    });
  });

  it('offers the spread aggregate (max - min, a stuck sensor) and reads a saved one back', () => {
    expect(AGGREGATE_FUNCTIONS).toContain('spread');
    const saved = {
      id: 'stuck', org_id: 'o', name: 'Stuck', scope: { kind: 'all' }, metric: 't', severity: 'minor', lateness_s: 60,
      condition: { type: 'aggregate', function: 'spread', window_s: 3600, op: 'below', set: 0.01, clear: null, duration_s: 0, min_points: 2 },
    } as Rule;
    expect(rule(formFromRule(saved)).condition).toEqual({ type: 'aggregate', function: 'spread', window_s: 3600, op: 'below', set: 0.01, min_points: 2 });
  });

  it('keeps flap suppression and escalation of a saved rule', () => {
    const saved = {
      id: 'e', org_id: 'o', name: 'E', scope: { kind: 'all' }, metric: 't', severity: 'major', condition: { type: 'missing_data', timeout_s: 300 },
      flap: null, escalation: [{ after_s: 900, notify: 'shift-lead' }, { after_s: 3600, severity: 'critical', notify: 'on-call' }],
    } as Rule;
    const f = formFromRule(saved);
    expect(f.flapJson).toBe('null');
    expect(rule(f)).toMatchObject({ flap: null, escalation: saved.escalation });
    expect(rule({ ...f, flapJson: '', escalationJson: '' })).not.toHaveProperty('flap');
    const bad = ruleFromForm({ ...f, escalationJson: '{"after_s": 1}' });
    expect(!bad.ok && bad.errors.get('escalationJson')).toMatch(/JSON list/);
    expect(fieldOfLocation('body.escalation.1.severity', 'threshold')).toBe('escalationJson');
    expect(fieldOfLocation('body.flap.window_s', 'threshold')).toBe('flapJson');
  });

  it('reads a band or anomaly rule into its fields and writes it back the same', () => {
    const saved = (condition: object) => ({ id: 'b', org_id: 'o', name: 'B', scope: { kind: 'all' }, metric: 't', severity: 'info', condition }) as Rule;
    const band = { type: 'band', op: 'outside', low: 2, high: 8, clear_low: 2.5, clear_high: null, duration_s: 0 };
    const f = formFromRule(saved(band));
    expect(f).toMatchObject({ kind: 'band', op: 'outside', low: '2', high: '8', clearLow: '2.5', clearHigh: '', durationS: '' });
    expect(rule(f).condition).toEqual({ type: 'band', op: 'outside', low: 2, high: 8, clear_low: 2.5 });
    const anomaly = { type: 'anomaly', method: 'robust_z_diff', window_s: 600, min_points: 20, set: 3.5, clear: null, duration_s: 30 };
    const g = formFromRule(saved(anomaly));
    expect(g).toMatchObject({ kind: 'anomaly', method: 'robust_z_diff', windowS: '600', minPoints: '20', set: '3.5', clear: '', durationS: '30' });
    expect(rule(g).condition).toEqual({ type: 'anomaly', method: 'robust_z_diff', window_s: 600, min_points: 20, set: 3.5, duration_s: 30 });
  });

  it('keeps a comparison the kind has when the kind changes', () => {
    expect(withLeafKind(form({ op: 'below' }), 'band').op).toBe('outside');
    expect(withLeafKind(form({ op: 'inside' }), 'band').op).toBe('inside');
    expect(withLeafKind(form({ op: 'inside' }), 'rate')).toMatchObject({ kind: 'rate', op: 'above' });
    expect(withLeafKind(form({ op: 'below' }), 'aggregate').op).toBe('below');
  });

  it('gives a new condition the window of its kind until the operator types one', () => {
    const anomaly = withLeafKind(emptyRuleForm(), 'anomaly');
    expect(anomaly.windowS).toBe(String(conditionBounds('anomaly', 'windowS')?.blank));
    expect(rule({ ...anomaly, id: 'odd' }).condition).toEqual({ type: 'anomaly', method: 'robust_z', window_s: 600 });
    expect(withLeafKind(anomaly, 'aggregate').windowS).toBe('300');
    expect(withLeafKind(withLeafKind(emptyPart(), 'rate'), 'anomaly').windowS).toBe('600');
    expect(withLeafKind(emptyRuleForm(), 'missing_data').timeoutS).toBe('300');
    // typed by the operator, even the very text the kind starts with: kept
    const typed = withTyped(withLeafKind(emptyPart(), 'aggregate'), 'windowS', '300');
    expect(withLeafKind(typed, 'anomaly').windowS).toBe('300');
    expect(withLeafKind(withTyped(anomaly, 'windowS', '900'), 'rate').windowS).toBe('900');
    expect(withTyped(anomaly, 'set', '4')).toMatchObject({ set: '4', windowS: '600', prefilled: anomaly.prefilled });
  });

  it('keeps a saved rule’s window when its kind changes, and fills only what it did not hold', () => {
    const saved = (condition: object) => formFromRule({ id: 's', org_id: 'o', name: 'S', scope: { kind: 'all' }, metric: 't', severity: 'info', condition } as Rule);
    const aggregate = saved({ type: 'aggregate', function: 'mean', window_s: 300, op: 'above', set: 1, min_points: 1, duration_s: 0 });
    expect(aggregate).toMatchObject({ minPoints: '', durationS: '' }); // the API's defaults: shown as blanks
    expect(withLeafKind(aggregate, 'anomaly').windowS).toBe('300');
    expect(withLeafKind(saved({ type: 'threshold', op: 'above', set: 80, duration_s: 0 }), 'anomaly').windowS).toBe('600');
    const heartbeat = saved({ type: 'missing_data', timeout_s: 120 });
    expect(withLeafKind(heartbeat, 'rate').windowS).toBe('300');
    expect(withLeafKind(withLeafKind(heartbeat, 'rate'), 'missing_data').timeoutS).toBe('120');
    const part = saved({ type: 'composite', op: 'and', conditions: [{ type: 'rate', per: 'minute', window_s: 60, op: 'above', set: 1 }, { type: 'threshold', op: 'above', set: 2 }] }).parts;
    expect(withLeafKind(part[0], 'anomaly').windowS).toBe('60');
    expect(withLeafKind(part[1], 'anomaly').windowS).toBe('600');
  });

  it('hints the API’s limits of each kind’s fields', () => {
    expect(fieldHint('aggregate', 'windowS')).toBe('1 to 3600 s');
    expect(fieldHint('rate', 'windowS')).toBe('1 to 3600 s');
    expect(fieldHint('anomaly', 'windowS')).toBe('1 to 3600 s; blank: 600');
    expect(fieldHint('anomaly', 'minPoints')).toBe('at least 3; blank: 20');
    expect(fieldHint('aggregate', 'minPoints')).toBe('at least 1; blank: 1');
    expect(fieldHint('anomaly', 'set')).toBe('above 0; blank: 3.5');
    expect(fieldHint('missing_data', 'timeoutS')).toBe('10 to 604800 s');
    expect(fieldHint('threshold', 'durationS')).toBe('0 to 86400 s; blank: 0');
    expect(fieldHint('anomaly', 'clear')).toBe('at least 0');
    expect(fieldHint('aggregate', 'percentile')).toBe('0 to 100');
    expect(fieldHint('threshold', 'set')).toBe('');
  });

  it('reads a field’s bounds from the JSON Schema keywords the API states', () => {
    expect(boundsOf({ type: 'integer', exclusiveMinimum: 0, maximum: 3600 }, 'window_s')).toEqual({ min: 1, max: 3600, unit: 's' });
    expect(boundsOf({ type: 'number', exclusiveMinimum: 0, default: 3.5 }, 'set')).toEqual({ min: 0, above: true, blank: 3.5 });
    expect(boundsOf({ type: 'integer', minimum: 0, maximum: 86_400, default: 0 }, 'duration_s')).toEqual({ min: 0, max: 86_400, blank: 0, unit: 's' });
    expect(boundsOf({ type: 'integer', exclusiveMaximum: 10 }, 'count')).toEqual({ max: 9 });
    expect(boundsOf({ type: 'number', exclusiveMinimum: -1, exclusiveMaximum: 1 }, 'level')).toEqual({ min: -1, above: true, max: 1, below: true });
    expect(boundsHint({ min: -1, above: true, max: 1, below: true })).toBe('above -1 and below 1');
    expect(boundsHint({ max: 9 })).toBe('at most 9');
    expect(boundsHint({ max: 1, below: true, blank: 0.5 })).toBe('below 1; blank: 0.5');
    expect(boundsHint({ blank: 7, unit: 's' })).toBe('blank: 7 s');
  });

  it('hints every limit and default the API states for a condition, at the field that holds it', () => {
    const stated = Object.entries(CONDITION_LIMITS).flatMap(([kind, fields]) =>
      Object.entries(fields as Readonly<Record<string, NumberLimits>>).map(([api, limits]) => ({ kind: kind as LeafKind, api, limits })),
    );
    expect(stated.length).toBeGreaterThan(10);
    for (const { kind, api, limits } of stated) {
      const field = fieldOfLocation(`body.condition.${api}`, kind) as ConditionField;
      expect(field, `${kind}.${api}`).not.toBe('');
      expect(conditionBounds(kind, field), `${kind}.${api}`).toEqual(boundsOf(limits, api));
      expect(fieldHint(kind, field), `${kind}.${api}`).not.toBe('');
    }
    expect(COMPOSITE_PARTS).toEqual({ min: COMPOSITE_LIMITS.minItems, max: COMPOSITE_LIMITS.maxItems });
    expect(COMPOSITE_PARTS).toEqual({ min: 2, max: 8 });
  });

  it('reads a composite into its parts, each with its own metric, and writes it back the same', () => {
    const composite = {
      type: 'composite', op: 'or',
      conditions: [
        { type: 'threshold', op: 'above', set: 80 },
        { type: 'aggregate', metric: 'vibration', function: 'count', window_s: 60, op: 'above', set: 45 },
        { type: 'composite', op: 'and', conditions: [{ type: 'threshold', op: 'above', set: 1 }, { type: 'threshold', metric: 'rpm', op: 'below', set: 2 }] },
      ],
    };
    const f = formFromRule({ id: 'c', org_id: 'o', name: 'C', scope: { kind: 'device_type', value: 'press' }, metric: 'temperature', severity: 'info', condition: composite } as Rule);
    expect(f.kind).toBe('composite');
    expect(f.compositeOp).toBe('or');
    expect(f.parts.map((p) => [p.kind, p.metric])).toEqual([['threshold', ''], ['aggregate', 'vibration'], ['nested', '']]);
    expect(f.parts[1]).toMatchObject({ fn: 'count', windowS: '60', op: 'above', set: '45' });
    expect(f.parts[2].nested).toEqual(composite.conditions[2]);
    expect(rule(f).condition).toEqual(composite);
  });

  it('sets a part’s own metric, blank meaning the rule’s, and names the part that is wrong', () => {
    const parts: CompositePart[] = [
      { ...emptyPart(), set: '80' },
      { ...emptyPart(), kind: 'band', op: 'outside', metric: ' vibration ', low: '-5', high: '5' },
    ];
    expect(rule(form({ kind: 'composite', compositeOp: 'and', parts })).condition).toEqual({
      type: 'composite', op: 'and',
      conditions: [{ type: 'threshold', op: 'above', set: 80 }, { type: 'band', metric: 'vibration', op: 'outside', low: -5, high: 5 }],
    });
    const bad = ruleFromForm(form({ kind: 'composite', parts: [parts[0], { ...parts[1], high: 'loud', kind: 'band' }, { ...emptyPart(), kind: 'rate', windowS: '' }] }));
    expect(!bad.ok && Object.fromEntries(bad.errors)).toEqual({ 'parts.1.high': 'A number, please.', 'parts.2.windowS': 'Required.', 'parts.2.set': 'Required.' });
    const one = ruleFromForm(form({ kind: 'composite', parts: [parts[0]] }));
    expect(!one.ok && one.errors.get('parts')).toBe('A composite joins 2 to 8 conditions.');
    expect(emptyRuleForm().parts).toHaveLength(2);
  });

  it('keeps the condition typed so far as the first part when the condition turns composite', () => {
    const turned = withKind(form({ kind: 'rate', per: 'second', windowS: '60', set: '80', clear: '75' }), 'composite');
    expect(turned.kind).toBe('composite');
    expect(turned.parts[0]).toMatchObject({ kind: 'rate', metric: '', per: 'second', windowS: '60', set: '80', clear: '75' });
    expect(turned.parts[1]).toEqual(emptyPart());
    const written = rule({ ...turned, parts: [turned.parts[0], { ...emptyPart(), set: '1' }] }).condition as { conditions: object[] };
    expect(written.conditions[0]).toEqual({ type: 'rate', per: 'second', window_s: 60, op: 'above', set: 80, clear: 75 });
    const typed = { ...turned, parts: [{ ...emptyPart(), metric: 'rpm', op: 'below' as const, set: '1' }, turned.parts[1]] };
    expect(withKind({ ...typed, kind: 'threshold' }, 'composite').parts).toEqual(typed.parts); // parts typed already stay
    expect(withKind(form({}), 'rate').kind).toBe('rate');
  });

  it('offers the metrics the scope’s device type declares', () => {
    const types = [{ id: 'press', metrics: [{ name: 'temperature' }, { name: 'vibration' }] }, { id: 'pump', metrics: [] }];
    expect(metricsOffered(form({ scopeKind: 'device_type', scopeValue: ' press ' }), types)).toEqual(['temperature', 'vibration']);
    expect(metricsOffered(form({ scopeKind: 'device_type', scopeValue: 'pump' }), types)).toEqual([]);
    expect(metricsOffered(form({ scopeKind: 'group', scopeValue: 'press' }), types)).toEqual([]);
  });
});

describe('API problems at the rule form fields', () => {
  it('maps rule checks, schema locations and draft backtests to fields', () => {
    expect(fieldOfLocation('body.condition.clear', 'threshold')).toBe('clear');
    expect(fieldOfLocation('body.condition.threshold.set', 'threshold')).toBe('set');
    expect(fieldOfLocation('body.rule.condition.aggregate.window_s', 'aggregate')).toBe('windowS');
    expect(fieldOfLocation('body.rule.scope.value', 'threshold')).toBe('scopeValue');
    expect(fieldOfLocation('body.metric', 'threshold')).toBe('metric');
    expect(fieldOfLocation('body.condition.band.clear_low', 'band')).toBe('clearLow');
    expect(fieldOfLocation('body.condition.method', 'anomaly')).toBe('method');
    expect(fieldOfLocation('body.condition.conditions.1.metric', 'composite')).toBe('parts.1.metric');
    expect(fieldOfLocation('body.condition.composite.conditions.0.threshold.set', 'composite')).toBe('parts.0.set');
    expect(fieldOfLocation('body.condition.conditions.1.clear_high', 'composite')).toBe('parts.1.clearHigh');
    expect(fieldOfLocation('body.condition.conditions.1.band', 'composite')).toBe('parts.1.kind');
    expect(fieldOfLocation('body.condition.composite.conditions.2.composite.conditions.0.threshold.set', 'composite')).toBe('parts.2.nested');
    expect(fieldOfLocation('body.rule.condition.composite.conditions.1.threshold.metric', 'composite')).toBe('parts.1.metric');
    expect(fieldOfLocation('body.condition.op', 'composite')).toBe('compositeOp');
    expect(fieldOfLocation('body.condition.conditions', 'composite')).toBe('parts');
    expect(fieldOfLocation('body.end', 'threshold')).toBe('');
    expect(fieldOfLocation('body.condition', 'rate')).toBe('');
  });

  it('collects the reasons of a problem by field', () => {
    const error = new ApiError({
      type: 'about:blank', title: 'Unprocessable', status: 422, detail: 'two problems',
      errors: [
        { location: 'body.condition.clear', message: 'condition.clear: clear is above set' },
        { location: 'body.condition.threshold.clear', message: 'and again' },
        { location: 'body.start', message: 'too old' },
      ],
    });
    expect(Object.fromEntries(ruleFieldErrors(error, 'threshold'))).toEqual({ clear: 'clear is above set and again', '': 'too old' });
    expect(ruleFieldErrors(new Error('x'), 'threshold').size).toBe(0);
  });
});
