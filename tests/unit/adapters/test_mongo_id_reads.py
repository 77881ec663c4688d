"""Reads by many ids go to the server a slice at a time, each id once, with the other filters."""

from __future__ import annotations

from typing import Any

from iotsphere.adapters.mongo_id_reads import IDS_PER_READ, find_by_ids


class CountingCollection:
    def __init__(self, documents: list[dict[str, Any]]) -> None:
        self.documents = documents
        self.queries: list[dict[str, Any]] = []

    def find(self, where: dict[str, Any]) -> list[dict[str, Any]]:
        self.queries.append(where)
        wanted = set(where["_id"]["$in"])
        return [
            d
            for d in self.documents
            if d["_id"] in wanted and all(d.get(k) == v for k, v in where.items() if k != "_id")
        ]


def test_many_ids_are_read_a_slice_at_a_time_each_once_with_the_other_filters() -> None:
    documents = [{"_id": f"d{i}", "org_id": "a" if i % 2 else "b"} for i in range(130)]
    collection = CountingCollection(documents)
    asked = [f"d{i}" for i in range(130)] + ["d1", "d3", "missing"]
    found = list(find_by_ids(collection, asked, {"org_id": "a"}))  # type: ignore[arg-type]
    assert sorted(d["_id"] for d in found) == sorted(f"d{i}" for i in range(1, 130, 2))
    assert [len(q["_id"]["$in"]) for q in collection.queries] == [IDS_PER_READ, IDS_PER_READ, 31]
    assert all(q["org_id"] == "a" for q in collection.queries)


def test_no_ids_ask_nothing() -> None:
    collection = CountingCollection([])
    assert list(find_by_ids(collection, [])) == []  # type: ignore[arg-type]
    assert collection.queries == []
