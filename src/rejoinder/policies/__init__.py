"""Newsroom policies: sections that protect themselves, takedown requests (issue #14)."""
