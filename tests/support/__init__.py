"""Reusable test machinery for real servers: Redis (shared and private), several
``rejoinder serve`` processes, nginx. Fixtures are registered from tests/conftest.py."""
