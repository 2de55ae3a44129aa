"""What a takedown request's messages say, in the request's language (English, Japanese).

The requester's acknowledgement and decision are written when the request is filed and when
it is decided, and stored in ``takedown_messages``; the notifications consumer mails them.
The moderators' reminders are written by that consumer from :func:`reminder`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

LANGUAGES: Final = ("en", "ja")

_RECEIVED: Final = {
    "en": (
        "{site}: we received your request #{id}",
        "Dear {name},\n\nWe received your request to remove comment {comment} ({reason}).\n"
        "We will decide by {deadline} (UTC) and tell you what we decided, and why.\n\n{site}",
    ),
    "ja": (
        "{site}：削除依頼 #{id} を受け付けました",
        "{name} 様\n\nコメント {comment} の削除依頼（{reason}）を受け付けました。\n"
        "{deadline}（UTC）までに判断し、結果と理由をお知らせします。\n\n{site}",
    ),
}
_DECISION: Final = {
    "en": (
        "{site}: decision on your request #{id}",
        "Dear {name},\n\nThe comment you reported has been {verdict}.\nReason: {reason}\n\n{site}",
    ),
    "ja": (
        "{site}：削除依頼 #{id} への回答",
        "{name} 様\n\nご依頼のコメントは{verdict}。\n理由：{reason}\n\n{site}",
    ),
}
_VERDICTS: Final = {
    "en": {"removed": "removed", "kept": "not removed"},
    "ja": {"removed": "削除しました", "kept": "削除しないことにしました"},
}
_REMINDERS: Final = {
    "en": {
        "due": (
            "{site}: takedown request #{id} is due within 24 hours",
            "Takedown request #{id} ({reason}) must be decided by {deadline} (UTC).\n\n{desk}",
        ),
        "overdue": (
            "{site}: takedown request #{id} is overdue",
            "Takedown request #{id} ({reason}) was due on {deadline} (UTC) and is still open."
            "\n\n{desk}",
        ),
    },
    "ja": {
        "due": (
            "{site}：削除依頼 #{id} の期限まで24時間を切りました",
            "削除依頼 #{id}（{reason}）は {deadline}（UTC）までに判断が必要です。\n\n{desk}",
        ),
        "overdue": (
            "{site}：削除依頼 #{id} が期限を過ぎています",
            "削除依頼 #{id}（{reason}）の期限 {deadline}（UTC）を過ぎましたが、未判断です。"
            "\n\n{desk}",
        ),
    },
}


def language(value: str | None) -> str:
    return value if value in LANGUAGES else "en"


def _when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


def received(  # noqa: PLR0917 - the letter's every blank
    lang: str, site: str, request_id: int, name: str, comment_id: int, reason: str,
    deadline: datetime,
) -> tuple[str, str]:  # fmt: skip
    subject, body = _RECEIVED[language(lang)]
    fields = {
        "site": site, "id": request_id, "name": name, "comment": comment_id, "reason": reason,
        "deadline": _when(deadline),
    }  # fmt: skip
    return subject.format(**fields), body.format(**fields)


def decision(  # noqa: PLR0917 - the letter's every blank
    lang: str, site: str, request_id: int, name: str, status: str, reason: str
) -> tuple[str, str]:
    lang = language(lang)
    subject, body = _DECISION[lang]
    fields = {
        "site": site, "id": request_id, "name": name, "verdict": _VERDICTS[lang][status],
        "reason": reason,
    }  # fmt: skip
    return subject.format(**fields), body.format(**fields)


def reminder(  # noqa: PLR0917 - the letter's every blank
    lang: str, stage: str, site: str, request_id: int, reason: str, deadline: datetime,
    desk_url: str,
) -> tuple[str, str]:  # fmt: skip
    subject, body = _REMINDERS[language(lang)][stage]
    fields = {
        "site": site, "id": request_id, "reason": reason, "deadline": _when(deadline),
        "desk": desk_url,
    }  # fmt: skip
    return subject.format(**fields), body.format(**fields)
