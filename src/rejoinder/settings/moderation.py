"""Settings of the moderation pipeline and desk."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct, field


class QuietHours(Struct, kw_only=True, forbid_unknown_fields=True):
    site: Annotated[
        str, Meta(description="Site id the schedule applies to, or `*` for every site.")
    ] = "*"
    start: Annotated[
        str, Meta(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="Start, `HH:MM`.")
    ]
    end: Annotated[
        str,
        Meta(
            pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
            description="End, `HH:MM`; earlier than `start` means the next morning.",
        ),
    ]
    timezone: Annotated[
        str, Meta(description="IANA time zone of `start` and `end`, e.g. `Asia/Tokyo`.")
    ] = "UTC"
    action: Annotated[
        Literal["hold", "refuse"],
        Meta(description="`hold` comments for review, or `refuse` them (409 `quiet_hours`)."),
    ] = "hold"


def _default_report_reasons() -> list[str]:
    return ["spam", "abuse", "harassment", "off_topic", "misinformation", "other"]


def _default_rejection_reasons() -> list[str]:
    return ["abusive", "spam", "off_topic", "personal_information", "misinformation", "other"]


class ModerationSettings(Struct, kw_only=True, forbid_unknown_fields=True):
    enabled: Annotated[
        bool, Meta(description="Run the moderation pipeline (off: publish everything).")
    ] = True
    disabled_sites: Annotated[
        list[str], Meta(description="Sites where commenting is switched off (409).")
    ] = field(default_factory=list)
    quiet_hours: Annotated[
        list[QuietHours],
        Meta(description="Scheduled quiet hours, as `[[moderation.quiet_hours]]`."),
    ] = field(default_factory=list)
    velocity_per_hour: Annotated[
        int, Meta(ge=1, description="Hold a reader's comments beyond this many in an hour.")
    ] = 30
    repeat_window_minutes: Annotated[
        int, Meta(ge=0, description="Hold a reader's repeated text within this many minutes.")
    ] = 10
    repeat_min_length: Annotated[
        int,
        Meta(ge=1, description='Shorter texts ("Agreed!") may repeat: they are not spam.'),
    ] = 20
    repeat_many_readers: Annotated[
        int, Meta(ge=2, description="Hold a text posted by this many different readers...")
    ] = 3
    repeat_many_window_minutes: Annotated[
        int, Meta(ge=1, description="...within this many minutes (coordinated spam).")
    ] = 60
    banned_words: Annotated[
        list[str], Meta(description="Words and phrases that reject a comment outright.")
    ] = field(default_factory=list)
    suspect_words: Annotated[
        list[str], Meta(description="Extra words that hold or flag a comment for review.")
    ] = field(default_factory=list)
    default_suspect_words: Annotated[
        bool, Meta(description="Also use the shipped suspect-word list (English, Japanese).")
    ] = True
    suspect_action: Annotated[
        Literal["hold", "flag"],
        Meta(description="`hold` (pending) or `flag` (published, marked for review)."),
    ] = "hold"
    links_new_commenter_threshold: Annotated[
        int,
        Meta(
            ge=0,
            description="Hold links from readers with fewer published comments than this "
            "(0: off). Links to the site's own domains are never held.",
        ),
    ] = 0
    link_allow_domains: Annotated[
        list[str], Meta(description="Domains (and their subdomains) whose links are never held.")
    ] = field(default_factory=list)
    link_deny_domains: Annotated[
        list[str], Meta(description="Domains whose links always hold a comment.")
    ] = field(default_factory=list)
    toxicity_enabled: Annotated[
        bool, Meta(description="Score comments with the embedded offline model.")
    ] = True
    toxicity_threshold: Annotated[
        float,
        Meta(
            ge=0,
            le=1,
            description="Score above which the author is nudged (or the comment held); "
            "0.6 holds about 2% of civil comments on the dev split and the evaluation set "
            "(docs/moderation.md).",
        ),
    ] = 0.6
    toxicity_second_stage: Annotated[
        bool,
        Meta(
            description="Ask the sentence-embedding model (multilingual-e5-small, in-process) "
            "about comments the fast first stage does not clear.",
        ),
    ] = True
    toxicity_clear_below: Annotated[
        float,
        Meta(
            ge=0,
            le=1,
            description="First-stage scores below this are final (the second stage is skipped); "
            "0.3 reads a fifth fewer comments with the encoder than 0.2 did, at the same dev-split "
            "figures (docs/moderation.md).",
        ),
    ] = 0.3
    toxicity_confident_above: Annotated[
        float,
        Meta(
            ge=0,
            le=1,
            description="First-stage scores from this up are final too: the second stage "
            "reads only the band in between.",
        ),
    ] = 0.9
    toxicity_maybe: Annotated[
        float, Meta(ge=0, le=1, description='Scores above this show as "maybe" on the desk.')
    ] = 0.3
    toxicity_action: Annotated[
        Literal["nudge", "hold", "flag"],
        Meta(description="`nudge` the author once then hold, `hold` at once, or `flag`."),
    ] = "nudge"
    toxicity_timeout_ms: Annotated[
        int,
        Meta(
            ge=1,
            description="The most a decision waits for the model's second stage (the "
            "encoder's queue budget): a comment the queue cannot answer within it is not "
            "queued, and one answered later than it is not waited for; either way the first "
            "stage's score decides, which is less accurate (docs/moderation.md, \"Under "
            "load\"). 250 keeps the model's accuracy on a busy 2-core machine; 40 keeps the "
            "decision's p99 near 50 ms there by deciding most of the band on the first stage. "
            "A remote scorer slower than this lets the comment through.",
        ),
    ] = 250
    nudge_window_minutes: Annotated[
        int, Meta(ge=1, description="A nudge counts for this long: the next toxic try is held.")
    ] = 30
    threat_action: Annotated[
        Literal["hold", "flag", "off"], Meta(description="What a threat phrase does.")
    ] = "hold"
    dehumanisation_action: Annotated[
        Literal["hold", "flag", "off"],
        Meta(description='What a group-dehumanisation pattern ("<group> are vermin") does.'),
    ] = "hold"
    new_commenter_premoderation: Annotated[
        int, Meta(ge=0, description="Hold a reader's first N comments for review (0: off).")
    ] = 0
    report_threshold: Annotated[
        int, Meta(ge=1, description="Reports after which a comment enters the reported queue.")
    ] = 1
    report_reasons: Annotated[
        list[Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]{0,31}$")]],
        Meta(
            description="Reasons a reader picks from when reporting a comment (the widget "
            "translates the built-in ones; others are shown as written)."
        ),
    ] = field(default_factory=_default_report_reasons)
    rejection_reasons: Annotated[
        list[Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]{0,31}$")]],
        Meta(description="Reasons a moderator picks from when rejecting a comment."),
    ] = field(default_factory=_default_rejection_reasons)
