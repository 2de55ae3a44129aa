"""One parser per format: each turns an open binary file into ``records.Record`` items."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO

from rejoinder.imports.formats import commento, disqus, isso, rejoinder, remark42, wxr
from rejoinder.imports.records import Record

Parser = Callable[[IO[bytes], str], Iterator[Record]]

#: FORMAT on the command line → its parser (given the stream and the file's path).
PARSERS: dict[str, Parser] = {
    "disqus": disqus.parse,
    "wxr": wxr.parse,
    "commento": commento.parse,
    "isso": isso.parse,
    "remark42": remark42.parse,
    "rejoinder": rejoinder.parse,
}
