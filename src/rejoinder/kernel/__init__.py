"""Tiny shared primitives: errors, clock, events. Imports no domain."""
