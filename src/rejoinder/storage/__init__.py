"""Engine and transaction factory, schema metadata and migrations."""
