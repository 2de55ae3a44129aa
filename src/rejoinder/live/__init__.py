"""Live updates over Server-Sent Events: a story's stream for readers, the queues' stream for
moderators. ``hub`` fans the relay's events out to open streams; ``render`` decides, per event
and per reader, what each may see; ``service`` opens a stream (resume, replay, reset)."""
