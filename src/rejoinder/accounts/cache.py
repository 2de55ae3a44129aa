"""A short-lived cache of bearer tokens' viewers, for reads.

Signed-in readers look their token up on every request; for reads that lookup may come from
here. Writes always read fresh. Entries live ``ttl`` seconds at most and go at once when an
event says the account's access changed (a token revoked, a plan change, a sanction, a new
name, an erasure): the relay delivers those events to every process.
"""

from __future__ import annotations

from collections import OrderedDict

from rejoinder.accounts.viewer import Viewer
from rejoinder.events.base import AccountAccess, Event


class ViewerCache:
    def __init__(self, ttl_seconds: float, max_entries: int = 50_000) -> None:
        self._ttl = ttl_seconds
        self._max = max_entries
        self._entries: OrderedDict[str, tuple[float, Viewer]] = OrderedDict()
        self._by_account: dict[int, set[str]] = {}
        self._generation = 0

    @property
    def enabled(self) -> bool:
        return self._ttl > 0

    def generation(self) -> int:
        """Take before a lookup; ``put`` refuses what was read before an invalidation."""
        return self._generation

    def get(self, token_hash: str, now: float) -> Viewer | None:
        entry = self._entries.get(token_hash)
        if entry is None:
            return None
        if entry[0] <= now:
            self._drop(token_hash)
            return None
        return entry[1]

    def put(self, token_hash: str, viewer: Viewer, now: float, generation: int) -> None:
        if not self.enabled or generation != self._generation:
            return
        self._drop(token_hash)
        self._entries[token_hash] = (now + self._ttl, viewer)
        self._by_account.setdefault(viewer.account_id, set()).add(token_hash)
        while len(self._entries) > self._max:
            self._drop(next(iter(self._entries)))

    def forget_account(self, account_id: int) -> None:
        self._generation += 1
        for token_hash in list(self._by_account.pop(account_id, ())):
            self._entries.pop(token_hash, None)

    def _drop(self, token_hash: str) -> None:
        entry = self._entries.pop(token_hash, None)
        if entry is not None:
            tokens = self._by_account.get(entry[1].account_id)
            if tokens is not None:
                tokens.discard(token_hash)
                if not tokens:
                    del self._by_account[entry[1].account_id]

    async def handle(self, event_id: int, event: Event) -> None:  # noqa: ARG002 - idempotent
        """The relay's consumer: an account's access changed."""
        for effect in event.affects():
            if isinstance(effect, AccountAccess):
                self.forget_account(effect.account_id)
