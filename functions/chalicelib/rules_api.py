"""Alerts API, rules: what to watch and when to raise an alarm; backtests of saved and draft rules
over stored history."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.http import Api, RequestContext
from chalicelib.http.clock import now
from iotsphere import bootstrap
from iotsphere.domain.alerting.conditions import Condition
from iotsphere.domain.alerting.rules import (
    ID_PATTERN,
    EscalationStep,
    FlapPolicy,
    Rule,
    Scope,
    Severity,
)
from iotsphere.domain.identity.paging import Page
from iotsphere.domain.identity.roles import Permission
from iotsphere.domain.telemetry import METRIC_NAME_PATTERN
from iotsphere.domain.timestamps import IsoDateTime
from iotsphere.services.alerting import backtest, listing, rule_admin
from iotsphere.services.alerting.backtest import BacktestAlarm

api = Api(
    tag="rules",
    description="Alert rules (scope, metric, severity, condition) and backtests over history",
)
bp = api.blueprint

RuleName = Annotated[str, Field(min_length=1, max_length=200)]


class RulePath(BaseModel):
    rule_id: str = Field(pattern=ID_PATTERN.pattern, description="chosen by whoever saves it")


class RuleDefinition(BaseModel):
    """A rule as saved; its id comes from the path and its organization from the caller."""

    model_config = ConfigDict(extra="forbid")

    v: Literal[1] = 1
    name: RuleName
    enabled: bool = True
    scope: Scope
    metric: str = Field(pattern=METRIC_NAME_PATTERN.pattern)
    severity: Severity
    condition: Condition
    lateness_s: Annotated[int, Field(ge=0, le=300)] = 60
    flap: FlapPolicy | None = Field(default_factory=FlapPolicy, description="null: no flap")
    escalation: list[EscalationStep] = Field(default_factory=list, max_length=5)

    def fields(self) -> dict[str, object]:
        """What the caller wrote; the rule model fills in the rest."""
        return self.model_dump(exclude_unset=True)


class RuleDraft(RuleDefinition):
    """A rule to try before saving it: a name is optional."""

    name: RuleName = "draft"


class BacktestRange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    v: Literal[1] = 1
    start: IsoDateTime
    end: IsoDateTime = Field(description=f"at most {backtest.MAX_RANGE.days} days after start")


class DraftBacktest(BacktestRange):
    rule: RuleDraft


class BacktestResult(BaseModel):
    v: Literal[1] = 1
    alarms: list[BacktestAlarm] = Field(description="by raise time; cleared_at null: still raised")


@api.route(
    "GET",
    "/rules",
    summary="Rules of the organization by id, filtered by metric, severity or enabled",
    permission=Permission.READ,
    query=listing.RuleQuery,
    response=Page[Rule],
)
def list_rules(ctx: RequestContext, query: listing.RuleQuery) -> Page[Rule]:
    return listing.list_rules(ctx.caller.org_id, query, bootstrap.alert_admin_ports().rules)


@api.route(
    "GET",
    "/rules/{rule_id}",
    summary="One rule",
    permission=Permission.READ,
    path_params=RulePath,
    response=Rule,
)
def get_rule(ctx: RequestContext, path: RulePath) -> Rule:
    return rule_admin.get_rule(ctx.caller.org_id, path.rule_id, bootstrap.alert_admin_ports().rules)


@api.route(
    "PUT",
    "/rules/{rule_id}",
    summary="Create or replace a rule; checked on save, the problem names the field",
    permission=Permission.MANAGE_RULES,
    path_params=RulePath,
    body=RuleDefinition,
    response=Rule,
)
def put_rule(ctx: RequestContext, path: RulePath, body: RuleDefinition) -> Rule:
    ports = bootstrap.alert_admin_ports()
    return rule_admin.save_rule(
        ctx.caller.org_id,
        path.rule_id,
        body.fields(),
        ports.rules,
        ports.types,
        bootstrap.alerting_ports(),
        now(),
    )


@api.route(
    "DELETE",
    "/rules/{rule_id}",
    summary="Delete a rule; its open alarms clear at the next sweep",
    permission=Permission.MANAGE_RULES,
    path_params=RulePath,
    status=204,
)
def delete_rule(ctx: RequestContext, path: RulePath) -> None:
    rules = bootstrap.alert_admin_ports().rules
    rule_admin.delete_rule(ctx.caller.org_id, path.rule_id, rules, bootstrap.alerting_ports())


@api.route(
    "POST",
    "/rules/{rule_id}/backtest",
    summary="The alarms a saved rule would have raised over a past time range",
    permission=Permission.MANAGE_RULES,
    path_params=RulePath,
    body=BacktestRange,
    response=BacktestResult,
)
def backtest_saved_rule(ctx: RequestContext, path: RulePath, body: BacktestRange) -> BacktestResult:
    ports = bootstrap.alert_admin_ports()
    alarms = backtest.backtest_rule(
        ctx.caller.org_id, path.rule_id, body.start, body.end, ports.backtest, ports.rules
    )
    return BacktestResult(alarms=alarms)


@api.route(
    "POST",
    "/backtests",
    summary="The alarms a draft rule would have raised over a past time range",
    permission=Permission.MANAGE_RULES,
    body=DraftBacktest,
    response=BacktestResult,
)
def backtest_draft_rule(ctx: RequestContext, body: DraftBacktest) -> BacktestResult:
    ports = bootstrap.alert_admin_ports().backtest
    alarms = backtest.backtest_draft(
        ctx.caller.org_id, body.rule.fields(), body.start, body.end, ports
    )
    return BacktestResult(alarms=alarms)
