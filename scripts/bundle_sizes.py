"""Print the sizes of everything the embed loader loads (raw and gzipped), as Markdown."""

from __future__ import annotations

from rejoinder.widget.api import widget_bundle


def main() -> None:
    sizes = widget_bundle().sizes()
    rows = sorted(sizes.items(), key=lambda item: (item[0] != "embed.js", item[0]))
    print("| file | raw | gzipped |")
    print("|---|---:|---:|")
    for name, (raw, gzipped) in rows:
        print(f"| `{name}` | {raw:,} | {gzipped:,} |")
    english = [size for name, size in sizes.items() if name != "i18n/ja.json"]
    print(
        f"| **total, English reader** | **{sum(r for r, _ in english):,}** "
        f"| **{sum(g for _, g in english):,}** |"
    )


if __name__ == "__main__":
    main()
