"""Repair the page's tree before pruning: put it in the shape a browser shows.

- **Streamed segments** (React server rendering with Suspense, e.g. Next.js):
  the server sends ``<template id="B:0"></template><div>Loading…</div>``
  where content will go, and the content itself later in the page as
  ``<div hidden id="S:0">…</div>`` with a script ``$RC("B:0","S:0")`` that
  swaps it in. Without a browser the text sits in a hidden div at the end and
  the page seems to say "Loading…": we do the swap.
- **Runaway wrappers**: broken markup (an unclosed ``<aside>`` popup or
  ``<header>``) can wrap the whole page in an element that every boilerplate
  rule removes. An element that holds the page's headline and most of its
  text is not boilerplate, whatever its tag: it becomes a plain ``div`` (its
  class kept). Likewise an element holding most of the text whose class or id
  trafilatura prunes whole, unguarded, before it scores ("commentOnSelection"
  around a post) loses that class and id; so do the items of a group (a
  listicle's "listicle-slides") that trafilatura prunes one by one for a
  substring of their class and that together hold most of the text.
- **Abutting elements**: ``<a>Gaz Williams</a><em>Shipwreck</em>`` is laid out
  apart by the page's CSS (a card's name, title and label); with no space in the
  markup the words would run together ("WilliamsShipwreck"). A space goes
  between them, never inside a word (see :func:`separate_abutting`).
- **Closed disclosures** (an accordion's panel, a "read more" expander, an FAQ
  answer, hidden by ``display:none`` or ``hidden`` until a reader opens it) are
  opened: the text is the page's all the same, and trafilatura drops hidden
  elements. Closed tabs stay closed: they are alternatives to the tab shown.
- **Tables indented by a blockquote** become plain blocks: a table is not a quotation.
- **MathML without its TeX source**: trafilatura keeps a formula as the LaTeX its
  ``<annotation>`` or ``alttext`` carries and drops the rest of ``<math>``; a formula
  that carries none becomes the symbols a reader sees ("a ≠ 0"), in reading order.
- **Custom elements** (``<mjx-container>``, ``<article-body>``): a browser shows their
  text like a ``<span>``'s or, holding blocks, a ``<div>``'s; trafilatura knows only
  HTML's own tags and drops what is in others. They become those tags.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.etree import _Element
from trafilatura import xpaths

from .dom import CJK, SEPARATING, WORD, drop, self_tests, source_text, word_counts
from .prune import HIDDEN_STYLE, all_parts, hidden_by_markup, revealable
from .thresholds import FALLBACK_MAX_WORDS, WRAPPER_SHARE

#: React's streaming instructions: complete boundary / complete segment.
_SWAP = re.compile(r"\$R[CS]\(\s*\"([A-Z]:[\w:-]+)\"\s*,\s*\"([A-Z]:[\w:-]+)\"")
#: Tags that boilerplate removal drops whole (here or in trafilatura).
_DROPPED_TAGS = frozenset(("aside", "footer", "nav", "form", "header", "dialog", "menu", "figure"))
#: Elements that stay joined to their neighbour ("3<sup>rd</sup>", a line break).
_JOINED = frozenset(("sup", "sub", "br", "wbr"))
_LAST_TEXT = etree.XPath("(descendant-or-self::text()[normalize-space()])[last()]")
_FIRST_TEXT = etree.XPath("(descendant-or-self::text()[normalize-space()])[1]")
#: A word character, not CJK: the left element must end with one (and hold more than
#: one character: a drop cap stays joined), the right one start with one.
_LETTER = re.compile(f"(?![{CJK}])\\w")


#: MathML's TeX source, which trafilatura turns into the formula's text.
_TEX = etree.XPath('.//annotation[@encoding="application/x-tex"]')


def unquote_tables(tree: _Element) -> int:
    """Make ``<blockquote>`` elements that hold a table plain ``div`` elements; return how
    many. Old pages indent tables with a blockquote (LWN's release and statistics tables);
    a table is not a quotation, and trafilatura drops tables inside quotes."""
    done = 0
    for quote in tree.iter("blockquote"):
        if next(quote.iter("table"), None) is not None:
            quote.tag = "div"
            done += 1
    return done


#: Tab panels are alternatives to the one shown (a product's reviews, its specifications),
#: not more of the same text: they stay closed (opened too, wcxb-dev products lost 0.001).
_TAB_PARTS = frozenset(("tab", "tabpanel", "pane"))


def reveal_disclosures(tree: _Element) -> int:
    """Open the hidden panels a reader can open (:func:`.prune.revealable`), tabs aside:
    their ``hidden`` attribute and hiding style go; return how many."""
    shown = 0
    for el in tree.xpath("//*[@hidden or @style]"):
        if not hidden_by_markup(el) or not revealable(el) or _is_tab(el):
            continue
        el.attrib.pop("hidden", None)
        if style := el.get("style"):
            el.set("style", HIDDEN_STYLE.sub("", style).strip(" ;"))
        shown += 1
    return shown


def _is_tab(el: _Element) -> bool:
    if (el.get("role") or "").lower() == "tabpanel":
        return True
    return bool(all_parts(el.get("class") or "", el.get("id") or "") & _TAB_PARTS)


def render_math(tree: _Element) -> int:
    """Replace each ``<math>`` without TeX source by its symbols; return how many.

    A display formula becomes a block of its own, an inline one stays in its line.
    """
    done = 0
    for math in list(tree.iter("math")):
        if math.get("alttext") or _TEX(math):
            continue  # trafilatura keeps its LaTeX
        for source in list(math.iter("annotation", "annotation-xml")):
            drop(source)  # other encodings of the same formula: not rendered
        symbols = " ".join(t.strip() for t in math.itertext() if t.strip())
        tag, tail = ("div" if math.get("display") == "block" else "span"), math.tail
        math.clear()
        math.tag, math.text, math.tail = tag, symbols, tail
        done += 1
    return done


def standardise_custom_elements(tree: _Element) -> int:
    """Rename custom elements (a hyphen in the tag) to ``div`` when they hold a block,
    else ``span``, and drop those without text (a rendering drawn by CSS, an icon);
    return how many. One walk from the leaves up (pages nest custom elements deep)."""
    nodes = [el for el in tree.iter() if isinstance(el.tag, str)]
    if not any("-" in el.tag for el in nodes):
        return 0
    has_text: dict[_Element, bool] = {}
    has_block: dict[_Element, bool] = {}
    done = 0
    for el in reversed(nodes):  # children before their parents
        text, block = bool((el.text or "").strip()), False
        for child in el:
            text = text or has_text.get(child, False) or bool((child.tail or "").strip())
            block = block or child.tag in SEPARATING or has_block.get(child, False)
        if "-" in el.tag:
            done += 1
            if not text:
                drop(el)
                continue
            el.tag = "div" if block else "span"
        has_text[el], has_block[el] = text, block
    return done


def resolve_streamed_segments(tree: _Element) -> int:
    """Move streamed Suspense segments into their placeholders; return how many moved."""
    segments = {
        el.get("id"): el
        for el in tree.iter("div")
        if el.get("hidden") is not None and (el.get("id") or "").startswith("S:")
    }
    if not segments:
        return 0
    templates = {
        el.get("id"): el for el in tree.iter("template") if (el.get("id") or "")[:2] in ("B:", "P:")
    }
    pairs: list[tuple[str, str]] = []
    for script in tree.iter("script"):
        if script.text and "$R" in script.text:
            for target, source in _SWAP.findall(script.text):
                if source.startswith("S:"):
                    pairs.append((target, source))
                elif target.startswith("S:"):  # $RS(segment, placeholder)
                    pairs.append((source, target))
    if not pairs:  # no instructions (scripts not saved): same numbers go together
        for sid in segments:
            pid = "P:" + sid[2:]
            pairs.append((pid if pid in templates else "B:" + sid[2:], sid))
    moved = 0
    for target, source in pairs:
        segment, template = segments.get(source), templates.get(target)
        if segment is None:
            continue
        if template is None or template.getparent() is None:
            del segment.attrib["hidden"]  # no placeholder: show it where it is
            continue
        _swap(template, segment, boundary=target.startswith("B:"))
        moved += 1
    return moved


def _swap(template: _Element, segment: _Element, boundary: bool) -> None:
    parent = template.getparent()
    assert parent is not None
    if boundary:  # a boundary shows a fallback right after its template until then
        fallback = template.getnext()
        if (
            fallback is not None
            and isinstance(fallback.tag, str)
            and fallback.tag != "template"
            and len(WORD.findall(" ".join(fallback.itertext()))) <= FALLBACK_MAX_WORDS
        ):
            drop(fallback)
    index = parent.index(template)
    if segment.text and segment.text.strip():
        template.tail = segment.text + (template.tail or "")
    for offset, child in enumerate(list(segment)):
        parent.insert(index + 1 + offset, child)
    drop(template)
    drop(segment)


def _page_words(tree: _Element, counts: dict[_Element, int]) -> int:
    """Words in the page's body (the whole tree when it has none)."""
    body = tree.find(".//body")
    return counts.get(body if body is not None else tree, 0)


def neutralise_wrappers(tree: _Element, counts: dict[_Element, int] | None = None) -> int:
    """Turn boilerplate elements (``<aside>``, ``<footer>``, ``<header>``...) that hold the
    headline and most of the page into plain ``div`` elements; return how many.

    An unclosed ``<aside>`` or a theme that wraps the whole page in ``<header>`` would
    otherwise take the article with it. Only the tag changes: class names stay, since
    stripping them (an earlier version did) changed what trafilatura picks on pages
    that were fine (measured on wcxb-dev: F1 0.822 with, 0.824 without)."""
    h1 = next(tree.iter("h1"), None)
    if h1 is None:
        return 0
    counts = counts if counts is not None else word_counts(tree)
    total = _page_words(tree, counts)
    if not total:
        return 0
    changed = 0
    for anc in h1.iterancestors():
        if anc.tag in ("body", "html"):
            break
        if anc.tag in _DROPPED_TAGS and counts.get(anc, 0) >= WRAPPER_SHARE * total:
            anc.tag = "div"
            changed += 1
    return changed


def _self_tests(*names: str) -> tuple[etree.XPath, ...]:
    """trafilatura's XPaths of these names (``.//*[...]``, those its version has) turned
    into tests of the context element itself."""
    paths = [xp for name in names for xp in getattr(xpaths, name, ())]
    return self_tests(xp for xp in paths if xp.path.strip().startswith(".//*"))


#: trafilatura's prunes of the raw tree that have no over-pruning guard: a class or id
#: that starts with "comment" ("commentOnSelection" around a LessWrong post) or names an
#: infinite-scroll box or a teaser takes the element whole, whatever it holds. (Its
#: guarded prune, OVERALL_DISCARD_XPATH, is left to it: unmarking those wrappers too
#: made wcxb-dev worse, 0.8301 -> 0.8278, collection pages most.)
_UNGUARDED_PRUNES = _self_tests(
    "REMOVE_COMMENTS_AND_LISTS_XPATH", "RAW_TREE_PRUNE_XPATH", "TEASER_DISCARD_XPATH"
)


def unmark_wrappers(tree: _Element, counts: dict[_Element, int]) -> int:
    """Drop the class and id of elements that hold most of the page's words and that
    trafilatura would prune whole, unguarded, for a word in them; return how many.
    (A comment section that long is not dropped for it: trafilatura still scores it.)"""
    total = _page_words(tree, counts)
    if not total:
        return 0
    changed = 0
    for el, words in counts.items():
        if words < WRAPPER_SHARE * total or not (el.get("class") or el.get("id")):
            continue
        if any(test(el) for test in _UNGUARDED_PRUNES):
            el.attrib.pop("class", None)
            el.attrib.pop("id", None)
            changed += 1
    return changed


#: trafilatura's guarded prunes: it removes what they match unless that is nearly all
#: the page (six sevenths), by substrings of class names ("bar" in "bard", "slide" in
#: "listicle-slides").
_GUARDED_PRUNES = _self_tests("OVERALL_DISCARD_XPATH", "TEASER_DISCARD_XPATH")
#: Class or id parts that do name page chrome: a group so named stays marked.
_CHROME_PARTS = frozenset(
    "footer header nav navigation menu sidebar widget banner comment comments modal popup".split()
)


def unmark_item_groups(tree: _Element, counts: dict[_Element, int]) -> int:
    """Drop the class and id of the items of a group (same tag and class) that together
    hold most of the page's words, when trafilatura would prune each for a substring of
    its class and no part of the class names page chrome; return how many.

    A listicle's slides, one by one, are each a small share of the page: trafilatura's
    guard (not most of the page) does not see that together they are the article."""
    total = _page_words(tree, counts)
    if not total:
        return 0
    need = WRAPPER_SHARE * total
    groups: dict[tuple[str, str], list[_Element]] = {}
    for el, words in counts.items():
        if words and (classes := el.get("class")):
            groups.setdefault((el.tag, classes), []).append(el)
    changed = 0
    for (_, classes), members in groups.items():
        if len(members) < 2 or sum(counts[el] for el in members) < need:
            continue  # (the cheap tests first: few groups get past them)
        inner = set(members)
        items = [el for el in members if not any(a in inner for a in el.iterancestors())]
        if len(items) < 2 or sum(counts[el] for el in items) < need:
            continue
        if any(all_parts(classes, el.get("id") or "") & _CHROME_PARTS for el in items):
            continue
        if not all(any(test(el) for test in _GUARDED_PRUNES) for el in items):
            continue
        for el in items:
            el.attrib.pop("class", None)
            el.attrib.pop("id", None)
            changed += 1
    return changed


def _edge_text(el: _Element, find: etree.XPath) -> str:
    """The element's last (or first, by ``find``) text with words in it."""
    if not len(el):  # most are leaves: their own text, without an XPath call
        return el.text or ""
    found = find(el)
    return str(found[0]) if found else ""


def separate_abutting(tree: _Element) -> int:
    """Put a space between two elements written back to back when both sides are
    words; return how many. Inside a word nothing changes: text next to an element
    ("Hel<b>lo</b>") has no element on one side, a one-letter drop cap
    (``<b>I</b><span>f</span>``) is too short, ``<sup>`` stays joined, and CJK text
    has no spaces to restore. Measured on wcxb-dev: F1 0.826 -> 0.828, mostly product
    cards of collection pages; readability set unchanged."""
    body = tree.find("body")
    changed = 0
    for el in body.iter() if body is not None else ():
        if el.tail or el.tag in _JOINED:
            continue  # (most elements: a whitespace tail already separates them)
        nxt = el.getnext()
        if nxt is None or not isinstance(nxt.tag, str) or nxt.tag in _JOINED:
            continue
        end = _edge_text(el, _LAST_TEXT).rstrip()
        if len(end) < 2 or not _LETTER.fullmatch(end[-1]):
            continue
        if _LETTER.fullmatch(_edge_text(nxt, _FIRST_TEXT).lstrip()[:1]):
            el.tail = " "
            changed += 1
    return changed


def join_cjk_line_breaks(tree: _Element) -> None:
    """A line break in the source between two Chinese or Japanese characters is no
    space (CSS Text 3 segment breaks), as browsers render it: dropped from the tree's
    text before the scorer folds it into one."""
    for el in tree.iter():
        if el.text and "\n" in el.text and isinstance(el.tag, str):
            el.text = source_text(el.text)
        if el.tail and "\n" in el.tail:
            el.tail = source_text(el.tail)
