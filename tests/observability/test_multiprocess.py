"""Several processes, one scrape: Prometheus multiprocess mode through real uvicorn servers."""

from __future__ import annotations

from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from observability.servers import serving


def _count(text: str, route: str) -> float:
    total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if (
                sample.name == "rejoinder_http_request_duration_seconds_count"
                and sample.labels["route"] == route
            ):
                total += sample.value
    return total


def test_one_scrape_sums_every_process(tmp_path: Path, database_url: str) -> None:
    shared = tmp_path / "prometheus"
    config = tmp_path / "rejoinder.toml"
    config.write_text(
        f'[database]\nurl = "{database_url}"\n\n[metrics]\nmultiprocess_dir = "{shared}"\n',
        encoding="utf-8",
    )
    with (
        serving(config, tmp_path / "a.log") as first,
        serving(config, tmp_path / "b.log") as second,
    ):
        for _ in range(3):
            assert httpx.get(f"{first}/readyz").status_code == 200
        for _ in range(4):
            assert httpx.get(f"{second}/readyz").status_code == 200
        from_first = httpx.get(f"{first}/metrics")
        from_second = httpx.get(f"{second}/metrics")
    assert from_first.status_code == 200
    assert _count(from_first.text, "/readyz") == 7
    assert _count(from_second.text, "/readyz") == 7
    assert len(list(shared.glob("*.db"))) >= 2  # one set of files per process
