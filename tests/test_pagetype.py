"""The page-type decision from the page's own signals: what a news crawl emits."""

from __future__ import annotations

import json

import pytest

from newscrawl.extraction import extract

STORY = "".join(
    f"<p>Paragraph {n}: the council met on Tuesday evening, debated the harbour plan for "
    "hours, heard residents, fishermen and traders, and agreed to publish the report.</p>"
    for n in range(6)
)


def page(
    body_class: str = "", article_class: str = "", ld: tuple[str, ...] = (), meta: str = ""
) -> str:
    graph = [{"@type": t, "name": "x"} for t in ld]
    script = (
        f'<script type="application/ld+json">{json.dumps({"@graph": graph})}</script>' if ld else ""
    )
    return (
        f"<html><head><title>Harbour</title>{meta}{script}</head><body class='{body_class}'>"
        f"<article class='{article_class}'><h1>Harbour</h1>{STORY}</article></body></html>"
    )


DATED = '<meta property="article:published_time" content="2024-04-02T10:00:00Z">'


@pytest.mark.parametrize(
    ("html", "kind"),
    [
        # WordPress: a post, a page (about, privacy), a page the site declares an article,
        # a media attachment's page
        (page("post-template-default single single-post postid-7", "post type-post"), "article"),
        (page("page-template-default page page-id-2", "page type-page", ("WebPage",)), "page"),
        (page("page page-id-9", "type-page", ("WebPage", "Article"), DATED), "article"),
        (page("attachment single single-attachment postid-4 attachmentid-4"), "attachment"),
        (page(article_class="post-3 page type-page status-publish"), "page"),
        # declared types
        (page(ld=("LiveBlogPosting",)), "liveblog"),
        (page(ld=("NewsArticle",), meta=DATED), "article"),
        (page(meta='<meta property="og:type" content="video.other">'), "video"),
        (page(ld=("ImageGallery",)), "gallery"),
        (page(ld=("AboutPage",)), "page"),
        (page(ld=("WebPage",)), "page"),  # a plain web page with no date at all
        (page(ld=("WebPage",), meta=DATED), "article"),  # dated: an article that says little
        (page(), "article"),  # no evidence: an article
        # "page" alone is not WordPress's class (no page-id-N)
        (page("page home"), "article"),
    ],
)
def test_page_type_from_the_pages_own_signals(html: str, kind: str) -> None:
    assert extract(html, "https://news.example/harbour/").page_type == kind
