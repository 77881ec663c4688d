"""How the local worker fills a batch from its queue and deletes what the handler finished: the
first receive long-polls; while receives come back full (a backlog) it takes more without waiting,
up to the function's batch size, as Lambda's poller fills a batch when messages are waiting."""

from __future__ import annotations

from typing import Any

from iotsphere.local.worker import delete_done, receive_batch


class FakeSqs:
    """A queue of ``waiting`` message ids; records every call."""

    def __init__(self, waiting: int) -> None:
        self.waiting = [f"m{i}" for i in range(waiting)]
        self.receives: list[tuple[int, int]] = []
        self.deletes: list[list[str]] = []

    def receive_message(self, **kwargs: Any) -> dict[str, Any]:
        self.receives.append((kwargs["MaxNumberOfMessages"], kwargs["WaitTimeSeconds"]))
        taken = self.waiting[: kwargs["MaxNumberOfMessages"]]
        self.waiting = self.waiting[len(taken) :]
        return {"Messages": [{"MessageId": m, "ReceiptHandle": f"rh-{m}"} for m in taken]}

    def delete_message_batch(self, **kwargs: Any) -> dict[str, Any]:
        assert len(kwargs["Entries"]) <= 10, "SQS deletes at most 10 messages per call"
        self.deletes.append([entry["ReceiptHandle"] for entry in kwargs["Entries"]])
        return {}


def test_a_shallow_queue_is_invoked_with_what_one_long_poll_returns() -> None:
    sqs = FakeSqs(waiting=4)
    batch = receive_batch(sqs, "url", batch_size=100, wait_s=2)
    assert [m["MessageId"] for m in batch] == ["m0", "m1", "m2", "m3"]
    assert sqs.receives == [(10, 2)]


def test_a_backlog_fills_the_batch_without_waiting_after_the_first_receive() -> None:
    sqs = FakeSqs(waiting=250)
    batch = receive_batch(sqs, "url", batch_size=100, wait_s=2)
    assert len(batch) == 100
    assert [m["MessageId"] for m in batch[:2]] == ["m0", "m1"]
    assert sqs.receives == [(10, 2)] + [(10, 0)] * 9
    assert len(sqs.waiting) == 150


def test_the_batch_stops_at_the_first_receive_that_is_not_full() -> None:
    sqs = FakeSqs(waiting=23)
    batch = receive_batch(sqs, "url", batch_size=100, wait_s=2)
    assert len(batch) == 23
    assert sqs.receives == [(10, 2), (10, 0), (10, 0)]


def test_a_batch_size_under_ten_is_one_receive_of_that_size() -> None:
    sqs = FakeSqs(waiting=30)
    assert len(receive_batch(sqs, "url", batch_size=5, wait_s=2)) == 5
    assert sqs.receives == [(5, 2)]


def test_the_last_receive_asks_only_for_what_the_batch_lacks() -> None:
    sqs = FakeSqs(waiting=30)
    assert len(receive_batch(sqs, "url", batch_size=25, wait_s=2)) == 25
    assert sqs.receives == [(10, 2), (10, 0), (5, 0)]


def test_done_messages_are_deleted_ten_at_a_time() -> None:
    sqs = FakeSqs(waiting=0)
    done = [{"MessageId": f"m{i}", "ReceiptHandle": f"rh-{i}"} for i in range(23)]
    delete_done(sqs, "url", done)
    assert [len(call) for call in sqs.deletes] == [10, 10, 3]
    assert [rh for call in sqs.deletes for rh in call] == [f"rh-{i}" for i in range(23)]
