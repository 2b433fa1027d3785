"""Apply element rules (``rules.py``, ``sites/``) to a page's tree, in one pass.

An element is removed when a rule matches its class/id tokens or its tag, or
when it is hidden (``hidden``, ``display:none``, ``visibility:hidden``, unless a
reader can open it: accordions, tabs), a closed ``<details>`` menu or a table of
contents (in-page links that repeat the headings). Safety: an
element that holds more than its rule's ``max_share`` of the page's words (most
rules: ``MAX_SHARE``; related lists, consent dialogs: any), or the page's ``h1``, is kept:
a stray ``social`` class on an article wrapper must not take the article with it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import NamedTuple

from lxml import etree
from lxml.etree import _Element

from .dom import WORD, drop, text_of, word_counts
from .rules import (
    ARTICLE_TAGS,
    DIALOG_ROLES,
    ELEMENT_RULES,
    MAX_SHARE,
    PROSE_KINDS,
    SITE_CHROME_ROLES,
    SITE_CHROME_TAGS,
    ElementRule,
)
from .text import is_prose
from .thresholds import (
    HIDDEN_ARTICLE_SHARE,
    HIDDEN_MAX_SHARE,
    MAX_PARTS,
    PROSE_MAX_LINK_SHARE,
    PRUNE_MIN_PROSE_WORDS,
    RULE_ARTICLE_SHARE,
    TOC_LINK_SHARE,
    TOC_MAX_EXTRA_WORDS,
    TOC_MIN_LINKS,
)

_SPLIT = re.compile(r"[-_]+")
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
#: Class/id parts of content a reader opens (accordions, tabs, expanders, FAQ answers)...
_DISCLOSURE = frozenset(
    "accordion answer collapse collapsible content details expand expanded expander faq"
    " panel readmore tab tabpanel toggle".split()
)
#: ...unless they also name hidden interface (menus, dialogs), which is not text.
_HIDDEN_UI = frozenset("dialog dropdown menu modal nav navigation overlay popover popup".split())
#: Never removed: the document itself.
_KEEP_TAGS = frozenset(("html", "body", "head"))


def tokens(el: _Element) -> tuple[frozenset[str], frozenset[str]]:
    """(whole class values and id, their parts), lower-cased."""
    return _tokens(el.get("class") or "", el.get("id") or "")


@lru_cache(maxsize=1 << 15)
def _tokens(classes: str, el_id: str) -> tuple[frozenset[str], frozenset[str]]:
    """Cached by attribute value: a page repeats a few class strings thousands of times."""
    values = classes.lower().split()
    if el_id:
        values.append(el_id.lower())
    parts: set[str] = set()
    for value in values:
        split = [p for p in _SPLIT.split(value) if p]
        if len(split) <= MAX_PARTS:
            parts.update(split)
    return frozenset(values), frozenset(parts)


class _RuleIndex(NamedTuple):
    """Positions of the rules that each name, part or tag selects."""

    names: dict[str, list[int]]
    parts: dict[str, list[int]]
    tags: dict[str, list[int]]


@lru_cache(maxsize=16)
def _rule_index(rules: tuple[ElementRule, ...]) -> _RuleIndex:
    index = _RuleIndex({}, {}, {})
    for i, rule in enumerate(rules):
        for table, keys in ((index.names, rule.names), (index.parts, rule.parts)):
            for key in keys:
                table.setdefault(key, []).append(i)
        for tag in rule.tags:
            index.tags.setdefault(tag, []).append(i)
    return index


def matching_rule(
    el: _Element,
    rules: Iterable[ElementRule],
    memo: dict[tuple[str, str, str], list[ElementRule]] | None = None,
) -> ElementRule | None:
    """The first rule that names ``el``. ``memo``: matches by (tag, class, id), for
    one page's walk (a page repeats a few class strings thousands of times)."""
    tag = el.tag if isinstance(el.tag, str) else ""
    key = (tag, el.get("class") or "", el.get("id") or "")
    found = memo.get(key) if memo is not None else None
    if found is None:
        rules = rules if isinstance(rules, tuple) else tuple(rules)
        index = _rule_index(rules)
        names, parts = _tokens(key[1], key[2])
        hits = set(index.tags.get(tag, ()))
        for name in names:
            hits.update(index.names.get(name, ()))
        for part in parts:
            hits.update(index.parts.get(part, ()))
        found = [rules[i] for i in sorted(hits)]
        if memo is not None:
            memo[key] = found
    for rule in found:
        if rule.min_words and len(WORD.findall(text_of(el))) < rule.min_words:
            continue
        return rule
    return None


def prose_words(el: _Element, enough: float = float("inf")) -> int:
    """Words of ``el`` in paragraphs of prose (sentences, under ``PROSE_MAX_LINK_SHARE``
    of their words in links), counted up to ``enough``."""
    words = 0
    for p in el.iter("p"):
        text = text_of(p)
        if not is_prose(text):
            continue
        size = len(WORD.findall(text))
        linked = sum(len(WORD.findall(text_of(a))) for a in p.iter("a"))
        if linked < PROSE_MAX_LINK_SHARE * size:
            words += size
            if words >= enough:
                break
    return words


def holds_prose(el: _Element) -> bool:
    """Does ``el`` hold ``PRUNE_MIN_PROSE_WORDS`` in paragraphs of prose? Share bars, ad
    slots and sign-up forms do not."""
    return prose_words(el, PRUNE_MIN_PROSE_WORDS) >= PRUNE_MIN_PROSE_WORDS


def hidden_article(el: _Element, page_prose: Callable[[], int]) -> bool:
    """Is hidden ``el`` the article shipped hidden (behind a paywall's script): most of
    the page's prose (``HIDDEN_ARTICLE_SHARE`` of ``page_prose()``), and enough of it
    to be an article?"""
    if not holds_prose(el):
        return False
    return prose_words(el) >= HIDDEN_ARTICLE_SHARE * page_prose()


def most_of_article(el: _Element) -> bool:
    """Does ``el`` hold most (``RULE_ARTICLE_SHARE``) of the prose of the ``<article>``
    or ``<main>`` it sits in? Then it is that article's text, whatever its class says
    ("map-and-related" around a page's instructions): a box of related stories or
    comments is an addition to an article, never the larger part of it."""
    region = next((a for a in el.iterancestors() if a.tag in ARTICLE_TAGS), None)
    if region is None:
        return False
    return prose_words(el) > RULE_ARTICLE_SHARE * prose_words(region)


def _chrome_kind(el: _Element) -> str | None:
    return SITE_CHROME_TAGS.get(el.tag) or SITE_CHROME_ROLES.get((el.get("role") or "").lower())


def site_chrome(el: _Element) -> str | None:
    """The kind of site chrome ``el`` is (``SITE_CHROME_TAGS``, ``SITE_CHROME_ROLES``) when
    it lies outside any ``<article>`` or ``<main>``: a ``<header>`` there is the site's
    banner, not an article's own header (headline, dek, byline)."""
    kind = _chrome_kind(el)
    if kind is None or any(node.tag in ARTICLE_TAGS for node in el.iterancestors()):
        return None
    return kind


def in_site_header(el: _Element) -> bool:
    """Inside the site's banner (a ``<header>`` or ``role="banner"`` outside any
    ``<article>`` or ``<main>``)."""
    banner = False
    for node in el.iterancestors():
        if node.tag in ARTICLE_TAGS:
            return False
        banner = banner or _chrome_kind(node) == "banner"
    return banner


def is_hidden(el: _Element) -> bool:
    """Hidden by attribute or inline style (not ``aria-hidden``: carousels use it for
    slides that are merely off screen), unless a reader can reveal it: the closed panel
    of an accordion, a tab or a "read more" expander is the page's text all the same."""
    return (hidden_by_markup(el) and not revealable(el)) or closed_menu(el)


#: A closed ``<details>`` of these parts is a menu (navigation menus excepted: some
#: pages put their sections' text in one).
_MENU_UI = _HIDDEN_UI - {"nav", "navigation"}


def closed_menu(el: _Element) -> bool:
    """A closed ``<details>`` that names itself a menu, dropdown or popover (GitHub's
    select menus, a shop's drawer): its items show only when opened, and are controls."""
    if el.tag != "details" or el.get("open") is not None:
        return False
    return bool(all_parts(el.get("class") or "", el.get("id") or "") & _MENU_UI)


def hidden_by_markup(el: _Element) -> bool:
    """Hidden by the ``hidden`` attribute or an inline ``display:none``/``visibility:hidden``."""
    style = el.get("style")
    return el.get("hidden") is not None or bool(style and HIDDEN_STYLE.search(style))


def revealable(el: _Element) -> bool:
    """Content a reader opens: a tab panel, a region, an accordion or expander's panel."""
    if (el.get("role") or "").lower() in ("tabpanel", "region"):
        return True
    parts = all_parts(el.get("class") or "", el.get("id") or "")
    return bool(parts & _DISCLOSURE) and not parts & _HIDDEN_UI


@lru_cache(maxsize=1 << 12)
def all_parts(classes: str, el_id: str) -> frozenset[str]:
    """Every part of every class value and the id: BEM names are long
    (``cmp-accordion__panel--hidden``) and still name what they are."""
    return frozenset(p for p in _SPLIT.split(f"{classes} {el_id}".lower().replace(" ", "-")) if p)


def prune(
    root: _Element,
    rules: Iterable[ElementRule] = ELEMENT_RULES,
    counts: dict[_Element, int] | None = None,
    skip: frozenset[str] = frozenset(),
) -> Counter[str]:
    """Remove boilerplate elements from ``root``; return counts by rule kind.

    One walk over the tree: a removed element's subtree is not visited.
    ``counts``: :func:`~.dom.word_counts` of ``root``, if the caller has them.
    ``skip``: kinds of :data:`PRUNE_KINDS` not to remove (for measuring them).
    """
    rules = tuple(rules)
    counts = counts if counts is not None else word_counts(root)
    total = max(counts.get(root, 0), 1)
    h1_holders = {anc for h1 in root.iter("h1") for anc in h1.iterancestors()}
    removed: Counter[str] = Counter()
    doomed: list[_Element] = []
    tagged = frozenset().union(*(rule.tags for rule in rules)) | SITE_CHROME_TAGS.keys()
    memo: dict[tuple[str, str, str], list[ElementRule]] = {}
    page_prose = lru_cache(maxsize=1)(lambda: prose_words(root))  # (on first need)
    walker = etree.iterwalk(root, events=("start",))
    for _, el in walker:
        if not isinstance(el.tag, str) or el.tag in _KEEP_TAGS:
            continue
        if not el.attrib and el.tag not in tagged:
            continue  # most elements: no attribute, no rule for their tag
        kind: str | None = None
        limit, keep_headline = MAX_SHARE, True
        if "hidden" not in skip and is_hidden(el) and not hidden_article(el, page_prose):
            # (a hidden headline is a copy: it goes too)
            kind, limit, keep_headline = "hidden", HIDDEN_MAX_SHARE, False
        elif (rule := matching_rule(el, rules, memo)) is not None:
            kind, limit = rule.kind, rule.max_share
            if holds_prose(el) and (kind not in PROSE_KINDS or most_of_article(el)):
                continue  # (its subtree is still walked: a share bar inside goes)
        elif (el.get("role") or "").lower() in DIALOG_ROLES and in_site_header(el):
            kind = "dialog"
        else:
            kind = site_chrome(el)
        if kind is None or kind in skip or counts.get(el, 0) > limit * total:
            continue
        if keep_headline and (el in h1_holders or el.tag == "h1"):
            continue
        doomed.append(el)
        removed[kind] += 1
        walker.skip_subtree()
    gone = set(doomed)
    for el in tables_of_contents(root, counts) if "toc" not in skip else ():
        if el not in gone and not gone.intersection(el.iterancestors()):
            doomed.append(el)
            removed["toc"] += 1
    for el in doomed:
        drop(el)
    return removed


SITE_CHROME_KINDS = tuple(dict.fromkeys((*SITE_CHROME_TAGS.values(), *SITE_CHROME_ROLES.values())))
#: Kinds prune removes by its own tests, beside its rules' kinds.
PRUNE_KINDS = ("hidden", "dialog", *SITE_CHROME_KINDS, "toc")


_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def tables_of_contents(root: _Element, counts: dict[_Element, int]) -> list[_Element]:
    """The page's tables of contents: they repeat its headings as links, so the text says
    each heading twice (the WCXB gold and readers count it once).

    A table of contents: a list of at least TOC_MIN_LINKS in-page links (``href="#..."``),
    most of them named as the page's headings, its words (TOC_LINK_SHARE) theirs. Its
    wrapper ("Table of contents", a toggle) goes with it while it adds at most
    TOC_MAX_EXTRA_WORDS.
    """
    found: list[_Element] = []
    headings: set[str] | None = None
    for lst in root.iter("ul", "ol"):
        links = list(lst.iter("a"))
        anchors = [a for a in links if len(a.get("href") or "") > 1 and a.get("href", "")[0] == "#"]
        if len(anchors) < TOC_MIN_LINKS or len(anchors) < 0.8 * len(links):
            continue
        if any(toc in found for toc in lst.iterancestors()):
            continue
        if sum(counts.get(a, 0) for a in links) < TOC_LINK_SHARE * counts.get(lst, 0):
            continue  # (a summary: each heading followed by what its section says)
        if headings is None:
            headings = {text_of(h).casefold() for h in root.iter(*_HEADINGS)}
        named = sum(1 for a in anchors if text_of(a).casefold() in headings)
        if named < 0.5 * len(anchors):
            continue
        toc, size = lst, counts.get(lst, 0)
        while (parent := toc.getparent()) is not None and parent.tag not in _KEEP_TAGS:
            if counts.get(parent, 0) - size > TOC_MAX_EXTRA_WORDS:
                break
            toc = parent
        found.append(toc)
    return found
