"""A second opinion on where the article is: Readability's choice of content.

trafilatura sometimes keeps a container wider than the article: the story and,
after it, the site's "more stories" cards, a testimonial, a podcast's credits.
Readability (Arc90's algorithm as Mozilla's Firefox Reader View runs it) scores
the page differently: each paragraph of 25+ characters gives points for its
commas and length to its ancestors (the parent in full, the grandparent half,
further ones less), class and id names weigh in (``article``, ``post`` up;
``comment``, ``related``, ``sidebar`` down), scores shrink by link density, and
the best element, moved up to the ancestor its rivals share, with its like
siblings, is the article.

Where the two agree on most of the text, the paragraphs that trafilatura kept
*after* the last one inside Readability's article are dropped, unless prose follows
(an article is never cut short: Readability stops early at an ad break). Only the tail:
Readability is less sure about an article's start (it drops headings and
lead-ins that trafilatura keeps) than about its end.

On the other side, trafilatura may keep one block of a page made of many like
blocks (one item of a listing, one post of a thread); when Readability's article
holds what trafilatura kept and is at least twice as long, it is the better pick
there (:meth:`SecondOpinion.wider`; ``core`` asks on such pages only).

Readability's "unlikely candidates" (class names such as ``sidebar``, hidden
elements) are left to :mod:`.prune`, which removed them before; navigation by its
ARIA role is set aside here. The scoring runs on a copy of the (pruned) page's
body, which stays as it is.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from copy import deepcopy

from lxml import etree
from lxml.etree import _Element

from .dom import drop, fold_space, source_text, word_counts
from .fallback import block_paragraphs
from .text import WORD, is_prose
from .thresholds import (
    ANCESTOR_LEVELS,
    MIN_AGREEMENT,
    MIN_ARTICLE_CHARS,
    MIN_HELD,
    MIN_INSIDE,
    MIN_KIND_WORDS,
    MIN_PARAGRAPH_CHARS,
    MIN_WIDER,
    SHINGLE,
    TAIL_MAX_LINK_SHARE,
    TOP_CANDIDATES,
)

#: Readability's class/id weights (matched against lower-cased names: faster than re.I).
POSITIVE = re.compile(
    r"article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story"
)
NEGATIVE = re.compile(
    r"-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|com-|contact|footer|gdpr"
    r"|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper"
    r"|sponsor|shopping|tags|widget",
)
UNLIKELY_ROLES = frozenset(
    ("menu", "menubar", "complementary", "navigation", "alert", "alertdialog", "dialog")
)
_ROLES = etree.XPath(".//*[@role][not(self::a)]")
_COMMAS = re.compile("[,\u060c\ufe50\ufe10\ufe11\u2e41\u2e34\u2e32\uff0c]")
_SENTENCE_END = re.compile(r"\.( |$)")
TAGS_TO_SCORE = frozenset(("section", "h2", "h3", "h4", "h5", "h6", "p", "td", "pre"))
#: A <div> with none of these below it is a paragraph written as a <div>.
DIV_TO_P = frozenset(
    ("a", "blockquote", "dl", "div", "img", "ol", "p", "pre", "table", "ul", "select")
)
#: Inline content, gathered into paragraphs when loose in a <div> that also holds blocks.
PHRASING = frozenset(
    "abbr audio b bdo br button cite code data datalist dfn em embed i img input kbd label"
    " mark math meter noscript object output progress q ruby samp script select small span"
    " strong sub sup textarea time var wbr".split()
)
_TAG_WEIGHT = {
    "div": 5,
    **dict.fromkeys(("pre", "td", "blockquote"), 3),
    **dict.fromkeys(("address", "ol", "ul", "dl", "dd", "dt", "li", "form"), -3),
    **dict.fromkeys(("h1", "h2", "h3", "h4", "h5", "h6", "th"), -5),
}


def _length(el: _Element) -> int:
    return len(fold_space(el.text_content()))


def _link_density(el: _Element) -> float:
    total = _length(el)
    if not total:
        return 0.0
    links = sum(
        _length(a) * (0.3 if (a.get("href") or "").startswith("#") else 1.0) for a in el.iter("a")
    )
    return links / total


def _lengths(root: _Element) -> tuple[dict[_Element, int], dict[_Element, float]]:
    """Characters under each element and, of those, link characters (weighted as in
    :func:`_link_density`), summed bottom-up in one pass."""
    chars: dict[_Element, int] = {}
    links: dict[_Element, float] = {}
    for el in reversed([e for e in root.iter() if isinstance(e.tag, str)]):
        n = len(el.text.strip()) if el.text else 0
        in_links = 0.0
        for child in el:
            if isinstance(child.tag, str):
                n += chars[child]
                in_links += links[child]
            if child.tail:
                n += len(child.tail.strip())
        if el.tag == "a":
            in_links = n * (0.3 if (el.get("href") or "").startswith("#") else 1.0)
        chars[el], links[el] = n, in_links
    return chars, links


def _set_aside(root: _Element, strip: bool) -> list[_Element]:
    """Elements Readability sets aside before scoring (``strip``): the page's navigation,
    menus and dialogs by their ARIA role. (Hidden elements and its "unlikely" class
    names are :mod:`.prune`'s, whose rules ran before.)"""
    return [el for el in _ROLES(root) if el.get("role") in UNLIKELY_ROLES] if strip else []


def _phrasing(node: _Element) -> bool:
    if node.tag in PHRASING:
        return True
    return node.tag in ("a", "del", "ins") and all(_phrasing(child) for child in node)


def _loose_content(div: _Element) -> bool:
    """Does ``div`` hold text or inline elements beside its blocks (most hold blocks only)?"""
    if div.text and not div.text.isspace():
        return True
    for child in div:
        if child.tail and not child.tail.isspace():
            return True
        if isinstance(child.tag, str) and _phrasing(child):
            return True
    return False


def _wrap_phrasing(div: _Element) -> None:
    """Runs of text and inline elements loose in ``div`` (beside its blocks) become
    paragraphs of their own."""
    children = list(div)
    text, div.text = div.text, None
    for child in children:
        div.remove(child)  # (its tail goes with it)
    p: _Element | None = None

    def paragraph() -> _Element:
        nonlocal p
        if p is None:
            p = div.makeelement("p")
            div.append(p)
        return p

    if text and text.strip():
        paragraph().text = text
    for child in children:
        if isinstance(child.tag, str) and not _phrasing(child):
            tail, child.tail = child.tail, None
            div.append(child)
            p = None
            if tail and tail.strip():
                paragraph().text = tail
        else:
            paragraph().append(child)


def _initial(el: _Element, weight_classes: bool) -> float:
    """A candidate's score before its paragraphs': by its tag, and its class and id."""
    value = float(_TAG_WEIGHT.get(el.tag, 0))
    if weight_classes:
        for name in (el.get("class"), el.get("id")):
            if name:
                name = name.lower()
                value += 25 * (bool(POSITIVE.search(name)) - bool(NEGATIVE.search(name)))
    return value


def _paragraphs(root: _Element, strip: bool) -> list[_Element]:
    """Drop the elements set aside, turn block-less <div>s into paragraphs and wrap loose text;
    return the elements to score, in document order."""
    for el in _set_aside(root, strip):
        drop(el)  # (one inside another goes with it; one dropped twice stays dropped)
    for div in list(root.iter("div")):
        only = div[0] if len(div) == 1 else None
        parent = div.getparent()
        if (
            only is not None
            and parent is not None
            and only.tag == "p"
            and not (div.text or "").strip()
            and not (only.tail or "").strip()
            and _link_density(div) < 0.25
        ):
            tail = div.tail
            parent.replace(div, only)
            only.tail = tail
        elif next(div.iterdescendants(*DIV_TO_P), None) is None:
            div.tag = "p"
        elif _loose_content(div):
            _wrap_phrasing(div)
    return list(root.iter(*TAGS_TO_SCORE))


def _grab(tree: _Element, strip: bool, weight_classes: bool) -> tuple[list[_Element], int] | None:
    """One pass of Readability's article search on a copy of ``tree``: the article's
    elements and characters, or None when it is the whole body (no opinion)."""
    page_body = tree.find("body")
    if page_body is None:
        return None
    body = deepcopy(page_body)
    score: dict[_Element, float] = {}
    for el in _paragraphs(body, strip):
        text = " ".join(el.text_content().split())
        if len(text) < MIN_PARAGRAPH_CHARS:
            continue
        ancestors: list[_Element] = []
        parent = el.getparent()
        while parent is not None and len(ancestors) < ANCESTOR_LEVELS:
            ancestors.append(parent)
            parent = parent.getparent()
        points = 1 + len(_COMMAS.split(text)) + min(len(text) // 100, 3)
        for level, ancestor in enumerate(ancestors):
            if ancestor not in score:
                score[ancestor] = _initial(ancestor, weight_classes)
            score[ancestor] += points / (1 if level == 0 else 2 if level == 1 else level * 3)
    chars, links = _lengths(body)
    for el in score:
        score[el] *= 1 - links[el] / chars[el] if chars[el] else 1
    ranked = sorted(score, key=lambda el: -score[el])[:TOP_CANDIDATES]
    if not ranked or ranked[0] is body:
        return None
    top = _promote(ranked, score, body)
    if top not in score:
        score[top] = _initial(top, weight_classes)
    article = _with_siblings(top, score)
    return article, sum(chars[el] for el in article)  # (all in the copy's body)


def _promote(ranked: list[_Element], score: dict[_Element, float], body: _Element) -> _Element:
    """The best candidate moved up: to the ancestor most of its close rivals share, to a
    parent that scores higher, past parents of which it is the only child."""
    top = ranked[0]
    rivals = [
        set(el.iterancestors()) for el in ranked[1:] if score[el] / max(score[top], 1e-9) >= 0.75
    ]
    if len(rivals) >= 3:
        parent = top.getparent()
        while parent is not None and parent is not body:
            if sum(parent in ancestors for ancestors in rivals) >= 3:
                top = parent
                break
            parent = parent.getparent()
    last = score.get(top, 0.0)
    threshold = last / 3
    parent = top.getparent()
    while parent is not None and parent is not body:
        if parent not in score:
            parent = parent.getparent()
            continue
        if score[parent] < threshold:
            break
        if score[parent] > last:
            top = parent
            break
        last = score[parent]
        parent = parent.getparent()
    parent = top.getparent()
    while parent is not None and parent is not body and len(parent) == 1:
        top, parent = parent, parent.getparent()
    return top


def _with_siblings(top: _Element, score: dict[_Element, float]) -> list[_Element]:
    """The best element and the siblings Readability appends to it."""
    threshold = max(10.0, score[top] * 0.2)
    parent = top.getparent()
    article = []
    for sibling in list(parent) if parent is not None else [top]:
        take = sibling is top
        if not take and isinstance(sibling.tag, str):
            bonus = (
                score[top] * 0.2
                if top.get("class") and sibling.get("class") == top.get("class")
                else 0
            )
            if sibling in score and score[sibling] + bonus >= threshold:
                take = True
            elif sibling.tag == "p":
                own = fold_space(sibling.text_content())
                density = _link_density(sibling)
                take = (len(own) > 80 and density < 0.25) or (
                    0 < len(own) < 80 and density == 0 and bool(_SENTENCE_END.search(own))
                )
        if take:
            article.append(sibling)
    return article


def readability_article(tree: _Element) -> list[_Element] | None:
    """Readability's article in ``tree``: its elements (from a copy), or None when it is
    the whole body or nothing. Retried with fewer rules when too short, as Readability
    does; the longest try wins if none is long enough."""
    best: tuple[int, list[_Element] | None] = (-1, None)
    for strip, weight in ((True, True), (False, True), (False, False)):
        grabbed = _grab(tree, strip, weight)
        if grabbed is None:
            continue
        found, length = grabbed
        if length >= MIN_ARTICLE_CHARS:
            return found
        if length > best[0]:
            best = (length, found)
    return best[1]


class _Text:
    """Words of a text, asked whether a paragraph is inside it: word for word (a fast
    substring test), else by most of its word shingles (built on first need)."""

    def __init__(self, text: str) -> None:
        self.words = WORD.findall(text.lower())
        self.joined = f" {' '.join(self.words)} "
        self._shingles: set[tuple[str, ...]] | None = None

    def holds(self, paragraph: list[str]) -> bool:
        if len(paragraph) < SHINGLE:
            return False
        if f" {' '.join(paragraph)} " in self.joined:
            return True
        if self._shingles is None:
            self._shingles = _shingles(self.words)
        own = _shingles(paragraph)
        return len(own & self._shingles) >= MIN_INSIDE * len(own)


def _shingles(words: list[str]) -> set[tuple[str, ...]]:
    return set(zip(*(words[i:] for i in range(SHINGLE)), strict=False))


def _held(words: list[list[str]], inside: list[bool]) -> float:
    """The share of all ``words`` (one list a paragraph) in the paragraphs ``inside``."""
    total = sum(map(len, words))
    return (
        sum(len(w) for w, flag in zip(words, inside, strict=True) if flag) / total if total else 0.0
    )


_PARAGRAPH_TAGS = ("p", "li", "blockquote", "h2", "h3", "h4", "pre", "dd", "td")


def _block_kind(el: _Element) -> tuple[str, str, str]:
    """A block's kind: its tag and its parent's tag and class (the nearest paragraph-like
    element at or above ``el``)."""
    block = next((a for a in (el, *el.iterancestors()) if a.tag in _PARAGRAPH_TAGS), el)
    parent = block.getparent()
    if parent is None:
        return (block.tag, "", "")
    return (block.tag, parent.tag, parent.get("class") or "")


class _TokenIndex:
    """The words of a tree in reading order, each with the element it is written in and
    whether it is in a link: where a paragraph of text sits on the page."""

    def __init__(self, root: _Element) -> None:
        self.owners: list[_Element] = []
        self.links: list[bool] = []
        words: list[str] = []
        in_link = 0
        for event, el in etree.iterwalk(root, events=("start", "end")):
            if not isinstance(el.tag, str):
                continue
            if event == "start":
                in_link += el.tag == "a"
                self._add(words, el.text, el, in_link > 0)
            else:
                in_link -= el.tag == "a"
                parent = el.getparent()
                if parent is not None:
                    self._add(words, el.tail, parent, in_link > 0)
        self.starts: list[int] = []
        offset = 0
        for word in words:
            self.starts.append(offset)
            offset += len(word) + 1
        self.joined = " ".join(words)

    def _add(self, words: list[str], text: str | None, owner: _Element, in_link: bool) -> None:
        if text:
            for word in WORD.findall(source_text(text).lower()):
                words.append(word)
                self.owners.append(owner)
                self.links.append(in_link)

    def locate(self, paragraph: list[str]) -> list[tuple[_Element, bool]]:
        """The (element, in a link) of each of the paragraph's words, at its first
        occurrence on the page; nothing when it is not there word for word."""
        if not paragraph:
            return []
        text = " ".join(paragraph)
        at = self.joined.find(text)
        while at > 0 and self.joined[at - 1] != " ":
            at = self.joined.find(text, at + 1)
        if at < 0:
            return []
        first = bisect_left(self.starts, at)
        end = first + len(paragraph)
        return list(zip(self.owners[first:end], self.links[first:end], strict=True))


class SecondOpinion:
    """Readability's article of a page, compared with the paragraphs trafilatura kept."""

    def __init__(self, tree: _Element) -> None:
        self.article = readability_article(tree) or []
        self._tokens: _TokenIndex | None = None
        self._kinds: set[tuple[str, str, str]] | None = None
        self._text = _Text(" ".join(source_text(t) for el in self.article for t in el.itertext()))

    def trim_tail(self, paragraphs: list[str]) -> list[str]:
        """``paragraphs`` without the tail after the last one inside Readability's
        article, when that article holds most (``MIN_AGREEMENT``) of their words; but
        never past a paragraph of the article's own prose in that tail (prose, not in a
        link, inside the ``<article>`` around Readability's pick): Readability may stop
        early in an article, at an ad break or a box."""
        if len(paragraphs) < 2 or not self.article:
            return paragraphs
        words = [WORD.findall(p.lower()) for p in paragraphs]
        inside = [self._text.holds(w) for w in words]
        if _held(words, inside) < MIN_AGREEMENT or not any(inside):
            return paragraphs
        last = max(i for i, flag in enumerate(inside) if flag)
        for i in range(len(paragraphs) - 1, last, -1):
            if is_prose(paragraphs[i]) and self._articles_own(words[i]):
                return paragraphs[: i + 1]
        return paragraphs[: last + 1]

    def articles_own(self, paragraph: str) -> bool:
        """Is ``paragraph`` the article's own prose? Prose, and where the page has an
        ``<article>`` around Readability's pick, written in it as its paragraphs are."""
        if not is_prose(paragraph):
            return False
        if not self.article or self._region() is None:
            return True
        return self._articles_own(WORD.findall(paragraph.lower()))

    def _articles_own(self, paragraph: list[str]) -> bool:
        """Is this paragraph (its words) on the page mostly outside links and inside the
        ``<article>`` around Readability's pick?"""
        index = self._index()
        located = index.locate(paragraph) if index is not None else []
        if not located:
            return False  # (not on the page word for word: set aside as navigation)
        region = self._region()
        if region is None:
            return False
        linked = sum(in_link for _, in_link in located)
        if linked >= TAIL_MAX_LINK_SHARE * len(located):
            return False
        owners = {owner for owner, _ in located}
        if not all(owner is region or region in owner.iterancestors() for owner in owners):
            return False
        # written as the article's paragraphs are (a FAQ, a promo box, a paywall's
        # dialog in the same <article> are blocks of another kind)
        kinds = self._paragraph_kinds()
        return all(_block_kind(owner) in kinds for owner in owners)

    def _paragraph_kinds(self) -> set[tuple[str, str, str]]:
        if self._kinds is None:
            self._kinds = {
                _block_kind(el)
                for top in self.article
                for el in top.iter(*_PARAGRAPH_TAGS)
                if len(WORD.findall(el.text_content())) >= MIN_KIND_WORDS
            }
        return self._kinds

    def _region(self) -> _Element | None:
        """The ``<article>`` element around Readability's pick, if any: a tail inside
        it is the article's own. (Without one, the pick's parent holds the teasers and
        the footer as often as more of the article: no evidence either way.)"""
        return next((el for el in self.article[0].iterancestors("article")), None)

    def _index(self) -> _TokenIndex | None:
        if self._tokens is None and self.article:
            root = self.article[0].getroottree().getroot()
            self._tokens = _TokenIndex(root)
        return self._tokens

    def wider(self, paragraphs: list[str]) -> list[str] | None:
        """Readability's article as paragraphs when it holds nearly all of ``paragraphs``
        (``MIN_HELD``) and is ``MIN_WIDER`` times as long, else None: on a page of many
        like blocks (a listing's items, a thread's posts, a manual's sections) trafilatura
        may keep one block where Readability keeps their container."""
        if not self.article or not paragraphs:
            return None
        words = [WORD.findall(p.lower()) for p in paragraphs]
        if len(self._text.words) < MIN_WIDER * sum(map(len, words)):
            return None
        if _held(words, [self._text.holds(w) for w in words]) < MIN_HELD:
            return None
        # (its blocks without page chrome: they must still hold what trafilatura kept)
        blocks = [p for el in self.article for p in block_paragraphs(el, word_counts(el))]
        in_blocks = _Text(" ".join(blocks))
        return blocks if _held(words, [in_blocks.holds(w) for w in words]) >= MIN_HELD else None
