"""What a takedown request's messages say, in the request's language (English, Japanese).

The requester's acknowledgement and decision are written when the request is filed and when
it is decided, and stored in ``takedown_messages``; the notifications consumer mails them.
The moderators' reminders are written by that consumer from :func:`reminder`. The wording
is in ``letters.json``: the translators' one place.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Final

LANGUAGES: Final = ("en", "ja")
WORDING: Final[dict[str, dict[str, str]]] = json.loads(
    Path(__file__).with_name("letters.json").read_text(encoding="utf-8")
)


def language(value: str | None) -> str:
    return value if value in LANGUAGES else "en"


def _letter(lang: str, kind: str, **fields: object) -> tuple[str, str]:
    words = WORDING[language(lang)]
    return words[f"{kind}_subject"].format(**fields), words[f"{kind}_body"].format(**fields)


def _when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


def received(  # noqa: PLR0917 - the letter's every blank
    lang: str, site: str, request_id: int, name: str, comment_id: int, reason: str,
    deadline: datetime,
) -> tuple[str, str]:  # fmt: skip
    return _letter(
        lang, "received", site=site, id=request_id, name=name, comment=comment_id,
        reason=reason, deadline=_when(deadline),
    )  # fmt: skip


def decision(  # noqa: PLR0917 - the letter's every blank
    lang: str, site: str, request_id: int, name: str, status: str, reason: str
) -> tuple[str, str]:
    verdict = WORDING[language(lang)][f"verdict_{status}"]
    return _letter(
        lang, "decision", site=site, id=request_id, name=name, verdict=verdict, reason=reason
    )


def reminder(  # noqa: PLR0917 - the letter's every blank
    lang: str, stage: str, site: str, request_id: int, reason: str, deadline: datetime,
    desk_url: str,
) -> tuple[str, str]:  # fmt: skip
    return _letter(
        lang, stage, site=site, id=request_id, reason=reason, deadline=_when(deadline),
        desk=desk_url,
    )  # fmt: skip
