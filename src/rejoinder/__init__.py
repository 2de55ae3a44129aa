"""Rejoinder: self-hosted, plan-gated commenting for news publishers."""

__version__ = "0.1.0"
