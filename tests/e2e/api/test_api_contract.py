"""Schemathesis against the served OpenAPI document, every check on, a bounded number of cases:
no failures and no server errors. It signs in with an admin API key so that it can reach every
route without ending its own session."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from iotsphere.services.identity.ports import IdentityPorts
from tests.e2e.api.client import ApiClient
from tests.e2e.organizations import new_organization

pytestmark = pytest.mark.e2e
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CONFIG = Path(__file__).with_name("schemathesis.toml")


def test_the_api_keeps_its_openapi_contract(
    api: ApiClient, identity: IdentityPorts, tmp_path: Path
):
    # An organization of its own: the fuzzer deletes users and revokes keys it finds.
    fuzzed = new_organization(identity, api, "Fuzzed")
    created = fuzzed.admin.post("/v1/api-keys", json={"name": "schemathesis", "role": "admin"})
    assert created.status_code == 201, created.text
    run = subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(CONFIG),
            "run",
            f"{api.base_url}/v1/openapi.json",
            "--header",
            f"Authorization: ApiKey {created.json()['secret']}",
            "--checks",
            "all",
            # Revoking its own key would leave the fuzzer unauthenticated for the rest of the run;
            # revocation has its own tests (test_api_security.py).
            "--exclude-operation-id",
            "revoke_api_key",
            "--max-examples",
            "8",
            "--seed",
            "20261127",
            "--workers",
            "1",
            "--generation-database",
            "none",
            "--no-color",
            "--report",
            "junit",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    (tmp_path / "schemathesis.txt").write_text(run.stdout + run.stderr)
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
