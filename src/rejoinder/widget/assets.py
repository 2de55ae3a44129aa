"""Static asset bundles served from memory, with content-hashed URLs and ETags.

A bundle is one folder of files read once at start-up. Its *version* is a hash of every file,
so ``/<prefix>/v/<version>/<path>`` can be cached for a year (``immutable``): a deploy that
changes any file changes every URL. Files are also served at an unversioned path with a short
cache, for the one URL publishers paste into their pages (``/embed.js``).
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from litestar import Response

YEAR = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300, stale-while-revalidate=86400"
_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}


@dataclass(frozen=True, slots=True)
class Asset:
    path: str
    body: bytes
    media_type: str
    etag: str

    @property
    def gzipped_size(self) -> int:
        return len(gzip.compress(self.body, compresslevel=9))


class Bundle:
    """Every file under ``root`` (text assets), with placeholders filled in once."""

    def __init__(self, root: Path, replacements: dict[str, str] | None = None) -> None:
        raw: dict[str, bytes] = {}
        for file in sorted(root.rglob("*")):
            if file.is_file() and file.suffix in _TYPES:
                raw[file.relative_to(root).as_posix()] = file.read_bytes()
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
            self.assets[name] = Asset(name, body, media_type, etag)

    def respond(self, path: str, if_none_match: str | None, *, versioned: bool) -> Response[bytes]:
        asset = self.assets.get(path)
        if asset is None:
            return Response(b"not found", status_code=404, media_type="text/plain")
        headers = {
            "Cache-Control": YEAR if versioned else SHORT,
            "ETag": asset.etag,
            "Access-Control-Allow-Origin": "*",
            "X-Content-Type-Options": "nosniff",
        }
        if if_none_match and asset.etag in {tag.strip() for tag in if_none_match.split(",")}:
            return Response(b"", status_code=304, headers=headers)
        return Response(asset.body, media_type=asset.media_type, headers=headers)

    def sizes(self) -> dict[str, tuple[int, int]]:
        """``{path: (raw bytes, gzipped bytes)}`` for the bundle report."""
        return {name: (len(a.body), a.gzipped_size) for name, a in self.assets.items()}
