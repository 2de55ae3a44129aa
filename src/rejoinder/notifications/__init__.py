"""Notifications: in-page items and mail (immediate or digest) made from the event log."""
