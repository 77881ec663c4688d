"""Notifications: who wants to hear about which alarm transitions, over which channel, when, and
the record of every delivery."""
