"""A device's own request for a fresh offer (``OfferRenewalRequest`` on its firmware status topic):
its offer's image URL expired before it could download, typically because the device was offline
while its wave was offered and got the queued offer late. The device id comes from the topic."""

from __future__ import annotations

import json
from datetime import datetime

from pydantic import ValidationError

from iotsphere.domain.firmware.offer import FirmwareOffer, OfferRenewalRequest
from iotsphere.services.firmware.errors import InvalidStatusReportError
from iotsphere.services.firmware.offers import renew_offer
from iotsphere.services.firmware.ports import DeviceDirectory, RolloutPorts


def is_renewal(payload: str | bytes) -> bool:
    """Whether a message on the status topic asks for an offer (rather than reports on one)."""
    try:
        body = json.loads(payload)
    except ValueError:
        return False
    return isinstance(body, dict) and "request" in body


def renew_asked_offer(
    device_id: str,
    payload: str | bytes,
    directory: DeviceDirectory,
    ports: RolloutPorts,
    now: datetime,
) -> FirmwareOffer:
    """Offer the device's rollout again with a URL valid from ``now``. Raises a
    ``FirmwareServiceError`` for a request that can never apply (another device's, an unknown
    device or rollout, a device with no open offer, a cancelled rollout)."""
    try:
        request = OfferRenewalRequest.model_validate_json(payload)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "payload"
        raise InvalidStatusReportError(f"not an offer renewal: {where}: {error['msg']}") from exc
    if request.device_id != device_id:
        raise InvalidStatusReportError(
            f"device {device_id} asked a renewal for device {request.device_id}"
        )
    org_id = directory.organization_of(device_id)
    if org_id is None:
        raise InvalidStatusReportError(f"device {device_id} is not registered")
    return renew_offer(org_id, request.rollout_id, device_id, ports, now)
