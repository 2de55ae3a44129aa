"""``rejoinder import`` and ``rejoinder export`` as a publisher runs them."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from imports.support import FIXTURES
from rejoinder.cli import main


def _config(tmp_path: Path, database_url: str) -> Path:
    path = tmp_path / "rejoinder.toml"
    path.write_text(
        f'[database]\nurl = "{database_url}"\n\n'
        '[[sites]]\nid = "news"\nname = "The Daily Planet"\nallowed_domains = ["news.test"]\n',
        encoding="utf-8",
    )
    return path


def test_import_dry_run_then_real_then_export(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(_config(tmp_path, database_url))
    args = ["--config", config, "import", "disqus", str(FIXTURES / "disqus-cases.xml")]
    assert main([*args, "--site", "news", "--create-stories", "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Dry run: nothing was written.")
    assert "would import" in out
    assert "read 0 comments" in err or "comments" in err  # plain progress lines, no terminal
    rule = "old.news.test/blog=>news.test"
    assert main([*args, "--site", "news", "--create-stories", "--rewrite", rule]) == 0
    out, _ = capsys.readouterr()
    assert "6 imported" in out
    assert "skipped: 3 (1 deleted without replies, 1 duplicate id in the file, 1 spam)" in out
    assert "orphan p7 at line" in out
    target = tmp_path / "news.jsonl"
    assert main(["--config", config, "export", "--site", "news", "--output", str(target)]) == 0
    kinds = [msgspec.json.decode(line)["type"] for line in target.read_bytes().splitlines()]
    assert kinds.count("comment") == 6


def test_bad_input_exits_1_with_a_position_and_no_traceback(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(_config(tmp_path, database_url))
    broken = tmp_path / "broken.xml"
    broken.write_text("<disqus><thread dsq:id=1></disqus>", encoding="utf-8")
    code = main(["--config", config, "import", "disqus", str(broken), "--site", "news"])
    assert code == 1
    out, err = capsys.readouterr()
    assert "STOPPED: malformed XML" in out
    assert "line 1" in out
    assert "Traceback" not in out + err


def test_usage_errors_exit_2(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(_config(tmp_path, database_url))
    fixture = str(FIXTURES / "disqus-cases.xml")
    assert main(["--config", config, "import", "disqus", fixture, "--site", "nope"]) == 2
    assert "no site 'nope'" in capsys.readouterr().err
    assert (
        main(["--config", config, "import", "disqus", fixture, "--site", "news", "--rewrite", "x"])
        == 2
    )
    assert "has no '=>'" in capsys.readouterr().err
