"""The event log: typed domain events, the transactional outbox and the relay after commit."""
