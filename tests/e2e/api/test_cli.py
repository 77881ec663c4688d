"""The ``iotsphere`` CLI against the served API: sign in, use the session, sign out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from iotsphere.services.identity.ports import IdentityPorts
from iotsphere.services.identity.throttling import address_key
from tests.e2e.api.client import ApiClient, Organization

pytestmark = pytest.mark.e2e
IOTSPHERE = str(Path(sys.executable).with_name("iotsphere"))


def cli(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [IOTSPHERE, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
        check=False,
    )


def test_sign_in_and_out(api: ApiClient, identity: IdentityPorts, org_a: Organization, tmp_path):
    identity.login_attempts.clear(address_key("127.0.0.1"))
    wrong = cli(
        tmp_path,
        "login",
        "--url",
        api.base_url,
        "--email",
        org_a.admin_email,
        "--password-stdin",
        stdin="not the password\n",
    )
    assert wrong.returncode == 1
    assert "error:" in wrong.stderr
    signed_in = cli(
        tmp_path,
        "login",
        "--url",
        api.base_url,
        "--email",
        org_a.admin_email,
        "--password-stdin",
        stdin=org_a.admin_password + "\n",
    )
    assert signed_in.returncode == 0, signed_in.stderr
    assert f"as {org_a.admin_email} (admin)" in signed_in.stdout
    session = tmp_path / ".config" / "iotsphere" / "session.json"
    assert oct(session.stat().st_mode & 0o777) == "0o600"
    out = cli(tmp_path, "logout")
    assert out.returncode == 0
    assert not session.exists()


def test_onboard_a_device_list_it_and_tail_alarms(
    api: ApiClient, identity: IdentityPorts, org_b: Organization, tmp_path
):
    identity.login_attempts.clear(address_key("127.0.0.1"))
    signed_in = cli(
        tmp_path,
        "login",
        "--url",
        api.base_url,
        "--email",
        org_b.admin_email,
        "--password-stdin",
        stdin=org_b.admin_password + "\n",
    )
    assert signed_in.returncode == 0, signed_in.stderr
    device_type = {"id": "cli-pump", "name": "CLI pump", "firmware_family": "cli-pump"}
    assert org_b.admin.post("/v1/device-types", json=device_type).status_code in (201, 409)
    package_file = tmp_path / "package.json"
    created = cli(
        tmp_path,
        "devices",
        "create",
        "--name",
        "cli-device-1",
        "--type",
        "cli-pump",
        "--tag",
        "cli",
        "--save",
        str(package_file),
    )
    assert created.returncode == 0, created.stderr
    package = json.loads(package_file.read_text())
    assert package["password"]
    assert oct(package_file.stat().st_mode & 0o777) == "0o600"
    again = cli(
        tmp_path,
        "devices",
        "create",
        "--name",
        "cli-device-2",
        "--type",
        "cli-pump",
        "--save",
        str(package_file),
    )
    assert again.returncode == 1
    assert "shown once" in again.stderr
    listed = cli(tmp_path, "devices", "list", "--tag", "cli")
    assert listed.returncode == 0, listed.stderr
    assert package["device_id"] in listed.stdout
    tail = cli(tmp_path, "alarms", "tail", "--once")
    assert tail.returncode == 0, tail.stderr
