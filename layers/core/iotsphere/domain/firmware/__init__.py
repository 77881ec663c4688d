"""Firmware: signed release manifests, what a device accepts, and staged rollouts."""
