"""Reading an alarm's transitions back from InfluxDB rows, without a server: the query binds the
caller's values, every stored field comes back, and an unreadable store is an outage."""

from datetime import UTC, datetime

import pytest
import requests
from influxdb.resultset import ResultSet

from iotsphere.adapters.influx_alarm_events import InfluxAlarmEvents
from iotsphere.domain.alerting.transitions import AlarmStatus, AlarmTransition, TransitionKind
from iotsphere.services.errors import StoreUnavailableError

ACKNOWLEDGED = AlarmTransition(
    key="k1",
    org_id="orga",
    alarm_id="a" * 32,
    rule_id="r1",
    device_id="pump-1",
    metric="temperature",
    kind=TransitionKind.ACKNOWLEDGED,
    status=AlarmStatus.ACKNOWLEDGED,
    acknowledged=True,
    severity="major",
    episode=2,
    at=datetime(2026, 11, 26, 18, 2, 0, 123000, tzinfo=UTC),
    by="ana",
)


def row_of(transition: AlarmTransition) -> list:
    """The row InfluxDB answers for the point ``influx_alert_events`` wrote (tags and fields)."""
    return [
        "2026-11-26T18:02:00.123Z",
        transition.acknowledged,
        transition.alarm_id,
        transition.by,
        transition.device_id,
        transition.episode,
        transition.key,
        str(transition.kind),
        transition.metric,
        transition.note,
        transition.notify,
        transition.org_id,
        transition.rule_id,
        str(transition.severity),
        str(transition.status),
        transition.suppressed,
        transition.target,
        transition.value,
    ]


COLUMNS = [
    "time", "acknowledged", "alarm_id", "by", "device_id", "episode", "key", "kind", "metric",
    "note", "notified", "org_id", "rule_id", "severity", "status", "suppressed", "target", "value",
]  # fmt: skip


class StubClient:
    def __init__(self, rows=(), error=None):
        self.rows = list(rows)
        self.error = error
        self.asked = []

    def query(self, statement, bind_params, database, epoch):
        self.asked.append((statement, bind_params, database))
        if self.error:
            raise self.error
        series = [{"name": "alerts", "columns": COLUMNS, "values": self.rows}] if self.rows else []
        return ResultSet({"statement_id": 0, "series": series})


def test_a_stored_transition_comes_back_as_it_was_written():
    client = StubClient([row_of(ACKNOWLEDGED)])
    assert InfluxAlarmEvents(client, "iot").of_alarm("orga", "a" * 32, 50) == [ACKNOWLEDGED]


def test_the_callers_values_are_bound_never_written_into_the_query():
    client = StubClient()
    hostile = "x' OR org_id =~ /.*/ --"
    assert InfluxAlarmEvents(client, "iot").of_alarm(hostile, "a" * 32, 50) == []
    ((statement, params, database),) = client.asked
    assert hostile not in statement
    assert statement.endswith("ORDER BY time DESC LIMIT 50")
    assert (params, database) == ({"org": hostile, "alarm": "a" * 32}, "iot")


def test_a_row_that_is_not_a_transition_is_left_out():
    broken = row_of(ACKNOWLEDGED)
    broken[COLUMNS.index("kind")] = "exploded"
    client = StubClient([broken, row_of(ACKNOWLEDGED)])
    assert InfluxAlarmEvents(client, "iot").of_alarm("orga", "a" * 32, 50) == [ACKNOWLEDGED]


def test_an_unreachable_store_is_an_outage():
    client = StubClient(error=requests.ConnectionError("refused"))
    with pytest.raises(StoreUnavailableError):
        InfluxAlarmEvents(client, "iot").of_alarm("orga", "a" * 32, 50)
