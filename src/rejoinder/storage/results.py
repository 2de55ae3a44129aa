"""What a statement returns: named rows, in the small subset of SQLAlchemy's ``Result`` API
that the domains use (``first``, ``one``, ``scalar_one``, ``scalars``, iteration, ...)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy.exc import MultipleResultsFound, NoResultFound


class ScalarResult:
    __slots__ = ("_values",)

    def __init__(self, values: list[Any]) -> None:
        self._values = values

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def all(self) -> list[Any]:
        return self._values

    def first(self) -> Any:
        return self._values[0] if self._values else None

    def one(self) -> Any:
        return _one(self._values)


def _one(items: list[Any]) -> Any:
    if not items:
        raise NoResultFound("No row was found when one was required")
    if len(items) > 1:
        raise MultipleResultsFound("Multiple rows were found when exactly one was required")
    return items[0]


class Result:
    """Rows (named tuples: ``row.id`` and ``row[0]``) and the count of rows a write touched."""

    __slots__ = ("rowcount", "rows")

    def __init__(self, rows: list[Any] | None, rowcount: int = -1) -> None:
        self.rows = rows if rows is not None else []
        self.rowcount = rowcount

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def all(self) -> list[Any]:
        return self.rows

    def fetchall(self) -> list[Any]:
        return self.rows

    def first(self) -> Any:
        return self.rows[0] if self.rows else None

    def fetchone(self) -> Any:
        return self.first()

    def one(self) -> Any:
        return _one(self.rows)

    def one_or_none(self) -> Any:
        return None if not self.rows else _one(self.rows)

    def scalar(self) -> Any:
        return self.rows[0][0] if self.rows else None

    def scalar_one(self) -> Any:
        return _one(self.rows)[0]

    def scalar_one_or_none(self) -> Any:
        row = self.one_or_none()
        return None if row is None else row[0]

    def scalars(self) -> ScalarResult:
        return ScalarResult([row[0] for row in self.rows])
