"""The encoder's second opinion on a comment it could not read in time.

Under load the second stage sheds band comments (``second_stage``): the first stage's score
alone decided them, and most were published. The queue reads each again once it has nothing
else to do; if both stages together put the text over the toxicity threshold, every published
comment with that text that no moderator has reviewed yet is **flagged** for the desk (a
finding in its trace, the higher score on its card). It is not unpublished: a score never
holds a comment its readers may already have answered, it asks a moderator to look.
"""

from __future__ import annotations

import msgspec
from sqlalchemy import bindparam, select, update

from rejoinder.comments.models import comments
from rejoinder.moderation.models import comment_checks
from rejoinder.storage.database import Transaction
from rejoinder.storage.statements import defined

_UNREVIEWED = defined(
    select(comment_checks.c.comment_id, comment_checks.c.trace)
    .join(comments, comments.c.id == comment_checks.c.comment_id)
    .where(
        comment_checks.c.text_hash == bindparam("digest"),
        comment_checks.c.reviewed_at.is_(None),
        comment_checks.c.flagged.is_(False),
        comments.c.status == "published",
        comments.c.deleted_at.is_(None),
    )
)
_FLAG = defined(
    update(comment_checks)
    .where(comment_checks.c.comment_id == bindparam("id"))
    .values(flagged=True, toxicity=bindparam("score"), trace=bindparam("trace"))
)


async def flag_after_second_opinion(
    tx: Transaction, digest: str, score: float, finding: msgspec.Struct
) -> list[int]:
    """Flag the unreviewed published comments whose folded text hashes to ``digest``, adding
    ``finding`` (the pipeline's) to their traces; their ids."""
    rows = (await tx.conn.execute(_UNREVIEWED, {"digest": digest})).all()
    for row in rows:
        trace = [*msgspec.json.decode(row.trace or "[]"), finding]
        await tx.conn.execute(
            _FLAG,
            {"id": row.comment_id, "score": score, "trace": msgspec.json.encode(trace).decode()},
        )
    return [int(row.comment_id) for row in rows]
