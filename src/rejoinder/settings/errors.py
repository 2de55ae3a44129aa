"""The one error settings raise."""

from __future__ import annotations


class ConfigError(Exception):
    """The configuration is unusable; the message says which key and why."""
