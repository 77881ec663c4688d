"""The first organization and its admin, created once when the stack is first provisioned."""

from __future__ import annotations

from datetime import UTC, datetime

from pymongo.errors import PyMongoError

from iotsphere.bootstrap import build_identity_ports, connect_mongo
from iotsphere.local.errors import ProvisioningError
from iotsphere.services.errors import StoreUnavailableError
from iotsphere.services.identity.organizations import bootstrap_first_admin
from iotsphere.settings import Settings


def ensure_first_admin(settings: Settings) -> list[str]:
    """Summary lines for ``local up``: the admin's password appears there once, never again."""
    database = connect_mongo(settings)
    try:
        ports = build_identity_ports(settings, database)
        created = bootstrap_first_admin(ports, datetime.now(tz=UTC))
    except (PyMongoError, StoreUnavailableError) as exc:
        raise ProvisioningError(f"creating the first organization failed: {exc}") from exc
    finally:
        database.client.close()
    if created is None:
        return []
    org, admin, password = created
    return [
        f"organization {org.name!r} and its admin {admin.email}",
        f"admin password (shown this once; change it after signing in): {password}",
    ]
