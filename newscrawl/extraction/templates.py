"""Site templates learned while crawling: what recurs across a site's pages is not article.

Generic rules know "Share" and "Reading Time"; every site also has widgets of
its own (a "More from GQN" box, a promo line, a "Recent Posts" list of job
ads). A crawl sees many pages of one site, so it can learn them:

- :func:`page_blocks` describes a page as blocks: every element that is a
  block or carries a class, with its structural path (tags and classes from
  the body down, digits folded), a key of its normalised text, and its links;
- :class:`SiteTemplate` accumulates, per host, on how many distinct pages
  each text key and each path occurs, and how link-heavy the path is;
- :meth:`SiteTemplate.rules` turns that into :class:`TemplateRules`, a small
  picklable object that finds a page's template blocks (:meth:`TemplateRules.select`)
  and says why each is one; the extraction takes their lines out of the article
  (:class:`TemplateLines`), after its other steps.

Two kinds of evidence make a block template:

- **recurring text**: the same normalised text on at least ``min_share`` of the
  site's pages (and at least ``min_pages``) — a sentence that is part of only
  a few articles never qualifies;
- **recurring link list**: a block at a path seen on that many pages, nearly
  always made of links, whose text changes from page to page (cards linking
  to other posts of the site), and that is link-dominated on this page too;
- **recurring label**: a short block that starts with the same label at the same
  path on that many pages ("Tonight on our radio show:", a leading ``<strong>``)
  and goes on with links or a number that change from page to page (never a list
  item, a table cell, a definition or a field among others: records are content).

Safety: a page never loses more than ``max_removed_share`` of its words to
template rules (else nothing is removed and the page is marked), and blocks
that hold most of the page's words are never removed.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from lxml.etree import _Element

from .decode import decode, parse
from .recover import HEADINGS
from .text import WORD
from .thresholds import (
    KEY_MAX_WORDS,
    LABEL_MAX_BLOCK_WORDS,
    LABEL_MAX_REST_WORDS,
    LABEL_MAX_WORDS,
    MIN_TEMPLATE_PAGES,
    TEMPLATE_PART_MIN_WORDS,
    TEMPLATE_PIECED_MAX_CHARS,
)

#: Elements that are blocks whether or not they carry a class.
BLOCK_TAGS = frozenset(
    [
        "div",
        "section",
        "aside",
        "nav",
        "header",
        "footer",
        "article",
        "main",
        "ul",
        "ol",
        "li",
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "figure",
        "figcaption",
        "form",
        "table",
        "dl",
    ]
)
#: Elements whose content is never site text.
SKIP_TAGS = frozenset(["script", "style", "noscript", "template", "svg", "head"])

#: Plain lxml elements (lxml.html's element classes make every traversal slower).

_DIGITS = re.compile(r"\d+")
#: Inline elements that write a block's leading label.
LABEL_TAGS = frozenset(("strong", "b", "em", "i", "span", "label", "small", "u"))
#: Blocks whose label is content: lists, list items, tables, cells and definitions (a
#: product's spec sheet, a fact box), and anything inside or around them.
_NOT_LABELLED = frozenset(("ul", "ol", "li", "td", "th", "tr", "dt", "dd", "table", "dl"))
#: A label written in the text: its first words, up to a colon or a bar.
_TEXT_LABEL = re.compile(r"\s*([^:|\n]{1,80}?[:|])\s")
_WS = re.compile(r"\s+")
_LETTER = re.compile(r"[^\W\d_]")


def normalise(text: str) -> str:
    """Text as compared across pages: case-folded, digits folded to 0, spaces folded."""
    return _WS.sub(" ", _DIGITS.sub("0", text.casefold())).strip()


def text_key(text: str) -> str:
    return _hash(normalise(text))


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def _step(el: _Element) -> str:
    classes = sorted({_DIGITS.sub("#", c) for c in (el.get("class") or "").split()})[:3]
    return str(el.tag) + "".join("." + c for c in classes)


@dataclass(frozen=True)
class Block:
    """One block of a page, as the template model sees it."""

    path: str  # structural signature, e.g. "div.site>aside.widget>ul"
    key: str  # text key ("" when the block has no text)
    words: int  # words of its text
    link_words: int  # words inside links
    own_links: int  # links to other pages of the same host
    label: str = ""  # key of its path and leading label, when it is a short labelled block
    variant: str = ""  # ... and of its whole text as written (digits kept), to see it change


def _is_block(el: _Element) -> bool:
    tag = el.tag
    return (
        isinstance(tag, str)
        and tag not in SKIP_TAGS
        and (tag in BLOCK_TAGS or bool(el.get("class")) or tag.startswith("amp-"))
    )


def _text(el: _Element) -> str:
    """The visible text of ``el`` (scripts, styles and the like left out). (One
    iterative walk: pages nest thousands deep.)"""
    parts: list[str] = []
    if not isinstance(el.tag, str) or el.tag in SKIP_TAGS:
        return ""
    skipping = 0  # depth inside a skipped element or a comment
    for event, node in etree.iterwalk(el, events=("start", "end")):
        visible = isinstance(node.tag, str) and node.tag not in SKIP_TAGS
        if event == "start":
            if skipping or not visible:
                skipping += 1
            elif node.text:
                parts.append(node.text)
            continue
        if skipping:
            skipping -= 1
        if not skipping and node is not el and node.tail:
            parts.append(node.tail)
    return " ".join(t for t in parts if t.strip())


def _joined(el: _Element, texts: dict[_Element, str]) -> str:
    """:func:`_text` of ``el`` from its children's (``texts``): its own text, each visible
    child's, each child's tail (a skipped child's too), the blank ones left out."""
    parts = [el.text] if el.text and el.text.strip() else []
    for child in el:
        visible = isinstance(child.tag, str) and child.tag not in SKIP_TAGS
        if visible and (inner := texts.get(child)):
            parts.append(inner)
        if child.tail and child.tail.strip():
            parts.append(child.tail)
    return " ".join(parts)


def _is_own_link(href: str, host: str | None) -> bool:
    """Does ``href`` lead to another page of the same site?"""
    if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
        return False
    if href.startswith(("http://", "https://", "//")):
        return href.split("/", 3)[2].split(":")[0].lower() == host
    return True  # relative


def _count(text: str | None) -> int:
    return len(WORD.findall(text)) if text else 0


def _mostly_words(text: str) -> bool:
    """Numbers ("3", "5204", "$ 32.99 Price $ 32.99": counts, ratings, prices) say
    nothing about a template: with digits folded they would match every other number."""
    tokens = WORD.findall(text)
    letters = sum(1 for t in tokens if _LETTER.search(t))
    return letters > len(tokens) - letters


def _is_token(el: _Element, in_code: set[_Element]) -> bool:
    """An inline element that is a word of running text or code (``<span class=k>if``
    in a listing, a ``<b class=x>`` in a sentence): its text recurs because words do,
    and removing it would cut the sentence, so it is never recurring text."""
    if el.tag in BLOCK_TAGS:
        return False
    if el in in_code:
        return True
    prev = el.getprevious()
    parent = el.getparent()
    before = prev.tail if prev is not None else parent.text if parent is not None else None
    return bool((before and before.strip()) or (el.tail and el.tail.strip()))


def iter_blocks(root: _Element, url: str | None = None) -> Iterator[tuple[_Element, Block]]:
    """Every block element of ``root`` (document order) with its description.

    Word and link counts are summed bottom-up in one pass, so the cost is linear
    in the page, however deep it nests.
    """
    host = urlsplit(url).hostname if url else None
    body = root.find(".//body")
    start = body if body is not None else root
    nodes = [el for el in start.iter() if isinstance(el.tag, str)]
    words: dict[_Element, int] = {}
    links: dict[_Element, int] = {}
    own: dict[_Element, int] = {}
    texts: dict[_Element, str] = {}  # (as _text gives them, for elements of few words)
    for el in reversed(nodes):  # descendants before ancestors
        if el.tag in SKIP_TAGS:
            words[el] = links[el] = own[el] = 0
            continue
        w = _count(el.text)
        lw = o = 0
        for child in el:
            if isinstance(child.tag, str):
                w += words.get(child, 0)
                lw += links.get(child, 0)
                o += own.get(child, 0)
            w += _count(child.tail)
        if el.tag == "a":
            lw = w
            o = int(_is_own_link(el.get("href") or "", host))
        words[el], links[el], own[el] = w, lw, o
        if w <= KEY_MAX_WORDS:
            texts[el] = _joined(el, texts)
    paths: dict[_Element, str] = {}
    in_code: set[_Element] = set()
    for el in nodes:
        parent = el.getparent()
        parent_path = paths.get(parent, "") if parent is not None else ""
        if el.tag in SKIP_TAGS:
            continue
        if el.tag in ("pre", "code") or parent in in_code:
            in_code.add(el)
        block = _is_block(el)
        paths[el] = f"{parent_path}>{_step(el)}" if block else parent_path
        if el is start:
            continue
        if not block:
            if not _stands_alone(el, words[el], links[el]):
                continue
            # (a line of its own: described as a block, its descendants' paths unchanged)
            block_path = f"{parent_path}>{_step(el)}"
        else:
            block_path = paths[el]
        w = words[el]
        text = texts.get(el, "") if 0 < w <= KEY_MAX_WORDS and not _is_token(el, in_code) else ""
        key = text_key(text) if _mostly_words(text) else ""
        label = _label_key(el, block_path, text, w, links[el]) if text else ""
        variant = _hash(" ".join(text.casefold().split())) if label else ""
        yield el, Block(block_path, key, w, links[el], own[el], label, variant)


def _stands_alone(el: _Element, words: int, link_words: int) -> bool:
    """Is the inline element ``el`` a line of links of its own: mostly links, with no
    text around it in its parent (a ``<nobr>`` of "News | More | Reports" between blocks),
    so never part of a sentence?"""
    if not isinstance(el.tag, str) or el.tag == "a" or words < 2 or link_words < 0.6 * words:
        return False
    prev = el.getprevious()
    parent = el.getparent()
    before = prev.tail if prev is not None else parent.text if parent is not None else None
    return not (before and before.strip()) and not (el.tail and el.tail.strip())


def _leading_label(el: _Element, text: str) -> str | None:
    """The label ``el``'s text starts with: a leading inline element's text (``<strong>``,
    ``<b>``...) or the words before a colon or a bar; None without one."""
    first = el[0] if len(el) else None
    if first is not None and first.tag in LABEL_TAGS and not (el.text or "").strip():
        label = _text(first)
        if label.strip():
            return label
    match = _TEXT_LABEL.match(text)
    return match.group(1) if match else None


def _label_key(el: _Element, path: str, text: str, words: int, link_words: int) -> str:
    """The key of ``el``'s path and leading label when ``el`` is a short labelled block
    (a label of a few words, then links or a number), else "". A label before words is
    a field of the page's own ("Job title: Customer Service Representative")."""
    if words > LABEL_MAX_BLOCK_WORDS or next(el.iter(*_NOT_LABELLED), None) is not None:
        return ""  # (a list, a table or a definition, or one of their parts)
    if any(a.tag in _NOT_LABELLED for a in el.iterancestors()):
        return ""
    label = _leading_label(el, text)
    if label is None:
        return ""
    label_words = _count(label)
    rest = words - label_words
    if not 0 < label_words <= LABEL_MAX_WORDS or rest <= 0:
        return ""
    if link_words >= 0.6 * rest:
        return text_key(f"{path}\x00{label}")  # (a label before links)
    after = text.split(label, 1)[-1]
    if rest > LABEL_MAX_REST_WORDS or not after.strip() or _mostly_words(after):
        return ""
    if _in_record(el):
        return ""
    return text_key(f"{path}\x00{label}")  # (a label before a number)


def _in_record(el: _Element) -> bool:
    """Is ``el`` a field of a record: has it a sibling that is a label before words
    ("Company: Summit Insurance Group" beside "Expected salary: $19 - 22 per hour")?"""
    parent = el.getparent()
    for sibling in parent if parent is not None else ():
        if sibling is el or not isinstance(sibling.tag, str):
            continue
        text = _text(sibling)
        if not text or _count(text) > LABEL_MAX_BLOCK_WORDS:
            continue
        label = _leading_label(sibling, text)
        if label is not None and _mostly_words(text.split(label, 1)[-1]):
            return True
    return False


def page_blocks(page: str | bytes | _Element, url: str | None = None) -> list[Block]:
    """The blocks of a page (HTML or an lxml tree), for :meth:`SiteTemplate.observe`:
    parsed as the extraction parses it (:func:`.decode.parse`), so the paths match."""
    root = page if isinstance(page, _Element) else parse(decode(page))
    return [block for _, block in iter_blocks(root, url)]


@dataclass
class PathStats:
    pages: int = 0  # distinct pages where the path occurs
    link_heavy: int = 0  # ... where it is link-dominated with several own links
    texts: set[str] = field(default_factory=set)  # a few of its text keys (to see variation)


@dataclass
class Removal:
    """One block removed by a template rule, with the evidence."""

    rule: str  # "recurring-text", "recurring-link-list" or "recurring-label"
    path: str
    evidence: str
    text: str  # the start of the removed text


@dataclass
class TemplateRules:
    """What is template on one site: picklable, applied to one page's tree."""

    host: str
    texts: dict[str, int]  # text key -> pages it occurs on
    link_lists: dict[str, int]  # path -> pages where it is a link list
    pages: int  # pages the rules were learned from
    labels: dict[str, int] = field(default_factory=dict)  # label key -> pages
    link_density: float = 0.6
    min_own_links: int = 3
    max_removed_share: float = 0.6
    max_list_share: float = 0.4

    def __bool__(self) -> bool:
        return bool(self.texts or self.link_lists or self.labels)

    def select(
        self,
        root: _Element,
        url: str | None = None,
        blocks: list[tuple[_Element, Block]] | None = None,
    ) -> list[tuple[_Element, Removal]]:
        """The template blocks of a page's tree, outermost first, each with why (none
        when they would take more than ``max_removed_share`` of the page). ``blocks``:
        the page's :func:`iter_blocks`, when already computed."""
        body = root.find(".//body")
        total = _count(_text(body if body is not None else root)) or 1
        chosen: list[tuple[_Element, Removal, int]] = []
        taken: set[_Element] = set()
        for el, block in blocks if blocks is not None else iter_blocks(root, url):
            if not block.words or block.words > 0.5 * total:
                continue  # empty, or holding most of the page: not template
            if any(anc in taken for anc in el.iterancestors()):
                continue  # inside a block already taken
            removal = self._match(block, el)
            if removal is not None:
                chosen.append((el, removal, block.words))
                taken.add(el)
        chosen = self._keep_main_lists(chosen, total)
        removed_words = sum(words for _, _, words in chosen)
        if removed_words > self.max_removed_share * total:
            return []
        return [(el, removal) for el, removal, _ in chosen]

    def _keep_main_lists(
        self, chosen: list[tuple[_Element, Removal, int]], total: int
    ) -> list[tuple[_Element, Removal, int]]:
        """Leave the cards of a listing page alone: sibling link lists that together
        hold more than ``max_list_share`` of the page are its content (a shop's product
        grid), however alike its cards look across the site's pages."""
        per_parent: dict[_Element | None, int] = {}
        for el, removal, words in chosen:
            if removal.rule == "recurring-link-list":
                parent = el.getparent()
                per_parent[parent] = per_parent.get(parent, 0) + words
        main = {p for p, words in per_parent.items() if words > self.max_list_share * total}
        return [
            c
            for c in chosen
            if not (c[1].rule == "recurring-link-list" and c[0].getparent() in main)
        ]

    def _match(self, block: Block, el: _Element) -> Removal | None:
        seen = self.texts.get(block.key)
        if seen is not None:
            return Removal(
                "recurring-text",
                block.path,
                f"same text on {seen}/{self.pages} pages",
                _preview(el),
            )
        labelled = self.labels.get(block.label) if block.label else None
        if labelled is not None:
            return Removal(
                "recurring-label",
                block.path,
                f"same leading words at this place on {labelled}/{self.pages} pages",
                _preview(el),
            )
        lists = self.link_lists.get(block.path)
        if (
            lists is not None
            and block.own_links >= self.min_own_links
            and block.link_words >= self.link_density * block.words
        ):
            return Removal(
                "recurring-link-list",
                block.path,
                f"link list at this place on {lists}/{self.pages} pages, "
                f"{block.link_words}/{block.words} words in links",
                _preview(el),
            )
        return None


def _preview(el: _Element, size: int = 80) -> str:
    text = _WS.sub(" ", _text(el)).strip()
    return text if len(text) <= size else text[: size - 1] + "…"


class SiteTemplate:
    """Per-host statistics of page blocks, learned page by page."""

    def __init__(
        self,
        host: str,
        *,
        min_pages: int = MIN_TEMPLATE_PAGES,
        min_share: float = 0.2,
        link_density: float = 0.6,
        min_own_links: int = 3,
        max_keys: int = 50_000,
    ) -> None:
        self.host = host
        self.min_pages = min_pages
        self.min_share = min_share
        self.link_density = link_density
        self.min_own_links = min_own_links
        self.max_keys = max_keys
        self.pages = 0
        self.texts: dict[str, int] = {}
        self.paths: dict[str, PathStats] = {}
        #: label key -> pages it occurs on, and a few of the texts it leads (to see
        #: that what follows it changes)
        self.labels: dict[str, PathStats] = {}

    @property
    def threshold(self) -> int:
        """Distinct pages a block must recur on to be template."""
        return max(self.min_pages, round(self.min_share * self.pages))

    def observe(self, blocks: Iterable[Block]) -> None:
        """Count one page's blocks (each key and path once per page)."""
        self.pages += 1
        keys: set[str] = set()
        paths: dict[str, bool] = {}
        labels: dict[str, str] = {}
        for b in blocks:
            if b.key:
                keys.add(b.key)
            if b.label:
                labels.setdefault(b.label, b.variant)
            heavy = (
                b.words > 0
                and b.own_links >= self.min_own_links
                and b.link_words >= self.link_density * b.words
            )
            paths[b.path] = paths.get(b.path, False) or heavy
            if heavy:
                stats = self.paths.setdefault(b.path, PathStats())
                if len(stats.texts) < 8:
                    stats.texts.add(b.key)
        for key in keys:
            self.texts[key] = self.texts.get(key, 0) + 1
        for path, heavy in paths.items():
            if path not in self.paths and not heavy:
                continue  # only paths that have been link lists are worth tracking
            stats = self.paths.setdefault(path, PathStats())
            stats.pages += 1
            stats.link_heavy += heavy
        for label, key in labels.items():
            stats = self.labels.setdefault(label, PathStats())
            stats.pages += 1
            if len(stats.texts) < 8:
                stats.texts.add(key)
        self._bound()

    def _bound(self) -> None:
        """Forget one-off texts (article paragraphs) once the table is large."""
        if len(self.texts) > self.max_keys:
            self.texts = {k: n for k, n in self.texts.items() if n > 1}
        if len(self.labels) > self.max_keys:
            self.labels = {k: s for k, s in self.labels.items() if s.pages > 1}

    def rules(self) -> TemplateRules:
        need = self.threshold
        texts = {k: n for k, n in self.texts.items() if n >= need}
        lists = {
            path: s.link_heavy
            for path, s in self.paths.items()
            if s.link_heavy >= need and s.link_heavy >= 0.8 * s.pages and len(s.texts) > 1
        }
        # (a label whose whole text recurs is recurring text already)
        labels = {
            key: s.pages for key, s in self.labels.items() if s.pages >= need and len(s.texts) > 1
        }
        return TemplateRules(
            self.host,
            texts,
            lists,
            self.pages,
            labels=labels,
            link_density=self.link_density,
            min_own_links=self.min_own_links,
        )

    # -- persistence -----------------------------------------------------
    def to_json(self) -> str:
        return json.dumps(
            {
                "host": self.host,
                "pages": self.pages,
                "texts": self.texts,
                "paths": {
                    p: [s.pages, s.link_heavy, sorted(s.texts)] for p, s in self.paths.items()
                },
                "labels": {k: [s.pages, sorted(s.texts)] for k, s in self.labels.items()},
            }
        )

    @classmethod
    def from_json(cls, data: str, **options: Any) -> SiteTemplate:
        raw = json.loads(data)
        model = cls(raw["host"], **options)
        model.pages = int(raw["pages"])
        model.texts = {k: int(v) for k, v in raw["texts"].items()}
        model.paths = {
            p: PathStats(int(v[0]), int(v[1]), set(v[2])) for p, v in raw["paths"].items()
        }
        model.labels = {  # (absent from models stored before labels were learned)
            k: PathStats(int(v[0]), 0, set(v[1])) for k, v in raw.get("labels", {}).items()
        }
        return model


def line_key(text: str) -> str:
    """A line as the extraction may write it: case, digits and all spaces folded
    (inline elements may join with or without a space)."""
    return _WS.sub("", _DIGITS.sub("0", text.casefold()))


@dataclass
class TemplateLines:
    """The lines a page's template blocks could give the article: each block's whole
    text, and the texts of its parts (blocks and links inside it). Headings are not
    among them: pages of one site share their section titles ("About this item",
    "System requirements"), which are their content."""

    whole: set[str] = field(default_factory=set)
    parts: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, elements: Iterable[_Element]) -> TemplateLines:
        lines = cls()
        for el in elements:
            text = _text(el)
            if text.strip() and el.tag not in HEADINGS:
                lines.whole.add(line_key(text))
            for node in el.iterdescendants():
                if isinstance(node.tag, str) and (_is_block(node) or node.tag == "a"):
                    part = _text(node)
                    if part.strip() and node.tag not in HEADINGS:
                        lines.parts.add(line_key(part))
        return lines

    def __bool__(self) -> bool:
        return bool(self.whole or self.parts)

    def kept(self, paragraphs: list[str]) -> list[str]:
        """``paragraphs`` without the template's lines: a whole block's text, a part of
        ``TEMPLATE_PART_MIN_WORDS`` words, or a shorter part next to another (a menu's
        items), also when pieced together of parts."""
        keys = [line_key(p) for p in paragraphs]
        whole = [k in self.whole for k in keys]
        part = [w or self._pieced(k) for w, k in zip(whole, keys, strict=True)]
        return [
            p
            for i, p in enumerate(paragraphs)
            if not (
                whole[i]
                or (
                    part[i]
                    and (
                        _count(p) >= TEMPLATE_PART_MIN_WORDS
                        or any(part[max(i - 1, 0) : i])
                        or any(part[i + 1 : i + 2])
                    )
                )
            )
        ]

    def _pieced(self, line: str) -> bool:
        """Is ``line`` (a :func:`line_key`) written of parts, one after another? Only
        short lines: prose is never pieced together."""
        if line in self.parts:
            return True
        if len(line) > TEMPLATE_PIECED_MAX_CHARS:
            return False
        ends = [True] + [False] * len(line)  # ends[i]: line[:i] is written of parts
        for i in range(len(line)):
            if ends[i]:
                for j in range(i + 2, len(line) + 1):
                    if not ends[j] and line[i:j] in self.parts:
                        ends[j] = True
        return ends[-1]
