"""Site templates in the crawl: a site whose widgets no generic rule knows comes out clean."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from newscrawl.devserver import FIXTURE_ORIGIN, SiteServer
from newscrawl.evaluation.metric import page_scores
from newscrawl.state import CrawlState
from tests.conftest import REPO, Crawler, CrawlResult, goldens

CUSTOM = REPO / "fixtures" / "gqn-custom" / "site"


def score(result: CrawlResult, base: str) -> tuple[float, list[tuple[str, str]]]:
    """Mean F1 against the goldens, and every boilerplate snippet that leaked."""
    gold = {g["canonical_url"].replace(FIXTURE_ORIGIN, base): g for g in goldens(CUSTOM).values()}
    assert {i["canonical_url"] for i in result.items} == set(gold)
    f1s, leaks = [], []
    for item in result.items:
        g = gold[item["canonical_url"]]
        f1s.append(page_scores(item["text"], g["text"]).f1)
        low = item["text"].casefold()
        leaks += [(item["url"], s) for s in g["without"] if s.casefold() in low]
    return sum(f1s) / len(f1s), leaks


@pytest.fixture
def custom_site(tmp_path: Path) -> Path:
    target = tmp_path / "custom"
    shutil.copytree(CUSTOM, target)
    return target


def test_templates_clean_what_generic_rules_leave(custom_site: Path, tmp_path: Path) -> None:
    results: dict[str, Any] = {}
    with SiteServer(custom_site) as server:
        base = server.base_url.rstrip("/")
        runs: tuple[tuple[str, list[str]], ...] = (
            ("generic", ["-s", "NEWSCRAWL_SITE_TEMPLATES=False"]),
            ("templates", []),
        )
        for label, extra in runs:
            crawler = Crawler(tmp_path / label)
            crawler.workdir.mkdir()
            result = crawler.run(server.base_url, *extra)
            assert result.returncode == 0, result.log[-3000:]
            results[label] = (score(result, base), result, crawler)
    (generic_f1, generic_leaks), _, _ = results["generic"]
    (f1, leaks), result, crawler = results["templates"]
    print(f"templates: F1 {generic_f1:.4f} -> {f1:.4f}, leaks {len(generic_leaks)} -> {len(leaks)}")
    assert generic_leaks and generic_f1 < 0.99  # generic rules alone do not know these widgets
    assert f1 >= 0.99 and leaks == []
    assert all(any(k.startswith("template:") for k in i["removed"]) for i in result.items)
    assert result.stats["newscrawl/template/blocks_removed"] > 0
    # the learned template is kept in the crawl state for the next run
    state = CrawlState(crawler.state / "gqn.sqlite")
    try:
        assert state.get_template("127.0.0.1") is not None
    finally:
        state.close()


def test_a_later_run_starts_from_the_stored_template(custom_site: Path, crawler: Crawler) -> None:
    with SiteServer(custom_site) as server:
        first = crawler.run(server.base_url)
        assert first.returncode == 0
        # one article changes; the next run fetches only it, and cleans it with the stored model
        page = sorted(custom_site.glob("*/index.html"))[0]
        html = page.read_text(encoding="utf-8")
        update = "<p>Update: a correction was added.</p></div></div></div>"
        page.write_text(html.replace("</div></div></div>", update, 1), encoding="utf-8")
        sitemap = custom_site / "wp-sitemap-posts-post-1.xml"
        xml = sitemap.read_text(encoding="utf-8")
        entry = xml.index(f"/{page.parent.name}/</loc>")
        start = xml.index("<lastmod>", entry) + len("<lastmod>")
        end = xml.index("</lastmod>", start)
        sitemap.write_text(xml[:start] + "2030-01-01T00:00:00+00:00" + xml[end:], encoding="utf-8")
        second = crawler.run(server.base_url, "-s", "NEWSCRAWL_TEMPLATE_WARMUP=1000")
    assert second.returncode == 0, second.log[-3000:]
    assert len(second.items) == 1
    item = second.items[0]
    gold = goldens(custom_site)[f"/{page.parent.name}/"]
    assert "Update: a correction was added." in item["text"]
    assert [s for s in gold["without"] if s.casefold() in item["text"].casefold()] == []
