"""Alerting: rules, their evaluation over readings in device time, and the alarm lifecycle."""
