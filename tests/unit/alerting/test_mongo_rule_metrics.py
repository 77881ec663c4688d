"""A stored rule carries every metric it reads (``metrics``) so the rule list can filter a
composite by a part's metric; rules stored before that field existed gain it in
``ensure_indexes`` and match on their own metric meanwhile. Without a server (the queries run on
the real one in tests/integration/test_mongo_rule_metric_filter.py)."""

from typing import Any

from iotsphere.adapters.mongo_alerting_catalogs import MongoRuleCatalog
from iotsphere.adapters.mongo_alerting_rules import MongoRuleStore
from iotsphere.services.alerting.admin_ports import RuleFilters
from tests.unit.alerting.rules import make_rule

SHAKING = {"type": "threshold", "metric": "vibration", "op": "above", "set": 5}
HOT_AND_SHAKING = {
    "type": "composite",
    "op": "and",
    "conditions": [{"type": "threshold", "op": "above", "set": 80}, SHAKING],
}


class DocumentCollection:
    """Keeps documents by ``_id``; answers finds with all of them and remembers the filters."""

    def __init__(self) -> None:
        self.documents: dict[str, dict[str, Any]] = {}
        self.asked: list[dict[str, Any]] = []
        self.indexes: list[Any] = []

    def replace_one(self, where, document, upsert):
        self.documents[where["_id"]] = document

    def create_index(self, keys):
        self.indexes.append(keys)

    def find(self, where):
        self.asked.append(where)
        return self

    def sort(self, *order):
        return self

    def limit(self, limit):
        return iter(self.documents.values())

    def __iter__(self):
        return iter(self.documents.values())

    def update_one(self, where, change):
        document = self.documents[where["_id"]]
        if "metrics" not in document:
            document.update(change["$set"])


def test_a_saved_rule_carries_every_metric_it_reads_and_reads_back_without_it():
    collection = DocumentCollection()
    rule = make_rule(HOT_AND_SHAKING, id="hot-and-shaking")
    MongoRuleStore(collection).save(rule)
    assert collection.documents["org-a/hot-and-shaking"]["metrics"] == ["temperature", "vibration"]
    assert MongoRuleStore(collection).get("org-a", "hot-and-shaking") == rule


def test_the_metric_filter_matches_any_metric_read_or_the_own_metric_of_an_older_document():
    collection = DocumentCollection()
    found = MongoRuleCatalog(collection).find_rules(
        "orga", RuleFilters(metric="vibration"), None, 3
    )
    assert found == []
    assert collection.asked == [
        {"org_id": "orga", "$or": [{"metrics": "vibration"}, {"metric": "vibration"}]}
    ]


def test_ensure_indexes_gives_a_rule_stored_without_metrics_the_metrics_it_reads():
    collection = DocumentCollection()
    older = make_rule(HOT_AND_SHAKING, id="older")
    collection.documents["org-a/older"] = {"_id": "org-a/older", **older.model_dump(mode="json")}
    newer = {"type": "threshold", "op": "below", "set": 100}
    MongoRuleStore(collection).save(make_rule(newer, id="newer", metric="rpm"))
    MongoRuleStore(collection).ensure_indexes()
    assert collection.documents["org-a/older"]["metrics"] == ["temperature", "vibration"]
    assert collection.documents["org-a/newer"]["metrics"] == ["rpm"]
    assert {"metrics": {"$exists": False}} in collection.asked
    assert [("org_id", 1), ("metrics", 1)] in collection.indexes
