"""The registry over HTTP: onboarding, search, changes, decommissioning, credentials."""

import json

import pytest

from iotsphere.domain.devices.messages import ProvisioningPackage
from tests.functions.device_support import ORG, OTHER_ORG, call, device_ports, onboard, problem

__all__ = ["device_ports"]

T1 = {"name": "t1", "device_type": "thermo", "tags": ["roof"], "groups": ["north"]}


def test_creating_a_device_answers_its_package_the_only_time_the_password_appears(
    client, device_ports
):
    created = call(client, "POST", "/v1/devices", body=T1)
    assert created.status_code == 201, created.body
    package = created.json_body
    device_id = package["device_id"]
    assert package["username"] == package["client_id"] == device_id
    assert package["broker"] == {
        "host": "broker.example",
        "port": 8883,
        "tls": True,
        "ca_pem": None,
    }
    assert device_ports.broker.identities[device_id] == package["password"]
    read = call(client, "GET", f"/v1/devices/{device_id}", role="viewer")
    assert read.status_code == 200
    assert read.json_body["status"] == "provisioned"
    assert package["password"] not in read.body.decode()
    assert "credential_hash" not in read.json_body
    assert device_ports.shadows.get(ORG, device_id).desired == {"interval_s": 60, "mode": "eco"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({**T1, "device_type": "pump"}, "no device type 'pump'"),
        ({**T1, "org_id": OTHER_ORG}, "body.org_id: Extra inputs are not permitted"),
        ({**T1, "tags": ["no spaces"]}, "body.tags.0"),
        ({**T1, "metadata": {"a.b": "x"}}, "metadata key"),
    ],
)
def test_a_device_that_breaks_a_rule_is_422_and_nothing_is_made(
    client, device_ports, body, message
):
    response = call(client, "POST", "/v1/devices", body=body)
    assert response.status_code == 422
    assert message in problem(response)["detail"]
    assert device_ports.devices.rows == {}
    assert device_ports.broker.identities == {}


def test_a_name_taken_in_the_organization_is_a_conflict_at_the_name(client, device_ports):
    onboard(device_ports, "t1")
    response = call(client, "POST", "/v1/devices", body=T1)
    assert response.status_code == 409
    assert problem(response)["detail"] == "name: a device named 't1' exists already"
    assert [e["location"] for e in problem(response)["errors"]] == ["body.name"]
    batch = call(client, "POST", "/v1/devices/batch", body={"devices": [T1]})
    assert batch.status_code == 409
    assert [e["location"] for e in problem(batch)["errors"]] == ["body.devices[0].name"]


def test_renaming_to_a_taken_name_is_a_conflict(client, device_ports):
    device_id = onboard(device_ports, "t1").device_id
    onboard(device_ports, "taken")
    response = call(client, "PATCH", f"/v1/devices/{device_id}", body={"name": "taken"})
    assert response.status_code == 409
    assert "a device named 'taken' exists already" in problem(response)["detail"]


def test_the_same_name_in_another_organization_is_free(client, device_ports):
    onboard(device_ports, "t1", org=OTHER_ORG)
    assert call(client, "POST", "/v1/devices", body=T1).status_code == 201


def test_many_devices_are_made_together_or_not_at_all(client, device_ports):
    two = {"devices": [T1, {**T1, "name": "t2"}]}
    made = call(client, "POST", "/v1/devices/batch", body=two)
    assert made.status_code == 201
    assert len({p["password"] for p in made.json_body["items"]}) == 2
    again = {"devices": [{**T1, "name": "t3"}, {**T1, "name": "t2"}]}
    refused = call(client, "POST", "/v1/devices/batch", body=again)
    assert refused.status_code == 409
    assert "devices[1]" in problem(refused)["detail"]
    assert sorted(d.name for d in device_ports.devices.rows.values()) == ["t1", "t2"]


CSV = "name,device_type,tags,metadata.site\nt1,thermo,roof;east,lyon\nt2,thermo,,paris\n"


def test_a_csv_file_imports_every_row_with_one_package_each(client, device_ports):
    response = call(client, "POST", "/v1/devices/import", body={"csv": CSV})
    assert response.status_code == 201, response.body
    assert response.json_body["report"]["imported"] is True
    assert [r["status"] for r in response.json_body["report"]["rows"]] == ["ok", "ok"]
    packages = response.json_body["packages"]
    assert len(packages) == 2
    by_name = {d.name: d for d in device_ports.devices.rows.values()}
    assert by_name["t1"].tags == ["east", "roof"]
    assert by_name["t2"].metadata == {"site": "paris"}


def test_one_bad_row_imports_nothing_and_the_problem_names_each_row(client, device_ports):
    onboard(device_ports, "t2")
    bad = CSV + "t3,pump,,\n"
    response = call(client, "POST", "/v1/devices/import", body={"csv": bad})
    assert response.status_code == 422
    body = problem(response)
    assert body["detail"] == "2 of 3 rows are refused; nothing was imported"
    locations = {e["location"] for e in body["errors"]}
    assert locations == {"body.csv.row3", "body.csv.row4"}
    assert [d.name for d in device_ports.devices.rows.values()] == ["t2"]


def test_a_file_with_an_unknown_column_is_refused_as_a_whole(client, device_ports):
    response = call(client, "POST", "/v1/devices/import", body={"csv": "name,device_type,colour\n"})
    assert response.status_code == 422
    assert "unknown column 'colour'" in problem(response)["detail"]


def test_a_file_over_the_body_limit_is_413(client, device_ports):
    big = "name,device_type\n" + "".join(f"device-{i:06d},thermo\n" for i in range(12_000))
    response = call(client, "POST", "/v1/devices/import", body={"csv": big})
    assert response.status_code == 413
    assert device_ports.devices.rows == {}


def names(response):
    assert response.status_code == 200, response.body
    return [d["name"] for d in response.json_body["items"]]


def test_search_filters_and_sorts(client, device_ports):
    onboard(device_ports, "b", tags=["roof"], groups=["north"])
    onboard(device_ports, "a", tags=["roof", "east"], metadata={"site": "lyon"})
    onboard(device_ports, "c", groups=["south"])
    onboard(device_ports, "d", org=OTHER_ORG, tags=["roof"])
    assert names(call(client, "GET", "/v1/devices", role="viewer", sort="name")) == ["a", "b", "c"]
    roof = call(client, "GET", "/v1/devices", role="viewer", tags="roof", sort="name")
    assert names(roof) == ["a", "b"]
    both = call(client, "GET", "/v1/devices", "viewer", tags=["roof", "east"])
    assert names(both) == ["a"]
    groups = call(client, "GET", "/v1/devices", "viewer", groups=["north", "south"], sort="name")
    assert names(groups) == ["b", "c"]
    by_site = call(client, "GET", "/v1/devices", role="viewer", metadata="site=lyon")
    assert names(by_site) == ["a"]
    backwards = call(client, "GET", "/v1/devices", role="viewer", sort="name", descending="true")
    assert names(backwards) == ["c", "b", "a"]


def test_search_by_device_ids_reads_exactly_those_of_the_callers_organization(client, device_ports):
    a = onboard(device_ports, "a").device_id
    b = onboard(device_ports, "b").device_id
    onboard(device_ports, "c")
    theirs = onboard(device_ports, "d", org=OTHER_ORG).device_id
    found = call(client, "GET", "/v1/devices", "viewer", device_ids=[b, theirs, a], sort="name")
    assert names(found) == ["a", "b"]
    one = call(client, "GET", "/v1/devices", "viewer", device_ids=[theirs])
    assert names(one) == []
    with_tag = call(client, "GET", "/v1/devices", "viewer", device_ids=[a, b], name_prefix="b")
    assert names(with_tag) == ["b"]


def test_search_pages_with_the_cursor_it_returns(client, device_ports):
    for name in "abcde":
        onboard(device_ports, name)
    seen = []
    query = {"sort": "name", "limit": 2}
    while True:
        page = call(client, "GET", "/v1/devices", role="viewer", **query)
        seen += names(page)
        if page.json_body["next_cursor"] is None:
            break
        query["cursor"] = page.json_body["next_cursor"]
    assert seen == list("abcde")


def test_decommissioned_devices_are_hidden_unless_asked_for(client, device_ports):
    device_id = onboard(device_ports, "gone").device_id
    onboard(device_ports, "kept")
    retired = call(client, "POST", f"/v1/devices/{device_id}/decommission")
    assert retired.status_code == 200
    assert retired.json_body["status"] == "decommissioned"
    assert device_id not in device_ports.broker.identities
    assert names(call(client, "GET", "/v1/devices", role="viewer")) == ["kept"]
    everything = call(client, "GET", "/v1/devices", "viewer", include_decommissioned="true")
    assert sorted(names(everything)) == ["gone", "kept"]


def test_counts_are_the_callers_organizations_devices_by_status(client, device_ports):
    gone = onboard(device_ports, "gone").device_id
    onboard(device_ports, "new")
    onboard(device_ports, "theirs", org=OTHER_ORG)
    assert call(client, "POST", f"/v1/devices/{gone}/decommission").status_code == 200
    response = call(client, "GET", "/v1/devices/counts", role="viewer")
    assert response.status_code == 200, response.body
    assert response.json_body == {
        "version": 1,
        "provisioned": 1,
        "verified": 0,
        "online": 0,
        "offline": 0,
        "decommissioned": 1,
        "never_seen": 1,
        "total": 2,
    }


def test_counts_take_no_parameters_and_need_a_credential(client, device_ports):
    unknown = call(client, "GET", "/v1/devices/counts", role="viewer", status="online")
    assert unknown.status_code == 400
    assert "this route takes no parameters" in problem(unknown)["detail"]
    assert call(client, "GET", "/v1/devices/counts", role="").status_code == 401


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"limit": "201"}, "query.limit"),
        ({"limit": "0"}, "query.limit"),
        ({"sort": "password"}, "query.sort"),
        ({"status": "sleeping"}, "query.status.0"),
        ({"metadata": "$where=1"}, "query.metadata.0"),
        ({"tags": "no spaces"}, "query.tags.0"),
        ({"last_seen_after": "yesterday"}, "query.last_seen_after"),
        ({"owner": "me"}, "query.owner: unknown parameter"),
        ({"device_ids": "NOT*AN*ID"}, "query.device_ids.0"),
        ({"device_ids": [f"d{i:05d}" for i in range(201)]}, "query.device_ids"),
    ],
)
def test_a_malformed_search_is_400(client, device_ports, query, message):
    response = call(client, "GET", "/v1/devices", role="viewer", **query)
    assert response.status_code == 400
    assert message in problem(response)["detail"]


def test_a_cursor_from_another_search_is_refused(client, device_ports):
    for name in "abc":
        onboard(device_ports, name)
    page = call(client, "GET", "/v1/devices", role="viewer", sort="name", limit=1)
    cursor = page.json_body["next_cursor"]
    other = call(client, "GET", "/v1/devices", role="viewer", sort="id", limit=1, cursor=cursor)
    assert other.status_code == 422
    assert "cursor" in problem(other)["detail"]


def test_a_device_changes_its_name_tags_groups_and_metadata(client, device_ports):
    device_id = onboard(device_ports, "t1").device_id
    change = {"name": "t1-roof", "tags": ["b", "a"], "metadata": {"site": "lyon"}}
    response = call(client, "PATCH", f"/v1/devices/{device_id}", body=change)
    assert response.status_code == 200, response.body
    assert response.json_body["tags"] == ["a", "b"]
    assert device_ports.devices.get(ORG, device_id).name == "t1-roof"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": "online"}, "body.status: Extra inputs are not permitted"),
        ({"device_type": "other"}, "body.device_type: Extra inputs are not permitted"),
        ({"credential_hash": ""}, "body.credential_hash: Extra inputs are not permitted"),
    ],
)
def test_a_change_that_breaks_a_rule_is_422(client, device_ports, change, message):
    device_id = onboard(device_ports, "t1").device_id
    onboard(device_ports, "taken")
    response = call(client, "PATCH", f"/v1/devices/{device_id}", body=change)
    assert response.status_code == 422
    assert message in problem(response)["detail"]


def test_only_admins_revoke_credentials_and_the_broker_forgets_the_device(client, device_ports):
    device_id = onboard(device_ports, "t1").device_id
    path = f"/v1/devices/{device_id}/credentials/revoke"
    assert call(client, "POST", path, role="operator").status_code == 403
    assert device_id in device_ports.broker.identities
    assert call(client, "POST", path, role="admin").status_code == 204
    assert device_id not in device_ports.broker.identities
    assert device_ports.devices.get(ORG, device_id).credential_hash == ""


def test_a_new_password_comes_in_a_new_package_and_the_old_one_stops(client, device_ports):
    first = onboard(device_ports, "t1")
    path = f"/v1/devices/{first.device_id}/credentials"
    assert call(client, "POST", path, role="operator").status_code == 403
    response = call(client, "POST", path, role="admin")
    assert response.status_code == 201
    password = response.json_body["password"]
    assert password != first.password
    assert device_ports.broker.identities[first.device_id] == password


def test_a_decommissioned_device_gets_no_new_password(client, device_ports):
    device_id = onboard(device_ports, "t1").device_id
    call(client, "POST", f"/v1/devices/{device_id}/decommission")
    response = call(client, "POST", f"/v1/devices/{device_id}/credentials", role="admin")
    assert response.status_code == 422
    assert "decommissioned" in problem(response)["detail"]


@pytest.mark.parametrize(
    ("method", "suffix", "role", "body"),
    [
        ("GET", "", "viewer", None),
        ("PATCH", "", "operator", {"name": "mine"}),
        ("POST", "/decommission", "operator", None),
        ("POST", "/credentials/revoke", "admin", None),
        ("POST", "/credentials", "admin", None),
    ],
)
def test_another_organizations_device_is_not_found(
    client, device_ports, method, suffix, role, body
):
    theirs = onboard(device_ports, "t1", org=OTHER_ORG)
    response = call(client, method, f"/v1/devices/{theirs.device_id}{suffix}", role, body)
    assert response.status_code == 404
    stored = device_ports.devices.get(OTHER_ORG, theirs.device_id)
    assert stored.name == "t1"
    assert stored.status.value == "provisioned"
    assert device_ports.broker.identities[theirs.device_id] == theirs.password


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/v1/devices", T1),
        ("POST", "/v1/devices/batch", {"devices": [T1]}),
        ("POST", "/v1/devices/import", {"csv": CSV}),
        ("PATCH", "/v1/devices/d00000000000000000001", {"name": "x"}),
        ("POST", "/v1/devices/d00000000000000000001/decommission", None),
    ],
)
def test_viewers_change_nothing(client, device_ports, method, path, body):
    onboard(device_ports, "t0")
    response = call(client, method, path, "viewer", body)
    assert response.status_code == 403
    assert [d.name for d in device_ports.devices.rows.values()] == ["t0"]


def test_no_credential_is_401(client, device_ports):
    assert call(client, "GET", "/v1/devices", role="").status_code == 401
    assert call(client, "POST", "/v1/devices", role="", body=T1).status_code == 401


def test_an_operator_in_the_body_is_400(client, device_ports):
    response = call(client, "POST", "/v1/devices", body={**T1, "metadata": {"$ne": None}})
    assert response.status_code == 400


def test_an_id_that_cannot_be_a_device_is_400(client, device_ports):
    assert call(client, "GET", "/v1/devices/NOT*AN*ID", role="viewer").status_code == 400


def test_the_package_json_is_the_domain_model(client, device_ports):
    created = call(client, "POST", "/v1/devices", body=T1)
    package = ProvisioningPackage.model_validate(json.loads(created.body))
    assert package.topics.commands == f"devices/{package.device_id}/commands/+"


def test_a_broker_that_refuses_the_identity_is_503_and_leaves_nothing(client, device_ports):
    device_ports.broker.fail_on = "d00000000000000000001"
    response = call(client, "POST", "/v1/devices", body=T1)
    assert response.status_code == 503
    assert device_ports.devices.rows == {}
    assert device_ports.shadows.rows == {}


def test_the_document_states_the_search_parameters_and_the_package(client, device_ports):
    document = client.http.get("/v1/openapi.json").json_body
    search = document["paths"]["/v1/devices"]["get"]
    params = {p["name"]: p["schema"] for p in search["parameters"]}
    assert params["limit"]["maximum"] == 200
    assert params["tags"]["type"] == "array"
    assert params["device_ids"]["type"] == "array"
    assert params["device_ids"]["maxItems"] == 200
    assert set(params["sort"]["enum"]) == {"name", "created_at", "status_changed_at", "id"}
    created = document["paths"]["/v1/devices"]["post"]["responses"]["201"]
    schema = created["content"]["application/json"]["schema"]["$ref"]
    assert schema.endswith("/ProvisioningPackage")


def test_changes_are_audited_with_the_device_and_reads_are_not(client, device_ports, audit_log):
    device_id = onboard(device_ports, "t1").device_id
    call(client, "GET", f"/v1/devices/{device_id}", role="viewer")
    call(client, "POST", f"/v1/devices/{device_id}/decommission")
    call(client, "POST", f"/v1/devices/{device_id}/credentials/revoke", role="operator")
    entries = [(e.action, e.target_id, e.outcome) for e in audit_log]
    assert entries == [
        ("devices.decommission_device", device_id, "success"),
        ("devices.revoke_credentials", device_id, "denied"),
    ]
