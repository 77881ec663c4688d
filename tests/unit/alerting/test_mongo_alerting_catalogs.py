"""The catalogs' MongoDB filters, without a server: user values only as equality, ``$in`` and
range operands, and an alarm page resuming after the stored text of the last alarm's time.
(The queries run on the real MongoDB-wire server in tests/e2e/api/test_alerts_api.py.)"""

from datetime import UTC, datetime

from iotsphere.adapters.mongo_alerting_catalogs import MongoAlarmCatalog, MongoRuleCatalog
from iotsphere.domain.alerting.transitions import AlarmStatus
from iotsphere.services.alerting.admin_ports import AlarmFilters, RuleFilters
from tests.unit.alerting.catalog_fakes import make_alarm


class RecordingCollection:
    """Answers every find with ``documents`` and remembers how it was asked."""

    def __init__(self, documents=()):
        self.documents = list(documents)
        self.asked = []

    def find(self, where):
        self.asked.append({"where": where})
        return self

    def sort(self, *order):
        self.asked[-1]["sort"] = order
        return self

    def limit(self, limit):
        self.asked[-1]["limit"] = limit
        return iter(self.documents)


def test_a_rule_page_filters_and_resumes_after_the_last_id_of_the_organization():
    collection = RecordingCollection()
    filters = RuleFilters(metric="temperature", severity="major", enabled=False)
    assert MongoRuleCatalog(collection).find_rules("orga", filters, "pump-hot", 51) == []
    (asked,) = collection.asked
    assert asked["where"] == {
        "org_id": "orga",
        "$or": [{"metrics": "temperature"}, {"metric": "temperature"}],
        "severity": "major",
        "enabled": False,
        "_id": {"$gt": "orga/pump-hot"},
    }
    assert asked["limit"] == 51


def test_an_alarm_page_resumes_after_the_stored_time_text_and_id_of_the_last_alarm():
    stored = make_alarm("a1", 1)
    document = {"_id": "a1", **stored.model_dump(mode="json", exclude={"id"})}
    collection = RecordingCollection([document])
    filters = AlarmFilters(
        statuses=frozenset({AlarmStatus.ACTIVE, AlarmStatus.ACKNOWLEDGED}), device_id="pump-1"
    )
    after = (datetime(2026, 11, 26, 18, 2, tzinfo=UTC), "b" * 32)
    assert MongoAlarmCatalog(collection).find_alarms("orga", filters, after, 3) == [stored]
    (asked,) = collection.asked
    assert asked["where"] == {
        "$and": [
            {
                "org_id": "orga",
                "status": {"$in": ["acknowledged", "active"]},
                "device_id": "pump-1",
            },
            {
                "$or": [
                    {"last_at": {"$lt": "2026-11-26T18:02:00Z"}},
                    {"last_at": "2026-11-26T18:02:00Z", "_id": {"$lt": "b" * 32}},
                ]
            },
        ]
    }
    assert asked["sort"] == ([("last_at", -1), ("_id", -1)],)
    assert document["last_at"] == "2026-11-26T18:01:00Z"  # the text the cursor is compared with
