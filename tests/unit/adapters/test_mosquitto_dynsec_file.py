"""The plugin's state file: its password hashes and the bootstrap of the platform identities."""

import base64

from iotsphere.adapters.mosquitto_dynsec_file import (
    ServiceIdentity,
    bootstrap_state,
    hash_password,
    password_matches,
)

# Made by `mosquitto_ctrl dynsec init` (Mosquitto 2.0.11) for the password "adminpw".
PLUGIN_MADE = {
    "password": "4qZ95bbClLOpSbfraxbEPVmXJT/eh1m7Nj7XbZcBmsMAs+NMjh3I1zzmSTOh"
    "N9xwmbB36E+Z6tVf8Lx0s1oAXg==",
    "salt": "woBIlW/2X0/k+lIM",
    "iterations": 101,
}


def test_hashes_are_the_plugins_own():
    salt = base64.b64decode(PLUGIN_MADE["salt"])
    assert hash_password("adminpw", salt, 101) == PLUGIN_MADE
    assert password_matches(PLUGIN_MADE, "adminpw")
    assert not password_matches(PLUGIN_MADE, "adminpw ")
    assert not password_matches({"password": "x"}, "adminpw")


def test_every_hash_has_its_own_salt():
    assert hash_password("same")["salt"] != hash_password("same")["salt"]


def test_a_fixed_client_id_is_kept_and_a_free_one_is_absent():
    state = bootstrap_state(
        None,
        [ServiceIdentity("fixed", "pw", [], clientid="fixed"), ServiceIdentity("free", "pw", [])],
    )
    clients = {c["username"]: c for c in state["clients"]}
    assert clients["fixed"]["clientid"] == "fixed"
    assert "clientid" not in clients["free"]
    assert clients["free"]["roles"] == [{"rolename": "free"}]


def test_an_identity_taken_out_of_the_list_keeps_its_stored_entry():
    first = bootstrap_state(None, [ServiceIdentity("a", "pw", []), ServiceIdentity("b", "pw", [])])
    second = bootstrap_state(first, [ServiceIdentity("a", "pw", [])])
    assert {c["username"] for c in second["clients"]} == {"a", "b"}
