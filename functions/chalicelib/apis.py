"""Every HTTP capability, in the order the OpenAPI document lists them."""

from chalicelib import (
    alarms_api,
    api_keys_api,
    audit_api,
    auth_api,
    claims_api,
    commands_api,
    device_config_api,
    device_types_api,
    devices_api,
    docs_api,
    firmware_api,
    inbox_api,
    quarantine_api,
    rules_api,
    silences_api,
    subscriptions_api,
    telemetry_api,
    users_api,
)
from chalicelib.http import Api

ALL_APIS: list[Api] = [
    auth_api.api,
    users_api.api,
    api_keys_api.api,
    audit_api.api,
    device_types_api.api,
    devices_api.api,
    device_config_api.api,
    commands_api.api,
    claims_api.api,
    firmware_api.api,
    telemetry_api.api,
    quarantine_api.api,
    rules_api.api,
    alarms_api.api,
    silences_api.api,
    subscriptions_api.api,
    inbox_api.api,
    docs_api.api,
]
