"""Metadata on small hand-made pages: titles, entities, dates as the reader sees them."""

from __future__ import annotations

import pytest
from trafilatura.metadata import extract_author

from newscrawl.extraction.decode import parse
from newscrawl.extraction.metadata import Metadata, byline, extract_metadata, title_without_site


def meta(html: str, url: str | None = None) -> Metadata:
    return extract_metadata(parse(html), url)


def test_entities_in_metadata_are_decoded_even_when_escaped_twice() -> None:
    md = meta(
        '<html><head><meta property="og:title" content="Tom &amp;#8217;s &#038; Jerry&#39;s">'
        '<meta name="description" content="Fish &amp;amp; chips"></head><body></body></html>'
    )
    assert md.title == "Tom ’s & Jerry's"
    assert md.description == "Fish & chips"


@pytest.mark.parametrize(
    ("title", "h1", "expected"),
    [
        # the h1 is the headline when the title is it plus the site's name
        ("Using promises - JavaScript | MDN", "Using promises", "Using promises"),
        # an h1 the <title> does not contain is a logo or section name more often than
        # the headline
        ("Council approves the new harbour plan", "Lorem", "Council approves the new harbour plan"),
        # a colon subtitle is part of the title
        ("Code Kata: Formatting Strings", "Code Kata", "Code Kata: Formatting Strings"),
    ],
)
def test_title_from_the_title_element_and_the_h1(title: str, h1: str, expected: str) -> None:
    md = meta(
        f"<html><head><title>{title}</title></head><body><h1>{h1}</h1><p>text</p></body></html>"
    )
    assert md.title == expected


def test_the_site_part_of_a_title_is_cut_by_site_name_or_domain() -> None:
    assert title_without_site("Bike Locks | Master Lock", None, "https://www.masterlock.com/x") == (
        "Bike Locks"
    )
    assert title_without_site("Story – tagline | GQN", "GQN") == "Story"
    assert title_without_site("GQN | Story", "GQN") == "Story"
    # not the site: kept whole
    assert title_without_site("Rust vs Go | A comparison", None, "https://blog.example.org/") == (
        "Rust vs Go | A comparison"
    )


def test_a_utc_time_takes_the_day_the_articles_url_names() -> None:
    """Published late in the evening in New York: UTC says the next day, the URL (and
    the reader) say the publisher's day."""
    page = (
        '<html><head><meta property="article:published_time" content="2025-12-19T02:41:41+00:00">'
        "</head><body><p>x</p></body></html>"
    )
    assert meta(page, "https://example.com/2025/12/18/story/").published == "2025-12-18"
    # same day, or no date in the URL: the time is kept as given
    assert meta(page, "https://example.com/2025/12/19/story/").published == (
        "2025-12-19T02:41:41+00:00"
    )
    assert meta(page, "https://example.com/story/").published == "2025-12-19T02:41:41+00:00"


def test_an_articles_date_only_in_its_text_is_found_when_the_markup_has_none() -> None:
    from newscrawl.extraction import extract

    words = "Some words about the garden, the weather this spring and the new apple trees."
    article = extract(
        "<html><head><title>Garden notes</title></head><body><article><h1>Garden notes</h1>"
        + f"<p>{words}</p>" * 4
        + "<p>Posted on March 3, 2021 by the editor</p></article></body></html>"
    )
    assert article.page_type == "article"
    assert article.published == "2021-03-03"


@pytest.mark.parametrize(
    "wrap", ["<![CDATA[{}]]>", "//<![CDATA[\n{}\n//]]>", "/* <![CDATA[ */{}/* ]]> */"]
)
def test_json_ld_wrapped_in_cdata_is_read(wrap: str) -> None:
    """XHTML-style templates wrap JSON-LD in CDATA; its date beats a later meta time."""
    ld = (
        '{"@context": {"@vocab": "http://schema.org"}, "@type": "NewsArticle", '
        '"datePublished": "2024-12-06T22:00:40Z"}'
    )
    md = meta(
        '<html><head><meta property="article:published_time" content="2024-12-07T12:43:39Z">'
        f'<script type="application/ld+json">{wrap.format(ld)}</script></head><body></body></html>'
    )
    assert md.published is not None and md.published.startswith("2024-12-06")


def test_json_ld_name_when_the_headline_is_not_what_the_page_shows() -> None:
    """Wikipedia's JSON-LD headline is a one-line description; its name is the title."""
    ld = (
        '{"@context": "https://schema.org", "@type": "Article", "name": "New Zealand", '
        '"headline": "constitutional monarchy in Oceania"}'
    )
    md = meta(
        f'<html><head><title>New Zealand - Wikipedia</title><script type="application/ld+json">'
        f"{ld}</script></head><body><h1>New Zealand</h1></body></html>"
    )
    assert md.title == "New Zealand"
    shown = meta(
        f"<html><head><title>Harbour plan approved</title>"
        f'<script type="application/ld+json">{ld}</script></head><body></body></html>'
    )
    assert shown.title == "constitutional monarchy in Oceania"  # neither shown: the headline


_BYLINE_PAGES = [
    # a byline class: the first selector that names someone wins
    '<div class="post"><span class="author-name">Ana Lima</span><p>Text.</p></div>',
    # a byline inside the comments is a commenter, not the author: the next one counts
    '<div class="comments"><span class="author">Troll</span></div><p class="byline">By Jo Park</p>',
    # the date and figure inside a byline are not part of the name
    '<div class="byline">Jo Park <time>Tuesday</time><figure>Getty Images</figure></div>',
    # an itemprop author with a nested name element
    '<div itemprop="author"><span>Sam Reyes</span></div>',
    # too long to be a name (120 characters or more): the next match is taken
    '<div class="author">' + "word " * 30 + '</div><a rel="author">Kim Ode</a>',
    # nothing that names an author
    '<div class="entry"><p>Just text.</p></div>',
    # upper-case marks ("BBL", "AuthorName") count as trafilatura counts them
    '<span class="BBL">By Lee Chan</span>',
]


@pytest.mark.parametrize("body", _BYLINE_PAGES)
def test_byline_finds_what_trafilaturas_extract_author_finds(body: str) -> None:
    """``byline`` is trafilatura's author search without its whole-tree copy: it must
    give the same answer (checked on the evaluation sets too)."""
    page = f"<html><body><h1>Headline</h1>{body}</body></html>"
    assert byline(parse(page)) == extract_author(parse(page))


def test_byline_skips_bylines_in_comments_and_drops_dates() -> None:
    assert byline(parse(f"<html><body>{_BYLINE_PAGES[1]}</body></html>")) == "Jo Park"
    assert byline(parse(f"<html><body>{_BYLINE_PAGES[2]}</body></html>")) == "Jo Park"


def test_a_page_declaring_several_kinds_gets_the_same_type_in_every_process() -> None:
    """A product page with an FAQ block declares Product and FAQPage: the first kind in
    ``DECLARED`` decides, not the order of a set (which changes with the hash seed)."""
    import subprocess
    import sys

    code = (
        "from newscrawl.extraction import extract\n"
        'ld = \'<script type="application/ld+json">[{"@type": "FAQPage"}, '
        '{"@type": "Product"}, {"@type": "ItemList"}, {"@type": "QAPage"}]</script>\'\n'
        "p = '<p>' + 'The kettle boils a litre of water in three minutes, quietly. ' * 4 + '</p>'\n"
        "head = '<head><title>Kettle</title>' + ld + '</head>'\n"
        "html = '<html>' + head + '<body>' + p * 3 + '</body></html>'\n"
        "print(extract(html).page_type)\n"
    )
    kinds = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={"PYTHONHASHSEED": str(seed), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in range(6)
    }
    assert kinds == {"product"}
