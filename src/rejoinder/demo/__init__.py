"""The demo publication: its configuration and the content `make demo` seeds."""
