"""The GQN fixture site is what its generator makes of posts.json, and is self-consistent.

Fast and offline: no server, no crawl. The goldens are checked against the pages they
describe (what a naive scrape of the page sees), never against an extractor.
"""

from __future__ import annotations

import filecmp
import importlib.util
import json
import re
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest
from lxml import etree
from lxml import html as lxml_html

from tests.conftest import REPO, SITE, goldens

FIXTURE = REPO / "fixtures" / "gqn"
ORIGIN = "https://gqn.example"
#: The seed scrape, read where it lives (never copied into the repository); without it
#: the tests use what the generator kept of it, ``seed.json``.
SHARED_RAW_PAGE = REPO.parent / "shared" / "seeds" / "raw-page.txt"
RAW_PAGE = SHARED_RAW_PAGE if SHARED_RAW_PAGE.is_file() else None


def raw_page_lines() -> list[str]:
    """The seed scrape's non-empty lines (rebuilt from ``seed.json`` when the scrape is absent)."""
    if RAW_PAGE is not None:
        lines = RAW_PAGE.read_text(encoding="utf-8").splitlines()
        return [line.strip() for line in lines if line.strip()]
    seed = json.loads((FIXTURE / "seed.json").read_text(encoding="utf-8"))
    post = next(p for p in load_posts() if p.get("seed"))
    cards = [line for c in seed["recent"] for line in (c["title"], c["excerpt"], c["date"])]
    return [f"Categories: {post['category']['name']}", f"{post['title']} | Global News",
            "Reading Time: < 1 minute", *seed["paragraphs"], "AddThis Website Tools",
            post["author"]["name"], "Share", "Published by", post["author"]["name"],
            "Recent Posts", *cards]  # fmt: skip


INDEX_FILES = ("index.html", "index.xml", "index.rss")
GOLDEN_FIELDS = {
    "url", "canonical_url", "title", "text", "authors", "published", "modified", "categories",
    "tags", "language", "description", "image", "site_name", "kind", "with", "without",
}  # fmt: skip
SM = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@cache
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gqn_build_site", FIXTURE / "build_site.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_posts() -> list[dict[str, Any]]:
    return list(json.loads((FIXTURE / "posts.json").read_text(encoding="utf-8")))


def visible_text(page: bytes) -> str:
    """What a naive scrape sees: the body's text nodes and image alt texts, in order."""
    tree = lxml_html.fromstring(page)
    return re.sub(r"\s+", " ", " ".join(tree.xpath("//body//text() | //body//@alt"))).strip()


def resolve(site: Path, address: str) -> Path | None:
    """The file the test server answers ``address`` with (None: not served)."""
    path = urlsplit(address).path
    if path.endswith("/"):
        for name in INDEX_FILES:
            if (site / path.strip("/") / name).is_file():
                return site / path.strip("/") / name
        return None
    target = site / path.strip("/")
    return target if target.is_file() and not target.name.endswith(".expected.json") else None


def diff_trees(left: Path, right: Path) -> list[str]:
    mismatches: list[str] = []

    def walk(d: filecmp.dircmp[str], prefix: str = "") -> None:
        mismatches.extend(prefix + n for n in d.left_only + d.right_only)
        _, mismatch, errors = filecmp.cmpfiles(d.left, d.right, d.common_files, shallow=False)
        mismatches.extend(prefix + n for n in mismatch + errors)
        for name, sub in d.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right))
    return sorted(mismatches)


# -- the generator -------------------------------------------------------------------
def test_committed_site_is_the_generators_output(tmp_path: Path) -> None:
    generator().build(load_posts(), tmp_path / "site", RAW_PAGE)
    assert diff_trees(SITE, tmp_path / "site") == [], (
        "run python fixtures/gqn/build_site.py and review the diff"
    )


def test_seed_json_is_what_the_seed_scrape_holds(tmp_path: Path) -> None:
    committed = json.loads((FIXTURE / "seed.json").read_text(encoding="utf-8"))
    scrape = tmp_path / "raw-page.txt"
    scrape.write_text("\n\n".join(raw_page_lines()) + "\n", encoding="utf-8")
    assert generator().read_seed(scrape) == committed
    generator().build(load_posts(), tmp_path / "from-json", None)
    assert diff_trees(SITE, tmp_path / "from-json") == []


def test_a_changed_site_is_rebuilt_from_the_posts_alone(tmp_path: Path) -> None:
    posts = load_posts()
    before = json.dumps(posts)
    changed = json.loads(before)
    edited = next(p for p in changed if p["kind"] == "news" and not p.get("seed"))
    edited["blocks"][0]["text"] += " An update was added later."
    edited["modified"] = "2024-07-01T10:00:00-04:00"
    added = {
        **json.loads(json.dumps(edited)),
        "slug": "a-brand-new-story",
        "title": "A brand new story",
        "published": "2024-07-02T08:00:00-04:00",
        "modified": "2024-07-02T08:00:00-04:00",
    }
    changed.append(added)
    out = tmp_path / "site"
    (out / "stale").mkdir(parents=True)
    generator().build(changed, out, RAW_PAGE)
    assert json.dumps(posts) == before  # the input is not modified
    assert not (out / "stale").exists()  # the old output is gone
    lastmods = {
        u.findtext("s:loc", namespaces=SM): u.findtext("s:lastmod", namespaces=SM)
        for u in etree.parse(str(out / "wp-sitemap-posts-post-1.xml")).xpath(
            "//s:url", namespaces=SM
        )
    }
    assert lastmods[f"{ORIGIN}/{edited['slug']}/"] == "2024-07-01T10:00:00-04:00"
    assert lastmods[f"{ORIGIN}/a-brand-new-story/"] == "2024-07-02T08:00:00-04:00"
    feed = etree.parse(str(out / "feed" / "index.rss"))
    assert feed.xpath("//item[1]/link/text()") == [f"{ORIGIN}/a-brand-new-story/"]
    assert "A brand new story" in visible_text((out / "index.html").read_bytes())
    gold = json.loads((out / edited["slug"] / "amp" / "index.expected.json").read_text())
    assert gold["text"].startswith(edited["blocks"][0]["text"])
    assert (out / "a-brand-new-story" / "amp" / "index.expected.json").is_file()


# -- the site --------------------------------------------------------------------------
def test_every_post_has_both_pages_and_goldens() -> None:
    posts = load_posts()
    assert sum(p["kind"] == "news" for p in posts) >= 30
    assert sum(p["kind"] == "job" for p in posts) >= 10
    gold = goldens()
    assert len(gold) == 2 * len(posts)
    for post in posts:
        for path in (f"/{post['slug']}/", f"/{post['slug']}/amp/"):
            assert (SITE / path.strip("/") / "index.html").is_file()
            assert set(gold[path]) == GOLDEN_FIELDS
            assert gold[path]["url"] == ORIGIN + path
            assert gold[path]["canonical_url"] == f"{ORIGIN}/{post['slug']}/"
            assert gold[path]["kind"] == post["kind"] and gold[path]["site_name"] == "GQN"
            if not post.get("seed"):
                assert gold[path]["text"] == "\n\n".join(b["text"] for b in post["blocks"])
            assert len(gold[path]["with"]) == 3 or len(gold[path]["text"].split()) < 40


def test_site_is_small() -> None:
    assert sum(f.stat().st_size for f in SITE.rglob("*") if f.is_file()) < 6_000_000


def test_internal_links_and_locs_resolve() -> None:
    broken: set[tuple[str, str]] = set()

    def check(source: Path, address: str) -> None:
        if not address.startswith(ORIGIN):
            return
        if urlsplit(address).path.startswith(("/wp-content/", "/wp-admin/")):
            return
        if resolve(SITE, address) is None:
            broken.add((source.relative_to(SITE).as_posix(), address))

    pages = 0
    for page in SITE.rglob("*.html"):
        pages += 1
        tree = lxml_html.fromstring(page.read_bytes())
        for href in tree.xpath("//a/@href | //link[@rel='canonical' or @rel='amphtml']/@href"):
            check(page, href)
    for xml in [*SITE.glob("*.xml"), SITE / "feed" / "index.rss"]:
        for loc in etree.parse(str(xml)).xpath(
            "//s:loc/text() | //item/link/text()", namespaces=SM
        ):
            check(xml, loc)
    assert pages > 2 * len(load_posts())
    assert broken == set()


def test_sitemaps_and_feed_are_valid_xml_listing_every_post() -> None:
    posts = load_posts()
    expected = {f"{ORIGIN}/{p['slug']}/": p["modified"] for p in posts}
    for name in ("wp-sitemap-posts-post-1.xml", "post-sitemap.xml"):
        rows = etree.parse(str(SITE / name)).xpath("//s:url", namespaces=SM)
        found = {
            r.findtext("s:loc", namespaces=SM): r.findtext("s:lastmod", namespaces=SM) for r in rows
        }
        assert found == expected and len(rows) == len(posts)
    for name in ("wp-sitemap-taxonomies-category-1.xml", "wp-sitemap-users-1.xml"):
        assert etree.parse(str(SITE / name)).xpath("//s:loc", namespaces=SM)
    for name, child in (
        ("wp-sitemap.xml", "wp-sitemap-posts-post-1.xml"),
        ("sitemap_index.xml", "post-sitemap.xml"),
    ):
        index = etree.parse(str(SITE / name))
        assert index.getroot().tag == f"{{{SM['s']}}}sitemapindex"
        assert f"{ORIGIN}/{child}" in index.xpath("//s:sitemap/s:loc/text()", namespaces=SM)
    feed = etree.parse(str(SITE / "feed" / "index.rss"))
    newest = sorted(posts, key=lambda p: p["published"], reverse=True)[:10]
    assert feed.xpath("//item/link/text()") == [f"{ORIGIN}/{p['slug']}/" for p in newest]
    for field in ("title", "pubDate", "category", "description"):
        assert len(feed.xpath(f"//item/{field}")) == 10
    dc = {"dc": "http://purl.org/dc/elements/1.1/"}
    assert len(feed.xpath("//item/dc:creator", namespaces=dc)) == 10
    robots = (SITE / "robots.txt").read_text().splitlines()
    for line in ("User-agent: *", "Disallow: /wp-admin/", "Allow: /wp-admin/admin-ajax.php",
                 "Sitemap: https://gqn.example/wp-sitemap.xml"):  # fmt: skip
        assert line in robots


def test_listings_paginate_newest_first() -> None:
    newest = sorted(load_posts(), key=lambda p: p["published"], reverse=True)
    seen: list[str] = []
    page: Path | None = SITE / "index.html"
    amp_cards = 0
    while page is not None:
        tree = lxml_html.fromstring(page.read_bytes())
        links = tree.xpath("//main//h2[contains(@class,'entry-title')]/a/@href")
        assert 0 < len(links) <= 10
        amp_cards += sum(link.endswith("/amp/") for link in links)
        seen += [urlsplit(link).path.split("/")[1] for link in links]
        nxt = tree.xpath("//a[contains(@class,'next') and contains(@class,'page-numbers')]/@href")
        page = resolve(SITE, nxt[0]) if nxt else None
    assert seen == [p["slug"] for p in newest]
    assert 0 < amp_cards < len(newest) / 2
    for post in newest:
        assert (SITE / "category" / post["category"]["slug"] / "index.html").is_file()
        assert (SITE / "author" / post["author"]["slug"] / "index.html").is_file()


# -- goldens -------------------------------------------------------------------------------
def test_goldens_describe_their_pages() -> None:
    for path, gold in goldens().items():
        raw = (SITE / path.strip("/") / "index.html").read_bytes()
        visible = visible_text(raw).casefold()
        text = gold["text"].casefold()
        paragraphs = [p.casefold() for p in gold["text"].split("\n\n")]
        for snippet in gold["with"]:
            assert snippet.casefold() in visible and snippet.casefold() in text, (path, snippet)
        for snippet in gold["without"]:
            low = snippet.casefold()
            assert low in visible, (path, snippet)
            assert low not in text, (path, snippet)
            assert not any(p in low for p in paragraphs), (path, snippet)
            assert not any(w.casefold() in low for w in gold["with"]), (path, snippet)
        for paragraph in gold["text"].split("\n\n"):
            assert re.sub(r"\s+", " ", paragraph).casefold() in visible, (path, paragraph)
        tree = lxml_html.fromstring(raw)
        assert tree.xpath("//link[@rel='canonical']/@href") == [gold["canonical_url"]]
        lang = tree.xpath("/html/@lang")[0]
        assert lang.split("-")[0] == gold["language"], path
        if path.endswith("/amp/"):
            assert gold["canonical_url"] == ORIGIN + path.removesuffix("amp/")
            assert "amp" in tree.attrib
            assert tree.xpath("//h1[@class='amp-post-title']/text()") == [gold["title"]]
        else:
            assert tree.xpath("//link[@rel='amphtml']/@href") == [gold["url"] + "amp/"]
            assert tree.xpath("//h1[contains(@class,'entry-title')]/text()") == [gold["title"]]


def test_the_seed_page_is_reproduced() -> None:
    seed_post = next(p for p in load_posts() if p.get("seed"))
    path = f"/{seed_post['slug']}/amp/"
    gold = goldens()[path]
    raw = (SITE / path.strip("/") / "index.html").read_bytes()
    lines = raw_page_lines()
    title_line = lines.pop(1)
    tree = lxml_html.fromstring(raw)
    assert tree.findtext(".//title") == title_line == f"{gold['title']} | Global News"
    start, end = lines.index("Reading Time: < 1 minute"), lines.index("AddThis Website Tools")
    assert gold["text"] == "\n\n".join(lines[start + 1 : end])
    # every line of the scrape, boilerplate and article, in order
    visible, pos = visible_text(raw), 0
    for line in lines:
        found = visible.find(line, pos)
        assert found >= 0, line
        pos = found + len(line)
    jobs = {p["title"] for p in load_posts() if p["kind"] == "job"}
    recent = tree.xpath("//div[@class='r-pf']//div[@class='fsp']//h3/a/text()")
    assert len(recent) == 6 and set(recent) <= jobs
    assert len(set(tree.xpath("//div[@class='r-pf']//div[@class='fsp']//h3/a/@href"))) == 6
    for required in ["Categories: World News", "Reading Time", "AddThis Website Tools", "Share",
                     "Published by", "Team@GQN.", "Recent Posts", *recent,
                     "12 months ago"]:  # fmt: skip
        assert required in gold["without"]


@pytest.mark.parametrize("cls", ["sharedaddy", "jp-relatedposts", "ad-slot", "comments-area"])
def test_boilerplate_varies_from_page_to_page(cls: str) -> None:
    pages = sorted(SITE.glob("*/index.html"))
    carrying = sum(f'class="{cls}' in p.read_text(encoding="utf-8") for p in pages)
    assert 3 <= carrying < len(pages)
