"""What a phase sees and what it answers.

A phase is a small object with a ``name`` and a ``check(candidate)`` returning an
:class:`Outcome`, or ``None`` when it has nothing to say. Phases never touch the database:
the runner loads everything they may need in one query first (:class:`Facts`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from rejoinder.comments.decisions import ModerationContext
from rejoinder.kernel.errors import RejoinderError
from rejoinder.moderation.text.quotes import Quoting, quoting
from rejoinder.moderation.text.wordlist import Prepared
from rejoinder.settings import ModerationSettings, Settings

# publish: stop, published (staff). flag: published, marked for review. hold: pending.
# reject: stop, rejected. refuse: stop, the API answers ``error`` and nothing is stored.
# nudge: like refuse, and the runner remembers it so the next toxic try is held.
Action = Literal["publish", "flag", "hold", "reject", "refuse", "nudge"]
STOPS = frozenset({"publish", "reject", "refuse", "nudge"})
HELD = "Your comment will appear once a moderator has reviewed it."


@dataclass(frozen=True, slots=True)
class Outcome:
    """``reason`` may be shown to the author; ``detail`` is for moderators only."""

    action: Action
    reason: str
    detail: str = ""
    error: RejoinderError | None = None


@dataclass(frozen=True, slots=True)
class ActiveSanction:
    kind: str
    site_id: str | None
    until: datetime | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class Facts:
    """What the database says about the author and the story, as of this comment."""

    story_status: str = "open"
    story_close_at: datetime | None = None
    comments_last_hour: int = 0
    same_text_by_author: int = 0
    same_text_other_readers: int = 0
    prior_comments: int = 0
    prior_published: int = 0
    nudged_recently: bool = False
    sanctions: tuple[ActiveSanction, ...] = ()


@dataclass(slots=True)
class Candidate:
    """One comment on its way through the pipeline."""

    ctx: ModerationContext
    settings: Settings
    prepared: Prepared
    text_hash: str
    facts: Facts
    toxicity: float | None = None
    # The shipped model's score when the site's own layer replaced it (None otherwise).
    shipped_toxicity: float | None = None
    # The score of the text outside quotation marks, when the comment reports or condemns
    # what it quotes (None otherwise): a toxic quote in a court report is flagged, not held.
    toxicity_outside_quotes: float | None = None
    # Set by the runner once a phase holds: later phases then route, they do not nudge.
    held_by: str | None = None
    notes: dict[str, str] = field(default_factory=dict)
    _quoting: Quoting | None = None

    @property
    def quoting(self) -> Quoting:
        """The comment's quoted spans and whether it reports them (computed once)."""
        if self._quoting is None:
            self._quoting = quoting(self.ctx.body)
        return self._quoting

    @property
    def rules(self) -> ModerationSettings:
        return self.settings.moderation


class Phase(Protocol):
    name: str

    def check(self, candidate: Candidate) -> Outcome | None:
        """Decide on one comment, or ``None`` to let the next phase speak."""
        ...
