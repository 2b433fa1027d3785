"""Hostile web: bad pages and failing servers never crash a crawl or lose an article."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from newscrawl.devserver import SiteServer
from tests.conftest import SITE, Crawler, CrawlResult, goldens, read_jsonl
from tests.hostile import EMIT, Case, make_hostile

MAX_SIZE = 1_000_000
#: Short timeouts and retries, so that failing servers fail fast.
FAST_FAILURE = [
    "-s", "DOWNLOAD_TIMEOUT=3", "-s", "RETRY_TIMES=2", "-s", "NEWSCRAWL_RETRY_BACKOFF=0.1",
    "-s", f"DOWNLOAD_MAXSIZE={MAX_SIZE}", "-s", f"DOWNLOAD_WARNSIZE={MAX_SIZE // 2}",
    "-s", "NEWSCRAWL_EXTRACT_TIMEOUT=30", "-s", "REDIRECT_MAX_TIMES=5",
]  # fmt: skip
#: The hostile site is one quarter bad pages: the crawl tolerates that much here.
TOLERANT = ["-s", "NEWSCRAWL_MAX_ERROR_RATIO=0.3"]


@pytest.fixture(scope="module")
def hostile_crawl(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[CrawlResult, list[Case], SiteServer, Crawler]]:
    """One crawl of the fixture site with every hostile case added (server kept running)."""
    root = tmp_path_factory.mktemp("hostile")
    site = root / "site"
    shutil.copytree(SITE, site)
    with SiteServer(site) as server:
        cases = make_hostile(site, server, MAX_SIZE)
        crawler = Crawler(root / "work")
        crawler.workdir.mkdir()
        result = crawler.run(server.base_url, *FAST_FAILURE, *TOLERANT)
        yield result, cases, server, crawler


def test_the_crawl_survives_and_says_what_happened(
    hostile_crawl: tuple[CrawlResult, list[Case], SiteServer, Crawler],
) -> None:
    result, cases, _, _ = hostile_crawl
    assert "Traceback" not in result.log and "Unhandled error" not in result.log, result.log[-6000:]
    assert result.stats.get("spider_exceptions/count", 0) == 0
    assert result.stats.get("newscrawl/rejected/extract/crash", 0) == 0
    errors = sum(1 for c in cases if c.expect not in (EMIT, "robots"))
    assert result.summary["errors"] == errors
    assert result.returncode == 0  # errors stayed under NEWSCRAWL_MAX_ERROR_RATIO


def test_every_good_article_is_emitted_once(
    hostile_crawl: tuple[CrawlResult, list[Case], SiteServer, Crawler],
) -> None:
    result, cases, server, crawler = hostile_crawl
    base = server.base_url.rstrip("/")
    by_url = Counter(i["canonical_url"] for i in crawler.all_items())
    assert max(by_url.values()) == 1
    news = {base + p for p, g in goldens().items() if g["kind"] == "news" and "/amp/" not in p}
    assert news <= set(by_url)  # not one fixture article lost
    items = {i["url"].removeprefix(base): i for i in result.items}
    for case in cases:
        if case.expect == EMIT:
            assert case.path in items, (case, [r for r in result.rejects if case.path in r["url"]])
            assert case.snippet in items[case.path]["text"], case


def test_every_bad_page_is_recorded_with_its_reason(
    hostile_crawl: tuple[CrawlResult, list[Case], SiteServer, Crawler],
) -> None:
    result, cases, server, _ = hostile_crawl
    base = server.base_url.rstrip("/")
    reasons = {r["url"].removeprefix(base): r["reason"] for r in result.rejects}
    for case in cases:
        if case.expect != EMIT:
            assert case.path in reasons, case
            assert reasons[case.path].startswith(case.expect), (case, reasons[case.path])


def test_security_limits(
    hostile_crawl: tuple[CrawlResult, list[Case], SiteServer, Crawler],
) -> None:
    result, _, server, crawler = hostile_crawl
    paths = [r.path for r in server.requests]
    assert "/private/h-secret/" not in paths  # robots.txt obeyed
    assert not any("h-offsite" in p or "h-ftp" in p for p in paths)  # other hosts, schemes
    assert not any("passwd" in p or "lol" in p for p in paths)  # no entity was expanded
    assert result.stats["newscrawl/discovery/invalid_sitemap"] >= 1
    assert not list(crawler.output.glob("gqn/*.part"))
    for path in crawler.output.glob("gqn/*.jsonl"):
        read_jsonl(path)  # no partial line anywhere


def test_too_many_errors_fail_the_run(
    hostile_crawl: tuple[CrawlResult, list[Case], SiteServer, Crawler], tmp_path: Path
) -> None:
    _, _, server, _ = hostile_crawl
    result = Crawler(tmp_path).run(
        server.base_url, *FAST_FAILURE, "-s", "NEWSCRAWL_MAX_ERROR_RATIO=0.05"
    )
    assert result.returncode == 1
    assert result.summary["status"] == "failed"
    assert any("errors out of" in p for p in result.summary["problems"])
