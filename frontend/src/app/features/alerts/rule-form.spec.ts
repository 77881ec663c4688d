import { ApiError } from '../../core/api/problem';
import { AGGREGATE_FUNCTIONS, emptyRuleForm, fieldOfLocation, formFromRule, metricsOffered, ruleFieldErrors, ruleFromForm, withKind, type Rule, type RuleForm } from './rule-form';

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

  it('takes any other condition as JSON', () => {
    const band = { type: 'band', op: 'outside', low: 2, high: 8 };
    expect(rule(form({ kind: 'json', conditionJson: JSON.stringify(band) })).condition).toEqual(band);
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
    const json = ruleFromForm(form({ kind: 'json', conditionJson: '{"op": 1' }));
    expect(!json.ok && json.errors.get('conditionJson')).toMatch(/^Not JSON/);
    const noType = ruleFromForm(form({ kind: 'json', conditionJson: '[1]' }));
    expect(!noType.ok && noType.errors.get('conditionJson')).toMatch(/"type"/);
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

  it('puts a band or anomaly rule in the JSON field', () => {
    const band = { type: 'band', op: 'outside', low: 2, high: 8 };
    const f = formFromRule({ id: 'b', org_id: 'o', name: 'B', scope: { kind: 'all' }, metric: 't', severity: 'info', condition: band } as Rule);
    expect(f.kind).toBe('json');
    expect(JSON.parse(f.conditionJson)).toEqual(band);
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
    expect(f.parts.map((p) => p.metric)).toEqual(['', 'vibration', '']);
    expect(JSON.parse(f.parts[1].conditionJson)).toEqual({ type: 'aggregate', function: 'count', window_s: 60, op: 'above', set: 45 });
    expect(rule(f).condition).toEqual(composite);
  });

  it('sets a part’s own metric, blank meaning the rule’s, and names the part that is wrong', () => {
    const parts = [
      { metric: '', conditionJson: '{"type": "threshold", "op": "above", "set": 80}' },
      { metric: ' vibration ', conditionJson: '{"type": "threshold", "op": "above", "set": 5}' },
    ];
    expect(rule(form({ kind: 'composite', compositeOp: 'and', parts })).condition).toEqual({
      type: 'composite', op: 'and',
      conditions: [{ type: 'threshold', op: 'above', set: 80 }, { type: 'threshold', metric: 'vibration', op: 'above', set: 5 }],
    });
    const bad = ruleFromForm(form({ kind: 'composite', parts: [parts[0], { metric: '', conditionJson: '{"op": ' }] }));
    expect(!bad.ok && bad.errors.get('parts.1.conditionJson')).toMatch(/^Not JSON/);
    const one = ruleFromForm(form({ kind: 'composite', parts: [parts[0]] }));
    expect(!one.ok && one.errors.get('parts')).toBe('A composite joins 2 to 8 conditions.');
    expect(emptyRuleForm().parts).toHaveLength(2);
  });

  it('keeps the condition typed so far as the first part when the condition turns composite', () => {
    const turned = withKind(form({ set: '80', clear: '75' }), 'composite');
    expect(turned.kind).toBe('composite');
    expect(JSON.parse(turned.parts[0].conditionJson)).toEqual({ type: 'threshold', op: 'above', set: 80, clear: 75 });
    expect(turned.parts[1]).toEqual({ metric: '', conditionJson: '' });
    const typed = { ...turned, parts: [{ metric: 'rpm', conditionJson: '{"type": "threshold", "op": "below", "set": 1}' }, turned.parts[1]] };
    expect(withKind({ ...typed, kind: 'threshold' }, 'composite').parts).toEqual(typed.parts); // parts typed already stay
    expect(withKind(form({ set: '' }), 'composite').parts[0].conditionJson).toBe(''); // nothing whole to keep
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
    expect(fieldOfLocation('body.condition.composite.conditions.0.threshold.set', 'json')).toBe('conditionJson');
    expect(fieldOfLocation('body.condition.conditions.1.metric', 'composite')).toBe('parts.1.metric');
    expect(fieldOfLocation('body.condition.composite.conditions.0.threshold.set', 'composite')).toBe('parts.0.conditionJson');
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
