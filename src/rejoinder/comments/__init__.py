"""Comments: threads, edits, tombstones, reactions, reports, counts and the hot-page cache."""
