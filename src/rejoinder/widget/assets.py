"""Static asset bundles served from memory, with content-hashed URLs and ETags.

A bundle is one folder of files read once at start-up. Its *version* is a hash of every file,
so ``/<prefix>/v/<version>/<path>`` can be cached for a year (``immutable``): a deploy that
changes any file changes every URL. Files are also served at an unversioned path with a short
cache, for the one URL publishers paste into their pages (``/embed.js``).

Each text file is also compressed once, at start-up, with brotli (best quality) and gzip; a
request gets the smallest encoding its ``Accept-Encoding`` allows, and every answer says
``Vary: Accept-Encoding`` so that shared caches keep the variants apart. Handlers serving a
bundle carry ``opt={PRECOMPRESSED: True}`` so the app's response compression leaves them be.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import brotli
from litestar import Response
from litestar.params import HeaderParameter

from rejoinder.kernel.encodings import accepted_encodings

YEAR = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300, stale-while-revalidate=86400"
# Litestar appends "; charset=utf-8" to text/* media types itself: naming it here sent it twice.
_TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".html": "text/html",
}
PRECOMPRESSED = "precompressed"  # route opt: the handler sends its own encoded bytes
AcceptEncoding = Annotated[str | None, HeaderParameter(name="accept-encoding")]


@dataclass(frozen=True, slots=True)
class Asset:
    path: str
    body: bytes
    media_type: str
    etag: str
    gzip: bytes
    br: bytes

    @property
    def gzipped_size(self) -> int:
        return len(self.gzip)

    def encoded(self, accept_encoding: str | None) -> tuple[bytes, str | None]:
        """The body to send and its ``Content-Encoding`` (None: as it is)."""
        accepted = accepted_encodings(accept_encoding)
        if "br" in accepted and len(self.br) < len(self.body):
            return self.br, "br"
        if ("gzip" in accepted or "*" in accepted) and len(self.gzip) < len(self.body):
            return self.gzip, "gzip"
        return self.body, None


# Client modules more than one bundle serves (the live streams' reader): one file, in each.
SHARED = Path(__file__).parents[1] / "static"


class Bundle:
    """Every file under ``root`` (text assets), with placeholders filled in once, and the
    ``shared`` modules by name (from ``SHARED``)."""

    def __init__(
        self,
        root: Path,
        replacements: dict[str, str] | None = None,
        shared: tuple[str, ...] = (),
    ) -> None:
        raw: dict[str, bytes] = {}
        for file in sorted(root.rglob("*")):
            if file.is_file() and file.suffix in _TYPES:
                raw[file.relative_to(root).as_posix()] = file.read_bytes()
        for name in shared:
            raw[name] = (SHARED / name).read_bytes()
        digest = hashlib.sha256()
        for name, body in raw.items():
            digest.update(name.encode() + b"\0" + body)
        self.version = digest.hexdigest()[:12]
        fill = {"__BUNDLE_VERSION__": self.version, **(replacements or {})}
        self.assets: dict[str, Asset] = {}
        for name, original in raw.items():
            body = original
            for placeholder, value in fill.items():
                body = body.replace(placeholder.encode(), value.encode())
            media_type = _TYPES.get(Path(name).suffix) or (
                mimetypes.guess_type(name)[0] or "application/octet-stream"
            )
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            self.assets[name] = Asset(
                name,
                body,
                media_type,
                etag,
                gzip=gzip.compress(body, compresslevel=9, mtime=0),
                br=brotli.compress(body, quality=11),
            )

    def respond(
        self,
        path: str,
        if_none_match: str | None,
        *,
        versioned: bool,
        accept_encoding: str | None = None,
    ) -> Response[bytes]:
        asset = self.assets.get(path)
        if asset is None:
            return Response(b"not found", status_code=404, media_type="text/plain")
        body, encoding = asset.encoded(accept_encoding)
        # One ETag per representation: a cache must not answer 304 for the gzip bytes it holds
        # to a request that would get the plain ones.
        etag = asset.etag if encoding is None else f'{asset.etag[:-1]}-{encoding}"'
        headers = {
            "Cache-Control": YEAR if versioned else SHORT,
            "ETag": etag,
            "Vary": "Accept-Encoding",
            "Access-Control-Allow-Origin": "*",
            "X-Content-Type-Options": "nosniff",
        }
        if encoding is not None:
            headers["Content-Encoding"] = encoding
        if if_none_match and {etag, asset.etag} & {t.strip() for t in if_none_match.split(",")}:
            return Response(b"", status_code=304, headers=headers)
        return Response(body, media_type=asset.media_type, headers=headers)

    def sizes(self) -> dict[str, tuple[int, int]]:
        """``{path: (raw bytes, gzipped bytes)}`` for the bundle report."""
        return {name: (len(a.body), a.gzipped_size) for name, a in self.assets.items()}
