"""The device simulator: a seeded fleet publishing realistic telemetry, with injectable faults.

``signals`` (the physics) and ``faults`` are pure; ``publisher`` is the only module that knows paho.
"""
