"""trafilatura's scoring with its Readability fallback skipped where it cannot win: the
same main text as trafilatura's own ``fast=False`` run, with Readability run less."""

from __future__ import annotations

import trafilatura
import trafilatura.core
import trafilatura.external
from lxml import etree

from newscrawl.extraction import scorer
from newscrawl.extraction.decode import parse

STORY = "".join(
    f"<p>Paragraph {n}: the council met on Tuesday evening, debated the harbour plan for "
    "hours, heard residents, fishermen and traders, and agreed to publish the report.</p>"
    for n in range(8)
)
#: Navigation and a footer with far more text than the story: Readability may win here.
CHROME = "".join(
    f"<li><a href='/s/{n}'>Section {n} of the site with a long name for its menu</a></li>"
    for n in range(120)
)


def page(chrome: str = "") -> str:
    return (
        "<html><head><title>Harbour plan</title></head><body>"
        f"<ul class='menu'>{chrome}</ul><article><h1>Harbour plan</h1>{STORY}</article>"
        f"<div class='footer'><ul>{chrome}</ul></div></body></html>"
    )


def text(body: etree._Element | None) -> str:
    return " ".join(" ".join(body.itertext()).split()) if body is not None else ""


def plain(html: str) -> str:
    """trafilatura's own run, Readability always (outside :func:`scorer.trafilatura_body`)."""
    doc = trafilatura.bare_extraction(
        parse(html), include_comments=False, include_tables=True, with_metadata=False, fast=False
    )
    return text(getattr(doc, "body", None))


def counted(html: str) -> tuple[str, dict[str, int]]:
    before = dict(scorer.COUNTS)
    body = scorer.trafilatura_body(parse(html), None)
    return text(body), {k: scorer.COUNTS[k] - before[k] for k in before}


def test_the_wrappers_are_installed_on_trafilaturas_functions() -> None:
    """Fails when trafilatura renames or moves what the skip wraps (the extraction then
    still works, Readability always running)."""
    assert scorer.INSTALLED
    assert hasattr(trafilatura.core.compare_extraction, "__wrapped__")
    assert hasattr(trafilatura.external.try_readability, "__wrapped__")


def test_readability_is_skipped_where_the_text_is_most_of_the_page() -> None:
    found, counts = counted(page())
    assert counts == {"readability": 0, "skipped": 1}
    assert "Paragraph 7: the council met" in found
    assert found == plain(page())


def test_readability_runs_where_it_could_be_longer() -> None:
    found, counts = counted(page(CHROME))
    assert counts["readability"] >= 1 and counts["skipped"] == 0
    assert found == plain(page(CHROME))


def test_readability_runs_where_trafilaturas_text_is_a_table() -> None:
    """Structurally deficient (more tables than paragraphs): Readability's text may win
    whatever its length."""
    rows = "".join(
        f"<tr><td>Row {n}</td><td>{n * 7} tonnes of fish landed</td></tr>" for n in range(30)
    )
    html = f"<html><body><article><table>{rows}</table></article></body></html>"
    found, counts = counted(html)
    assert counts["readability"] >= 1
    assert found == plain(html)


def test_plain_trafilatura_calls_always_run_readability() -> None:
    before = scorer.COUNTS["readability"]
    plain(page())
    assert scorer.COUNTS["readability"] == before + 1


def test_the_bound_never_lets_readability_win_on_a_skipped_page() -> None:
    """Where the skip holds, Readability's own text (run anyway) is not more than twice
    trafilatura's: trafilatura would not have taken it."""
    tree = parse(page())
    body = scorer.trafilatura_body(tree, None)
    assert body is not None
    own = text(body)
    run = trafilatura.external.try_readability.__wrapped__  # type: ignore[attr-defined]
    readability = run(parse(page()))
    assert len(text(readability)) <= 2 * len(own)
