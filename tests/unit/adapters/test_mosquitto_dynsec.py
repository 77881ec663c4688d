"""Device identities over the dynamic-security plugin, against a fake of the plugin."""

import pytest

from iotsphere.adapters.mosquitto_dynsec import (
    BrokerIdentityError,
    DynsecBrokerIdentities,
    add_device_commands,
)
from iotsphere.adapters.mosquitto_roles import claim_acls, device_acls
from iotsphere.domain.devices import topics
from iotsphere.services.errors import StoreUnavailableError


class FakeDynsec:
    """The plugin's bookkeeping: clients and roles by name, its error strings for clashes."""

    def __init__(self):
        self.clients, self.roles, self.requests = {}, {}, []
        self.refuse = set()  # command names to refuse

    def request(self, commands):
        self.requests.append(commands)
        return [self._one(c) for c in commands]

    def _one(self, c):
        name = c["command"]
        if name in self.refuse:
            return {"command": name, "error": "Internal error"}
        table, key = (self.roles, "rolename") if "Role" in name else (self.clients, "username")
        if name.startswith("create"):
            if c[key] in table:
                return {
                    "command": name,
                    "error": f"{'Role' if table is self.roles else 'Client'} already exists",
                }
            table[c[key]] = c
        elif table.pop(c[key], None) is None:
            return {
                "command": name,
                "error": f"{'Role' if table is self.roles else 'Client'} not found",
            }
        return {"command": name}


def matches(acl_filter: str, topic: str) -> bool:
    """MQTT topic-filter matching, for checking which topics an ACL reaches."""
    f, t = acl_filter.split("/"), topic.split("/")
    for i, level in enumerate(f):
        if level == "#":
            return True
        if i >= len(t) or (level != "+" and level != t[i]):
            return False
    return len(f) == len(t)


def own_topics(device_id):
    return [
        topics.telemetry(device_id), topics.status(device_id), topics.reported_config(device_id),
        topics.desired_config(device_id), topics.command(device_id, "c1"),
        topics.command_result(device_id, "c1"), f"devices/{device_id}/firmware/offer",
        f"devices/{device_id}/firmware/status",
    ]  # fmt: skip


def test_add_creates_a_role_and_a_client_bound_to_its_client_id():
    dynsec = FakeDynsec()
    DynsecBrokerIdentities(dynsec).add("dabc", "secret")
    client = dynsec.clients["dabc"]
    assert (client["password"], client["clientid"], client["roles"][0]["rolename"]) == (
        "secret", "dabc", "device-dabc",
    )  # fmt: skip
    assert "device-dabc" in dynsec.roles


def test_the_device_role_reaches_exactly_its_own_topics():
    acls = device_acls("dabc")
    sends = {a["topic"] for a in acls if a["acltype"] == "publishClientSend"}
    subs = {a["topic"] for a in acls if a["acltype"] == "subscribePattern"}
    assert sends == {
        "devices/dabc/telemetry", "devices/dabc/status", "devices/dabc/config/reported",
        "devices/dabc/commands/+/result", "devices/dabc/firmware/status",
    }  # fmt: skip
    assert subs == {
        "devices/dabc/config/desired", "devices/dabc/commands/+", "devices/dabc/firmware/offer",
    }  # fmt: skip
    assert {a["topic"] for a in acls if a["acltype"] == "publishClientReceive"} == subs
    assert all(a["allow"] for a in acls)
    assert not any("#" in a["topic"] or a["topic"].startswith("$") for a in acls)


def test_no_right_of_one_device_reaches_another_devices_topics():
    others = ["$SYS/broker/clients", "provisioning/claims/SN", "devices/+/telemetry"]
    for pair in range(50):
        mine, theirs = f"d{pair:04d}", f"d{pair + 1:04d}"
        for acl in device_acls(mine):
            for topic in [*own_topics(theirs), *others]:
                assert not matches(acl["topic"], topic), (acl, topic)
        rights = device_acls(mine)
        assert {t for t in own_topics(mine) if any(matches(a["topic"], t) for a in rights)} == set(
            own_topics(mine)
        )


def test_a_device_cannot_publish_what_only_the_platform_sends():
    sends = [a["topic"] for a in device_acls("dabc") if a["acltype"] == "publishClientSend"]
    platform = (
        topics.desired_config("dabc"),
        topics.command("dabc", "c1"),
        "devices/dabc/firmware/offer",
    )
    for topic in platform:
        assert not any(matches(f, topic) for f in sends)


def test_the_claim_identity_reaches_only_the_claim_topics():
    assert {a["topic"] for a in claim_acls()} == {
        "provisioning/claims/+", "provisioning/claims/+/response",
    }  # fmt: skip


def test_a_platform_name_is_never_a_device_identity():
    dynsec = FakeDynsec()
    with pytest.raises(BrokerIdentityError, match="reserved"):
        DynsecBrokerIdentities(dynsec).add("iotsphere-bridge-1", "secret")
    assert dynsec.requests == []


def test_a_refused_add_leaves_nothing_behind():
    dynsec = FakeDynsec()
    dynsec.refuse = {"createClient"}
    with pytest.raises(
        StoreUnavailableError, match="refused identity dabc: createClient: Internal"
    ):
        DynsecBrokerIdentities(dynsec).add("dabc", "secret")
    assert (dynsec.clients, dynsec.roles) == ({}, {})


def test_adding_a_taken_id_fails_and_leaves_the_existing_identity_alone():
    dynsec = FakeDynsec()
    identities = DynsecBrokerIdentities(dynsec)
    identities.add("dabc", "first")
    with pytest.raises(BrokerIdentityError, match="Client already exists"):
        identities.add("dabc", "second")
    assert dynsec.clients["dabc"]["password"] == "first"
    assert "device-dabc" in dynsec.roles


def test_remove_deletes_client_and_role_and_tolerates_an_absent_identity():
    dynsec = FakeDynsec()
    identities = DynsecBrokerIdentities(dynsec)
    identities.add("dabc", "secret")
    identities.remove("dabc")
    assert (dynsec.clients, dynsec.roles) == ({}, {})
    identities.remove("dabc")
    dynsec.refuse = {"deleteClient"}
    with pytest.raises(StoreUnavailableError, match="kept identity"):
        identities.remove("dabc")


def test_the_commands_carry_the_password_only_in_create_client():
    commands = add_device_commands("dabc", "secret")
    assert [c["command"] for c in commands] == ["createRole", "createClient"]
    assert "secret" not in str(commands[0])
