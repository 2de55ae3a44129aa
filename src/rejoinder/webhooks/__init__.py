"""Signed webhooks: endpoints the publisher registers, deliveries from the event log."""
