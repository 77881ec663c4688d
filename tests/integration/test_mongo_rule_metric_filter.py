"""The rule list's metric filter on the real MongoDB-wire server: a composite is found by the
metric of any part, and a rule stored before documents carried ``metrics`` is found by its own
metric at once and by its parts' metrics once ``ensure_indexes`` has run."""

import uuid

import pytest
from pymongo import MongoClient

from iotsphere.adapters.mongo_alerting_catalogs import MongoRuleCatalog
from iotsphere.adapters.mongo_alerting_rules import COLLECTION as RULES
from iotsphere.domain.alerting.rule_checks import parse_rule
from iotsphere.services.alerting.admin_ports import RuleFilters

pytestmark = pytest.mark.integration

HOT = {"type": "threshold", "op": "above", "set": 80}
SHAKING = {"type": "threshold", "metric": "vibration", "op": "above", "set": 5}


@pytest.fixture
def catalog(settings):
    client = MongoClient(settings.mongo_url, tz_aware=True, serverSelectionTimeoutMS=5000)
    yield MongoRuleCatalog(client[settings.mongo_database][RULES])
    client.close()


def rule(org: str, rule_id: str, condition: dict, metric: str = "temperature"):
    return parse_rule(
        {
            "id": rule_id,
            "org_id": org,
            "name": rule_id,
            "scope": {"kind": "all"},
            "metric": metric,
            "severity": "major",
            "condition": condition,
        }
    )


def ids(catalog: MongoRuleCatalog, org: str, metric: str) -> list[str]:
    return [r.id for r in catalog.find_rules(org, RuleFilters(metric=metric), None, 10)]


def test_a_composite_is_found_by_any_metric_it_reads(catalog):
    org = f"org-{uuid.uuid4().hex[:8]}"
    catalog.save(rule(org, "hot", HOT))
    catalog.save(
        rule(
            org, "hot-and-shaking", {"type": "composite", "op": "and", "conditions": [HOT, SHAKING]}
        )
    )
    catalog.save(rule(org, "shaking", HOT, metric="vibration"))
    assert ids(catalog, org, "vibration") == ["hot-and-shaking", "shaking"]
    assert ids(catalog, org, "temperature") == ["hot", "hot-and-shaking"]
    assert ids(catalog, org, "pressure") == []
    assert ids(catalog, f"org-{uuid.uuid4().hex[:8]}", "vibration") == []


def test_a_rule_stored_without_metrics_is_found_and_gains_them_in_ensure_indexes(catalog):
    org = f"org-{uuid.uuid4().hex[:8]}"
    older = rule(org, "older", {"type": "composite", "op": "or", "conditions": [HOT, SHAKING]})
    collection = catalog._collection
    collection.insert_one({"_id": f"{org}/older", **older.model_dump(mode="json")})
    assert ids(catalog, org, "temperature") == ["older"]
    assert ids(catalog, org, "vibration") == []
    catalog.ensure_indexes()
    assert collection.find_one({"_id": f"{org}/older"})["metrics"] == ["temperature", "vibration"]
    assert ids(catalog, org, "vibration") == ["older"]
    assert catalog.get(org, "older") == older
