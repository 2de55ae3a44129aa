"""Statements compiled once per dialect, bound per call.

Every query and write in Rejoinder is a SQLAlchemy Core statement. Building and compiling a
statement on every call cost most of an uncached page (about 7 ms of CPU for a page of 100
comments, against 0.6 ms for the same SQL compiled once). So a statement is compiled the first
time it runs on a dialect and kept:

- statements defined once at module level with ``bindparam()`` (the hot paths) are found by
  identity, and cost only the binding of their parameters;
- statements built per call with literal values are found by SQLAlchemy's structural cache key
  (the literals are extracted as parameters), so they too compile once per shape.

A ``Prepared`` statement knows its SQL in the driver's positional style (``?`` for sqlite3,
``$n`` for asyncpg), the bind processors of its parameters (UTC datetimes, booleans) and how
to turn a driver row into a named row with the result processors of its columns. Both
databases run the same statement through the same code; only the driver call differs.
"""

from __future__ import annotations

import collections
import keyword
import operator
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import Table, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import ValuesBase

RowMaker = Callable[[Sequence[Any]], Any]
_MAX_SHAPES = 4096  # statements built per call: distinct shapes kept per dialect


class Bound(NamedTuple):
    sql: str
    args: tuple[Any, ...]


def _row_class(names: Sequence[str]) -> type[tuple[Any, ...]]:
    fields = [
        n if n.isidentifier() and not keyword.iskeyword(n) else f"_{i}" for i, n in enumerate(names)
    ]
    return collections.namedtuple("Row", fields, rename=True)


class Prepared:
    """One statement compiled for one dialect."""

    __slots__ = (
        "_compiled",
        "_expanding",
        "_names",
        "_plan",
        "_processors",
        "make_row",
        "returns_rows",
        "sql",
    )

    def __init__(
        self,
        statement: ClauseElement,
        dialect: Dialect,
        column_keys: Sequence[str] = (),
        cache_key: Any = None,
    ) -> None:
        # An INSERT or UPDATE given its values as parameters sets exactly those columns.
        keys = list(column_keys) if column_keys and isinstance(statement, ValuesBase) else None
        compiled = statement.compile(dialect=dialect, column_keys=keys, cache_key=cache_key)
        assert isinstance(compiled, SQLCompiler)
        self._compiled = compiled
        self.sql = compiled.string
        self._names: tuple[str, ...] = tuple(compiled.positiontup or ())
        self._processors = dict(compiled._bind_processors)  # noqa: SLF001 - SQLAlchemy's own per-type processors
        self._expanding = bool(compiled.post_compile_params or compiled.literal_execute_params)
        self.returns_rows = bool(compiled._result_columns)  # noqa: SLF001
        self._plan = None if self._expanding else _plan(compiled, self._names, self._processors)
        self.make_row: RowMaker | None = None
        if self.returns_rows:
            entries = compiled._result_columns  # noqa: SLF001
            shape = _row_class([entry.keyname for entry in entries])
            processors = [_result_processor(entry.type, dialect) for entry in entries]
            self.make_row = _maker(shape, processors)

    def bind(
        self, params: Mapping[str, Any] | None, extracted: Sequence[Any] | None = None
    ) -> Bound:
        """The SQL and positional arguments for one call."""
        plan = self._plan
        if plan is not None:
            given = params or {}
            args = []
            for key, name, required, extracted_at, bindparam, process in plan:
                if key in given:
                    value = given[key]
                elif name in given:
                    value = given[name]
                elif required:
                    break  # SQLAlchemy's own path raises its error
                elif extracted is not None and extracted_at is not None:
                    value = extracted[extracted_at].value
                else:
                    value = bindparam.value
                args.append(value if process is None or value is None else process(value))
            else:
                return Bound(self.sql, tuple(args))
        compiled = self._compiled
        values: Any = compiled.construct_params(
            params, extracted_parameters=extracted, _no_postcompile=True
        )
        sql, names = self.sql, self._names
        processors: Any = self._processors
        if self._expanding:
            state = compiled._process_parameters_for_postcompile(values)  # noqa: SLF001
            sql, names, processors, values = (
                state.statement,
                tuple(state.positiontup or ()),
                state.processors,
                state.parameters,
            )
        args = []
        for name in names:
            value = values[name]
            process = processors.get(name)
            args.append(value if process is None or value is None else process(value))
        return Bound(sql, tuple(args))

    def args(self, params: Mapping[str, Any]) -> tuple[Any, ...]:
        """The positional arguments for ``params`` (``executemany``'s every row)."""
        return self.bind(params).args


class Copier:
    """A bulk insert into one table of rows given as tuples in ``columns`` order: the
    positional INSERT for ``executemany`` and the columns' bind processors, applied by
    position (the same conversions ``bind`` makes, without a mapping per row)."""

    __slots__ = ("_pick", "columns", "order", "sql", "steps", "table")

    def __init__(self, table: Table, columns: tuple[str, ...], dialect: Dialect) -> None:
        prepared = Prepared(insert(table), dialect, columns)
        names = prepared._names  # noqa: SLF001 - the same module
        self.table = table.name
        self.columns = columns
        self.sql = prepared.sql
        # The INSERT lists the columns in the table's order: ``order`` maps to the caller's.
        self.order = tuple(columns.index(name) for name in names)
        self._pick: Callable[[Sequence[Any]], tuple[Any, ...]] = (
            operator.itemgetter(*self.order) if len(self.order) > 1 else _one(self.order)
        )
        processors: dict[str, Any] = prepared._processors  # noqa: SLF001
        self.steps: tuple[tuple[int, Callable[[Any], Any]], ...] = tuple(
            (i, processors[name]) for i, name in enumerate(columns) if name in processors
        )

    def convert(self, rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
        """``rows`` with every value through its column's bind processor (caller's order).
        A value that is the very object of the row before (the batch's ``now`` in every row)
        is converted once."""
        steps = self.steps
        last: list[Any] = [_NOTHING] * len(steps)
        done: list[Any] = [None] * len(steps)
        out = []
        for row in rows:
            values = list(row)
            for n, (i, process) in enumerate(steps):
                value = values[i]
                if value is None:
                    continue
                if value is last[n]:
                    values[i] = done[n]
                else:
                    last[n] = value
                    values[i] = done[n] = process(value)
            out.append(values)
        return out

    def positional(self, rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
        """``convert``ed rows in the order of ``sql``'s parameters."""
        pick = self._pick
        return [pick(values) for values in self.convert(rows)]


_NOTHING = object()


def _one(order: tuple[int, ...]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    (index,) = order
    return lambda values: (values[index],)


# key, escaped name, required, index among the cache key's extracted parameters, the
# parameter itself (its value when none is given) and its bind processor, per placeholder.
PlanStep = tuple[str, str, bool, int | None, Any, Any]


def _plan(
    compiled: SQLCompiler, names: tuple[str, ...], processors: Mapping[str, Any]
) -> tuple[PlanStep, ...] | None:
    """What ``construct_params`` does for each placeholder, worked out once: the binding of
    a call is then a loop over the placeholders (SQLAlchemy's general path walks every
    parameter through several dictionaries, about a third of a statement's cost). ``None``
    for the statements it does not cover (callable defaults, collected parameters)."""
    if getattr(compiled, "_collect_params", False):
        return None
    extracted_at: dict[Any, int] = {}
    if compiled.cache_key is not None:
        match = compiled._cache_key_bind_match  # noqa: SLF001 - as construct_params reads it
        if match is None:
            return None
        for i, original in enumerate(compiled.cache_key[1]):
            for bind in match[0].get(original, ()):
                extracted_at[bind] = i
    escaped: Mapping[str, str] = compiled.escaped_bind_names or {}
    by_name: dict[str, tuple[Any, str]] = {}
    for bindparam, name in compiled.bind_names.items():
        if bindparam.callable is not None:
            return None
        by_name[escaped.get(name, name)] = (bindparam, name)
    steps: list[PlanStep] = []
    for placeholder in names:
        found = by_name.get(placeholder)
        if found is None:
            return None
        bindparam, name = found
        steps.append(
            (
                bindparam.key,
                name,
                bool(bindparam.required),
                extracted_at.get(bindparam),
                bindparam,
                processors.get(placeholder),
            )
        )
    return tuple(steps)


def _result_processor(type_: Any, dialect: Dialect) -> Any:
    """The column type's processor for driver values. Some depend on the driver's type code,
    known only once rows arrive (PostgreSQL numerics): asyncpg already returns those as
    Python numbers, so they need none."""
    try:
        return type_.dialect_impl(dialect).result_processor(dialect, None)
    except (TypeError, InvalidRequestError):
        return None


def _maker(shape: type[tuple[Any, ...]], processors: list[Any]) -> RowMaker:
    make = shape._make  # type: ignore[attr-defined]
    steps = [(i, p) for i, p in enumerate(processors) if p is not None]
    if not steps:
        return make  # type: ignore[no-any-return]

    def row(values: Sequence[Any]) -> Any:
        out = list(values)
        for i, process in steps:
            out[i] = process(out[i])
        return make(out)

    return row


_DEFINED: dict[int, ClauseElement] = {}


S = TypeVar("S", bound=ClauseElement)


def defined(statement: S) -> S:
    """Mark a statement defined once at module level (with ``bindparam()`` for its inputs):
    each dialect then finds it by identity, without computing its cache key per call."""
    _DEFINED[id(statement)] = statement
    return statement


class StatementCache:
    """The prepared statements of one dialect (thread-safe: SQLite binds on worker threads)."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self._by_identity: dict[int, tuple[ClauseElement, Prepared]] = {}
        self._by_shape: collections.OrderedDict[Any, Prepared] = collections.OrderedDict()
        self._copiers: dict[tuple[str, tuple[str, ...]], Copier] = {}
        self._lock = threading.Lock()

    def copier(self, table: Table, columns: tuple[str, ...]) -> Copier:
        """The ``Copier`` for ``columns`` of ``table``, compiled once."""
        key = (table.name, columns)
        found = self._copiers.get(key)
        if found is None:
            found = Copier(table, columns, self.dialect)
            with self._lock:
                self._copiers[key] = found
        return found

    def bind(
        self, statement: ClauseElement, params: Mapping[str, Any] | None
    ) -> tuple[Prepared, Bound]:
        found = self._by_identity.get(id(statement))
        if found is not None and found[0] is statement:
            prepared = found[1]
            return prepared, prepared.bind(params)
        if _DEFINED.get(id(statement)) is statement:
            prepared = Prepared(statement, self.dialect)  # its values are its own bindparams
            with self._lock:
                self._by_identity[id(statement)] = (statement, prepared)
            return prepared, prepared.bind(params)
        key = statement._generate_cache_key()  # noqa: SLF001 - SQLAlchemy's structural cache key
        if key is None:  # not cacheable (rare): compile for this call only
            prepared = Prepared(statement, self.dialect, tuple(params or ()))
            return prepared, prepared.bind(params)
        shape = (key.key, tuple(sorted(params)) if params else ())
        with self._lock:
            prepared_or_none = self._by_shape.get(shape)
            if prepared_or_none is not None:
                self._by_shape.move_to_end(shape)
        if prepared_or_none is None:
            prepared_or_none = Prepared(statement, self.dialect, shape[1], key)
            with self._lock:
                self._by_shape[shape] = prepared_or_none
                while len(self._by_shape) > _MAX_SHAPES:
                    self._by_shape.popitem(last=False)
        return prepared_or_none, prepared_or_none.bind(params, key.bindparams)
