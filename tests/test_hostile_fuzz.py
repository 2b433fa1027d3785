"""Property: extraction of random, mutated, deep and long HTML returns an Article or
raises ExtractionError, never anything else, and never hangs.

Deterministic by default (the same examples every run); ``NEWSCRAWL_FUZZ=explore``
draws new random examples, ten times as many, to hunt for bugs.
"""

from __future__ import annotations

import faulthandler
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscrawl.extraction import Article, ExtractionError, extract
from newscrawl.extraction.templates import SiteTemplate
from newscrawl.workers import extract_page
from tests.conftest import SITE

#: Far above what any page takes (the slowest real pages need well under a second):
#: a page that needs this long hangs.
TIME_BOUND = 20
SEED_PAGES = sorted(SITE.glob("*/amp/index.html"))[:3] + sorted(SITE.glob("*/index.html"))[:3]
SEEDS = [p.read_bytes() for p in SEED_PAGES]

TAGS = (
    "p div span a article main ul li h1 h2 table tr td script style aside nav footer br img b i "
    "blockquote template svg math select textarea noscript iframe title head body html"
).split()
ATTRS = [
    "", ' class="share"', ' id="content"', ' style="display:none"', ' class="entry-content"',
    " hidden", ' class="ad"', ' href="javascript:alert(1)"', ' lang="\x00"', " a=" + "x" * 300,
]  # fmt: skip
JUNK = [
    b"<div>", b"</p>", b"<!--", b"\x00", b"&#", b"<script>", b"\xff\xfe", b"]]>", b"<![CDATA[",
    b"<?xml?>", b"&#xD800;", b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"\xef\xbb\xbf", b"<body>",
    b"<meta charset=utf-16>", b"<base href='//x'>", b"</html>", b"\r\r\n",
]  # fmt: skip

EXPLORE = os.environ.get("NEWSCRAWL_FUZZ") == "explore"
FUZZ = settings(
    max_examples=1500 if EXPLORE else 150,
    deadline=None,
    derandomize=not EXPLORE,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@contextmanager
def time_bound(seconds: int) -> Iterator[None]:
    """Fail an example that runs over ``seconds``; kill the run (with tracebacks) if a
    hang in C code keeps even the alarm from firing."""

    def expired(signum: int, frame: object) -> None:
        raise AssertionError(f"extraction ran over {seconds}s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    faulthandler.dump_traceback_later(3 * seconds, exit=True)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def check(html: str | bytes) -> None:
    """extract(): an Article with text, or ExtractionError with a reason; in time."""
    with time_bound(TIME_BOUND):
        try:
            article = extract(html, url="https://fuzz.example/a/")
        except ExtractionError as exc:
            assert exc.reason
            return
    assert isinstance(article, Article)
    assert isinstance(article.text, str) and article.text.strip()


TEMPLATE = SiteTemplate("fuzz.example", min_pages=2, min_share=0.2)


def check_crawl_path(body: bytes, content_type: str | None) -> None:
    """The crawl's own call (decode, template observation and pruning, extraction)."""
    with time_bound(TIME_BOUND):
        try:
            seen = extract_page(body, content_type, "https://fuzz.example/a/", None, True, False)
            if seen.blocks is not None:
                TEMPLATE.observe(seen.blocks)
            result = extract_page(body, content_type, "https://fuzz.example/a/", TEMPLATE.rules())
        except ExtractionError as exc:
            assert exc.reason
            return
    assert result.article is not None and result.article.text.strip()


@st.composite
def html_trees(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(st.sampled_from(TAGS))
    attrs = draw(st.sampled_from(ATTRS))
    children = []
    if depth < 4:
        child = st.one_of(st.text(max_size=40), html_trees(depth + 1))
        children = draw(st.lists(child, max_size=5))
    close = draw(st.booleans())
    return f"<{tag}{attrs}>" + "".join(children) + (f"</{tag}>" if close else "")


@st.composite
def mutated_pages(draw: st.DrawFn) -> bytes:
    page = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 30))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "delete", "repeat"]))
        at = draw(st.integers(0, max(len(page) - 1, 0)))
        if op == "flip" and page:
            page[at] = draw(st.integers(0, 255))
        elif op == "cut":
            del page[at:]
        elif op == "insert":
            page[at:at] = draw(st.sampled_from(JUNK))
        elif op == "delete":
            del page[at : at + draw(st.integers(1, 500))]
        elif op == "repeat":  # a chunk of the page many times over (deep or long)
            chunk = bytes(page[at : at + draw(st.integers(1, 40))])
            page[at:at] = chunk * draw(st.integers(2, 2000))
    return bytes(page)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    check(data)


@FUZZ
@given(st.text(max_size=2000))
def test_random_text(text: str) -> None:
    check(text)


@FUZZ
@given(st.lists(html_trees(), min_size=1, max_size=6))
def test_random_html(trees: list[str]) -> None:
    check("<html><body>" + "".join(trees) + "</body></html>")


@FUZZ
@given(mutated_pages())
def test_mutated_real_page(page: bytes) -> None:
    check(page)


@settings(FUZZ, max_examples=max(FUZZ.max_examples // 5, 20))
@given(
    st.sampled_from(TAGS),
    st.integers(0, 20_000),
    st.integers(0, 300_000),
    st.booleans(),
)
def test_deep_and_long(tag: str, depth: int, length: int, close: bool) -> None:
    text = "word " * (length // 5)
    page = "<html><body>" + f"<{tag}>" * depth + f"<p>{text}</p>" + (f"</{tag}>" * depth) * close
    check(page)


@settings(FUZZ, max_examples=max(FUZZ.max_examples // 3, 20))
@given(
    mutated_pages(),
    st.sampled_from([None, "text/html", "text/html; charset=utf-8", "text/html; charset=utf-16"]),
)
def test_the_crawl_path_on_mutated_pages(page: bytes, content_type: str | None) -> None:
    check_crawl_path(page, content_type)
