"""Rules per organization, kept for a few seconds: a saved change takes effect within the TTL."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection

from iotsphere.domain.alerting.rules import Rule
from iotsphere.services.alerting.ports import RuleSource

DEFAULT_TTL_S = 5.0


class RuleCache:
    def __init__(
        self,
        source: RuleSource,
        ttl_s: float = DEFAULT_TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._source = source
        self._ttl_s = ttl_s
        self._clock = clock
        self._rules: dict[str, tuple[float, list[Rule]]] = {}

    def enabled_rules(self, org_id: str) -> list[Rule]:
        now = self._clock()
        cached = self._rules.get(org_id)
        if cached is not None and now - cached[0] < self._ttl_s:
            return cached[1]
        rules = self._source.enabled_rules(org_id)
        self._rules[org_id] = (now, rules)
        return rules

    def orgs_with_enabled_rules(self) -> list[str]:
        return self._source.orgs_with_enabled_rules()

    def known_rule_ids(self, org_id: str, rule_ids: Collection[str]) -> set[str]:
        return self._source.known_rule_ids(org_id, rule_ids)
