"""Devices that never reported: a missing-data rule raises for a device in its scope that has
sent no reading under it, its silence counted from the later of the rule's save (or enable) and
the device's registration.

The evaluator only ever meets devices that send, so such a device needs a state made for it
(``silent_state``). Two places make them, so that the sweep never scans every device of every
organization each minute:

- **Saving the rule** (the API, ``watch_silent_devices``): every registered device in scope
  without a reading under the rule gets its silence counted from the save. A device already
  raised keeps its alarm; one not raised yet starts counting again (the rule as now saved
  watches it from now).
- **The sweep** (``newly_registered``): each minute it asks the registry only for the devices
  registered in the last ``RECENT_S`` of the organizations with an enabled missing-data rule (an
  indexed range of the registry's ``created_at``; nothing more when there are none), and reads
  the states of those alone; a device without one is counted from its registration. Once an
  hour per organization (a minute of the hour fixed by its id, so organizations take turns) it
  asks for all the organization's devices, and one still without a state is counted from that
  sweep: it came into scope later (a tag, a group, a type changed), or the rule's save did not
  get to seed it. That is the one case counted late, by up to an hour.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from iotsphere.domain.alerting.conditions import MissingDataCondition
from iotsphere.domain.alerting.evaluator import silent_state
from iotsphere.domain.alerting.evaluator_state import EvaluatorState
from iotsphere.domain.alerting.rules import Rule
from iotsphere.domain.alerting.scope import in_scope
from iotsphere.domain.alerting.sweep_due import DUE_AT_ONCE, scheduled
from iotsphere.domain.alerting.transitions import to_ms
from iotsphere.domain.digests import digest
from iotsphere.services.alerting.errors import ConcurrentUpdateError
from iotsphere.services.alerting.ports import AlertingPorts, Registration, StateKey

RECENT_S = 300  # registrations the sweep looks for each minute: five sweeps' worth
MAX_ATTEMPTS = 3


def watches_silence(rule: Rule) -> bool:
    return rule.enabled and isinstance(rule.condition, MissingDataCondition)


def watch_silent_devices(rule: Rule, now_ms: int, ports: AlertingPorts) -> int:
    """On saving ``rule``: each registered device in its scope that has sent nothing under it
    gets a state whose silence counts from ``now_ms``; how many were saved. The device
    documents are read from the store (the API process's copies may be stale), and a save that
    loses to the evaluator or the sweep is made again from what they stored."""
    if not watches_silence(rule):
        return 0
    keys = [
        (rule.org_id, rule.id, r.profile.device_id, rule.metric)
        for r in ports.registrations.registered(rule.org_id, None)
        if in_scope(rule, r.profile)
    ]
    for _ in range(MAX_ATTEMPTS - 1):
        try:
            return _watch(rule, keys, now_ms, ports)
        except ConcurrentUpdateError:
            continue
    return _watch(rule, keys, now_ms, ports)


def _watch(rule: Rule, keys: list[StateKey], now_ms: int, ports: AlertingPorts) -> int:
    stored = ports.states.reload(keys).states
    watched = [
        _restarted(stored.get(key), rule, key[2], now_ms)
        for key in keys
        if _never_heard(stored.get(key))
    ]
    ports.states.save(watched)
    return len(watched)


def _never_heard(state: EvaluatorState | None) -> bool:
    """No reading came under the rule and no alarm is raised for it."""
    return state is None or (state.max_seen_ms is None and not state.active)


def _restarted(
    state: EvaluatorState | None, rule: Rule, device_id: str, since_ms: int
) -> EvaluatorState:
    """A new state counting from ``since_ms``, or the stored one counting from it again."""
    if state is None:
        return silent_state(rule, device_id, since_ms)
    return scheduled(state.model_copy(update={"silent_since_ms": since_ms}), rule)


def newly_registered(
    org_id: str,
    rules: Iterable[Rule],
    now: datetime,
    known: Collection[StateKey],
    ports: AlertingPorts,
) -> list[EvaluatorState]:
    """For the sweep: a state for each device in the scope of one of these (enabled) rules that
    watch silence and has none, as due at once (``DUE_AT_ONCE``: the sweep works out its due
    time, raises it if that has passed, and saves it). ``known`` are the keys the sweep already
    holds. A device registered within ``RECENT_S`` counts from its registration; one found by
    the hourly look at the whole registry counts from ``now``."""
    watching = [rule for rule in rules if watches_silence(rule)]
    if not watching:
        return []
    now_ms = to_ms(now)
    whole = reconciles_whole_registry(org_id, now)
    since = None if whole else now_ms - RECENT_S * 1000
    wanted = {
        (org_id, rule.id, r.profile.device_id, rule.metric): (rule, r)
        for r in ports.registrations.registered(org_id, since)
        for rule in watching
        if in_scope(rule, r.profile)
    }
    unknown = [key for key in wanted if key not in known]
    if not unknown:
        return []
    stored = ports.states.reload(unknown).states
    return [
        silent_state(rule, key[2], _counted_from(r, now_ms)).model_copy(
            update={"due_ms": DUE_AT_ONCE}
        )
        for key in unknown
        if key not in stored
        for rule, r in [wanted[key]]
    ]


def _counted_from(registration: Registration, now_ms: int) -> int:
    """A recent registration is when the device's silence began; an older device found without a
    state came into scope at some unknown moment, so it counts from now."""
    recent = now_ms - registration.registered_ms <= RECENT_S * 1000
    return registration.registered_ms if recent else now_ms


def reconciles_whole_registry(org_id: str, now: datetime) -> bool:
    """Whether this sweep looks at all of the organization's devices: once an hour, at a minute
    fixed by the organization's id."""
    return now.minute == int(digest(org_id)[:4], 16) % 60
