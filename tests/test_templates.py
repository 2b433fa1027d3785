"""Site-template learning on small hand-made sites: what recurs goes, what is article stays."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from lxml import html as lxml_html

from newscrawl.extraction.dom import drop
from newscrawl.extraction.templates import Removal, SiteTemplate, TemplateRules, page_blocks

HOST = "https://news.test"
TOPICS = ["harbour", "museum", "railway", "orchard", "library", "stadium", "bridge", "school",
          "market", "theatre", "airport", "hospital", "reservoir", "observatory"]  # fmt: skip


def article_paragraphs(i: int) -> list[str]:
    rng = random.Random(i)
    topic = TOPICS[i % len(TOPICS)]
    words = ["council", "residents", "plans", "funding", "weather", "visitors", "repairs", "board"]
    return [
        f"The {topic} story number {i} begins with "
        + " ".join(rng.choice(words) for _ in range(25))
        + f" in paragraph {k}."
        for k in range(4)
    ]


def page(i: int, *, promo: bool = True, shared: str = "") -> str:
    """A page of the site: unique article, a promo line (inside the content), a 'More from'
    box whose titles change page to page, a static footer."""
    rng = random.Random(1000 + i)
    more = "".join(
        f'<li class="zq-card"><a href="{HOST}/post-{rng.randrange(999)}/">'
        f"{TOPICS[rng.randrange(len(TOPICS))].title()} update {rng.randrange(99)} today</a></li>"
        for _ in range(4)
    )
    body = "".join(f"<p>{p}</p>" for p in article_paragraphs(i))
    if shared:
        body += f"<p>{shared}</p>"
    promo_html = '<p class="kx-promo">Get the GQN app for news alerts.</p>' if promo else ""
    return f"""<html><body><div class="wrap"><h1>Story {i}</h1>
    <div class="content">{promo_html}{body}</div>
    <div class="more-from-box"><h4>More from GQN</h4><ul class="zq-list">{more}</ul></div>
    </div><footer class="foot"><p>GQN Media 2024. All rights reserved.</p></footer></body></html>"""


def learn(pages: list[str]) -> SiteTemplate:
    model = SiteTemplate("news.test")
    for i, html in enumerate(pages):
        model.observe(page_blocks(html, f"{HOST}/post-{i}/"))
    return model


def learned_and_pruned(make: Callable[[int], str], pages: int = 12) -> tuple[str, list[str]]:
    """The text of page 99 of a site and the rules that pruned it, learned from ``pages``
    others made by ``make``."""
    return pruned_text(learn([make(i) for i in range(pages)]), make(99))


def prune(rules: TemplateRules, root: Any, url: str) -> list[Removal]:
    """The template blocks :meth:`TemplateRules.select` finds, dropped from ``root`` (what
    their lines leaving the article amounts to on these pages)."""
    chosen = rules.select(root, url)
    for el, _ in chosen:
        drop(el)
    return [removal for _, removal in chosen]


def pruned_text(model: SiteTemplate, html: str, i: int = 99) -> tuple[str, list[str]]:
    root = lxml_html.document_fromstring(html)
    removals = prune(model.rules(), root, f"{HOST}/post-{i}/")
    return root.text_content(), [r.rule for r in removals]


def test_recurring_widgets_are_removed_and_article_text_kept() -> None:
    model = learn([page(i, promo=i % 3 != 0) for i in range(15)])
    text, rules = pruned_text(model, page(99))
    for paragraph in article_paragraphs(99):
        assert paragraph in text
    assert "Get the GQN app" not in text  # recurring text inside the content
    assert "More from GQN" not in text  # recurring heading
    assert "update" not in text  # the changing link list
    assert "All rights reserved" not in text
    assert "recurring-text" in rules and "recurring-link-list" in rules


def test_a_sentence_shared_by_a_few_articles_stays() -> None:
    shared = "The ministry said it would publish the full report next week."
    pages = [page(i, shared=shared if i < 3 else "") for i in range(20)]
    model = learn(pages)
    text, _ = pruned_text(model, pages[1], 1)
    assert shared in text


def test_nothing_is_learned_from_too_few_pages() -> None:
    model = learn([page(i) for i in range(3)])
    assert not model.rules()
    text, rules = pruned_text(model, page(99))
    assert "More from GQN" in text and rules == []


def test_a_page_never_loses_most_of_its_words() -> None:
    model = learn([page(i) for i in range(15)])
    rules = model.rules()
    rules.max_removed_share = 0.05  # template makes up more than that of a page: keep all
    root = lxml_html.document_fromstring(page(99))
    assert prune(rules, root, f"{HOST}/post-99/") == []
    assert "More from GQN" in root.text_content()


def test_removals_explain_themselves() -> None:
    model = learn([page(i) for i in range(15)])
    root = lxml_html.document_fromstring(page(99))
    removals = prune(model.rules(), root, f"{HOST}/post-99/")
    promo = next(r for r in removals if "GQN app" in r.text)
    assert promo.rule == "recurring-text" and promo.evidence == "same text on 15/15 pages"
    cards = next(r for r in removals if r.rule == "recurring-link-list")
    assert "on 15/15 pages" in cards.evidence and "words in links" in cards.evidence


def test_model_survives_a_json_round_trip() -> None:
    model = learn([page(i) for i in range(15)])
    again = SiteTemplate.from_json(model.to_json())
    assert again.pages == model.pages
    assert again.rules() == model.rules()


def test_numbers_and_words_of_running_text_are_not_template() -> None:
    """Counts recur (digits fold to one key) and so do words such as ``if`` in code or
    a bold word in a sentence: none of them is a site's widget."""

    def page_with(i: int) -> str:
        return (
            f'<html><body><div class="post"><p>Story {i} about the {TOPICS[i % 14]}, '
            f'<b class="kw">important</b> for everyone here.</p>'
            f'<pre><span class="k">if</span> x: <span class="k">return</span> {i}</pre>'
            f'<div class="votes">{i * 7}</div></div></body></html>'
        )

    text, rules = learned_and_pruned(page_with)
    assert rules == []
    assert "important" in text and "if x: return" in text and "693" in text


def test_a_listing_pages_cards_are_its_content() -> None:
    """A shop's product grid looks alike on every page, but there it is the page."""

    def grid(i: int) -> str:
        rng = random.Random(i)
        cards = "".join(
            f'<div class="card"><a href="{HOST}/p/{rng.randrange(9999)}">Lamp model '
            f"{rng.choice(TOPICS)} {rng.randrange(99)} in oak and brass finish</a> "
            f'<a href="{HOST}/p/{rng.randrange(9999)}/reviews">reviews</a> '
            f'<a href="{HOST}/cart">add</a></div>'
            for _ in range(12)
        )
        intro = " ".join(article_paragraphs(i))  # the shop's text about this category
        return (
            f'<html><body><h1>Lamps {i}</h1><p class="intro">{intro}</p>'
            f'<div class="grid">{cards}</div></body></html>'
        )

    model = learn([grid(i) for i in range(12)])
    assert model.rules().link_lists  # the card place is learned as a link list...
    text, rules = pruned_text(model, grid(99))
    assert "recurring-link-list" not in rules  # ...but not removed where it is the page
    assert text.count("Lamp model") == 12


def test_extraction_after_template_removal_keeps_the_page_structure() -> None:
    """The template is pruned from the tree the extraction reads (one parse): an empty
    ``<style>`` in the head, a late one in the body, and the article is whole."""
    from newscrawl.extraction import extract_page

    model = learn([page(i) for i in range(15)])
    html = page(99).replace(
        "<html>", '<html><head><style id="late"></style>\n<meta charset="utf-8"></head>'
    )
    html = html.replace("</body>", "<style>.foot { color: grey }</style></body>")
    done = extract_page(html, f"{HOST}/post-99/", template=model.rules(), observe=True)
    article, removals = done.article, done.removals
    assert removals and done.blocks
    assert article.removed.get("template:recurring-text", 0) + article.removed.get(
        "template:recurring-link-list", 0
    ) == len(removals)
    for paragraph in article_paragraphs(99):
        assert paragraph in article.text
    assert "More from GQN" not in article.text


def labelled_page(i: int) -> str:
    """A story with a fixed label before a changing link, a corrections line ending in a
    changing number, a line of links standing alone, and a product-like fact list whose
    labels recur too (content: list items are never label template)."""
    paragraphs = "".join(f"<p>{p}</p>" for p in article_paragraphs(i))
    topic = TOPICS[i % len(TOPICS)]
    return (
        f"<html><body><div class='wrap'><h1>Story {i}</h1><div class='content'>{paragraphs}"
        f"<p><strong>Tonight on our radio show:</strong> <a href='{HOST}/radio/{i}/'>the {topic}"
        f" debate</a></p><p>Corrections and clarifications: file {1000 + i * 37}</p>"
        f"<ul class='facts'><li><b>Length:</b> {i * 3} km of {topic} road</li></ul></div>"
        f"<nobr><a href='{HOST}/news'>News Headlines</a> | <a href='{HOST}/more'>More From "
        f"GQN</a> | <a href='{HOST}/special'>Special Reports</a></nobr></div></body></html>"
    )


def test_a_fixed_label_before_a_changing_link_or_number_is_template() -> None:
    model = learn([labelled_page(i) for i in range(12)])
    text, rules = pruned_text(model, labelled_page(99))
    for paragraph in article_paragraphs(99):
        assert paragraph in text
    assert "radio show" not in text and "the library debate" not in text
    assert "Corrections and clarifications" not in text
    assert "News Headlines" not in text  # (a line of links on its own)
    assert "Length: 297 km" in text  # (a list item's label is content)
    assert "recurring-label" in rules  # (the corrections line, digits folded, is recurring text)


def test_a_recurring_label_explains_itself_and_survives_a_json_round_trip() -> None:
    model = learn([labelled_page(i) for i in range(12)])
    root = lxml_html.document_fromstring(labelled_page(99))
    removals = prune(model.rules(), root, f"{HOST}/post-99/")
    radio = next(r for r in removals if "radio show" in r.text)
    assert radio.rule == "recurring-label"
    assert radio.evidence == "same leading words at this place on 12/12 pages"
    assert SiteTemplate.from_json(model.to_json()).rules() == model.rules()


def test_a_label_whose_text_never_changes_is_recurring_text_and_a_paragraph_is_no_label() -> None:
    """What follows the label must change (else it is recurring text), and a paragraph
    that starts with a label is article prose, however often the label recurs."""

    def page_with(i: int) -> str:
        story = article_paragraphs(i)
        return (
            f"<html><body><div class='content'><p>Update: {story[0]}</p><p>{story[1]}</p>"
            "<p><b>Follow us:</b> on the radio</p></div></body></html>"
        )

    model = learn([page_with(i) for i in range(12)])
    assert model.rules().labels == {}
    text, rules = pruned_text(model, page_with(99))
    assert rules == ["recurring-text"]
    assert "Update: " + article_paragraphs(99)[0] in text and "Follow us" not in text


UNITS = ("hour", "day", "week", "month", "year", "shift")


def test_a_records_numbered_fields_are_content() -> None:
    """A job ad's "Expected salary: $19 - 22 per hour" recurs as label plus number, but
    beside "Company: ..." it is a field of the page's own record."""

    def page_with(i: int) -> str:
        story = article_paragraphs(i)
        return (
            f"<html><body><div class='content'><p>{story[0]}</p>"
            f"<p><strong>Company:</strong> {TOPICS[i % 14].title()} Supplies of the coast</p>"
            f"<p><strong>Expected salary:</strong> ${20 + i} - {30 + i} per {UNITS[i % 6]}</p>"
            f"<p>{story[1]}</p></div></body></html>"
        )

    text, rules = learned_and_pruned(page_with)
    assert rules == [] and "Expected salary: $119 - 129 per month" in text


def test_template_lines_leave_the_article_and_a_short_part_alone_stays() -> None:
    """A template block's whole text goes; so do its parts of four words or more, and
    shorter parts next to each other (a menu's items), also written as one line; a short
    part on its own ("error", a heading of the article and a link of the sidebar) stays."""
    from newscrawl.extraction.templates import TemplateLines

    box = lxml_html.fragment_fromstring(
        "<div class='side'><h4>Reference</h4><ul><li><a href='/e'>error</a></li>"
        "<li><a href='/m'>message</a></li><li><a href='/s'>Sports</a></li>"
        "<li><a href='/n'>News of the day and more</a></li></ul>"
        "<p>Get the app for alerts <a href='/more'>more &gt;</a></p></div>"
    )
    lines = TemplateLines.of([box])
    article = [
        "The council met on Tuesday.",
        "error",
        "The error event fires when the connection closes with an error.",
        "Sports",
        "message",
        "News of the day and more",
        "Get the app for alerts more >",
        "Reference",
    ]
    assert lines.kept(article) == [
        "The council met on Tuesday.",
        "error",
        "The error event fires when the connection closes with an error.",
        "Reference",  # (a heading: a section title is never a template line)
    ]
