"""What an import did (or, with ``--dry-run``, would do), and how it is printed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rejoinder.imports.records import Position

LISTED = 20  # URLs and problems listed by name; the rest are counted


@dataclass(slots=True)
class Report:
    format: str
    site: str
    dry_run: bool
    threads_seen: int = 0
    threads_matched: Counter[str] = field(default_factory=Counter)  # by how: url, path, ...
    threads_created: int = 0
    threads_unmatched: list[str] = field(default_factory=list)  # their URLs (or ids)
    threads_empty: int = 0  # threads with no comment to import: no story made for them
    comments_seen: int = 0
    imported: int = 0
    already_imported: int = 0
    held: int = 0  # imported as pending, because the source had them so
    tombstones: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    orphans: list[tuple[str, Position]] = field(default_factory=list)
    orphan_count: int = 0
    authors_new: int = 0
    authors_seen: int = 0
    names_reserved: int = 0
    problems: list[tuple[str, Position | None]] = field(default_factory=list)
    problem_count: int = 0
    stopped: str | None = None  # why the run stopped early (a fatal problem)
    batches: int = 0
    indexes_seconds: float | None = None  # --defer-indexes: the time rebuilding them took

    def problem(self, message: str, position: Position | None) -> None:
        self.problem_count += 1
        if len(self.problems) < LISTED:
            self.problems.append((message, position))

    def orphan(self, source_id: str, position: Position) -> None:
        self.orphan_count += 1
        if len(self.orphans) < LISTED:
            self.orphans.append((source_id, position))

    @property
    def ok(self) -> bool:
        return self.stopped is None

    def lines(self) -> list[str]:
        verb = "would import" if self.dry_run else "imported"
        how = ", ".join(f"{n} by {how}" for how, n in sorted(self.threads_matched.items()))
        out = [
            (
                f"{'Dry run: nothing was written. ' if self.dry_run else ''}"
                f"Import of a {self.format} export into site {self.site!r}"
            ),
            (
                f"threads: {self.threads_seen} seen; "
                f"{sum(self.threads_matched.values())} matched to stories"
                f"{f' ({how})' if how else ''}"
                f"; {self.threads_created} {'to create' if self.dry_run else 'created'}; "
                f"{len(self.threads_unmatched)} unmatched; {self.threads_empty} without comments"
            ),
        ]
        out.extend(f"  unmatched: {url}" for url in self.threads_unmatched[:LISTED])
        if len(self.threads_unmatched) > LISTED:
            out.append(f"  ... and {len(self.threads_unmatched) - LISTED} more unmatched")
        out.append(
            f"comments: {self.comments_seen} read; {self.imported} {verb}"
            f" ({self.held} held for moderation, {self.tombstones} deleted with replies kept as"
            f" tombstones); {self.already_imported} already imported before"
        )
        skipped = sum(self.skipped.values())
        out.append(
            f"skipped: {skipped}"
            + (
                " (" + ", ".join(f"{n} {why}" for why, n in sorted(self.skipped.items())) + ")"
                if skipped
                else ""
            )
        )
        out.append(
            f"orphans (parent missing, imported at the top level): {self.orphan_count}"
            + "".join(f"\n  orphan {sid} at {pos}" for sid, pos in self.orphans)
        )
        out.append(
            f"authors: {self.authors_seen} seen, {self.authors_new} new imported authors, "
            f"{self.names_reserved} names reserved"
        )
        if self.indexes_seconds is not None:
            out.append(f"indexes of comments rebuilt in {self.indexes_seconds:.1f} s")
        if self.problem_count:
            out.append(f"problems: {self.problem_count}")
            out.extend(f"  {f'{pos}: ' if pos else ''}{message}" for message, pos in self.problems)
        if self.stopped:
            out.append(f"STOPPED: {self.stopped}")
            out.append(
                "  Batches written before this point are complete; the one in progress was "
                "rolled back. Fix the file and run the same command again: what was imported "
                "is recognised by its source id and not imported twice."
            )
        return out

    def text(self) -> str:
        return "\n".join(self.lines()) + "\n"
