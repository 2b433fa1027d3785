"""The crawl end to end: `scrapy crawl gqn` on the fixture site, real engine, real HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from newscrawl.devserver import FIXTURE_ORIGIN, SiteServer
from newscrawl.evaluation.metric import page_scores
from tests.conftest import REPO, Crawler, CrawlResult, goldens, read_jsonl

SCHEMA = json.loads(resources.files("newscrawl").joinpath("schema/item.schema.json").read_text())


def local(url: str, server: SiteServer) -> str:
    return url.replace(FIXTURE_ORIGIN, server.base_url.rstrip("/"))


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> tuple[CrawlResult, SiteServer, Path]:
    """One full crawl of the fixture site, shared by the tests of this module."""
    from tests.conftest import SITE

    work = tmp_path_factory.mktemp("e2e")
    feed = work / "feed.jsonl"
    with SiteServer(SITE) as server:
        result = Crawler(work).run(server.base_url, "-O", str(feed))
    return result, server, feed


def news_goldens() -> dict[str, dict[str, Any]]:
    """Golden of each news article's normal page, keyed by its canonical path."""
    return {
        path: gold
        for path, gold in goldens().items()
        if gold["kind"] == "news" and not path.endswith("/amp/")
    }


def test_run_succeeds_with_a_summary(crawl: tuple[CrawlResult, SiteServer, Path]) -> None:
    result, _, _ = crawl
    assert result.returncode == 0, result.log[-5000:]
    assert "Traceback" not in result.log
    assert result.summary["status"] == "ok"
    assert result.summary["new"] == len(result.items)
    assert "newscrawl gqn ok: fetched=" in result.log


def test_every_news_article_exactly_once(crawl: tuple[CrawlResult, SiteServer, Path]) -> None:
    result, server, _ = crawl
    expected = {local(g["canonical_url"], server) for g in news_goldens().values()}
    emitted = Counter(item["canonical_url"] for item in result.items)
    assert max(emitted.values()) == 1
    assert set(emitted) == expected


def test_job_ads_and_listings_are_not_items(crawl: tuple[CrawlResult, SiteServer, Path]) -> None:
    result, server, _ = crawl
    urls = {item["url"] for item in result.items}
    assert not any(p in u for u in urls for p in ("/category/", "/tag/", "/author/", "/page/"))
    jobs = {local(g["canonical_url"], server) for g in goldens().values() if g["kind"] == "job"}
    assert jobs and not jobs & urls
    skipped = {r["url"] for r in result.rejects if r["reason"] == "category:jobs"}
    assert skipped == jobs  # each job ad is recorded, with its reason
    assert result.stats["newscrawl/rejected/policy/category"] == len(jobs)


def test_site_pages_and_attachments_are_not_items(
    crawl: tuple[CrawlResult, SiteServer, Path],
) -> None:
    """About, Privacy, Contact (WordPress pages, linked from every footer) and a media
    attachment's page are fetched, never emitted, and recorded with their type."""
    from tests.site_builder import site_pages

    result, server, _ = crawl
    urls = {item["url"] for item in result.items}
    reasons = {r["url"]: r["reason"] for r in result.rejects}
    pages = site_pages()
    assert {kind for kind in pages.values()} == {"page", "attachment"}
    for slug, kind in pages.items():
        page_url = server.base_url.rstrip("/") + f"/{slug}/"
        assert page_url not in urls
        assert reasons.get(page_url) == f"not-article:{kind}", (page_url, reasons.get(page_url))


def test_items_match_the_schema(crawl: tuple[CrawlResult, SiteServer, Path]) -> None:
    result, _, _ = crawl
    for item in result.items:
        jsonschema.validate(item, SCHEMA)


def test_text_matches_golden_without_boilerplate(
    crawl: tuple[CrawlResult, SiteServer, Path],
) -> None:
    result, server, _ = crawl
    by_url = {item["canonical_url"]: item for item in result.items}
    f1s, leaks = [], []
    for gold in news_goldens().values():
        item = by_url[local(gold["canonical_url"], server)]
        f1s.append(page_scores(item["text"], gold["text"]).f1)
        low = item["text"].casefold()
        leaks += [(gold["canonical_url"], s) for s in gold["without"] if s.casefold() in low]
    assert sum(f1s) / len(f1s) >= 0.99
    assert leaks == []


def test_metadata_fields_are_filled(crawl: tuple[CrawlResult, SiteServer, Path]) -> None:
    result, server, _ = crawl
    by_url = {item["canonical_url"]: item for item in result.items}
    for gold in news_goldens().values():
        item = by_url[local(gold["canonical_url"], server)]
        assert item["title"] == gold["title"]
        assert item["authors"] == gold["authors"]
        assert item["published"] == gold["published"]
        assert item["modified"] == gold["modified"]
        assert item["categories"] == gold["categories"]
        assert item["tags"] == gold["tags"]
        assert item["language"] == gold["language"]
        assert item["description"] == gold["description"]
        assert item["image"] == local(gold["image"], server)
        assert item["site_name"] == "GQN"


def test_scrapy_feed_option_works_too(crawl: tuple[CrawlResult, SiteServer, Path]) -> None:
    result, _, feed = crawl
    exported = read_jsonl(feed)
    assert sorted(i["canonical_url"] for i in exported) == sorted(
        i["canonical_url"] for i in result.items
    )
    assert all("body" not in i and "article" not in i for i in exported)  # only clean items


def test_missing_address_fails_clearly(crawler: Crawler) -> None:
    result = crawler.run("")
    assert result.returncode == 1
    assert "No usable site address" in result.log


def test_unreachable_site_fails_clearly(crawler: Crawler) -> None:
    result = crawler.run("http://127.0.0.1:9/", "-s", "RETRY_TIMES=0")
    assert result.returncode == 1
    assert "is unreachable" in result.log
    assert result.summary["status"] == "failed"
    assert "site unreachable" in result.summary["problems"]
    # one clear line for the cause (and the run's summary), no traceback, no empty output
    assert "Traceback" not in result.log
    assert [line for line in result.log.splitlines() if "ERROR" in line and "[" in line] == [
        line for line in result.log.splitlines() if "is unreachable" in line or "gqn failed" in line
    ]
    assert not list(crawler.output.glob("gqn/*[0-9]Z.jsonl"))
    assert Path(result.summary["rejects"]).exists()


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("redis_url", "fake_missing_redis", "message"),
    [
        ("not-a-url", False, "is not a Redis URL"),
        ("redis://127.0.0.1:{port}/0", False, "does not answer"),
        ("redis://127.0.0.1:{port}/0", True, "pip install 'newscrawl[distributed]'"),
    ],
)
def test_distributed_mode_that_cannot_start_is_one_clear_error(
    crawler: Crawler, tmp_path: Path, redis_url: str, fake_missing_redis: bool, message: str
) -> None:
    """Redis down, a bad URL, the extra not installed: exit 1, one ERROR line, no
    traceback, and a stats file that says why."""
    env = crawler.env()
    if fake_missing_redis:  # (a 'redis' package that is not there)
        fake = tmp_path / "fake" / "redis"
        fake.mkdir(parents=True)
        (fake / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'redis'\")")
        env["PYTHONPATH"] = f"{fake.parent}{os.pathsep}{env['PYTHONPATH']}"
    url = redis_url.format(port=_closed_port())
    command = crawler.command("http://127.0.0.1:9/", "-s", f"NEWSCRAWL_REDIS_URL={url}")
    crawler.workdir.mkdir(exist_ok=True)
    proc = subprocess.run(
        command, cwd=crawler.workdir, env=env, capture_output=True, text=True, timeout=120
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 1, log[-3000:]
    assert "Traceback" not in log
    errors = [line for line in log.splitlines() if " ERROR: " in line]
    assert len(errors) == 1 and message in errors[0]
    (stats,) = crawler.output.glob("gqn/*.stats.json")
    summary = json.loads(stats.read_text())["summary"]
    assert summary["status"] == "failed" and message in summary["problems"][0]


def test_csv_export_writes_lists_and_dicts_as_json(crawler: Crawler, tmp_path: Path) -> None:
    import csv

    target = tmp_path / "items.csv"
    with SiteServer(REPO / "fixtures" / "gqn" / "site") as server:
        result = crawler.run(server.base_url, "-o", str(target))
    assert result.returncode == 0, result.log[-3000:]
    with target.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(result.items) > 0
    for row, item in zip(
        sorted(rows, key=lambda r: r["url"]),
        sorted(result.items, key=lambda i: i["url"]),
        strict=True,
    ):
        assert json.loads(row["removed"]) == item["removed"]
        assert json.loads(row["authors"]) == item["authors"]
        assert json.loads(row["tags"]) == item["tags"]
        assert row["text"] == item["text"]


def test_scrapy_parse_shows_the_article_and_writes_nothing(crawler: Crawler) -> None:
    page = next(p for p, g in goldens().items() if g["kind"] == "news" and "/amp/" not in p)
    crawler.workdir.mkdir(exist_ok=True)
    with SiteServer(REPO / "fixtures" / "gqn" / "site") as server:
        url = server.base_url.rstrip("/") + page
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "parse", "--spider=gqn", url],
            cwd=crawler.workdir,
            env=crawler.env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    assert "Traceback" not in log and "NotImplementedError" not in log
    items = log.split("# Scraped Items")[1].split("# Requests")[0]
    title = " ".join(goldens()[page]["title"].split()[:3])  # (pprint wraps long strings)
    assert f"'title': '{title}" in items and "'content_hash'" in items
    assert "'body'" not in items  # (the article, not the raw page)
    assert not (crawler.workdir / "output").exists() and not (crawler.workdir / "state").exists()
