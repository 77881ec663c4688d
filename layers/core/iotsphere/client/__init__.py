"""A command-line client of the HTTP API: ``iotsphere login``, ``devices``, ``alarms``."""
