"""The evaluator's alarm store, which holds repeats.

Every reading in breach of an open alarm's rule is a repeat: the alarm's count, newest reading
and value change, and nothing else. Saved at once, a fleet in breach costs one alarm write per
reading, the most expensive write of an evaluation on the MongoDB-wire server. Held here, an
alarm's repeats are saved at most once per ``hold_s``: at the first save of this process after
the hold is over, read afresh and joined (``with_repeats``) so that whatever another writer saved
meanwhile (an acknowledgement, an escalation) stays. Any other change is saved at once, with the
repeats held so far, and every read through this store shows them.

What a process that ends leaves unsaved is its held repeats: an alarm's count and newest value
lag by at most ``hold_s`` of readings, never a raise, a clear or a notification.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from itertools import takewhile

from iotsphere.domain.alerting.alarm_lifecycle import with_repeats
from iotsphere.domain.alerting.alarms import Alarm
from iotsphere.services.alerting.errors import ConcurrentUpdateError
from iotsphere.services.alerting.ports import AlarmStore

HOLD_S = 10.0


@dataclass
class _Held:
    alarm: Alarm
    since: float  # clock of the first repeat held since the alarm was last saved


class RepeatHoldingAlarms:
    """An ``AlarmStore`` over another: ``save_repeats`` holds, everything else passes through,
    with this process's held repeats joined to what is read."""

    def __init__(
        self,
        store: AlarmStore,
        hold_s: float = HOLD_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._hold_s = hold_s
        self._clock = clock
        self._held: dict[str, _Held] = {}  # in the order held: the oldest come due first

    def load(self, org_id: str, alarm_ids: Collection[str]) -> dict[str, Alarm]:
        return {i: self._joined(a) for i, a in self._store.load(org_id, alarm_ids).items()}

    def open_or_flapping(self, org_id: str) -> list[Alarm]:
        return [self._joined(a) for a in self._store.open_or_flapping(org_id)]

    def orgs_with_open_alarms(self) -> list[str]:
        return self._store.orgs_with_open_alarms()

    def save(self, alarms: Sequence[Alarm]) -> None:
        """At once; these alarms were read through this store, so they carry the repeats held."""
        self._store.save(alarms)
        for alarm in alarms:
            self._held.pop(alarm.id, None)

    def save_repeats(self, alarms: Sequence[Alarm]) -> None:
        """Hold these, then save what has been held for ``hold_s``."""
        now = self._clock()
        for alarm in alarms:
            held = self._held.get(alarm.id)
            if held is None:
                self._held[alarm.id] = _Held(alarm, now)
            else:
                held.alarm = alarm
        self._save_due(now)

    def _joined(self, stored: Alarm) -> Alarm:
        held = self._held.get(stored.id)
        return stored if held is None else with_repeats(stored, held.alarm)

    def _save_due(self, now: float) -> None:
        """Each organization's due alarms read afresh, joined and saved in one write. One saved
        by someone else in between stays held (the next save tries again, joined to it)."""
        due = takewhile(lambda held: now - held.since >= self._hold_s, self._held.values())
        by_org: dict[str, list[str]] = defaultdict(list)
        for held in due:
            by_org[held.alarm.org_id].append(held.alarm.id)
        for org_id, ids in by_org.items():
            stored = self._store.load(org_id, ids)
            joined = [with_repeats(a, self._held[a.id].alarm) for a in stored.values()]
            try:
                self._store.save([a for a in joined if a != stored[a.id]])
            except ConcurrentUpdateError:
                continue
            for alarm_id in ids:
                del self._held[alarm_id]
