"""Property: extract() on random and mutated HTML returns an Article or raises
ExtractionError, never anything else, and never hangs."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscrawl.extraction import Article, ExtractionError, extract
from tests.conftest import SITE

#: Far above what any page takes: a page that needs this long hangs.
TIME_BOUND = 20
SEED_PAGE = next(SITE.glob("kims-sister*/amp/index.html")).read_bytes()

TAGS = (
    "p div span a article main ul li h1 h2 table tr td script style aside nav footer br img b i "
    "blockquote"
).split()


JUNK = [b"<div>", b"</p>", b"<!--", b"\x00", b"&#", b"<script>", b"\xff\xfe", b"]]>"]


@contextmanager
def time_bound(seconds: int) -> Iterator[None]:
    def expired(signum: int, frame: object) -> None:
        raise AssertionError(f"extract() ran over {seconds}s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def check(html: str | bytes) -> None:
    with time_bound(TIME_BOUND):
        try:
            article = extract(html, url="https://fuzz.example/a/")
        except ExtractionError as exc:
            assert exc.reason
            return
    assert isinstance(article, Article)
    assert isinstance(article.text, str) and article.text.strip()


@st.composite
def html_trees(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(st.sampled_from(TAGS))
    attrs = draw(st.sampled_from(["", ' class="share"', ' id="content"', ' style="display:none"',
                                  ' class="entry-content"', ' hidden', ' class="ad"']))  # fmt: skip
    children = []
    if depth < 4:
        child = st.one_of(st.text(max_size=40), html_trees(depth + 1))
        children = draw(st.lists(child, max_size=5))
    close = draw(st.booleans())
    return f"<{tag}{attrs}>" + "".join(children) + (f"</{tag}>" if close else "")


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


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
@given(st.data())
def test_mutated_real_page(data: st.DataObject) -> None:
    page = bytearray(SEED_PAGE)
    for _ in range(data.draw(st.integers(1, 30))):
        op = data.draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        at = data.draw(st.integers(0, max(len(page) - 1, 0)))
        if op == "flip" and page:
            page[at] = data.draw(st.integers(0, 255))
        elif op == "cut":
            del page[at:]
        elif op == "insert":
            page[at:at] = data.draw(st.sampled_from(JUNK))
        elif op == "delete":
            del page[at : at + data.draw(st.integers(1, 500))]
    check(bytes(page))
