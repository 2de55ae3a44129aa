"""Imported authors: accounts that can never sign in, their reserved names, and claiming.

Policy (see docs/import.md):

- an imported author is shown under the name the old system had, cleaned of control,
  bidi and invisible characters, cut to 128 characters ("Anonymous" when it had none); the
  display-name *policy* is for names readers choose, not for history, so it does not reject
  an old name; the account's role ``imported`` marks it "Imported" wherever it appears;
- the name is reserved on the site (``profiles.reserved_names``, by the policy's key and
  skeleton): no subscriber can then take it, or one confusable with it;
- one person is one imported author per site: found by the hash of their e-mail, else the
  source's user id, else their name;
- the e-mail is never stored, only ``email_hash``; a subscriber who signs in through SSO
  with that e-mail *verified* by the publisher (``email_verified: true``) claims the
  history: the comments become theirs, and so does the reserved name.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from rejoinder.accounts.models import IMPORTED_ROLE, accounts
from rejoinder.accounts.sso import SsoClaims
from rejoinder.comments.models import comments
from rejoinder.events.catalogue import ImportedHistoryClaimed
from rejoinder.imports.models import imported_authors
from rejoinder.imports.records import Author
from rejoinder.profiles.confusables import uniqueness_skeleton
from rejoinder.profiles.models import reserved_names
from rejoinder.profiles.policy import NamePolicy, name_key, normalize_display
from rejoinder.storage.database import Connection, Transaction
from rejoinder.storage.statements import defined

ANONYMOUS = "Anonymous"
NAME_MAX = 128


def email_hash(email: str) -> str:
    """SHA-256 of the trimmed, lower-cased address (with a label of its own)."""
    return hashlib.sha256(f"rejoinder-import:{email.strip().lower()}".encode()).hexdigest()


def clean_name(raw: str) -> str:
    text = "".join(
        ch for ch in raw if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"}
    )
    return normalize_display(text)[:NAME_MAX].strip() or ANONYMOUS


def author_key(author: Author, system: str) -> str:
    """The person's key within the site: ``e:`` and their e-mail hash, else ``u:`` and the
    source's user id, else ``n:`` and their cleaned name. Computed once per comment (the
    import keeps it with the comment, ``Item.author_key``)."""
    if author.email and "@" in author.email:
        return f"e:{email_hash(author.email)}"
    if author.key:
        return f"u:{system}:{author.key}"[:255]
    return f"n:{clean_name(author.name).casefold()}"[:255]


def hash_of_key(key: str) -> str | None:
    """The e-mail hash a key was made of, if it was made of one (``author_key``)."""
    return key[2:] if key.startswith("e:") else None


FIND = defined(
    select(imported_authors.c.author_key, imported_authors.c.account_id).where(
        imported_authors.c.site_id == bindparam("site_id"),
        imported_authors.c.author_key.in_(bindparam("keys", expanding=True)),
    )
)
RESERVED = defined(
    select(reserved_names.c.name_key).where(
        reserved_names.c.site_id == bindparam("site_id"),
        reserved_names.c.name_key.in_(bindparam("keys", expanding=True)),
    )
)
INSERT_RESERVED = defined(
    insert(reserved_names).values(
        site_id=bindparam("site_id"),
        display_name=bindparam("display_name"),
        name_key=bindparam("name_key"),
        skeleton=bindparam("skeleton"),
        account_id=bindparam("account_id"),
        created_at=bindparam("now"),
    )
)
ACCOUNT_COLUMNS = (
    "id",
    "plan_id",
    "plan_changed_at",
    "role",
    "display_name",
    "created_at",
    "updated_at",
)
AUTHOR_COLUMNS = ("account_id", "site_id", "author_key", "email_hash", "created_at")


class AuthorBook:
    """The imported authors of one run: key → account id, created on first sight."""

    def __init__(self, site_id: str, system: str, names: NamePolicy, plan_id: str) -> None:
        self.site_id = site_id
        self.system = system
        self.names = names
        self.plan_id = plan_id
        self.known: dict[str, int] = {}
        self.created = 0
        self.reserved = 0

    async def resolve(
        self,
        conn: Connection | None,
        authors: Iterable[tuple[str, Author]],
        now: datetime,
        *,
        lookup: Connection,
    ) -> dict[str, int]:
        """Account ids of ``authors`` (each with its ``author_key``) by their key, found with
        ``lookup``; new ones are written with ``conn`` (None: a dry run, which only counts
        them)."""
        known = self.known
        wanted: dict[str, Author] = {}
        for key, author in authors:
            if key not in known and key not in wanted:
                wanted[key] = author
        if not wanted:
            return self.known
        found = await lookup.execute(FIND, {"site_id": self.site_id, "keys": list(wanted)})
        for row in found:
            self.known[row.author_key] = int(row.account_id)
            wanted.pop(row.author_key, None)
        if not wanted:
            return self.known
        if conn is None:
            for key in wanted:
                self.known[key] = -1 - len(self.known)
            self.created += len(wanted)
            return self.known
        await self._create(conn, wanted, now)
        return self.known

    async def _create(self, conn: Connection, wanted: dict[str, Author], now: datetime) -> None:
        keys = list(wanted)
        display = [clean_name(wanted[key].name) for key in keys]
        ids = await conn.reserve_ids(accounts, len(keys))
        rows = [
            (account_id, self.plan_id, now, IMPORTED_ROLE, name, now, now)
            for account_id, name in zip(ids, display, strict=True)
        ]
        await conn.copy(accounts, ACCOUNT_COLUMNS, rows)
        await conn.copy(
            imported_authors,
            AUTHOR_COLUMNS,
            [
                (account_id, self.site_id, key, hash_of_key(key), now)
                for key, account_id in zip(keys, ids, strict=True)
            ],
        )
        self.known.update(zip(keys, ids, strict=True))
        self.created += len(keys)
        await self._reserve(conn, list(zip(display, ids, strict=True)), now)

    async def _reserve(self, conn: Connection, named: list[tuple[str, int]], now: datetime) -> None:
        verdicts: dict[str, tuple[str, str, int]] = {}
        for name, account_id in named:
            if name == ANONYMOUS:
                continue
            # Only the policy's two uniqueness forms: the old name is not judged (its word
            # lists cost milliseconds a name, and history is not a reader's choice).
            key, folded = name_key(name), uniqueness_skeleton(name)
            if key and len(key) <= 512 and len(folded) <= 512:
                verdicts.setdefault(key, (name, folded, account_id))
        if not verdicts:
            return
        taken = await conn.execute(RESERVED, {"site_id": self.site_id, "keys": list(verdicts)})
        for row in taken:
            verdicts.pop(row.name_key, None)
        if verdicts:
            await conn.execute(
                INSERT_RESERVED,
                [
                    {
                        "site_id": self.site_id,
                        "display_name": name,
                        "name_key": key,
                        "skeleton": skeleton,
                        "account_id": account_id,
                        "now": now,
                    }
                    for key, (name, skeleton, account_id) in verdicts.items()
                ],
            )
            self.reserved += len(verdicts)


# -- claiming ---------------------------------------------------------------------------------

UNCLAIMED = defined(
    select(imported_authors.c.account_id).where(
        imported_authors.c.email_hash == bindparam("email_hash"),
        imported_authors.c.claimed_by.is_(None),
    )
)
MOVE_COMMENTS = defined(
    update(comments)
    .where(comments.c.account_id == bindparam("imported"))
    .values(account_id=bindparam("account_id"))
)
MARK_CLAIMED = defined(
    update(imported_authors)
    .where(imported_authors.c.account_id == bindparam("imported"))
    .values(claimed_by=bindparam("account_id"), claimed_at=bindparam("now"))
)
CLAIM_NAMES = defined(
    update(reserved_names)
    .where(reserved_names.c.account_id == bindparam("imported"))
    .values(claimed_by=bindparam("account_id"))
)


async def claim_history(tx: Transaction, account_id: int, email: str, now: datetime) -> list[int]:
    """Give ``account_id`` every unclaimed imported author with this e-mail (any site): their
    comments and their reserved names. The caller has checked that the e-mail is verified."""
    rows = (await tx.conn.execute(UNCLAIMED, {"email_hash": email_hash(email)})).all()
    imported = [int(row.account_id) for row in rows if int(row.account_id) != account_id]
    for old in imported:
        params: dict[str, Any] = {"imported": old, "account_id": account_id, "now": now}
        await tx.conn.execute(MOVE_COMMENTS, params)
        await tx.conn.execute(MARK_CLAIMED, params)
        await tx.conn.execute(CLAIM_NAMES, params)
    if imported:
        tx.emit(ImportedHistoryClaimed(account_id=account_id, imported=imported))
    return imported


async def claim_on_sign_in(tx: Any, account_id: int, claims: Any, now: Any) -> None:
    """The SSO sign-in hook (``Runtime.sign_in_hooks``): claim with a verified e-mail only."""
    assert isinstance(claims, SsoClaims)
    if claims.email and claims.email_verified:
        await claim_history(tx, account_id, claims.email, now)
