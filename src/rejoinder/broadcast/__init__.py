"""The cross-process wake-up of the event log: "the log has grown, read it".

In one process the relay is woken in memory; with several, through a Redis Stream
(``redis.py``). The database is the truth either way: a wake-up only says that something
newer may exist, so subscribers re-read from their own position.
"""

from rejoinder.broadcast.base import Broadcast, Subscription
from rejoinder.broadcast.memory import MemoryBroadcast

__all__ = ["Broadcast", "MemoryBroadcast", "Subscription"]
