"""Main entry point: HTML (+URL) in, :class:`Article` out, as an ordered list of named
steps over one page (:data:`STEPS`):

1. decode (BOM, meta charset, detection; JSON and XML refused) and parse once with
   lxml; the site's learned template blocks found on that tree;
2. metadata from the whole page (``metadata.py``);
3. browser-like repairs (``prepare.py``), then boilerplate elements pruned, generic
   and site-specific (``prune.py``);
4. main-text scoring by trafilatura on the pruned tree (its strengths kept: link
   density, text density, container heuristics; its Readability fallback only where
   it can win, ``scorer.py``), or, when the site's markup names its body container for
   sure, that container;
5. blocks the scorer dropped mid-article put back (``recover.py``), and the tail it
   kept past the article dropped where Readability's scoring shows it is not the
   article's prose (``secondopinion.py``);
6. the headline, repeated runs and boilerplate lines dropped (``textfilter.py``);
7. the page type (``pagetype.py``); on listings, forums and docs Readability's wider
   article; on articles, "Read this next" boxes out;
8. the lines of the site's template blocks out of the article (``templates.py``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field

import trafilatura
from lxml import etree
from lxml.etree import _Element
from lxml.html import HtmlElement

from .article import Article
from .decode import declares_utf16, decode, looks_binary, not_html, parse
from .dom import HAS_CJK, SEPARATING, ParagraphWriter, drop, fold_space, word_counts
from .errors import ExtractionError
from .metadata import Metadata, date_in_text, extract_metadata
from .pagetype import page_type
from .prepare import (
    join_cjk_line_breaks,
    neutralise_wrappers,
    render_math,
    resolve_streamed_segments,
    reveal_disclosures,
    separate_abutting,
    standardise_custom_elements,
    unmark_item_groups,
    unmark_wrappers,
    unquote_tables,
)
from .prune import PRUNE_KINDS, prune
from .recover import recover, standfirst
from .rules import ELEMENT_RULES, LINE_RULES, ElementRule, LineRule
from .scorer import trafilatura_body
from .secondopinion import SecondOpinion
from .sites import SiteRules, site_for
from .templates import Block, Removal, TemplateLines, TemplateRules, iter_blocks
from .text import is_prose
from .textfilter import cut_read_next, drop_repeated_runs, filter_paragraphs
from .thresholds import MAX_CHARS

_TAG = re.compile(r"<[a-zA-Z!]")
#: Elements that stand apart from their neighbours' text: trafilatura's breaks, cells
#: and images, and the HTML it sometimes leaves unconverted (<td>, <th>, <br>).
_SPACED = frozenset(("lb", "cell", "graphic")) | SEPARATING
#: trafilatura's output elements that are paragraphs of their own.
_BLOCKS = frozenset(("p", "head", "item", "quote", "code", "row", "list", "table", "div"))
#: trafilatura's elements of running text: a <code> inside one is inline (``<p>a mess of
#: <code>&lt;table&gt;</code> tags</p>``), not a code block, and stays in the sentence.
_RUNNING_TEXT = frozenset(("p", "head", "item", "cell", "hi", "ref", "del"))


#: Pages of many like blocks (items, posts, sections), where Readability's wider article
#: replaces trafilatura's pick when it holds it (``SecondOpinion.wider``). Measured: on
#: products and articles the wider choice brings in more than it adds.
WIDEN_TYPES = frozenset(("listing", "documentation", "forum"))
#: Pages of one story (or one page's text): the read-next cut and the date in the text
#: apply to them.
STORY_TYPES = frozenset(("article", "liveblog", "video", "gallery", "page", "attachment"))


#: Removed once metadata is read. <noscript> stays: it is what a reader without
#: JavaScript sees (some sites' whole content), and trafilatura weighs it itself.
_INVISIBLE = ("script", "style", "template")
#: What is written inside these is fallback for browsers without them ("To view this
#: video please enable JavaScript..."): no reader sees it. (The element stays, empty.)
_REPLACED = ("video", "audio", "canvas", "iframe")


def strip_invisible(tree: _Element) -> None:
    """Remove the body's scripts, styles and templates (their tails stay), and all of the
    head but its JSON-LD: the metadata has been read, and each later pass over the tree
    (pruning, trafilatura's copies and cleaning) would pay for its links and metas. The
    body's JSON-LD moves to the head: trafilatura reads it too (a
    ``DiscussionForumPosting`` makes it keep a forum's posts)."""
    head, body = tree.find("head"), tree.find("body")
    if body is None:
        etree.strip_elements(tree, *_INVISIBLE, with_tail=False)
        return
    if head is not None:
        for el in list(head):
            if el.tag != "script" or el.get("type") != "application/ld+json":
                head.remove(el)  # (the head's text is not shown: tails go too)
        for script in body.xpath('.//script[@type="application/ld+json"]'):
            drop(script)
            script.tail = None
            head.append(script)
    etree.strip_elements(body, *_INVISIBLE, with_tail=False)
    for el in body.iter(*_REPLACED):
        if len(el) or el.text:
            el.text = None
            for child in list(el):
                el.remove(child)  # (a child's tail is fallback text too)


def paragraphs_from_body(body: _Element | None) -> list[str]:
    """Paragraphs of trafilatura's output tree: every block element starts a new one.

    Inline elements (emphasis, links, inline code, line breaks, table cells) stay
    within their paragraph; text after a nested block becomes a paragraph of its own.
    """
    writer = ParagraphWriter()

    def visit(el: _Element, parent: str = "") -> None:
        block = el.tag in _BLOCKS and not (el.tag == "code" and parent in _RUNNING_TEXT)
        if block:
            writer.end()
        elif el.tag in _SPACED:
            writer.space()
        writer.add(el.text)
        for child in el:
            visit(child, el.tag)
            writer.add(child.tail)
        if block:
            writer.end()
        elif el.tag in _SPACED:
            writer.space()

    if body is not None:
        visit(body)
        writer.end()
    return writer.paragraphs


def _drop_title(paragraphs: list[str], title: str | None) -> list[str]:
    """The headline repeated as the first paragraph is not body text."""
    same = (
        paragraphs
        and title
        and fold_space(paragraphs[0]).casefold() == fold_space(title).casefold()
    )
    if same:
        return paragraphs[1:]
    return paragraphs


@dataclass
class Page:
    """One page as the steps see it: what is known so far, filled in step by step."""

    html: str | bytes
    url: str | None
    content_type: str | None
    disabled: frozenset[str]
    template: TemplateRules | None = None  # the site's learned template, if any
    observe: bool = False  # describe the page's blocks for the site's template model
    blocks: list[Block] | None = None
    removals: list[Removal] = field(default_factory=list)
    template_lines: TemplateLines | None = None  # the lines of its template blocks
    element_rules: tuple[ElementRule, ...] = ELEMENT_RULES
    line_rules: tuple[LineRule, ...] = LINE_RULES
    text: str = ""
    tree: HtmlElement | None = None
    md: Metadata = field(default_factory=Metadata)
    counts: dict[_Element, int] = field(default_factory=dict)
    site: SiteRules | None = None
    container: _Element | None = None  # a copy of the site's body element, when it has one
    removed: Counter[str] = field(default_factory=Counter)
    #: How the paragraphs were found: "container" (the site's body element) or "scorer"
    #: (trafilatura).
    source: str = ""
    body: _Element | None = None  # trafilatura's output tree
    paragraphs: list[str] = field(default_factory=list)
    opinion: SecondOpinion | None = None  # Readability's, where trafilatura scored the page
    article: Article | None = None

    def root(self) -> HtmlElement:
        assert self.tree is not None, "parsed first"
        return self.tree

    def result(self) -> Article:
        assert self.article is not None, "built first"
        return self.article


def page_text(html: str | bytes, content_type: str | None = None) -> str:
    """A page's text (charsets checked against the bytes), or :class:`ExtractionError`
    when it is binary, empty or no HTML."""
    binary = isinstance(html, bytes) and looks_binary(html)
    if binary and not declares_utf16(content_type):
        raise ExtractionError("binary", "the body is not text")
    text = decode(html, content_type)
    if not text.strip():
        raise ExtractionError("empty", "no content")
    if not _TAG.search(text, 0, 100_000):
        raise ExtractionError("not-html", "no HTML markup")
    if (other := not_html(text)) is not None:
        raise ExtractionError("not-html", other)
    return text


def step_decode(page: Page) -> None:
    page.text = page_text(page.html, page.content_type)


def step_parse(page: Page) -> None:
    page.tree = parse(page.text)


def step_template(page: Page) -> None:
    """The site's template blocks found (and the page's blocks described for the site's
    model, when observing): before anything changes the page. They stay in the tree and
    their lines leave the article last (``template-lines``): taken out before scoring,
    they would change the scorer's pick and hide the headings generic rules find boxes
    by ("Recommended for you")."""
    if page.template is None and not page.observe:
        return
    pairs = list(iter_blocks(page.root(), page.url))
    if page.observe:
        page.blocks = [block for _, block in pairs]
    if page.template:
        chosen = page.template.select(page.root(), page.url, pairs)
        page.removals = [removal for _, removal in chosen]
        page.removed.update(f"template:{removal.rule}" for removal in page.removals)
        page.template_lines = TemplateLines.of(el for el, _ in chosen)


def step_template_lines(page: Page) -> None:
    """The lines of the site's template blocks out of the article, but for a product
    page's (a shop's product pages share their sections: their content)."""
    article = page.result()
    if not page.template_lines or article.page_type == "product":
        return
    paragraphs = article.paragraphs
    kept = page.template_lines.kept(paragraphs)
    if kept and len(kept) < len(paragraphs):
        article.text = "\n\n".join(kept)


def step_metadata(page: Page) -> None:
    page.md = extract_metadata(page.root(), page.url)


def on_tree(repair: Callable[[_Element], object]) -> Callable[[Page], None]:
    """A step that applies a repair of ``prepare.py`` (tree in, changed in place) to the
    page's tree."""

    def step(page: Page) -> None:
        repair(page.root())

    return step


#: A character reference that may write a CJK character (U+1000 and up).
_WIDE_REFERENCE = re.compile(r"&#(?:[xX][0-9a-fA-F]{4,}|[0-9]{5,});")


def step_cjk_line_breaks(page: Page) -> None:
    """Line breaks between Chinese or Japanese characters out (not on a page that
    writes none: the walk over the tree is most of this step's cost)."""
    text = page.text
    if (not text.isascii() and HAS_CJK.search(text)) or _WIDE_REFERENCE.search(text):
        join_cjk_line_breaks(page.root())


def step_wrappers(page: Page) -> None:
    """Runaway wrappers, and wrappers or item groups trafilatura would prune whole."""
    page.counts = word_counts(page.root())  # (these change tags and attributes, not text)
    if "unmark-wrappers" not in page.disabled:
        neutralise_wrappers(page.root(), page.counts)
        unmark_wrappers(page.root(), page.counts)
    if "unmark-item-groups" not in page.disabled:
        unmark_item_groups(page.root(), page.counts)


def step_site(page: Page) -> None:
    """The site's own rules (``sites/``), if the page is of a site we know."""
    page.site = site_for(page.root(), page.url)
    if page.site:
        page.element_rules += page.site.rules


def step_prune(page: Page) -> None:
    """Boilerplate elements out (the site's container, else the whole page)."""
    skip = frozenset(g.removeprefix("element:") for g in page.disabled)
    if page.site and page.site.body_xpath:
        found = page.root().xpath(page.site.body_xpath)
        if found:
            page.source, page.container = "container", deepcopy(found[0])
            page.removed += prune(page.container, page.element_rules, skip=skip)
            return
    page.removed += prune(page.root(), page.element_rules, page.counts, skip=skip)
    standardise_custom_elements(page.root())  # (after pruning: rules may name custom tags)


def step_score(page: Page) -> None:
    """The main text: trafilatura's scoring, or the site's known container's structure."""
    if page.container is not None:
        page.body = _container_body(page.container)
    else:
        page.source = "scorer"
        page.body = trafilatura_body(page.root(), page.url)
    page.paragraphs = paragraphs_from_body(page.body)


def step_recover(page: Page) -> None:
    """Blocks the scorer dropped mid-article put back."""
    if page.source == "scorer":
        lists_dropped = page.body is not None and next(page.body.iter("list"), None) is None
        page.paragraphs = recover(
            page.root(),
            page.paragraphs,
            page.element_rules,
            page.md.title,
            lists_dropped,
            page.line_rules,
        )


def step_standfirst(page: Page) -> None:
    """The standfirst (the dek under the headline) the scorer left out, put first."""
    if page.source == "scorer" and page.paragraphs:
        dek = standfirst(page.root(), page.paragraphs, page.md.description)
        if dek:
            page.paragraphs = [dek, *page.paragraphs]


def step_second_opinion(page: Page) -> None:
    """Readability's article, and the non-prose tail trafilatura kept after it."""
    if page.source != "scorer" or len(page.paragraphs) < 2:
        return
    page.opinion = SecondOpinion(page.root())
    if "trim-tail" in page.disabled:
        return
    kept = page.opinion.trim_tail(page.paragraphs)
    if len(kept) < len(page.paragraphs):
        page.removed["after-article"] += len(page.paragraphs) - len(kept)
    page.paragraphs = kept


def step_filter(page: Page) -> None:
    """The headline, repeated runs and boilerplate lines out: the article."""
    final, dropped = _filtered(page.paragraphs, page.md.title, page.line_rules)
    if not final:
        raise ExtractionError("no-content", "no main text found")
    page.article = _article(page.md, page.url, final, page.removed + dropped)


def step_page_type(page: Page) -> None:
    page.result().page_type = page_type(page.root(), page.md, page.result(), page.url)


def step_widen(page: Page) -> None:
    """On listings, forums and docs: Readability's wider article when it holds ours."""
    if page.opinion is None or page.result().page_type not in WIDEN_TYPES:
        return
    wider, dropped = _filtered(page.opinion.wider(page.paragraphs) or [], page.md.title,
                               page.line_rules)  # fmt: skip
    if wider:
        kind = page.result().page_type
        page.article = _article(page.md, page.url, wider, page.removed + dropped)
        page.article.page_type = kind


def step_read_next(page: Page) -> None:
    """On an article: the "Read this next" box and its teasers out."""
    kind = page.result().page_type
    if kind not in STORY_TYPES:
        return
    own = page.opinion.articles_own if page.opinion is not None else is_prose
    cut = cut_read_next(page.paragraphs, own)
    if cut is None:
        return
    shorter, dropped = _filtered(cut, page.md.title, page.line_rules)
    if shorter:
        removed = page.removed + dropped + Counter({"read-next": 1})
        page.article = _article(page.md, page.url, shorter, removed)
        page.article.page_type = kind


def step_date_in_text(page: Page) -> None:
    """An article's date from its text, when its metadata gave none."""
    article = page.result()
    if article.published is None and article.page_type in STORY_TYPES:
        article.published = date_in_text(page.root())


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[Page], None]
    #: False for the steps there is no article without (they cannot be turned off).
    optional: bool = True


#: The extraction, in order. ``extract(..., disabled=...)`` turns optional steps off by
#: name (and rule groups as ``element:KIND`` / ``line:KIND``): see :func:`ablation_groups`.
STEPS: tuple[Step, ...] = (
    Step("decode", step_decode, optional=False),
    Step("parse", step_parse, optional=False),
    Step("template", step_template),
    Step("metadata", step_metadata, optional=False),
    # browser-like repairs (streamed segments need the scripts and templates)
    Step("streamed-segments", on_tree(resolve_streamed_segments)),
    Step("strip-invisible", on_tree(strip_invisible)),
    Step("math", on_tree(render_math)),
    Step("disclosures", on_tree(reveal_disclosures)),
    Step("quoted-tables", on_tree(unquote_tables)),
    Step("abutting", on_tree(separate_abutting)),
    Step("cjk-line-breaks", step_cjk_line_breaks),
    Step("wrappers", step_wrappers, optional=False),
    Step("site", step_site),
    Step("prune", step_prune),
    Step("score", step_score, optional=False),
    Step("recover", step_recover),
    Step("standfirst", step_standfirst),
    Step("second-opinion", step_second_opinion),
    Step("filter", step_filter, optional=False),
    Step("page-type", step_page_type, optional=False),
    Step("widen", step_widen),
    Step("read-next", step_read_next),
    Step("date-in-text", step_date_in_text),
    Step("template-lines", step_template_lines),
)
#: Parts of a step that can be turned off on their own.
SUB_STEPS = ("unmark-wrappers", "unmark-item-groups", "trim-tail")


def ablation_groups() -> list[str]:
    """Every name ``disabled`` takes: optional steps and their parts, element rule kinds
    (with prune's own: hidden, dialog, site chrome, tables of contents) and line rule kinds
    (off in the filter and in recover, which refuses to put such lines back)."""
    steps = [s.name for s in STEPS if s.optional] + list(SUB_STEPS)
    kinds = dict.fromkeys([r.kind for r in ELEMENT_RULES] + list(PRUNE_KINDS))
    lines = dict.fromkeys(r.kind for r in LINE_RULES)
    return steps + [f"element:{k}" for k in kinds] + [f"line:{k}" for k in lines]


@dataclass
class Extraction:
    """What :func:`extract_page` gives: the article and, with a site template, what it
    removed; with ``observe``, the page's blocks for the site's model."""

    article: Article
    removals: list[Removal]
    blocks: list[Block] | None = None
    #: The page was longer than the extraction reads (``MAX_CHARS``) and was cut.
    input_truncated: bool = False


def extract_page(
    html: str | bytes,
    url: str | None = None,
    *,
    content_type: str | None = None,
    template: TemplateRules | None = None,
    observe: bool = False,
    disabled: frozenset[str] = frozenset(),
) -> Extraction:
    """The one entry point of the crawl, ``newscrawl extract`` and ``newscrawl eval``:
    one page's bytes (or text), its URL and HTTP ``content_type`` in; its article out.

    ``template``: the site's learned template, pruned from the same tree before the
    steps read it; ``observe``: also describe the page's blocks for the site's model.
    ``disabled``: steps and rule groups to leave out (:func:`ablation_groups`), for
    measuring what each is worth. Raises :class:`ExtractionError` (with a short
    ``reason``) when the page is not HTML or holds no main text.
    """
    if disabled and (unknown := disabled - set(ablation_groups())):
        raise ValueError(f"unknown step or rule group: {', '.join(sorted(unknown))}")
    page = Page(html, url, content_type, disabled, template, observe)
    if disabled:
        page.element_rules = tuple(r for r in ELEMENT_RULES if f"element:{r.kind}" not in disabled)
        page.line_rules = tuple(r for r in LINE_RULES if f"line:{r.kind}" not in disabled)
    for step in STEPS:
        if step.name not in disabled:
            step.run(page)
    return Extraction(page.result(), page.removals, page.blocks, len(page.text) >= MAX_CHARS)


def extract(
    html: str | bytes,
    url: str | None = None,
    *,
    content_type: str | None = None,
    disabled: frozenset[str] = frozenset(),
) -> Article:
    """The article of one page (:func:`extract_page` without a site template)."""
    return extract_page(html, url, content_type=content_type, disabled=disabled).article


def _filtered(
    paragraphs: list[str], title: str | None, line_rules: tuple[LineRule, ...] = LINE_RULES
) -> tuple[list[str], Counter[str]]:
    """Paragraphs without the headline, repeated runs and boilerplate lines, and the
    counts of the lines dropped by kind."""
    return filter_paragraphs(drop_repeated_runs(_drop_title(paragraphs, title)), line_rules)


def _container_body(container: _Element) -> _Element | None:
    """trafilatura's structure for a known body container (its scoring not needed)."""
    doc = trafilatura.bare_extraction(
        "<html><body><article>" + _serialize(container) + "</article></body></html>",
        include_comments=False,
        with_metadata=False,
        fast=True,
        favor_recall=True,
    )
    return getattr(doc, "body", None) if doc is not None else None


def _serialize(el: _Element) -> str:
    return etree.tostring(el, encoding="unicode", method="html", with_tail=False)


def _article(
    md: Metadata, url: str | None, paragraphs: list[str], removed: Counter[str]
) -> Article:
    return Article(
        url=url,
        canonical_url=md.canonical_url or url,
        title=md.title,
        text="\n\n".join(paragraphs),
        authors=md.authors,
        published=md.published,
        modified=md.modified,
        categories=md.categories,
        tags=md.tags,
        language=md.language,
        description=md.description,
        image=md.image,
        site_name=md.site_name,
        removed=dict(removed),
    )
