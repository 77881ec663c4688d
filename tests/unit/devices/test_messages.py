import pytest
from pydantic import ValidationError

from iotsphere.domain.devices.messages import (
    CommandResultMessage,
    ConfigPatch,
    NewCommand,
    OutboundMessage,
    ReportedConfigMessage,
    StatusMessage,
)
from iotsphere.domain.devices.search import DeviceSearch


@pytest.mark.parametrize(
    "document",
    [
        {"$where": 1},
        {"a": {"$gt": 1}},
        {"a.b": 1},
        {"a": [{"ok": 1}, {"$set": 1}]},
        {"": 1},
        {"a\x00": 1},
        {
            "a": {
                "b": {
                    "c": {
                        "d": {
                            "e": {
                                "f": {
                                    "g": {
                                        "h": {
                                            "i": {
                                                "j": {
                                                    "k": {
                                                        "l": {
                                                            "m": {
                                                                "n": {"o": {"p": {"q": {"r": 1}}}}
                                                            }
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    ],
)
def test_documents_that_could_act_as_operators_or_paths_are_refused(document):
    with pytest.raises(ValidationError):
        ConfigPatch(patch=document)
    with pytest.raises(ValidationError):
        NewCommand(name="a", parameters=document)
    with pytest.raises(ValidationError):
        ReportedConfigMessage(reported_version=1, state=document)
    with pytest.raises(ValidationError):
        CommandResultMessage(command_id="c0000001", status="succeeded", result=document)


def test_search_metadata_keys_follow_the_registry_rules():
    with pytest.raises(ValidationError):
        DeviceSearch(metadata={"$ne": "x"})


def test_every_message_carries_its_schema_version_and_refuses_another():
    assert StatusMessage(state="online", session="s").model_dump()["version"] == 1
    with pytest.raises(ValidationError):
        StatusMessage.model_validate({"version": 2, "state": "online", "session": "s"})
    with pytest.raises(ValidationError, match="Extra inputs"):
        StatusMessage.model_validate({"state": "online", "session": "s", "extra": 1})


@pytest.mark.parametrize("topic", ["devices/+/commands/x", "devices/#", "$SYS/x", "other/x"])
def test_outbound_messages_go_to_one_device_or_claim_topic_only(topic):
    with pytest.raises(ValidationError):
        OutboundMessage(topic=topic, payload="{}")
    assert OutboundMessage(topic="devices/d1/config/desired", payload="{}", retain=True).retain
