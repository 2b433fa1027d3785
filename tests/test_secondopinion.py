"""Readability's second opinion: where the article ends, and the tail cut after it."""

from __future__ import annotations

import pytest
import trafilatura
from lxml import etree

from newscrawl.extraction import extract
from newscrawl.extraction.decode import parse
from newscrawl.extraction.dom import text_of
from newscrawl.extraction.secondopinion import SecondOpinion, readability_article

STORY = [
    f"Paragraph {n} of the story: the council met on Tuesday evening, debated the harbour "
    "plan for hours, heard from residents, fishermen and traders, and agreed to publish "
    "the full report, with its costs, next week."
    for n in range(10)
]
TEASERS = [
    f"Teaser {n}: a short summary of another story on the site, from the archive, with "
    "its own headline and a link, shown below every article."
    for n in range(4)
]


def story_page(after: str = "", story_class: str = "single-wrapper") -> str:
    story = "".join(f"<p>{p}</p>" for p in STORY)
    return (
        "<html><head><title>Harbour plan</title></head><body><div id='content'>"
        f"<div class='{story_class}'><h1>Harbour plan</h1>{story}</div>{after}"
        "</div></body></html>"
    )


def cards() -> str:
    """A "read this next" section of teaser cards (plain trafilatura keeps it)."""
    return (
        "<div class='home-section'><h3>Read This Next</h3><div class='row'>"
        + "".join(
            f"<div class='col'><h3><a href='/s/{n}'>Story {n}</a></h3><span>Dec 19, 2025</span>"
            f"<p>{t}</p></div>"
            for n, t in enumerate(TEASERS)
        )
        + "</div></div>"
    )


def names(elements: list[etree._Element] | None) -> list[str]:
    return [el.get("class") or el.tag for el in elements or []]


def text(elements: list[etree._Element] | None) -> str:
    return " ".join(text_of(el) for el in elements or [])


def test_the_article_is_the_story_not_the_cards_after_it() -> None:
    assert names(readability_article(parse(story_page(cards())))) == ["single-wrapper"]


def test_sections_of_one_class_are_one_article() -> None:
    """A page split into sections: the best section's namesakes join it even when they
    score lower (Readability's class bonus), or their parent outscores it and is chosen."""
    sections = "".join(
        f"<div class='section'><h2>Part {n}</h2>{''.join(f'<p>{p}</p>' for p in STORY[: 6 - n])}"
        "</div>"
        for n in range(5)
    )
    for wrapper in ("<div id='doc'>", "<div id='doc'><div class='only-child'>"):
        html = f"<html><body>{wrapper}{sections}</div></body></html>"
        found = text(readability_article(parse(html)))
        assert all(f"Part {n}" in found for n in range(5))
    # under a parent that scores low (a widget area): a short section joins by its class,
    # a short block of another class does not
    two = "".join(f"<div class='section'><p>{p}</p><p>{p}</p><p>{p}</p></div>" for p in STORY[:2])
    short = "<div class='section'><p>A short closing note of the story.</p><p>The end.</p></div>"
    note = "<div class='note'><p>Another short closing line here, brief.</p><p>Bye.</p></div>"
    html = f"<html><body><div class='widget-area'>{two}{short}{note}</div></body></html>"
    assert names(readability_article(parse(html))) == ["section"] * 3


def test_navigation_by_its_role_is_never_the_article() -> None:
    """A complementary block or navigation with more text than the story is not chosen
    (the story is, with the wrapper it is then the only child of)."""
    long = "".join(f"<p>Other text. {p} {p}</p>" for p in STORY)
    for role in ("complementary", "navigation"):
        found = readability_article(parse(story_page(f"<div role='{role}'>{long}</div>")))
        assert "Paragraph 9 of the story" in text(found)
        assert "Other text" not in text(found)


def test_a_div_without_blocks_and_loose_text_count_as_paragraphs() -> None:
    """Paragraphs written as <div>s, or as text between <br>s beside blocks, are scored."""
    as_divs = "".join(f"<div>{p}</div>" for p in STORY)
    loose = "<br>".join(STORY) + "<ul><li>One item</li></ul>"
    for body in (as_divs, loose):
        html = (
            "<html><body><div class='nav'><p>Home</p></div>"
            f"<div class='text-body'>{body}</div></body></html>"
        )
        assert names(readability_article(parse(html))) == ["text-body"]


def test_the_tail_after_the_article_is_cut_and_the_page_left_as_it_was() -> None:
    tree = parse(story_page(cards()))
    before = etree.tostring(tree)
    paragraphs = ["Harbour plan", *STORY, "Story 0", TEASERS[0], "Story 1", TEASERS[1]]
    assert SecondOpinion(tree).trim_tail(paragraphs) == ["Harbour plan", *STORY]
    assert etree.tostring(tree) == before


def test_no_cut_when_the_two_disagree_or_nothing_follows() -> None:
    """When Readability's article holds less than most of the text kept, the text stays
    whole; so does text whose last paragraph is inside the article."""
    tree = parse(story_page(cards()))
    mostly_teasers = [STORY[0], *TEASERS, *TEASERS]
    assert SecondOpinion(tree).trim_tail(mostly_teasers) == mostly_teasers
    assert SecondOpinion(tree).trim_tail(STORY) == STORY
    assert SecondOpinion(tree).trim_tail([STORY[0]]) == [STORY[0]]


def test_extract_drops_a_related_story_list_after_the_article() -> None:
    html = story_page(cards())
    assert "Teaser" in (trafilatura.extract(html) or "")
    article = extract(html)
    assert "Paragraph 9 of the story" in article.text
    assert "Teaser" not in article.text


ITEMS = [
    f"Item {n}: the harbour guide lists the ferry times, the fares, the cafes by the pier, "
    "and the walks along the cliffs for each season of the year."
    for n in range(8)
]


def item_list(extra: str = "") -> str:
    items = "".join(f"<div class='row'><p>{t}</p></div>" for t in ITEMS)
    return (
        "<html><body><nav><a href='/'>Home</a></nav>"
        f"<div class='list'>{items}{extra}</div></body></html>"
    )


def test_readabilitys_wider_article_replaces_a_single_block_it_holds() -> None:
    """trafilatura kept one item of a list: Readability's article, the whole list, holds it
    and is more than twice as long."""
    opinion = SecondOpinion(parse(item_list()))
    assert opinion.wider([ITEMS[2]]) == ITEMS
    assert opinion.wider(ITEMS[:5]) is None  # not twice as long
    assert opinion.wider(["A paragraph of other text that the list does not hold at all."]) is None


def test_no_wider_article_when_its_blocks_lose_the_text_kept() -> None:
    """Readability's container may hold our paragraph inside page chrome (a form) that its
    blocks leave out: then the paragraphs kept stay."""
    kept = "Kept text: the one paragraph inside a form, about the ferry, the fares and more."
    opinion = SecondOpinion(parse(item_list(f"<form><p>{kept}</p></form>")))
    assert opinion.wider([kept]) is None
    assert opinion.wider([ITEMS[0]]) is not None


def test_the_wider_article_is_taken_on_listings_not_on_articles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """extract() asks for the wider article on pages of like blocks only (here, a page
    declaring itself a collection); an article keeps trafilatura's pick."""
    monkeypatch.setattr(SecondOpinion, "wider", lambda self, p: ["Wider paragraph one."] * 3)
    for declared, widened in (("CollectionPage", True), ("NewsArticle", False)):
        ld = f'<script type="application/ld+json">{{"@type": "{declared}"}}</script>'
        article = extract(story_page().replace("<title>", f"{ld}<title>"))
        assert ("Wider paragraph one." in article.text) is widened
