"""Notification services: deliver alarm transitions to subscriptions, manage subscriptions, read
the delivery log and the in-app feed."""
