"""Text as a reader sees it: inline markup joins words, breaks separate them, CJK lines join."""

from __future__ import annotations

import pytest
from lxml.etree import _Element

from newscrawl.extraction import extract
from newscrawl.extraction.decode import parse
from newscrawl.extraction.dom import text_of

FILLER = (
    "The council met on Tuesday evening to discuss the new harbour plan, which residents "
    "have debated for months, and agreed to publish the full report next week."
)


def page(body: str) -> str:
    return (
        "<html><head><title>Harbour plan</title></head><body><article>"
        f"<p>{FILLER}</p>{body}<p>{FILLER.replace('Tuesday', 'Friday')}</p>"
        "</article></body></html>"
    )


def test_line_breaks_separate_words() -> None:
    text = extract(page("<p>First line of the notice<br>second line of the notice</p>")).text
    assert "notice second" in text


def test_a_line_break_in_the_source_between_cjk_characters_is_not_a_space() -> None:
    cjk = (
        "<p>肉をくわえたイヌが、橋を渡って\n    いました。"
        "ふと下を見ると、川の中にも肉をくわえたイヌがいます。</p>"
    )
    text = extract(page(cjk)).text
    assert "橋を渡っていました。" in text


def test_text_of_a_raw_page_block() -> None:
    """Blocks put back from the page (recover) read as the page does: "Hel<b>lo</b>" is
    one word, a <br> or a list item separates."""
    el = parse("<html><body><div>Hel<b>lo</b> wor<br>ld<ul><li>a</li><li>b</li></ul></div></body>")
    assert text_of(el.find(".//div")) == "Hello wor ld a b"


def test_boilerplate_lines_go_and_sentences_that_share_their_words_stay() -> None:
    from newscrawl.extraction.textfilter import filter_paragraphs

    lines = ["Reading Time: < 1 minute", "Share this:", "Sign In", "Add to cart", "Learn more"]
    lines += ["Book a demo", "Join Date: Aug 2008", "Posts: 1,077", "Was this helpful?"]
    lines += [
        "iFixit uses cookies to enhance site functionality. By using our site, you agree.",
        "Manage Cookie Preferences",
        "Stay connected with us!",
        "Why Trust Us?",
        "People who viewed this item also viewed",
        "Get the best of The Harbour Times delivered to your inbox weekly",
        "Sign in or join",
        "Filter & Sort",
        "Please fill out this field.",
        "Related Articles:",
        "Related topics & resources",
        "Customer Reviews",
        "Regular price Sale price $39.99 USD",
        "$129.37 $97.27 Save 25%",
        "Showing 24 of 291 results",
        "Based on 4,567 reviews",
        "Registered User",
        "Jump to navigation Jump to search",
        "Returns & exchanges accepted within 30 days",
        "Questions? Chat with an expert.",
        "End of Season Sale - Shop Now",
        "Sign in or create your free account to comment,",
        "Email: desk@harbour-times.example",
        "Join the Facebook group– https://www.facebook.com/HarbourTimes",
        "You're browsing the Harbour Times boards as a guest. Sign up to post messages.",
        "Did you make one of my recipes? Please leave a star rating below.",
        "Read our full Harbour Ferry 2 review",
        "Listen to this article in summarized format",
        "Enjoy the post? Pin it for later!",
        "Photo courtesy of the Harbour Trust",
        "Credit: Ana Lima / Getty Images",
        "Sign in to save your progress and earn a certificate",
        "Medically reviewed by Ana Lima, MD, Editor in Chief, Harbour Health Watch",
        "Add to Goodreads To-Read List →",
        "Start Your FREE 30 Days Trial!",
        "Schedule Your Personalized Demo!",
        "Read more of this content when you subscribe today.",
        "Published on: February 14, 2025",
        "This post was last updated July 2021.",
        "Was this newsletter forwarded to you? Sign up to get it in your inbox.",
        "👉 See more ferry trends from the Harbour Trust.",
        "For a detailed overview of ferry routes, refer to our Harbour Travel Guide",
    ]
    sentences = [
        "The regular price of a harbour permit rose to $40 last year, the council said.",
        "Customer reviews of the new ferry service were mixed, according to the survey.",
        "The harbour museum is supported by readers and donors, its director said.",
        "The council posted the plan at https://www.facebook.com/harbour on Tuesday night.",
        "Sign in to the council's portal was down for an hour on Monday, officials said.",
        "Residents can learn more about the plan at the library until the end of March.",
        "Posts about the harbour plan drew hundreds of replies on the council's forum.",
        "Residents who want to stay connected with the council can follow its weekly bulletin.",
        "Under the new rules, harbour operators and the council's online services that use "
        "cookies must ask residents first, the regulator said.",
        "Related articles in the council's archive show the plan was first debated in 1998.",
        "Read our full report on the harbour review, which the council published on Friday.",
        "Credit unions in the harbour district said the new fees would hurt small savers.",
        FILLER,
        # (these keep the drop under the safety backup's share)
        *(FILLER.replace("Tuesday", day) for day in ("Friday", "Monday", "Sunday", "Saturday")),
        *(FILLER.replace("council", name) for name in ("board", "panel", "mayor", "port")),
        "This post was written by the harbour master before the storm season, and it was "
        "last updated when the new pier opened.",
        "Try the ferry for free on its first weekend, the operator said in a statement.",
        "Residents can check out our library's harbour guide, the council said on Friday.",
        "Reviewed by the harbour board, the plan now goes to a public vote in the spring, "
        "when residents will be asked to choose between the two designs.",
    ]
    kept, dropped = filter_paragraphs(lines + sentences)
    assert kept == sentences
    assert dropped["ui-label"] == 5 and dropped["reading-time"] == 1 and dropped["share"] == 1
    assert (
        dropped["ui-prompt"] == 30
        and dropped["dateline"] == 2
        and dropped["credit"] == 2
        and dropped["reviewed-by"] == 1
        and dropped["reader-prompt"] == 2
        and dropped["consent"] == 2
        and dropped["price"] == 2
    )
    assert dropped["newsletter"] == 1 and dropped["also-read"] == 2


def test_a_price_line_goes_once_and_stays_as_each_products_own() -> None:
    from newscrawl.extraction.textfilter import filter_paragraphs

    banner = ["Regular price $39.99 USD", FILLER, FILLER.replace("Tuesday", "Friday")]
    assert filter_paragraphs(banner)[0] == banner[1:]
    grid = [f"{kind} pack, 45 litres, for long trips on rough ground" for kind in "ABCD"]
    grid = [line for item in grid for line in (item, "Save 40%")]
    assert filter_paragraphs(grid)[0] == grid


def test_a_byline_goes_once_and_stays_as_each_items_own() -> None:
    """An article's byline and date are boilerplate; a listing's teasers each carry one,
    and there (four or more of a kind) they are the items' text."""
    from newscrawl.extraction.textfilter import filter_paragraphs

    story = [FILLER.replace("Tuesday", day) for day in ("Monday", "Tuesday", "Friday")]
    kept, dropped = filter_paragraphs(["By Ana Lima", "March 3, 2021", *story])
    assert kept == story and dropped["byline"] == 1 and dropped["dateline"] == 1
    teasers = [
        line
        for n, author in enumerate(("Ana Lima", "Jo Park", "Sam Reyes", "Kim Ode"))
        for line in (f"Harbour story {n}: {FILLER}", f"By {author}", f"March {n + 3}, 2021")
    ]
    kept, dropped = filter_paragraphs(teasers)
    assert kept == teasers and not dropped


def test_a_short_screen_reader_label_stays_and_a_long_hidden_block_goes() -> None:
    from newscrawl.extraction.prune import prune

    el = parse(
        "<html><body><div><p>Trail pack <span class='sr-only'>rated 4.2 out of 5 stars</span>"
        "</p><div class='visually-hidden'>Blue 40L SKU 0001 price 39.99 each, Blue 50L SKU "
        "0002 price 47.99 each, Black 40L SKU 0003 price 39.99 each</div>"
        + f"<p>{FILLER}</p>" * 3
        + "</div></body></html>"
    )
    removed = prune(el)
    text = text_of(el)
    assert "rated 4.2 out of 5 stars" in text
    assert "SKU" not in text and removed["hidden"] == 1


def test_a_closed_accordion_panel_is_text_and_a_hidden_menu_is_not() -> None:
    from newscrawl.extraction.prune import prune

    el = parse(
        "<html><body><div>"
        + f"<p>{FILLER}</p>" * 2
        + "<div class='faq'><h3>Is it waterproof?</h3><div class='faq-answer' "
        "style='display: none'>Yes, the shell is sealed and tested to a depth of ten "
        "metres.</div></div><dl><dt>Data strategy</dt><dd hidden "
        "class='cmp-accordion__panel cmp-accordion__panel--hidden'>Governance turns data "
        "into decisions.</dd></dl><ul class='nav-menu' style='display:none'><li>Home</li>"
        "<li>Shop</li></ul><div style='display:none'>Loading the comments of readers</div>"
        "</div></body></html>"
    )
    removed = prune(el)
    text = text_of(el)
    assert "sealed and tested to a depth" in text
    assert "Governance turns data into decisions" in text  # hidden attribute, BEM class
    assert "Shop" not in text and "Loading the comments" not in text
    assert removed["hidden"] == 2


def test_closed_accordion_panels_reach_the_text_and_closed_tabs_stay_closed() -> None:
    """The scorer drops ``display:none`` itself: an accordion's panels (the rest of the
    article, a reader opens them) are opened first; a closed tab is an alternative view."""
    from newscrawl.extraction.prepare import reveal_disclosures

    long = " ".join([FILLER] * 4)  # (too long for recover to put back)
    shown = "".join(f"<p>{FILLER.replace('Tuesday', f'day {n}')}</p>" for n in range(20))
    steps = "".join(
        f"<div class='accordion-item'><h3>Step {n}</h3><div role='region' "
        f"style='display:none;'><p>Step {n}: {long}</p></div></div>"
        for n in range(3)
    )
    text = extract(page(shown + steps)).text
    assert all(f"Step {n}: The council" in text for n in range(3))
    tree = parse(
        f"<html><body>{steps}<div class='tab-pane' style='display:none'>Reviews</div>"
        "<div class='faq-answer' hidden>Yes.</div></body></html>"
    )
    assert reveal_disclosures(tree) == 4
    assert tree.xpath("//*[@role='region']/@style") == [""] * 3  # (the rest of a style stays)
    assert tree.xpath("//*[@class='tab-pane']/@style") == ["display:none"]
    assert tree.xpath("//*[@class='faq-answer']/@hidden") == []


def test_a_listicles_slides_holding_most_of_the_page_lose_the_class_trafilatura_prunes() -> None:
    """trafilatura prunes each "listicle-slides" item for the substring "slide"; each is
    small, together they are the article. Items whose class names chrome ("widget"), or
    a group holding less than half the page, keep their class."""
    from newscrawl.extraction.dom import word_counts
    from newscrawl.extraction.prepare import unmark_item_groups

    def tree_with(cls: str, paragraphs: int) -> _Element:
        items = "".join(
            f"<div class='{cls}'><h2>Pick {n}</h2>" + f"<p>{FILLER}</p>" * paragraphs + "</div>"
            for n in range(4)
        )
        return parse(f"<html><body><p>{FILLER}</p><p>{FILLER}</p>{items}</body></html>")

    tree = tree_with("listicle-slides", 2)
    assert unmark_item_groups(tree, word_counts(tree)) == 4
    assert tree.xpath("//div[@class]") == []
    for cls, paragraphs in (("product-widget", 2), ("listicle-slides", 0)):
        tree = tree_with(cls, paragraphs)
        assert unmark_item_groups(tree, word_counts(tree)) == 0
        assert len(tree.xpath(f"//div[@class='{cls}']")) == 4


def test_an_unclosed_aside_holding_the_article_becomes_a_plain_block() -> None:
    """A theme bug leaves ``<aside>`` open, so the whole article sits inside it: the
    wrapper is made a ``div`` (its classes kept); a real sidebar is left alone."""
    from newscrawl.extraction.prepare import neutralise_wrappers

    tree = parse(
        "<html><body><aside class='sidebar-left'><a href='/a'>Popular</a></aside>"
        "<aside class='widget'><div class='post'><h1>Harbour plan approved</h1>"
        + f"<p>{FILLER}</p>" * 3
        + "</div></body></html>"
    )
    assert neutralise_wrappers(tree) == 1
    wrapper = tree.find(".//h1").getparent().getparent()
    assert wrapper.tag == "div" and wrapper.get("class") == "widget"
    assert tree.find(".//aside").get("class") == "sidebar-left"


def test_an_article_inside_a_comment_named_wrapper_is_kept() -> None:
    """trafilatura prunes any element whose class starts with "comment" before scoring,
    with no guard for size: a wrapper named so (LessWrong's ``commentOnSelection``)
    would take the article with it. Comments that are comments still go."""
    article = "".join(
        f"<p>{FILLER.replace('Tuesday', day)}</p>" for day in ("Monday", "Tuesday", "Friday")
    )
    html = (
        "<html><body><h1>Harbour plan approved</h1><div class='post-body'>"
        f"<div class='commentOnSelection'><div>{article}</div></div></div>"
        "<div class='comments'><p>Great news, finally! I have waited for this plan for years"
        " and I hope they build it soon.</p></div></body></html>"
    )
    text = extract(html).text
    assert "council met on Monday" in text and "council met on Friday" in text
    assert "Great news" not in text


def test_a_table_indented_by_a_blockquote_becomes_a_plain_block() -> None:
    """Old pages indent tables with ``<blockquote>`` (LWN); trafilatura drops tables inside
    quotes. A real quotation stays a quote."""
    from newscrawl.extraction.prepare import unquote_tables

    tree = parse(
        "<html><body><blockquote><table><tr><td>4.3</td><td>July 2014</td></tr></table>"
        "</blockquote><blockquote><p>We will rebuild the harbour.</p></blockquote></body></html>"
    )
    assert unquote_tables(tree) == 1
    assert tree.find(".//table").getparent().tag == "div"
    assert tree.find(".//p").getparent().tag == "blockquote"


def test_a_page_serving_its_article_twice_gives_it_once() -> None:
    """Responsive layouts repeat the whole article (desktop and mobile copies); a single
    repeated paragraph (a quote, a chorus) is the author's and stays."""
    steps = [f"Step {n}: " + FILLER.replace("Tuesday", f"day {n}") for n in range(4)]
    copy = "".join(f"<p>{s}</p>" for s in steps)
    chorus = "<blockquote>We will rebuild the harbour, stone by stone, for all of us.</blockquote>"
    html = page(
        f"{chorus}<div class='desktop'>{copy}</div><div class='mobile'>{copy}</div>{chorus}"
    )
    text = extract(html).text
    assert text.count("Step 3:") == 1
    assert text.count("stone by stone") == 2


def test_a_paragraph_written_once_per_layout_is_put_back_once() -> None:
    """A short description written for two screen widths (Bootstrap's hidden-md-down /
    hidden-md-up) is seen once; the scorer's single copy stays single."""
    from newscrawl.extraction.recover import recover

    lorem = FILLER.replace("council", "committee")
    output = [FILLER, lorem, FILLER + "."]
    for marks, copies in ((("hidden-md-down", "hidden-md-up"), 1), (("intro", "outro"), 2)):
        tree = parse(
            f"<html><body><article><p>{FILLER}</p><div class='{marks[0]}'><p>{lorem}</p></div>"
            f"<p>{FILLER}.</p><div class='{marks[1]}'><p>{lorem}</p></div></article></body></html>"
        )
        assert "\n".join(recover(tree, output)).count("committee") == copies


@pytest.mark.parametrize(
    ("token", "responsive"),
    [
        *[(t, True) for t in ("hidden-md-up", "visible-xs", "d-md-none", "md:hidden")],
        *[(t, True) for t in ("show-for-small-only", "is-hidden-mobile", "mobile-only")],
        *[(t, True) for t in ("hidden-down-md", "desktop", "mobile", "tablet-view")],
        *[(t, False) for t in ("hidden", "visible", "d-none", "hide-comments", "showcase")],
        *[(t, False) for t in ("mobile-menu", "desktop-nav")],
    ],
)
def test_responsive_visibility_classes(token: str, responsive: bool) -> None:
    from newscrawl.extraction.recover import _RESPONSIVE

    assert bool(_RESPONSIVE.fullmatch(token)) is responsive


def test_a_paragraph_div_written_twice_side_by_side_stays_twice() -> None:
    """The scorer collapses a paragraph equal to the one before it (its own overlapping
    candidates); two sibling <div>s with the same text are the page's. A <div> repeated
    elsewhere (a signature, a blurb) is not put back."""
    lorem = FILLER.replace("council", "committee")
    assert extract(page(f"<div>{lorem}</div><div>{lorem}</div>")).text.count("committee") == 2
    from newscrawl.extraction.recover import recover

    output = [FILLER, lorem, FILLER + "."]
    for body, copies in (
        (f"<div>{lorem}</div><div>{lorem}</div>", 2),
        (f"<div>{lorem}</div><p>{FILLER}</p><div>{lorem}</div>", 1),
    ):
        tree = parse(
            f"<html><body><article><p>{FILLER}</p>{body}<p>{FILLER}.</p></article></body></html>"
        )
        assert recover(tree, output).count(lorem) == copies


def test_the_kept_sections_namesakes_are_put_back_and_a_short_one_is_not() -> None:
    """The scorer keeps one section of an article split into sections of one class; the
    others are its text too. A short block of that class (a call to action) is not, nor
    one inside page chrome (a sidebar's teaser posts)."""
    from newscrawl.extraction.recover import recover

    texts = (
        "The ferry timetable changes in spring, with two extra crossings each weekday "
        "morning and a later last boat on Fridays and Saturdays.",
        "Stalls at the fish market move to the north quay while the old hall is rebuilt, "
        "and traders keep their usual opening hours through the works.",
        "Repairs to the lighthouse start after the storm season; the lamp stays lit and "
        "the gallery closes to visitors until the scaffolding comes down.",
    )

    def paragraphs(n: int) -> list[str]:
        return [f"Part {n}. {texts[n]}", f"{texts[n]} (Part {n}, continued.)"]

    def section(n: int) -> str:
        body = "".join(f"<p>{p}</p>" for p in paragraphs(n))
        return f"<section><div class='rich-text'><h2>Part {n}</h2>{body}</div></section>"

    cta = "<section><div class='rich-text'><p>Sign up for the harbour letter.</p></div></section>"
    teaser = (
        "<div class='column-sidebar'><section><div class='rich-text'><p>Another story: the "
        "town's oldest bakery closes after ninety years, and its owners say the recipes "
        "will live on in a cookbook out next spring.</p></div></section></div>"
    )
    html = (
        f"<html><body><main>{section(0)}{section(1)}{cta}{section(2)}{teaser}</main></body></html>"
    )
    text = "\n".join(recover(parse(html), ["Part 0", *paragraphs(0)]))
    assert all(p in text for n in range(3) for p in paragraphs(n))
    assert text.index("Part 1\n") < text.index("Part 1. Stalls") < text.index("Part 2\n")
    assert "Sign up" not in text
    assert "bakery" not in text  # a sidebar's teaser reusing the class


def test_repeated_runs_are_dropped_only_when_long() -> None:
    from newscrawl.extraction.textfilter import drop_repeated_runs

    long = [FILLER.replace("council", f"council {n}") for n in range(4)]
    short = ["Yes.", "No.", "Maybe."]
    assert drop_repeated_runs(["intro", *long, "outro", *long]) == ["intro", *long, "outro"]
    assert drop_repeated_runs([*short, *short]) == [*short, *short]  # under 100 words
    two = long[:2]  # two paragraphs: not a run
    assert drop_repeated_runs([*two, "x", *two]) == [*two, "x", *two]


def test_elements_written_back_to_back_are_separate_words() -> None:
    """A card's artist, title and label laid out apart by CSS, with no space in the markup,
    are three items; a drop cap, a suffix and CJK text stay joined."""
    card = "<p><a href='/a'>Gaz Williams</a><em>Shipwreck</em><span>Rack</span> (2025)</p>"
    joined = "<p><b>I</b><span>f you</span> go, the 3<sup>rd</sup> pier is closed.</p>"
    text = extract(page(card + joined + "<p><span>橋を</span><span>渡っていました</span></p>")).text
    assert "Gaz Williams Shipwreck Rack (2025)" in text
    assert "If you go, the 3rd pier" in text
    assert "橋を渡っていました" in text


def shop_grid(tiles: int) -> str:
    """A shop page without paragraphs, chrome around its grid of tiles."""
    menu = " ".join(f"<a href='/c{i}'>Category {i}</a>" for i in range(30))
    items = "".join(
        f"<div class='tile'><a href='/p{i}'><span>Harbour lantern model {i}</span></a>"
        f"<span>Brass, hand finished, {i + 10} cm</span><span>{i + 20}.00 USD</span></div>"
        for i in range(tiles)
    )
    return (
        "<html><head><title>Lanterns</title></head><body>"
        f"<header><a href='#main'>Skip to main content</a> {menu}</header>"
        f"<div class='grid'>{items}</div>"
        "<footer>Copyright Harbour Shop, all rights reserved worldwide</footer></body></html>"
    )


def test_a_page_read_block_by_block_leaves_its_chrome_but_not_a_form_around_it() -> None:
    """The page's blocks (Readability's wider article on listings is read so): its
    header and footer go, but a <form> around the whole page (ASP.NET) is not chrome."""
    from newscrawl.extraction.dom import word_counts
    from newscrawl.extraction.fallback import block_paragraphs
    from newscrawl.extraction.prepare import separate_abutting

    for html in (
        shop_grid(25),
        shop_grid(25)
        .replace("<body>", "<body><form action='/'>")
        .replace("</body>", "</form></body>"),
    ):
        tree = parse(html)
        separate_abutting(tree)  # (as the extraction prepares the tree)
        paragraphs = block_paragraphs(tree, word_counts(tree))
        assert paragraphs[0] == "Harbour lantern model 0 Brass, hand finished, 10 cm 20.00 USD"
        assert len([p for p in paragraphs if p.startswith("Harbour lantern model")]) == 25
        assert not any("Category" in p or "Skip to" in p or "Copyright" in p for p in paragraphs)


def test_a_formula_without_tex_source_is_read_as_its_symbols() -> None:
    """MathML with no TeX annotation or alttext (which trafilatura turns into LaTeX) would be
    dropped with <math>: its symbols are what a reader sees, a display formula on its own."""
    inline = "<math><mi>a</mi><mo>≠</mo><mn>0</mn></math>"
    display = (
        "<math display='block'><msup><mi>x</mi><mn>2</mn></msup><mo>=</mo><mn>4</mn>"
        "<annotation-xml encoding='MathML-Content'><ci>ignored</ci></annotation-xml></math>"
    )
    with_tex = "<math alttext='E = mc^2'><mi>E</mi></math>"
    text = extract(
        page(f"<p>When {inline} the pier holds, and {with_tex} too:</p>{display}")
    ).paragraphs
    assert "When a ≠ 0 the pier holds, and \\(E = mc^2\\) too:" in text
    assert "x 2 = 4" in text
    assert "ignored" not in " ".join(text)


def test_text_in_custom_elements_is_page_text() -> None:
    """A browser shows the text of <my-widget> like a span's (a div's when it holds blocks);
    custom elements without text (CSS-drawn glyphs, icons) are nothing to read."""
    body = (
        "<info-card><span>Opening hours are nine to five every weekday.</span></info-card>"
        "<story-part><p>The ferry now leaves from the north pier.</p>"
        "<fare-note>Tickets are sold on board.</fare-note></story-part>"
        "<p>When</p><mjx-container><mjx-math aria-hidden='true'><mjx-c class='c1'></mjx-c>"
        "</mjx-math><mjx-assistive-mml>a ≠ 0</mjx-assistive-mml></mjx-container>, it holds."
    )
    paragraphs = extract(page(body)).paragraphs
    assert "Opening hours are nine to five every weekday." in paragraphs
    assert "The ferry now leaves from the north pier." in paragraphs
    assert "Tickets are sold on board." in paragraphs
    assert "a ≠ 0, it holds." in paragraphs


def test_a_closed_details_menu_is_not_text_and_a_closed_faq_is() -> None:
    """A ``<details>`` that names itself a menu (GitHub's language picker) shows its items
    only when opened, and they are controls; a closed FAQ entry is the page's text."""
    from newscrawl.extraction.prune import prune

    languages = "".join(f"<a>{name}</a>" for name in ("ABAP", "Ada", "Agda", "Awk", "Bicep"))
    el = parse(
        "<html><body><div>"
        + f"<p>{FILLER}</p>" * 3
        + "<details class='details-overlay select-menu'><summary>Language</summary>"
        f"<div class='select-menu-list'>{languages}</div></details>"
        "<details class='faq-item'><summary>Can I bring a bike?</summary><p>Yes, bikes "
        "travel free on every crossing.</p></details></div></body></html>"
    )
    removed = prune(el)
    text = text_of(el)
    assert "Agda" not in text and removed["hidden"] == 1
    assert "bikes travel free" in text


def test_a_table_of_contents_goes_and_a_summary_of_sections_stays() -> None:
    """A list of in-page links named as the page's headings says each heading a second
    time; with its title it goes. A list that adds what each section says stays."""
    from newscrawl.extraction.prune import prune

    heads = ("Timetable changes", "Fish market moves", "Lighthouse repairs")
    links = "".join(f"<li><a href='#s{n}'>{h}</a></li>" for n, h in enumerate(heads))
    summary = "".join(
        f"<li><a href='#s{n}'>{h}</a>: what changes for residents and visitors this year</li>"
        for n, h in enumerate(heads)
    )
    sections = "".join(f"<h2 id='s{n}'>{h}</h2><p>{FILLER}</p>" for n, h in enumerate(heads))
    el = parse(
        f"<html><body><article><div class='box'><p>Contents</p><ul>{links}</ul></div>"
        f"<ol>{summary}</ol>{sections}</article></body></html>"
    )
    removed = prune(el)
    text = text_of(el)
    assert removed["toc"] == 1 and "Contents" not in text
    assert text.count("Lighthouse repairs") == 2  # the summary's and the heading
    assert "what changes for residents" in text


def test_a_shops_announcement_bar_is_not_text() -> None:
    """The strip of offers above a shop's header (one slide per country, all in the
    markup): beside a short terms page the scorer takes it for text."""
    from newscrawl.extraction.prune import prune

    slides = "".join(
        f"<div class='promo-bar__slide'><p>Free standard shipping on orders {price} or more."
        "</p></div>"
        for price in ("$40", "65€")
    )
    el = parse(
        f"<html><body><div id='promoBar' class='promo-bar hide'>{slides}</div>"
        f"<div class='content'><h1>Promo terms</h1>{f'<p>{FILLER}</p>' * 2}</div></body></html>"
    )
    removed = prune(el)
    text = text_of(el)
    assert "shipping" not in text and removed["banner"] == 1
    assert "Tuesday" in text


def test_the_pages_navigation_goes_before_the_scorer_and_a_large_one_stays() -> None:
    """<nav> is dropped by prune (trafilatura would drop it whole anyway); a <nav> that
    holds nearly all of the page is its content after all (a theme left it unclosed)."""
    from newscrawl.extraction.prune import prune

    menu = "<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav>"
    el = parse(f"<html><body>{menu}<article><p>{FILLER}</p></article></body></html>")
    assert prune(el)["chrome"] == 1
    assert "News" not in text_of(el) and "Tuesday" in text_of(el)
    whole = parse(f"<html><body><nav><p>{FILLER}</p><p>{FILLER}</p></nav></body></html>")
    assert prune(whole)["chrome"] == 0
    assert "Tuesday" in text_of(whole)


def test_once_metadata_is_read_the_head_keeps_only_json_ld() -> None:
    """Scripts leave the body, JSON-LD (which trafilatura reads) moves to the head, and
    the head's other elements go: later passes over the tree would pay for them."""
    from newscrawl.extraction.core import strip_invisible

    tree = parse(
        "<html><head><title>T</title><meta name='a' content='b'><link rel='canonical' href='/x'>"
        "<script type='application/ld+json'>{}</script><style>p{}</style></head><body>"
        "<p>Text<script>track()</script> and more</p>"
        '<script type=\'application/ld+json\'>{"@type": "NewsArticle"}</script></body></html>'
    )
    strip_invisible(tree)
    head, body = tree.find("head"), tree.find("body")
    assert [el.get("type") for el in head] == ["application/ld+json"] * 2
    assert "NewsArticle" in head[1].text
    assert body.find(".//script") is None and text_of(body) == "Text and more"


def test_inline_code_stays_in_its_sentence_and_a_code_block_stands_apart() -> None:
    text = extract(
        page(
            "<p>Old pages were a mess of <code>&lt;table&gt;</code> tags and"
            " <code>&lt;font&gt;</code> tags held together with spacer images.</p>"
            "<pre><code>SELECT name FROM users;</code></pre>"
        )
    ).text
    assert "a mess of <table> tags and <font> tags held together" in text
    assert "\n\nSELECT name FROM users;\n\n" in text


def test_a_dialog_of_the_site_banner_goes_and_one_in_the_article_stays() -> None:
    from newscrawl.extraction.prune import prune

    blurb = "Our network consists of 183 communities, the most trusted place to learn and share."
    drawer = "Size guide: the sheets fit mattresses up to 16 inches deep, 12 to 16 being best."
    tree = parse(  # (a banner holding the page's <h1> stays: only its dialog goes)
        "<html><body><header><h1>Harbour plan</h1><div role='dialog'><h4>Our network</h4>"
        f"<p>{blurb}</p></div></header><main><article><p>{FILLER}</p>"
        f"<div role='dialog'><p>{drawer}</p></div></article></main></body></html>"
    )
    removed = prune(tree)
    text = text_of(tree.find("body"))
    assert removed["dialog"] == 1 and blurb not in text
    assert drawer in text and FILLER in text and "Harbour plan" in text


def test_the_site_banner_and_sidebar_go_and_the_articles_own_stay() -> None:
    from newscrawl.extraction.prune import prune

    promo = "Spring sale: save up to 20% on every harbour tour booked before the end of May."
    dek = "The council will publish the full report next week, after months of debate."
    tagline = "Harbour Times: news from the waterfront, every day since 1894."
    fact = "Fact box: the harbour was built in 1852 and last dredged in 1990."
    tree = parse(
        f"<html><body><header><a href='/'>Logo</a><p>{promo}</p></header>"
        f"<div role='banner'><p>{tagline}</p></div>"
        "<div id='site-header'><a href='/cart'>Cart</a> No products in the cart.</div>"
        "<main><article>"
        f"<header><h1>Harbour plan</h1><p>{dek}</p></header><p>{FILLER}</p>"
        f"<aside><p>{fact}</p></aside></article></main>"
        "<aside><h3>Popular this week</h3><p>Ferry timetable changes again</p></aside>"
        "<div role='complementary'><p>Trending: the pier reopens</p></div>"
        "<div role='navigation'><a href='/news'>All news</a> <a href='/ferries'>Ferries</a></div>"
        "</body></html>"
    )
    removed = prune(tree)
    text = text_of(tree.find("body"))
    assert removed["sidebar"] == 2 and "Popular" not in text and "Trending" not in text
    assert fact in text and removed["chrome"] == 1 and "Ferries" not in text
    assert removed["banner"] == 3 and promo not in text and tagline not in text
    assert "cart" not in text
    assert dek in text and FILLER in text


def test_a_mega_menu_goes_unless_it_holds_the_headline() -> None:
    from newscrawl.extraction.prune import prune

    # a mega menu of about half the page's words (more than most rules may remove)
    menu = " ".join(f"<a href='/{i}'>Section {i}</a>" for i in range(20))
    story = f"<p>{FILLER}</p>"
    tree = parse(f"<html><body><nav>{menu}</nav><main>{story}</main></body></html>")
    assert prune(tree)["chrome"] == 1 and "Section 7" not in text_of(tree.find("body"))
    tree = parse(f"<html><body><nav><h1>Harbour plan</h1>{menu}</nav>{story}</body></html>")
    assert prune(tree)["chrome"] == 0 and "Harbour plan" in text_of(tree.find("body"))


def _recovered(middle: str, lists_dropped: bool = False) -> str:
    """recover()'s text for a page whose scorer kept only the paragraphs around ``middle``
    (and an announcing paragraph ending in a colon, when ``middle`` starts with one)."""
    from newscrawl.extraction.recover import recover

    days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
    before = [FILLER.replace("Tuesday", day) for day in days]
    after = [FILLER + f" ({n})" for n in range(6)]
    html = "".join(f"<p>{p}</p>" for p in before) + middle + "".join(f"<p>{p}</p>" for p in after)
    kept = before + after
    if middle.startswith("<p>"):
        kept.insert(len(before), middle[3 : middle.index("</p>")])
    tree = parse(f"<html><body><article>{html}</article></body></html>")
    return "\n".join(recover(tree, kept, lists_dropped=lists_dropped))


_PRINCIPLES = [
    f"Principle {name}: every entry is recorded the same way from one period to the next, "
    "so that the figures of two years can be compared line by line by any reader."
    for name in ("of regularity", "of consistency", "of sincerity", "of prudence")
    for _ in range(3)
]


def test_an_announced_list_and_a_list_of_sentences_are_put_back_whole() -> None:
    """The scorer's fallback keeps paragraphs and drops every list. A list announced by
    the paragraph before it ("... principles:") or written as sentences is the article's,
    however long; a long run of short labels is a widget and stays out."""
    items = "".join(f"<li>{p}</li>" for p in _PRINCIPLES)  # 12 items, 400 words
    announced = _recovered(f"<p>Here is the list of principles:</p><ul>{items}</ul>")
    assert announced.count("Principle of") == 12
    unannounced = _recovered(f"<ul>{items}</ul>")  # (sentences: put back too)
    assert unannounced.count("Principle of") == 12
    labels = "".join(f"<li>Accounting topic number {n} and more</li>" for n in range(60))
    assert "topic number" not in _recovered(f"<ul>{labels}</ul>")
    cited = items.replace("any reader", "any <a href='/r'>reader</a>")  # (a link in a sentence)
    assert _recovered(f"<ul>{cited}</ul>").count("Principle of") == 12
    linked = items.replace("so that the", "<a href='/f'>so that the").replace(
        "line by line", "line by line</a>"
    )
    assert "Principle of" not in _recovered(f"<ul>{linked}</ul>")  # (two fifths of the words)
    unfinished = "".join(f"<li>{p.rstrip('.')} and more</li>" for p in _PRINCIPLES)
    assert "Principle of" not in _recovered(f"<ul>{unfinished}</ul>")


def test_fallback_text_of_a_video_or_an_iframe_is_not_text() -> None:
    """What a page writes inside <video>, <audio> or <iframe> shows only in browsers
    without them: no reader sees it, between the article's paragraphs or after them."""
    story = [f"<p>{FILLER.replace('Tuesday', day)}</p>" for day in STORY_DAYS[:6]]
    video = (
        "<video controls><source src='/v.mp4'><p class='vjs-no-js'>To view this video please"
        " enable JavaScript, and consider upgrading to a web browser that supports HTML5"
        " video.</p></video>"
    )
    iframe = "<iframe src='/map'>You will not see this text if your browser supports it.</iframe>"
    body = "".join(story[:3]) + video + "".join(story[3:]) + iframe
    text = extract(f"<html><body><article><h1>Harbour</h1>{body}</article></body></html>").text
    assert "on day 4 evening" in text and "on day 6 evening" in text
    assert "enable JavaScript" not in text and "You will not see" not in text


def test_a_teaser_card_inside_a_link_is_not_put_back() -> None:
    """A "read also" card in the body is one ``<a>`` around its headline: every word of
    the headline is link text, so it stays out; the same headline written as the
    article's own subheading (or with a permalink anchor) goes back."""
    headline = "<h3>Harbour board names a new chair after a long search</h3>"
    card = f"<div class='plug'><a href='/news/harbour-chair'>{headline}</a></div>"
    assert "new chair" not in _recovered(card)
    assert "new chair" in _recovered(headline)
    assert "new chair" in _recovered(f"<a href='#chair'>{headline}</a>")


def test_a_pull_quote_is_put_back_and_a_photo_caption_or_an_embedded_post_is_not() -> None:
    quote = (
        "<figure><blockquote><p>Automation is not the enemy of the harbour; the ferries that "
        "run on time are.</p></blockquote><figcaption>Ada Lund, harbour master</figcaption>"
        "</figure>"
    )
    text = _recovered(quote)
    assert "Automation is not the enemy" in text and "Ada Lund" in text
    photo = (
        "<figure><img src='a.jpg'><figcaption>The harbour at dawn, seen from the north quay"
        "</figcaption></figure>"
    )
    assert "dawn" not in _recovered(photo)
    tweet = quote.replace("<figure>", "<figure class='wp-block-embed is-provider-twitter'>")
    assert "Automation" not in _recovered(tweet)


def test_a_run_of_prose_is_put_back_and_a_short_blurb_is_not() -> None:
    """Subheadings and paragraphs written as <div>s, longer than the plain gap limit
    (3 blocks, 80 words), are put back when each block is sentences with few links."""
    section = (
        "<h2>The {n} crossing</h2><div>The {n} crossing leaves the north quay at seven, calls "
        "at the island pier and returns by nine; on weekdays a second boat follows it, and "
        "the timetable for the winter months keeps both of them running until the end of "
        "March, weather permitting, with tickets sold on board.</div>"
    )
    text = _recovered("".join(section.format(n=n) for n in ("first", "second", "third")))
    assert text.count("crossing leaves the north quay") == 3
    assert "The third crossing\n" in text
    blurb = "<div>Ada writes about ferries and harbours, for the paper since 2018.</div>"
    assert "Ada writes" not in _recovered(blurb)
    linked = section.replace("<div>", "<div><a href='/t'>").replace("</div>", "</a></div>")
    assert "north quay" not in _recovered(linked.format(n="first"))


def test_a_subheading_with_its_permalink_anchor_is_put_back_with_its_list() -> None:
    """Docs and blogs link each subheading to itself (``<a href="#id">``): that is not a
    link away, and the subheading and its list go back in. A heading linking elsewhere
    (a "More stories" block) is not the article's."""
    items = "".join(f"<li>Keep workflow {n} small and named</li>" for n in range(4))
    own = f"<h3 id='tips'><a href='#tips'>Best practices</a></h3><ul>{items}</ul>"
    text = _recovered(own)
    assert "Best practices" in text and text.count("Keep workflow") == 4
    away = f"<h3><a href='/blog/tips'>Best practices</a></h3><ul>{items}</ul>"
    assert "Keep workflow" not in _recovered(away)


def test_a_long_list_is_put_back_when_the_scorer_kept_no_list_at_all() -> None:
    """trafilatura's fallback for a page it finds no frame in keeps paragraphs and drops
    every list: then a list between kept paragraphs goes back whatever its length."""
    items = "".join(f"<li>Easy to use template number {n}</li>" for n in range(16))
    assert "template number" not in _recovered(f"<ul>{items}</ul>")  # (16 items: a widget)
    assert _recovered(f"<ul>{items}</ul>", lists_dropped=True).count("template number") == 16
    linked = items.replace("<li>", "<li><a href='/t'>").replace("</li>", "</a></li>")
    assert "template number" not in _recovered(f"<ul>{linked}</ul>", lists_dropped=True)


def test_an_announced_list_of_links_is_put_back_and_a_related_posts_list_is_not() -> None:
    """ "Top recommendations:" and its product links are the article's; "Related posts:"
    and its links are not."""
    items = "".join(f"<li><a href='/p/{n}'>Harbour ferry model {n}</a></li>" for n in range(3))
    text = _recovered(f"<p>Top expert recommendations:</p><ul>{items}</ul>")
    assert text.count("Harbour ferry model") == 3
    assert "ferry model" not in _recovered(f"<p>Related posts:</p><ul>{items}</ul>")


def test_an_accordions_heading_in_its_button_goes_back_with_its_section() -> None:
    """An accordion labels each section with a heading inside its toggle <button>: the
    section's subheading, not a control's label."""
    section = (
        "<div class='accordion'><button><h4>What is new on the ferry?</h4></button><div>The "
        "ferry now leaves the north quay at seven, calls at the island pier and returns by "
        "nine; on weekdays a second boat follows it, and the winter timetable keeps both "
        "running until the end of March, weather permitting, with tickets sold on board.</div>"
        "</div>"
    )
    text = _recovered(section)
    assert "What is new on the ferry?\n" in text and "second boat follows it" in text
    assert "Open menu" not in _recovered("<button><span>Open menu</span></button>")


def test_a_page_builders_post_grid_beside_a_post_goes_and_a_listings_own_grid_stays() -> None:
    def card(n: int) -> str:
        return (
            f"<article class='elementor-post'><h3><a href='/p{n}'>Ferry story number {n}</a>"
            f"</h3><div class='elementor-post__excerpt'><p>Story {n}: the ferry timetable "
            "changes in spring, with extra crossings each weekday morning.</p></div></article>"
        )

    def grid(cards: int) -> str:
        return (
            "<div class='elementor-posts-container'>" + "".join(map(card, range(cards))) + "</div>"
        )

    days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
    post = "".join(f"<p>{FILLER.replace('Tuesday', day)}</p>" for day in days)
    html = (
        f"<html><body><h1>Harbour plan</h1><div class='entry'>{post}{grid(3)}</div></body></html>"
    )
    text = extract(html).text
    assert "Saturday evening" in text and "Story 1" not in text
    text = extract(f"<html><body><h1>News</h1>{grid(8)}</body></html>").text
    assert "Story 1" in text  # (the grid is the page)


def test_a_footnotes_section_goes() -> None:
    """Markdown's and WordPress's footnote lists (``class="footnotes"``): references,
    not the article's text."""
    notes = (
        "<div class='footnotes'><ol><li id='fn1'>Harbour Board minutes, volume 12, page 3, "
        "archived at the town library since the winter of 1998. ↩</li></ol></div>"
    )
    text = extract(page(notes)).text
    assert "Friday evening" in text and "minutes, volume 12" not in text
    sources = notes.replace("footnotes", "mntl-article-sources")  # ("Article Sources")
    assert "minutes, volume 12" not in extract(page(sources)).text


def test_a_read_this_next_box_goes_with_its_teasers_and_nothing_after_it() -> None:
    """A "Read This Next" / "Related articles" heading and the titles and teasers after
    it go, up to the next paragraph of prose: in mid-text the article goes on after it."""
    from newscrawl.extraction.textfilter import cut_read_next

    body = [FILLER.replace("Tuesday", day) for day in ("Monday", "Tuesday", "Friday")]
    titles = [f"Harbour story number {n}" for n in range(4)]
    assert cut_read_next([*body, "Read This Next", *titles]) == body
    assert cut_read_next([body[0], "Related articles", *titles, *body[1:]]) == body
    assert cut_read_next(["Read this next", *body]) == body  # (only the heading)
    assert cut_read_next(body) is None
    # prose after the heading is the article's, unless the caller can tell it is not
    teasers = [f"Story {n}: {FILLER}" for n in range(2)]
    assert cut_read_next([*body, "Read This Next", *teasers]) == [*body, *teasers]
    assert cut_read_next([*body, "Read This Next", *teasers], lambda p: False) == body


STORY_DAYS = [f"day {n}" for n in range(1, 11)]


def story_with_box(at: int | None, end: bool = False) -> str:
    """An article of ten paragraphs with a related-stories box (a heading over a list
    of headlines) after paragraph ``at``, and/or after its end."""

    def box(heading: str) -> str:
        titles = "".join(f"<p>Harbour headline number {n}</p>" for n in range(5))
        return f"<div class='box-7'><h3>{heading}</h3>{titles}</div>"

    paragraphs = [
        f"<p>{FILLER.replace('Tuesday', day)}</p>"
        + (box("Related articles") if n + 1 == at else "")
        for n, day in enumerate(STORY_DAYS)
    ]
    return (
        "<html><head><title>Harbour plan</title></head><body><article><h1>Harbour plan</h1>"
        + "".join(paragraphs)
        + (box("Read This Next") if end else "")
        + "</article></body></html>"
    )


@pytest.mark.parametrize(("at", "end"), [(4, False), (8, False), (None, True), (4, True)])
def test_a_related_box_in_the_body_removes_the_box_and_nothing_after_it(
    at: int | None, end: bool
) -> None:
    """The box at 40% or 80% of the text, or after the article's genuine end: the whole
    article is kept, the headlines are not."""
    article = extract(story_with_box(at, end))
    for day in STORY_DAYS:
        assert f"on {day} evening" in article.text, day
    assert "Harbour headline" not in article.text
    assert "Related articles" not in article.text and "Read This Next" not in article.text
    assert article.removed.get("read-next") == 1


def test_the_article_goes_on_after_an_ad_break_where_readability_stops() -> None:
    """An article in two blocks of its <article>, parted by an ad slot, where Readability
    picks the first: the tail after its pick is the article's own prose (its kind of
    paragraph, inside the <article>, not in links) and stays; the teasers after the
    <article> go."""
    first = "".join(
        f"<p>{FILLER.replace('Tuesday', d)}, said Mr {d}, who, as always, spoke.</p>"
        for d in STORY_DAYS
    )
    later = ("Sunday", "Monday", "Saturday")
    second = "".join(
        f"<p>The plan was discussed on {d} evening at the town hall by the council members.</p>"
        for d in later
    )  # (the last with a link in its sentence: a third of its words, still its own prose)
    linked = "Saturday evening <a href='/hall'>at the town hall by</a>"
    second = second.replace("Saturday evening at the town hall by", linked)
    teasers = "".join(
        f"<div class='card'><h3><a href='/s/{n}'>Another story {n}</a></h3>"
        f"<p><a href='/s/{n}'>Teaser {n}: a short summary of another story on the site, "
        "from the archive, with its own headline.</a></p></div>"
        for n in range(4)
    )
    html = (
        "<html><head><title>Harbour plan</title></head><body><div class='page'><article>"
        f"<h1>Harbour plan</h1><div class='x-a'><div class='text'>{first}</div></div>"
        f"<div class='ad-slot-x'>Ad</div><div class='x-b'><div class='text'>{second}</div>"
        f"</div></article><div class='more'>{teasers}</div></div></body></html>"
    )
    text = extract(html).text
    for day in (*STORY_DAYS, *later):
        assert f"on {day} evening" in text, day
    assert "Teaser 2" not in text


def test_a_faq_after_the_article_is_not_taken_for_more_of_it() -> None:
    """Prose after Readability's pick written in another kind of block (a FAQ, a promo
    box) is not the article's own: the tail after the pick is trimmed."""
    from newscrawl.extraction.decode import parse
    from newscrawl.extraction.secondopinion import SecondOpinion

    story = [
        f"{FILLER.replace('Tuesday', d)}, said Mr {d}, who, as always, spoke." for d in STORY_DAYS
    ]
    faq = ["Questions?", "What does the harbour plan cost the town and its residents each year?"]
    html = (
        "<html><body><article><div class='x-a'><div class='text'>"
        + "".join(f"<p>{p}</p>" for p in story)
        + "</div></div><div class='faq'><h3>Questions?</h3><dl><dd>"
        + faq[1]
        + "</dd></dl></div></article></body></html>"
    )
    opinion = SecondOpinion(parse(html))
    assert opinion.trim_tail([*story, *faq]) == story
    assert opinion.articles_own(story[0]) and not opinion.articles_own(faq[1])


def test_an_element_rule_never_removes_paragraphs_of_prose() -> None:
    """A theme's stray class on the article ("entry share", "section--ads") does not make
    it a share bar or an ad slot: an element holding paragraphs of prose stays, while
    the real share bar and ad slot inside it go."""
    story = "".join(f"<p>{FILLER.replace('Tuesday', day)}</p>" for day in STORY_DAYS[:6])
    # (the page's other text outweighs the article: a rule may remove up to 0.3 of it)
    archive = "".join(
        f"<li><a href='/a/{n}'>Archive story number {n} about the town and its old harbour "
        "walls</a></li>"
        for n in range(60)
    )
    for cls in ("entry themeform share", "TestReport__Section--Ads"):
        html = (
            "<html><head><title>Harbour plan</title></head><body>"
            f"<h1>Harbour plan</h1><div class='{cls}'>{story}"
            "<div class='social-share'><a href='/s'>Share on Facebook</a> Tweet this</div>"
            "<div class='ad-slot'>Buy harbour lanterns now, half price this week only</div>"
            f"</div><ul class='archive'>{archive}</ul></body></html>"
        )
        article = extract(html)
        for day in STORY_DAYS[:6]:
            assert f"on {day} evening" in article.text, (cls, day)
        assert "Share on Facebook" not in article.text and "lanterns" not in article.text


def test_a_related_named_box_holding_most_of_the_article_is_the_article() -> None:
    """A class or id that says "related" ("map-and-related") around most of an article's
    prose is the article's text: kept. A related box beside a longer article goes, even
    when its teasers are written as sentences."""
    from newscrawl.extraction.prune import prune

    lead = f"<p>{FILLER}</p>"
    steps = "".join(f"<p>{FILLER.replace('Tuesday', day)}</p>" for day in STORY_DAYS[:3])
    page = "<html><body><article><h1>Harbour help</h1>{}</article></body></html>"
    tree = parse(page.format(f"{lead}<div id='map-and-related'>{steps}</div>"))
    assert prune(tree)["related"] == 0
    assert "on day 2 evening" in text_of(tree.find("body"))
    teasers = "".join(
        f"<h3><a href='/t/{n}'>Teaser {n}</a></h3><p>{FILLER.replace('Tuesday', day)}</p>"
        for n, day in enumerate(STORY_DAYS[6:10])
    )
    story = "".join(f"<p>{FILLER.replace('Tuesday', day)}</p>" for day in STORY_DAYS[:6])
    tree = parse(page.format(f"{story}<div class='related-posts'>{teasers}</div>"))
    assert prune(tree)["related"] == 1
    assert "on day 2 evening" in text_of(tree.find("body"))


def test_an_article_shipped_hidden_behind_a_paywall_is_kept_a_hidden_aside_is_not() -> None:
    """A paywall's page ships the body hidden for its script to reveal: hidden, but most
    of the page's prose, it is the article. A hidden note beside a visible article goes."""
    lead = "<p>The harbour plan was approved, the council said on Tuesday evening.</p>"
    body = "".join(f"<p>{FILLER.replace('Tuesday', day)}</p>" for day in STORY_DAYS)
    menu = "".join(  # (the page's other text: menus and links, more than the article)
        f"<li><a href='/s/{n}'>Section number {n} of the town's news and notices</a></li>"
        for n in range(40)
    )
    paywalled = (
        f"<html><head><title>Harbour plan</title></head><body><ul class='menu-x'>{menu}</ul>"
        f"<article><h1>Harbour plan</h1>{lead}<div class='paywall' hidden>{body}</div>"
        "</article></body></html>"
    )
    text = extract(paywalled).text
    for day in STORY_DAYS:
        assert f"on {day} evening" in text, day
    note = "".join(
        f"<p>A hidden note number {n} written for the print edition, which readers of "
        "the website never see on the page.</p>"
        for n in range(5)
    )
    visible = paywalled.replace(
        f"{lead}<div class='paywall' hidden>{body}</div>", f"{body}<div hidden>{note}</div>"
    )
    text = extract(visible).text
    assert "on day 10 evening" in text and "hidden note" not in text


def test_recover_takes_the_line_rules_it_is_given() -> None:
    """recover refuses to put back a list announced by a boilerplate line ("Related
    posts:") by the line rules it is given: with a rule group turned off, it does not."""
    from lxml import etree

    from newscrawl.extraction.recover import _announced
    from newscrawl.extraction.rules import LINE_RULES

    p, li = etree.Element("p"), etree.Element("li")
    leaves = [(p, "Related posts:", 2, True), (li, "Harbour story", 2, False)]
    assert not _announced([1], leaves, LINE_RULES)
    without = tuple(r for r in LINE_RULES if r.kind != "also-read")
    assert _announced([1], leaves, without)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("von Anna Keller, Radio Nord", "byline"),
        ("Par Jeanne Martin", "byline"),
        ("Redacción: PABLO RUIZ", "byline"),
        ("Stand: 14.03.2025 09:41 Uhr", "dateline"),
        ("Publié le 14/03/2025 à 09h41", "dateline"),
        ("Weiterlesen", "also-read"),
        ("Lire aussi :", "also-read"),
        ("Les også: Fergen er forsinket igjen", "also-read"),
        ("Foto: Hafenamt", "credit"),
        ("Lesedauer: 4 Minuten", "reading-time"),
        ("Temps de lecture : 3 min", "reading-time"),
        ("Werbung", "ads"),
        ("Publicité", "ads"),
        ("vor 3 Stunden", "relative-date"),
        ("il y a 2 heures", "relative-date"),
        ("Inhaltsverzeichnis", "table-of-contents"),
        ("Partager", "share"),
        ("By Anna Keller", "byline"),
        ("Von Berlin aus fuhr der Zug am Morgen weiter nach Hamburg.", None),
        ("Par ailleurs, le conseil a publié le rapport.", None),
        ("Stand der Dinge ist, dass der Hafen wächst.", None),
    ],
)
def test_boilerplate_lines_in_the_languages_of_the_news(line: str, kind: str | None) -> None:
    """A byline, a dateline, a "read also" label, a photo credit, a reading time, an ad's
    label, a share button is boilerplate in German, French, Spanish or Norwegian as in
    English; sentences that start with the same words are not."""
    from newscrawl.extraction.textfilter import line_rule

    rule = line_rule(line)
    assert (rule.kind if rule else None) == kind


def test_the_standfirst_the_scorer_left_out_goes_first() -> None:
    """A news page's dek is its description: the block before the body whose text is the
    description is put first, but not a teaser's blurb (in a list item or a link), nor a
    block outside the <article> that holds the body, nor one after the body begins."""
    from newscrawl.extraction.recover import standfirst

    dek = "The council approved the harbour plan after months of debate, and work starts soon."
    body = [FILLER.replace("Tuesday", day) for day in STORY_DAYS[:4]]
    paragraphs = "".join(f"<p>{p}</p>" for p in body)

    def page(before: str = "", header: str = "", after: str = "") -> _Element:
        return parse(
            f"<html><body>{before}<article><h1>Harbour plan</h1>{header}<div class='body'>"
            f"{paragraphs}</div>{after}</article></body></html>"
        )

    dek_block = f"<p class='dek'>{dek}</p>"
    assert standfirst(page(header=dek_block), body, dek) == dek
    assert standfirst(page(header=dek_block), body, dek[:70] + "...") == dek  # (cut short)
    assert standfirst(page(header=dek_block), [dek, *body], dek) is None  # (there already)
    assert standfirst(page(header=f"<ul><li>{dek}</li></ul>"), body, dek) is None
    assert standfirst(page(before=f"<div class='hero'>{dek_block}</div>"), body, dek) is None
    assert standfirst(page(after=dek_block), body, dek) is None
