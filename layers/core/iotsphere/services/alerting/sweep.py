"""The scheduled sweep: missing-data alarms, readings that waited past their lateness, escalation
of unacknowledged alarms and the end of flapping. Repeating a sweep at the same ``now`` changes
nothing: every moment it names is derived from stored times, never from when it ran.

It reads only the evaluator states that are due (``sweep_due``), and saves each of them with its
next due time, so the next sweep reads none of them again until then.

A rule saved or deleted marks its organization's states due at once (``DUE_AT_ONCE``): each is
swept under the rules as they are now and saved with its own due time, even when nothing else
changed. A marked device heard within ``STATE_DEFERRAL_S`` is left for a later sweep: its stored
copy may lag readings the evaluator holds and has not written yet (the store defers such writes),
and a missing-data verdict on that copy could be false; the evaluator, meanwhile, applies the
new rule to it itself.

The states of a deleted rule are taken out of their device documents when the sweep reads them
(``EvaluatorStateStore.remove``); those of a disabled rule stay, set aside, since it may be
enabled again. It costs no search of its own: deleting a rule marks the organization's documents
due, so the next sweep reads them anyway; telling deleted from disabled is one read of the rule
store by id, made only when the sweep holds states of rules that are not enabled; and a
document is written once, as setting the state aside wrote it before. A device heard within
``STATE_DEFERRAL_S`` loses such states too (whether its copy lags does not matter to a state no
rule reads), and stays marked.

A missing-data rule also watches devices that never reported: the sweep gives a state to each
device registered lately in the scope of such a rule, and once an hour per organization to each
registered device in scope still without one (``silent_devices`` says how that stays cheap)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from iotsphere.domain.alerting.alarm_handling import escalate
from iotsphere.domain.alerting.alarm_lifecycle import retire, settle
from iotsphere.domain.alerting.alarms import Alarm
from iotsphere.domain.alerting.evaluator import adopt, check_missing, release_until
from iotsphere.domain.alerting.evaluator_state import EvaluatorState
from iotsphere.domain.alerting.rules import Rule
from iotsphere.domain.alerting.scope import DeviceProfile, in_scope
from iotsphere.domain.alerting.sweep_due import DUE_AT_ONCE
from iotsphere.domain.alerting.transitions import AlarmTransition, to_ms
from iotsphere.services.alerting.alarm_updates import Changes, alarm_key, apply_verdicts, commit
from iotsphere.services.alerting.ports import STATE_DEFERRAL_S, AlertingPorts, StateKey
from iotsphere.services.alerting.silent_devices import newly_registered
from iotsphere.services.alerting.sweep_catch_up import caught_up


@dataclass(frozen=True)
class SweepResult:
    organizations: int
    states_changed: int
    transitions: list[AlarmTransition]
    states_removed: int  # of deleted rules


def sweep_missing_data(now: datetime, ports: AlertingPorts) -> SweepResult:
    """Every organization with enabled rules, open alarms or due states (one query finds the due
    states of all of them: on the MongoDB-wire server a query per organization would scan every
    document once per organization)."""
    due: dict[str, list[EvaluatorState]] = {}
    for state in ports.states.due_across_orgs(to_ms(now)):
        due.setdefault(state.org_id, []).append(state)
    orgs = sorted(
        {*ports.rules.orgs_with_enabled_rules(), *ports.alarms.orgs_with_open_alarms(), *due}
    )
    transitions: list[AlarmTransition] = []
    states_changed = states_removed = 0
    for org_id in orgs:
        rules = {rule.id: rule for rule in ports.rules.enabled_rules(org_id)}
        org_due = due.get(org_id, [])
        gone = _of_deleted_rules(org_id, org_due, rules, ports)
        kept = [s for s in org_due if s.key not in gone]
        kept += newly_registered(org_id, rules.values(), now, {s.key for s in org_due}, ports)
        changes = _sweep_org(org_id, rules, kept, now, ports)
        states_changed += len(changes.states)
        transitions += commit(changes, ports)
        ports.states.remove(list(gone.values()))
        states_removed += len(gone)
    return SweepResult(len(orgs), states_changed, transitions, states_removed)


def _of_deleted_rules(
    org_id: str, due: list[EvaluatorState], rules: dict[str, Rule], ports: AlertingPorts
) -> dict[StateKey, EvaluatorState]:
    """The due states whose rule the organization no longer has (one rule read, and only when
    some due state's rule is not enabled)."""
    idle = {s.rule_id for s in due if s.rule_id not in rules}
    if not idle:
        return {}
    deleted = idle - ports.rules.known_rule_ids(org_id, idle)
    return {s.key: s for s in due if s.rule_id in deleted}


def _sweep_org(
    org_id: str,
    rules: dict[str, Rule],
    due: list[EvaluatorState],
    now: datetime,
    ports: AlertingPorts,
) -> Changes:
    now_ms = to_ms(now)
    due = _without_recently_heard(due, now_ms)
    states = [s for s in due if s.rule_id in rules]
    changes = Changes(states=[_set_aside(s) for s in due if s.rule_id not in rules])
    alarms = {a.id: a for a in ports.alarms.open_or_flapping(org_id)}
    keys = [alarm_key(rules[s.rule_id], s.device_id) for s in states]
    alarms.update(ports.alarms.load(org_id, [k for k in keys if k not in alarms]))
    devices = {s.device_id for s in states} | {a.device_id for a in alarms.values()}
    profiles = ports.devices.profiles(sorted(devices))
    under_rules = [(adopt(s, rules[s.rule_id]), rules[s.rule_id]) for s in states]
    caught = caught_up(under_rules, ports.history, now_ms)
    for saved, key, (state, verdicts) in zip(states, keys, caught, strict=True):
        rule = rules[saved.rule_id]
        if state.pending:  # the watermark moves only for what waits: a reading never lags it
            state, released = release_until(state, rule, now_ms - rule.lateness_s * 1000)
            verdicts = verdicts + released
        state, raised = check_missing(state, rule, now_ms)
        if state == saved:
            continue
        changes.states.append(state)
        before = alarms.get(key)
        after, made = apply_verdicts(before, rule, saved.device_id, verdicts + raised, now)
        if after is not None:
            alarms[key] = after
        changes.add(before, after, made, rule.name, _profile(profiles, org_id, saved.device_id))
    for alarm in list(alarms.values()):
        device = _profile(profiles, org_id, alarm.device_id)
        alarm_rule = rules.get(alarm.rule_id)
        if alarm_rule is not None and _applies(alarm_rule, alarm, profiles.get(alarm.device_id)):
            _escalate_and_settle(alarm, alarm_rule, now, changes, device)
        elif alarm.is_open:
            _retire(alarm, now, changes, device)
    return changes


def _without_recently_heard(due: list[EvaluatorState], now_ms: int) -> list[EvaluatorState]:
    """Leaves out every state of a device marked due at once and heard within
    ``STATE_DEFERRAL_S`` (the module docstring says why); it stays marked, since none of its
    states is saved."""
    recent = now_ms - int(STATE_DEFERRAL_S * 1000)
    held = {
        s.device_id
        for s in due
        if s.due_ms == DUE_AT_ONCE and s.received_ms is not None and s.received_ms > recent
    }
    return [s for s in due if s.device_id not in held]


def _set_aside(state: EvaluatorState) -> EvaluatorState:
    """A due state of a disabled rule is due no more: read at every sweep, it would keep its
    device's document due for good. Enabling the rule marks it due again."""
    return state.model_copy(update={"due_ms": None})


def _applies(rule: Rule, alarm: Alarm, device: DeviceProfile | None) -> bool:
    """Whether the rule still watches the alarm's device and metric (a device gone from the
    registry is watched by nothing)."""
    return device is not None and rule.metric == alarm.metric and in_scope(rule, device)


def _retire(alarm: Alarm, now: datetime, changes: Changes, device: DeviceProfile) -> None:
    """An open alarm whose rule no longer applies clears, named by its rule id."""
    after, cleared = retire(alarm, now)
    changes.add(alarm, after, cleared, alarm.rule_id, device)


def _escalate_and_settle(
    alarm: Alarm, rule: Rule, now: datetime, changes: Changes, device: DeviceProfile
) -> None:
    before = changes.alarms.get(alarm.id, alarm)
    after, escalated = escalate(before, rule, now)
    after, settled = settle(after, rule, now)
    if escalated or settled:
        changes.add(alarm, after, escalated + settled, rule.name, device)


def _profile(profiles: dict[str, DeviceProfile], org_id: str, device_id: str) -> DeviceProfile:
    """A device no longer in the directory still has its alarms swept (matched by id only)."""
    return profiles.get(device_id) or DeviceProfile(device_id=device_id, org_id=org_id)
