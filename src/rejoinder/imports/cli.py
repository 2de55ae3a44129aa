"""``rejoinder import`` and ``rejoinder export``: arguments, progress and the report.

The runtime comes from the caller (``rejoinder.cli``, which builds the lean
``CommandRuntime``): this domain sits below the wiring."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rejoinder.imports.formats import PARSERS
from rejoinder.imports.mapping import parse_rule
from rejoinder.imports.report import Report
from rejoinder.imports.source import BadInput, Input
from rejoinder.runtime import CommandRuntime
from rejoinder.settings import Settings


def add_commands(sub: Any, on_import: Callable[..., int], on_export: Callable[..., int]) -> None:
    cmd = sub.add_parser(
        "import",
        help="import comments from another system's export (see docs/import.md)",
    )
    cmd.add_argument("format", choices=sorted(PARSERS), metavar="FORMAT", help=", ".join(PARSERS))
    cmd.add_argument("file", metavar="FILE", help="the export (gzip is recognised)")
    cmd.add_argument("--site", required=True, help="the site (from [[sites]]) to import into")
    cmd.add_argument(
        "--dry-run", action="store_true", help="report what would happen; write nothing"
    )
    cmd.add_argument(
        "--rewrite",
        action="append",
        default=[],
        metavar="'FROM=>TO'",
        help="rewrite thread URLs before matching (repeatable; the first match applies)",
    )
    cmd.add_argument(
        "--create-stories", action="store_true", help="create stories for unmatched threads"
    )
    cmd.add_argument("--batch-size", type=int, default=2000, help="comments per transaction")
    cmd.add_argument(
        "--defer-indexes",
        action="store_true",
        help="drop the comments' indexes for the run and rebuild them at its end: many times "
        "faster, for an import before the site's comments go live (pages are slow meanwhile)",
    )
    cmd.add_argument(
        "--max-bytes", type=int, default=None, help="refuse files inflating past this size"
    )
    cmd.set_defaults(func=on_import)
    out = sub.add_parser("export", help="export a site as JSON Lines (stories, authors, comments)")
    out.add_argument("--site", required=True)
    out.add_argument("--since", help="only comments changed since this ISO date")
    out.add_argument("--with-emails", action="store_true", help="include authors' e-mails")
    out.add_argument("--output", "-o", help="file to write (default: standard output)")
    out.set_defaults(func=on_export)


def _progress() -> Callable[[Report, Input], None]:
    if sys.stderr.isatty():
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

        bar = Progress(
            TextColumn("importing"),
            BarColumn(),
            DownloadColumn(),
            TextColumn("{task.fields[comments]} comments"),
            transient=True,
        )
        task = None

        def show(report: Report, source: Input) -> None:
            nonlocal task
            if task is None:
                bar.start()
                task = bar.add_task("import", total=source.size, comments=0)
            bar.update(task, completed=source.consumed(), comments=report.comments_seen)
            if report.comments_seen and source.stream.closed:
                bar.stop()

        return show

    def plain(report: Report, source: Input) -> None:
        if report.comments_seen % 100_000 == 0 or source.stream.closed:
            print(
                f"read {report.comments_seen} comments, {source.consumed():,} of "
                f"{source.size:,} bytes",
                file=sys.stderr,
                flush=True,
            )

    return plain


def run_import(
    settings: Settings,
    args: argparse.Namespace,
    create_runtime: Callable[[Settings], CommandRuntime],
) -> int:
    from rejoinder.imports.service import Options, import_file

    if settings.site(args.site) is None:
        print(f"rejoinder: no site {args.site!r} in the configuration", file=sys.stderr)
        return 2
    try:
        rules = [parse_rule(text) for text in args.rewrite]
    except BadInput as error:
        print(f"rejoinder import: {error}", file=sys.stderr)
        return 2
    if not Path(args.file).is_file():
        print(f"rejoinder import: no file {args.file}", file=sys.stderr)
        return 2
    options = Options(
        format=args.format,
        path=args.file,
        site=args.site,
        rules=rules,
        create_stories=args.create_stories,
        dry_run=args.dry_run,
        batch_size=max(1, args.batch_size),
        max_bytes=args.max_bytes,
        defer_indexes=args.defer_indexes,
    )

    async def run() -> Report:
        runtime = create_runtime(settings)
        try:
            return await import_file(
                runtime.db, settings, runtime.names, runtime.clock, options, progress=_progress()
            )
        finally:
            await runtime.close()

    report = asyncio.run(run())
    sys.stdout.write(report.text())
    return 0 if report.ok else 1


def run_export(
    settings: Settings,
    args: argparse.Namespace,
    create_runtime: Callable[[Settings], CommandRuntime],
) -> int:
    from rejoinder.imports.exports import export_lines
    from rejoinder.imports.formats.dates import parse_moment

    if settings.site(args.site) is None:
        print(f"rejoinder: no site {args.site!r} in the configuration", file=sys.stderr)
        return 2
    since = None
    if args.since:
        since = parse_moment(args.since)
        if since is None:
            print(f"rejoinder export: --since {args.since!r} is not an ISO date", file=sys.stderr)
            return 2

    try:
        target = Path(args.output).open("wb") if args.output else sys.stdout.buffer  # noqa: SIM115
    except OSError as error:
        print(f"rejoinder export: cannot write {args.output}: {error.strerror}", file=sys.stderr)
        return 2

    async def run() -> int:
        runtime = create_runtime(settings)
        count = 0
        try:
            async for line in export_lines(
                runtime.db,
                args.site,
                runtime.clock.now(),
                since=since,
                with_emails=args.with_emails,
            ):
                target.write(line)
                count += 1
        finally:
            target.flush()
            if args.output:
                target.close()
            await runtime.close()
        return count

    count = asyncio.run(run())
    print(f"exported {count} lines", file=sys.stderr)
    return 0
