"""Cron-grade runs on the fixture site: incremental, resumable, never overlapping."""

from __future__ import annotations

import copy
import json
import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

from newscrawl.devserver import SiteServer
from newscrawl.run import EXIT_LOCKED
from tests.conftest import REPO, Crawler, alive, goldens, kill, live_children, wait_for
from tests.site_builder import load_posts, rebuild


def news_count() -> int:
    return sum(1 for p, g in goldens().items() if g["kind"] == "news" and not p.endswith("/amp/"))


def article_fetches(server: SiteServer) -> Counter[str]:
    """Article pages the server sent a body for (200), by path."""
    posts = {p for p in goldens() if not p.endswith("/amp/")}
    return Counter(r.path for r in server.requested("/", status=200) if r.path in posts)


def changed_site(posts: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str, str, str]:
    """The site a few hours later: one article corrected, one new, one near-copy of another."""
    posts = copy.deepcopy(posts)
    news = [p for p in posts if p["kind"] == "news" and not p.get("seed")]
    edited, source = news[0], news[1]
    edited["blocks"][0]["text"] += " (This story has been corrected.)"
    edited["modified"] = "2025-06-01T10:00:00+00:00"
    fresh = copy.deepcopy(news[2])
    fresh["slug"] = "city-opens-new-riverside-park-after-decade-of-planning"
    fresh["title"] = "City opens new riverside park after decade of planning"
    fresh["blocks"] = [
        {"type": "p", "text": text}
        for text in (
            "The city opened a riverside park on Saturday after ten years of planning, with "
            "walking trails, a playground and a floating stage for concerts.",
            "Officials said the park cost 14 million dollars, most of it paid by a regional "
            "grant, and that the old warehouses on the site had been cleared last spring.",
            "Residents who attended the opening praised the views of the water but asked for "
            "more shade and for a bus stop closer to the main entrance.",
        )
    ]
    fresh["published"] = fresh["modified"] = "2025-06-02T08:00:00+00:00"
    copycat = copy.deepcopy(source)
    copycat["slug"] = source["slug"] + "-update"
    copycat["blocks"][-1]["text"] = copycat["blocks"][-1]["text"].rstrip(".") + ", officials said."
    copycat["published"] = copycat["modified"] = "2025-06-02T09:00:00+00:00"
    posts += [fresh, copycat]
    return posts, edited["slug"], fresh["slug"], copycat["slug"]


def test_runs_emit_only_new_and_changed_articles(site_dir: Path, crawler: Crawler) -> None:
    with SiteServer(site_dir) as server:
        base = server.base_url.rstrip("/")
        first = crawler.run(server.base_url)
        assert first.returncode == 0, first.log[-4000:]
        assert len(first.items) == news_count()
        assert all(i["revision"] == 1 for i in first.items)

        server.requests.clear()
        second = crawler.run(server.base_url)
        assert second.returncode == 0, second.log[-4000:]
        assert second.items == []  # nothing new, nothing changed
        # (the job ads skipped on the first run are not unchanged articles)
        assert second.summary["unchanged"] == news_count()
        assert second.summary["skipped_before"] == len(load_posts()) - news_count()
        assert article_fetches(server) == Counter()  # no unchanged article body downloaded

        posts, edited, fresh, copycat = changed_site(load_posts())
        rebuild(site_dir, posts)
        third = crawler.run(server.base_url)
        assert third.returncode == 0, third.log[-4000:]
        got = {i["canonical_url"]: i for i in third.items}
        assert set(got) == {f"{base}/{slug}/" for slug in (edited, fresh, copycat)}
        assert got[f"{base}/{edited}/"]["revision"] == 2
        assert "(This story has been corrected.)" in got[f"{base}/{edited}/"]["text"]
        assert got[f"{base}/{fresh}/"]["revision"] == 1
        source = copycat.removesuffix("-update")
        assert got[f"{base}/{copycat}/"]["duplicate_of"] == f"{base}/{source}/"
        assert got[f"{base}/{fresh}/"]["duplicate_of"] is None
        assert third.summary["new"] == 2 and third.summary["changed"] == 1
        # an article fetched again with the same text is unchanged, not a reject
        assert third.summary["errors"] == 0
        assert not [r for r in third.rejects if r["reason"] == "Unchanged"]


def test_a_killed_run_is_completed_by_the_next(site_dir: Path, crawler: Crawler) -> None:
    # slow enough (0.2 s a request, two at a time: ~6 s a run) to be killed mid-run
    with SiteServer(site_dir, delay=0.2) as server:
        proc = crawler.start(server.base_url, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2")
        parts = lambda: list(crawler.output.glob("gqn/*.jsonl.part"))  # noqa: E731
        assert wait_for(lambda: any(p.stat().st_size > 0 for p in parts()), timeout=120)
        time.sleep(0.3)
        workers = live_children(proc.pid)  # the extraction pool (and its resource tracker)
        assert workers
        kill(proc)
        # the pool never shut down, but its workers end with their crawl
        assert wait_for(lambda: not any(alive(pid) for pid in workers), timeout=15), workers
        killed_part = parts()
        assert killed_part, "the killed run left its .part file"
        written = killed_part[0].read_bytes().count(b"\n")
        assert 0 < written < news_count()

        again = crawler.run(server.base_url)
        assert again.returncode == 0, again.log[-4000:]
        assert "Recovered" in again.log
        assert not parts()
        everything = crawler.all_items()  # reads every output file; fails on a partial line
        emitted = Counter(i["canonical_url"] for i in everything)
        assert len(emitted) == news_count()
        assert max(emitted.values()) == 1
        assert len(again.items) == news_count() - written


def test_overlapping_run_exits_at_once(site_dir: Path, crawler: Crawler) -> None:
    with SiteServer(site_dir, delay=0.05) as server:
        first = crawler.start(server.base_url, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
        try:
            lock = crawler.state / "gqn.lock"
            assert wait_for(lambda: lock.exists() and "pid" in lock.read_text(), timeout=60)
            started = time.monotonic()
            second = crawler.run(server.base_url)
            assert time.monotonic() - started < 30
            assert second.returncode == EXIT_LOCKED
            assert "already running" in second.log
        finally:
            kill(first)


def test_state_lives_where_configured(site_dir: Path, crawler: Crawler) -> None:
    with SiteServer(site_dir) as server:
        result = crawler.run(server.base_url)
    assert result.returncode == 0
    assert (crawler.state / "gqn.sqlite").is_file()
    stats = json.loads(next(crawler.output.glob("gqn/*.stats.json")).read_text())
    assert stats["summary"]["output"].endswith(".jsonl")
    assert REPO not in Path(stats["summary"]["output"]).parents  # not in the checkout


def test_an_item_limit_is_a_success_and_the_next_run_goes_on(
    site_dir: Path, crawler: Crawler
) -> None:
    """``CLOSESPIDER_ITEMCOUNT=5``: exit 0, at most 5 items, the summary says it stopped;
    the next run emits the rest and nothing twice."""
    with SiteServer(site_dir) as server:
        first = crawler.run(server.base_url, "-s", "CLOSESPIDER_ITEMCOUNT=5")
        assert first.returncode == 0, first.log[-3000:]
        assert 0 < len(first.items) <= 5
        assert first.summary["status"] == "stopped"
        assert first.summary["close_reason"] == "closespider_itemcount"
        assert "Traceback" not in first.log
        second = crawler.run(server.base_url)
    assert second.returncode == 0, second.log[-3000:]
    emitted = Counter(i["canonical_url"] for i in crawler.all_items())
    assert len(emitted) == news_count() and max(emitted.values()) == 1


def test_sigterm_exits_143_and_the_next_run_goes_on(site_dir: Path, crawler: Crawler) -> None:
    with SiteServer(site_dir, delay=0.2) as server:
        proc = crawler.start(server.base_url, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
        parts = lambda: list(crawler.output.glob("gqn/*.jsonl.part"))  # noqa: E731
        assert wait_for(lambda: any(p.stat().st_size > 0 for p in parts()), timeout=120)
        proc.send_signal(signal.SIGTERM)
        log, _ = proc.communicate(timeout=120)
        assert proc.returncode == 143, log[-3000:]
        assert "stopped: shutdown" in log and "Traceback" not in log
        again = crawler.run(server.base_url)
    assert again.returncode == 0, again.log[-3000:]
    emitted = Counter(i["canonical_url"] for i in crawler.all_items())
    assert len(emitted) == news_count() and max(emitted.values()) == 1


def test_a_run_that_emits_nothing_leaves_no_items_file(site_dir: Path, crawler: Crawler) -> None:
    with SiteServer(site_dir) as server:
        assert crawler.run(server.base_url).returncode == 0
        again = crawler.run(server.base_url)
    assert again.returncode == 0 and again.summary["new"] == 0
    assert again.summary["output"] is None
    run_id = again.summary["run_id"]
    assert not (crawler.output / "gqn" / f"{run_id}.jsonl").exists()
    assert (crawler.output / "gqn" / f"{run_id}.rejects.jsonl").exists()
