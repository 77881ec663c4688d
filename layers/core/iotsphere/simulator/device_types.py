"""Kinds of simulated device: each sensor's typical operating value and the extra fields sent."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeviceType:
    """Typical values of a healthy device of this kind; each device varies around them."""

    name: str
    temperature_c: float
    daily_swing_c: float  # half the difference between the afternoon peak and the night low
    vibration_mm_s: float  # RMS velocity
    pressure_kpa: float
    current_a: float
    rpm: float | None = None  # rotating machines report their shaft speed
    humidity_pct: float | None = None
    has_door: bool = False  # sends "door_open": bool
    has_mode: bool = False  # sends "mode": "auto" by day, "eco" at night


AIR_HANDLER = DeviceType(
    "air-handler", 21.0, 2.5, 0.8, 101.3, 4.0, humidity_pct=45.0, has_mode=True
)
PUMP = DeviceType("pump", 38.0, 3.0, 1.6, 350.0, 8.0, rpm=1450.0, has_mode=True)
COMPRESSOR = DeviceType("compressor", 55.0, 4.0, 2.2, 800.0, 15.0, rpm=2950.0)
COLD_ROOM = DeviceType("cold-room", 4.0, 0.8, 0.3, 101.3, 5.0, humidity_pct=85.0, has_door=True)

DEVICE_TYPES: tuple[DeviceType, ...] = (AIR_HANDLER, PUMP, COMPRESSOR, COLD_ROOM)
