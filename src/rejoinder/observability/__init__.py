"""What operators see of a running process: metrics, structured logs, request ids, health.

``rejoinder.app.create_app`` wires it: ``Observe`` wraps the whole ASGI app (so the cached-page
fast path is measured too), ``instrument`` decorates the runtime's page cache and moderation
pipeline and subscribes the comment counters to the event bus.
"""
