"""Firmware services: signing releases and running staged rollouts, through ports."""
