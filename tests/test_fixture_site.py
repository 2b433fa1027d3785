"""The fixture site is what its generator makes of posts.json, and is self-consistent."""

from __future__ import annotations

import filecmp
import json
import re
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from newscrawl.devserver import FIXTURE_ORIGIN
from tests.conftest import SITE, goldens
from tests.site_builder import load_posts, rebuild


def test_committed_site_is_the_generators_output(tmp_path: Path) -> None:
    rebuild(tmp_path / "site", load_posts())
    diff = filecmp.dircmp(SITE, tmp_path / "site")
    mismatches: list[str] = []

    def walk(d: filecmp.dircmp[str], prefix: str = "") -> None:
        mismatches.extend(prefix + n for n in d.left_only + d.right_only + d.diff_files)
        _, mismatch, errors = filecmp.cmpfiles(d.left, d.right, d.common_files, shallow=False)
        mismatches.extend(prefix + n for n in mismatch + errors)
        for name, sub in d.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(diff)
    assert mismatches == [], "run python fixtures/gqn/build_site.py and review the diff"


def test_every_post_has_both_pages_and_goldens() -> None:
    posts = load_posts()
    assert sum(p["kind"] == "news" for p in posts) >= 30
    assert sum(p["kind"] == "job" for p in posts) >= 10
    gold = goldens()
    for post in posts:
        assert f"/{post['slug']}/" in gold and f"/{post['slug']}/amp/" in gold
        assert (SITE / post["slug"] / "index.html").is_file()
        assert (SITE / post["slug"] / "amp" / "index.html").is_file()


def test_internal_links_resolve() -> None:
    broken = set()
    for page in SITE.rglob("index.html"):
        tree = lxml_html.fromstring(page.read_bytes())
        for href in tree.xpath("//a/@href | //link[@rel='canonical' or @rel='amphtml']/@href"):
            if not href.startswith(FIXTURE_ORIGIN) or "/wp-" in href or "?" in href:
                continue
            path = href.removeprefix(FIXTURE_ORIGIN).strip("/")
            if not (SITE / path / "index.html").exists():
                broken.add(href)
    assert broken == set()


def test_sitemaps_and_feed_are_valid_xml_listing_every_post() -> None:
    posts = {f"{FIXTURE_ORIGIN}/{p['slug']}/" for p in load_posts()}
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    for name in ("wp-sitemap-posts-post-1.xml", "post-sitemap.xml"):
        tree = etree.parse(str(SITE / name))
        assert set(tree.xpath("//s:loc/text()", namespaces=ns)) == posts
        assert len(tree.xpath("//s:lastmod", namespaces=ns)) == len(posts)
    index = etree.parse(str(SITE / "wp-sitemap.xml"))
    for loc in index.xpath("//s:loc/text()", namespaces=ns):
        assert (SITE / loc.removeprefix(FIXTURE_ORIGIN + "/")).is_file()
    feed = etree.parse(str(SITE / "feed" / "index.rss"))
    assert len(feed.xpath("//item")) == 10
    assert "Sitemap: https://gqn.example/wp-sitemap.xml" in (SITE / "robots.txt").read_text()


def test_goldens_describe_their_pages() -> None:
    for path, gold in goldens().items():
        page = (SITE / path.strip("/") / "index.html").read_bytes()
        # what a naive scrape sees: text nodes and image alt texts
        visible = " ".join(lxml_html.fromstring(page).xpath("//body//text() | //body//@alt"))
        visible = re.sub(r"\s+", " ", visible).casefold()
        text = gold["text"].casefold()
        for snippet in gold["with"]:
            assert snippet.casefold() in visible and snippet.casefold() in text, (path, snippet)
        for snippet in gold["without"]:
            assert snippet.casefold() in visible, (path, snippet)
            assert snippet.casefold() not in text, (path, snippet)
        if path.endswith("/amp/"):
            assert gold["canonical_url"] == f"{FIXTURE_ORIGIN}{path.removesuffix('amp/')}"


def test_the_seed_page_is_reproduced() -> None:
    seed = json.loads((SITE.parent / "seed.json").read_text(encoding="utf-8"))
    amp = next(
        p for p, g in goldens().items() if p.endswith("/amp/") and "Kim Yo Jong" in g["text"]
    )
    gold = goldens()[amp]
    assert gold["text"] == "\n\n".join(seed["paragraphs"])
    page = (SITE / amp.strip("/") / "index.html").read_text(encoding="utf-8")
    order = ["Categories: ", "Reading Time: ", "AddThis Website Tools", "Share", "Published by",
             "Recent Posts", *[c["title"] for c in seed["recent"]], "12 months ago"]  # fmt: skip
    positions = [page.find(s) for s in order[:-1]]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    for required in ["Categories: World News", "Reading Time", "AddThis Website Tools", "Share",
                     "Published by", "Team@GQN.", "Recent Posts", "12 months ago"]:  # fmt: skip
        assert required in gold["without"]
