import pytest
from pymongo import MongoClient

from iotsphere.adapters.mongo_alerting_ports import mongo_alarm_action_ports, mongo_alerting_ports
from iotsphere.services.alerting.alarm_repeats import RepeatHoldingAlarms
from iotsphere.services.alerting.rule_cache import RuleCache
from tests.fakes import FakePublisher
from tests.unit.alerting.fakes import FakeHistory, FakeLog


def database(tz_aware):
    client = MongoClient("mongodb://127.0.0.1:9", connect=False, tz_aware=tz_aware)
    return client["unit"]


def test_the_ports_are_built_without_io_over_one_database():
    ports = mongo_alerting_ports(
        database(True), history=FakeHistory(), transitions=FakeLog(), notifications=FakePublisher()
    )
    assert isinstance(ports.rules, RuleCache)
    assert isinstance(ports.alarms, RepeatHoldingAlarms)  # over MongoAlarmStore


def test_a_client_without_aware_datetimes_is_refused():
    with pytest.raises(ValueError, match="tz_aware"):
        mongo_alarm_action_ports(
            database(False), transitions=FakeLog(), notifications=FakePublisher()
        )
