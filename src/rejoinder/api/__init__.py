"""Mounts every domain's routes, maps errors to problem+json, and serves the OpenAPI document."""
