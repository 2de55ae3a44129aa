"""Prometheus metrics: scraped over HTTP from the real app, local-only by default."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from factories import make_reader, make_story
from rejoinder.app import create_app
from rejoinder.observability.metrics import Metrics
from rejoinder.runtime import Runtime
from rejoinder.settings import MetricsSettings, Settings

Client = httpx.AsyncClient


@pytest.fixture
async def local(settings: Settings, runtime: Runtime) -> AsyncIterator[Client]:
    """The same app as ``client``, reached from this machine (where Prometheus may scrape)."""
    transport = httpx.ASGITransport(
        app=create_app(settings, runtime=runtime), client=("127.0.0.1", 5)
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://rejoinder.test") as http:
        yield http


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, tuple(sorted(labels.items()))), 0.0)


async def scrape(http: Client) -> str:
    response = await http.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


async def test_metrics_are_not_public(client: Client) -> None:
    response = await client.get("/metrics")  # the ``client`` fixture comes from 203.0.113.7
    assert response.status_code == 404
    assert "rejoinder_" not in response.text


async def test_latency_per_route_template(local: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    other = await make_story(runtime)
    for key in (story, story, other):  # the first of each misses, the second hit is cached
        assert (await local.get(f"/api/v1/sites/news/stories/{key}/comments")).status_code == 200
    await local.get("/api/v1/nowhere/at-all")
    text = await scrape(local)
    counts = {
        dict(labels)["route"]: count
        for (name, labels), count in samples(text).items()
        if name == "rejoinder_http_request_duration_seconds_count"
        and dict(labels)["method"] == "GET"
        and dict(labels)["status"] == "200"
    }
    route = "/api/v1/sites/{site}/stories/{story_id}/comments"
    assert counts[route] == 3  # cache hits (fast path) and misses (Litestar) under one template
    assert not any(story in r or other in r for r in counts)  # no raw paths as label values
    assert (
        value(
            text,
            "rejoinder_http_request_duration_seconds_count",
            method="GET",
            route="(unmatched)",
            status="404",
        )
        == 1
    )
    assert value(text, "rejoinder_page_cache_lookups_total", result="hit") == 1
    assert value(text, "rejoinder_page_cache_lookups_total", result="miss") == 2


async def test_comment_outcomes_and_decision_time(local: Client, runtime: Runtime) -> None:
    reader = await make_reader(runtime)
    story = await make_story(runtime)
    premoderated = await make_story(runtime, premoderated=True)
    url = "/api/v1/sites/news/stories/{}/comments"
    for key, text in ((story, "First!"), (story, "Second."), (premoderated, "Held one.")):
        response = await local.post(url.format(key), json={"body": text}, headers=reader.headers)
        assert response.status_code == 201, response.text
    scraped = await scrape(local)
    assert value(scraped, "rejoinder_comments_total", status="published") == 2
    assert value(scraped, "rejoinder_comments_total", status="pending") == 1
    assert value(scraped, "rejoinder_comments_total", status="rejected") == 0
    decided = value(scraped, "rejoinder_moderation_decision_seconds_count", status="published")
    assert decided == 2
    assert value(scraped, "rejoinder_moderation_decision_seconds_sum", status="published") > 0


async def test_write_lock_hook_is_exported(settings: Settings, runtime: Runtime) -> None:
    from rejoinder.observability.metrics import Metrics

    metrics = Metrics(settings.metrics)
    with metrics.time_write_lock():
        pass
    metrics.sqlite_write_lock_wait(0.02)
    text = metrics.scrape().decode()
    assert value(text, "rejoinder_sqlite_write_lock_wait_seconds_count") == 2
    assert value(text, "rejoinder_sqlite_write_lock_wait_seconds_bucket", le="0.05") == 2


def _values(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape but the creation times (which differ between registries)."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(metrics.scrape().decode())
        for sample in family.samples
        if not sample.name.endswith("_created")
    }


def test_batched_samples_add_up_exactly_like_one_observe_each() -> None:
    one_by_one, batched = Metrics(MetricsSettings()), Metrics(MetricsSettings())
    samples = [0.0001, 0.0005, 0.0007, 0.001, 0.003, 0.3, 2.5, 7.0, 11.0, 0.00049]
    for seconds in samples:
        one_by_one.observe_request("GET", "/r", 200, seconds)
        one_by_one.page_cache_lookup(hit=True)
    batch = batched.batched_request("GET", "/r", 200, cache_hit=True)
    child = batched.request_child("GET", "/r", 200)
    for n, seconds in enumerate(samples):
        batch.add(seconds, now=n * 0.01)  # all within a second: nothing added yet
    assert child._sum.get() == 0  # type: ignore[attr-defined]
    assert _values(batched) == pytest.approx(
        _values(one_by_one), rel=1e-12
    )  # a scrape adds what is pending
    for n in range(300):  # past 256 pending, they are added without a scrape
        batch.add(0.002, now=5.0 + n * 1e-6)
        one_by_one.observe_request("GET", "/r", 200, 0.002)
        one_by_one.page_cache_lookup(hit=True)
    assert child._sum.get() > sum(samples) + 0.002 * 255  # type: ignore[attr-defined]
    assert _values(batched) == pytest.approx(
        _values(one_by_one), rel=1e-12
    )  # sums: order of adding
